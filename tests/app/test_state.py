"""Opening the embedded store: first run builds, fresh snapshot serves, stale or corrupt rebuilds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chainkg.app.settings import Settings
from chainkg.app.state import StateError, open_store
from tests.conftest import DATASET


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    dataset = tmp_path / "dataset"
    shutil.copytree(DATASET, dataset)
    return Settings(home=tmp_path / "home", dataset=dataset)


def test_first_open_builds_then_serves_snapshot(settings: Settings) -> None:
    first = open_store(settings)
    assert first.origin == "built" and settings.snapshot_path.exists()
    second = open_store(settings)
    assert second.origin == "snapshot"
    assert second.store.counts() == first.store.counts()


def test_changed_input_makes_the_snapshot_stale_and_it_is_rebuilt(settings: Settings) -> None:
    open_store(settings)
    projects = settings.dataset[0] / "projects.yaml"
    projects.write_text(
        projects.read_text(encoding="utf-8")
        + "\n- name: 新增测试项目\n  total_investment: 1亿元\n  sources: [seed-004]\n",
        encoding="utf-8",
    )
    reopened = open_store(settings)
    assert reopened.origin == "rebuilt" and "stale" in reopened.reason
    assert reopened.store.node("proj:新增测试项目") is not None
    assert open_store(settings).origin == "snapshot"  # the rebuilt snapshot is fresh


def test_touched_but_unchanged_input_is_still_fresh(settings: Settings) -> None:
    open_store(settings)
    (settings.dataset[0] / "projects.yaml").touch()
    assert open_store(settings).origin == "snapshot"


def test_corrupt_snapshot_is_rebuilt_not_served(settings: Settings) -> None:
    built = open_store(settings)
    data = bytearray(settings.snapshot_path.read_bytes())
    data[-10] ^= 0xFF
    settings.snapshot_path.write_bytes(bytes(data))
    reopened = open_store(settings)
    assert reopened.origin == "rebuilt" and "corrupt" in reopened.reason
    assert reopened.store.counts() == built.store.counts()


def test_stale_snapshot_with_vanished_input_is_an_error(settings: Settings) -> None:
    open_store(settings)
    shutil.rmtree(settings.dataset[0])
    with pytest.raises(StateError, match="no longer exist"):
        open_store(settings)
