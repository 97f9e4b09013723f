"""Shared fixtures: the bundled Dezhou dataset loaded into a store, and a clean state directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loaders import default_loaders
from loaders.pipeline import LoadReport, run_load
from queries.memory_store import MemoryStore

REPO = Path(__file__).resolve().parent.parent
DATASET = REPO / "data" / "dezhou"


def _seeds() -> Path:
    """The source articles of the dataset: $CHAINKG_SEEDS, else the workplace's shared/seeds."""
    candidates = [os.environ.get("CHAINKG_SEEDS", ""), REPO.parent / "shared" / "seeds", "/work/shared/seeds"]
    return next((Path(c) for c in candidates if c and Path(c).is_dir()), Path(candidates[1]))


SEEDS = _seeds()


def load_dataset(store: MemoryStore, path: Path = DATASET, report_dir: Path | None = None) -> LoadReport:
    (report,) = run_load(store, [path], default_loaders(), report_dir=report_dir)
    return report


@pytest.fixture(scope="session")
def dezhou() -> MemoryStore:
    """The Dezhou graph, loaded once per test session. Tests must not modify it."""
    store = MemoryStore()
    report = load_dataset(store)
    assert report.rejects == [], report.rejects
    return store


@pytest.fixture
def fresh_store() -> MemoryStore:
    return MemoryStore()
