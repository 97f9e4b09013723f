"""Backup and restore on the embedded store: an export loads back into the same graph (every
property, source, evidence and claim), backups keep the newest N, a restore puts a snapshot back and
is audited. (The same round trip through a real Neo4j: ``tests/neo4j/test_export.py``.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.app.audit import read_audit
from chainkg.app.settings import Settings
from chainkg.cli import app as cli
from chainkg.loaders import default_loaders
from chainkg.loaders.export import EXPORT_MANIFEST, NODES
from chainkg.loaders.pipeline import FILE_REJECTED, run_load
from chainkg.store.memory import MemoryStore
from tests.app.test_recovery import registry_csv
from tests.conftest import DATASET, load_dataset
from tests.hostile.corpus import FILES
from tests.neo4j.contents import memory_contents


def graph_of(store: MemoryStore) -> dict[str, object]:
    contents = memory_contents(store)
    return {"nodes": contents["nodes"], "edges": contents["edges"]}


def build_rich_graph(root: Path) -> MemoryStore:
    """Dezhou plus a registry with conflicting rows: curated facts, claims, disputes, row sources."""
    store = MemoryStore()
    load_dataset(store)
    conflicts = root / "conflicts.csv"
    conflicts.write_bytes(next(c for c in FILES if c.name == "duplicate_credit_code.csv").content())
    run_load(store, [conflicts, registry_csv(root / "r.csv", 30)], default_loaders())
    assert any(attrs.get("disputed") for _, attrs in store.graph.nodes(data=True))
    return store


@pytest.fixture(scope="module")
def rich_graph(tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    return build_rich_graph(tmp_path_factory.mktemp("rich"))


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_export_then_load_gives_the_same_graph(rich_graph: MemoryStore, tmp_path: Path) -> None:
    home = tmp_path / "home"
    MemoryStore(rich_graph.graph.copy(), rich_graph.manifest()).save(home / "memory.snapshot")
    out = run("export", str(tmp_path / "export"), "--home", str(home))
    assert "exported" in out and (tmp_path / "export" / EXPORT_MANIFEST).exists()
    run("load", "--reset", str(tmp_path / "export"), "--no-progress", "--home", str(tmp_path / "restored"))
    restored = MemoryStore.open(tmp_path / "restored" / "memory.snapshot")
    assert graph_of(restored) == graph_of(rich_graph)
    assert [m.loader for m in restored.manifest()] == ["export"], "rebuildable from the export itself"


def test_a_damaged_export_is_refused_whole(rich_graph: MemoryStore, tmp_path: Path) -> None:
    from chainkg.app.backup import export_graph

    export_graph(rich_graph, tmp_path / "export")
    nodes = tmp_path / "export" / NODES
    nodes.write_bytes(nodes.read_bytes()[:-300])
    (report,) = run_load(MemoryStore(), [tmp_path / "export"], default_loaders())
    assert report.records_loaded == 0
    assert [r.action for r in report.rejects] == [FILE_REJECTED] and "damaged" in report.rejects[0].reason


def test_backups_keep_the_newest_and_restore_puts_one_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = tmp_path / "dataset"
    shutil.copytree(DATASET, dataset)
    monkeypatch.setenv("CHAINKG_DATASET", str(dataset))
    home = tmp_path / "home"
    settings = Settings(home=home, dataset=dataset)
    run("load", str(registry_csv(tmp_path / "a.csv", 5, prefix="备份甲")), "--no-progress", "--home", str(home))
    for _ in range(3):
        run("backup", "--keep", "2", "--home", str(home))
    backups = sorted((home / "backups").iterdir())
    assert len(backups) == 2
    before = graph_of(MemoryStore.open(settings.snapshot_path))
    run("load", str(registry_csv(tmp_path / "b.csv", 5, prefix="备份乙")), "--no-progress", "--home", str(home))
    assert graph_of(MemoryStore.open(settings.snapshot_path)) != before

    out = run("restore", backups[-1].name, "--home", str(home))
    assert "restored" in out
    assert graph_of(MemoryStore.open(settings.snapshot_path)) == before
    assert list(home.glob("memory.snapshot.replaced-*")), "the snapshot it replaced is kept"
    entries, _ = read_audit(home, limit=1)
    assert entries[0].action == "restore" and entries[0].outcome == "ok" and entries[0].actor.via == "cli"
    listing = json.loads(run("audit", "--json", "--home", str(home)))
    assert [e["action"] for e in listing["entries"]][:2] == ["restore", "load"]
