"""Nothing is ever lost at a start: a damaged snapshot is set aside and the graph rebuilt from every
input it was built from — or the start fails saying so — never silently from the bundled data alone;
temporary files of interrupted writes are removed."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.app.settings import Settings
from chainkg.app.state import StateError, open_store
from chainkg.cli import app as cli
from chainkg.schema.kinds import NodeKind
from chainkg.store.memory import MemoryStore
from chainkg.store.snapshot import MAGIC
from tests.conftest import DATASET


def registry_csv(path: Path, rows: int, prefix: str = "德州测试") -> Path:
    """An enterprise list of ``rows`` distinct enterprises, as a registry export."""
    lines = ["企业名称,注册资本(万元),地址"]
    lines += [f"{prefix}{i:05d}科技有限公司,{100 + i},山东省德州市德城区{i}号" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    dataset = tmp_path / "dataset"
    shutil.copytree(DATASET, dataset)
    monkeypatch.setenv("CHAINKG_DATASET", str(dataset))  # for the CLI run in this process
    return Settings(home=tmp_path / "home", dataset=dataset, lock_wait=5)


def enterprises(store: object) -> int:
    assert isinstance(store, MemoryStore)
    return store.counts().nodes[NodeKind.ENTERPRISE.value]


@pytest.fixture
def loaded(settings: Settings, tmp_path: Path) -> int:
    """The bundled graph plus a registry of 40 enterprises, saved as a snapshot; its enterprise count."""
    open_store(settings)
    csv = registry_csv(tmp_path / "registry.csv", 40)
    result = CliRunner().invoke(cli, ["load", str(csv), "--no-progress", "--home", str(settings.home)])
    assert result.exit_code == 0, result.output
    # built before the tests rewrite the file in place: a build still reading the mapped file would die of SIGBUS
    count = enterprises(MemoryStore.open(settings.snapshot_path).wait())
    assert count >= 75
    return count


def truncate_header(path: Path) -> bytes:
    """Cut the snapshot inside its header line (what the tester did); returns the original bytes."""
    data = path.read_bytes()
    path.write_bytes(data[: len(MAGIC) + 40])
    return data


def test_damaged_header_is_set_aside_and_every_input_rebuilt(settings: Settings, loaded: int) -> None:
    original = truncate_header(settings.snapshot_path)
    opened = open_store(settings)
    assert enterprises(opened.store) == loaded, "rebuilt from the registry too, not the bundled data alone"
    assert opened.origin == "rebuilt" and "moved aside" in opened.reason
    assert opened.set_aside is not None and opened.set_aside.name.startswith("memory.snapshot.corrupt-")
    assert opened.set_aside.read_bytes() == original[: len(MAGIC) + 40], "the damaged file is kept"
    assert enterprises(MemoryStore.open(settings.snapshot_path)) == loaded
    assert open_store(settings).origin == "snapshot"


def test_corrupt_body_is_set_aside_and_rebuilt_from_its_header(settings: Settings, loaded: int) -> None:
    data = bytearray(settings.snapshot_path.read_bytes())
    data[-10] ^= 0xFF
    settings.snapshot_path.write_bytes(bytes(data))
    opened = open_store(settings)
    assert opened.origin == "rebuilt" and enterprises(opened.store) == loaded
    kept = list(settings.home.glob("memory.snapshot.corrupt-*"))
    assert [p.read_bytes() for p in kept] == [bytes(data)], "the damaged file is kept, named"


def test_without_any_list_of_inputs_the_start_fails_and_keeps_failing(settings: Settings, loaded: int) -> None:
    truncate_header(settings.snapshot_path)
    (settings.home / "memory.snapshot.manifest.json").unlink(missing_ok=True)
    with pytest.raises(StateError, match=r"moved aside to .*refusing to start from the bundled data alone"):
        open_store(settings)
    assert not settings.snapshot_path.exists()
    assert len(list(settings.home.glob("memory.snapshot.corrupt-*"))) == 1
    with pytest.raises(StateError, match="damaged one set aside earlier"):
        open_store(settings)  # the next start does not quietly bootstrap either


def test_a_deleted_snapshot_is_rebuilt_from_its_manifest(settings: Settings, loaded: int) -> None:
    settings.snapshot_path.unlink()
    opened = open_store(settings)
    # the bundled dataset and its policies, then the registry
    assert opened.origin == "rebuilt" and "manifest lists 3 input(s)" in opened.reason
    assert enterprises(opened.store) == loaded


def test_rebuild_with_a_vanished_input_fails_naming_it_and_keeps_the_snapshot(
    settings: Settings, loaded: int, tmp_path: Path
) -> None:
    truncate_header(settings.snapshot_path)
    (tmp_path / "registry.csv").unlink()
    with pytest.raises(StateError, match=r"moved aside to .*registry\.csv no longer exist"):
        open_store(settings)
    assert list(settings.home.glob("memory.snapshot.corrupt-*"))


def test_stale_temporary_files_are_removed_at_start(settings: Settings) -> None:
    open_store(settings)
    leftovers = [
        settings.home / "memory.snapshot.k2j3h4.tmp",  # the old writer's mkstemp name
        settings.home / ".memory.snapshot.0a1b2c.tmp",  # chainkg.store.files.atomic_write
        settings.home / ".candidates.jsonl.99aa.tmp",
    ]
    upload_part = settings.uploads_dir / ".upload-1234.tmp"
    fresh_part = settings.uploads_dir / ".upload-5678.tmp"
    settings.uploads_dir.mkdir(parents=True)
    for path in [*leftovers, upload_part, fresh_part]:
        path.write_bytes(b"half a write")
    hours_ago = time.time() - 3 * 3600
    os.utime(upload_part, (hours_ago, hours_ago))
    keep = settings.home / "notes.txt"
    keep.write_text("not ours to delete", encoding="utf-8")

    assert open_store(settings).origin == "snapshot"
    assert not any(p.exists() for p in [*leftovers, upload_part])
    assert fresh_part.exists(), "an upload may still be arriving: only old partial uploads go"
    assert keep.exists() and settings.snapshot_path.exists()
