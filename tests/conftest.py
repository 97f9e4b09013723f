"""Shared fixtures: the bundled graph (the Dezhou dataset, then the national one) loaded into a store,
and a clean state directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import LoadReport, run_load
from chainkg.store.memory import MemoryStore

REPO = Path(__file__).resolve().parent.parent
DATASET = REPO / "data" / "dezhou"
NATIONAL = REPO / "data" / "national"
#: What a new store is built from by default (chainkg.paths.BUNDLED_DATASETS), in load order.
BUNDLED = (DATASET, NATIONAL)
POLICIES = REPO / "data" / "policies"
#: A fictitious monthly project ledger (leads, status changes, investment) over the Dezhou graph.
LEDGER = REPO / "tests" / "fixtures" / "ledger"


def shared(*parts: str) -> Path:
    """A folder of the chainkg workplace's read-only ``shared/`` material (seed articles, external
    data): $CHAINKG_SHARED, else beside this checkout, else the workplace's usual place."""
    candidates = [os.environ.get("CHAINKG_SHARED", ""), str(REPO.parent / "shared"), "/work/shared"]
    paths = [Path(c, *parts) for c in candidates if c]
    return next((p for p in paths if p.exists()), paths[0])


SEEDS = Path(os.environ["CHAINKG_SEEDS"]) if os.environ.get("CHAINKG_SEEDS") else shared("seeds")


def load_dataset(store: MemoryStore, path: Path | None = None, report_dir: Path | None = None) -> LoadReport:
    """Load one dataset, or by default the bundled graph (its reports summed into one)."""
    reports = run_load(store, [path] if path else list(BUNDLED), default_loaders(), report_dir=report_dir)
    total = LoadReport(loader=reports[0].loader)
    for report in reports:
        total.files += report.files
        total.records_read += report.records_read
        total.records_loaded += report.records_loaded
        total.rejects += report.rejects
        total.write.add(report.write)
        total.seconds += report.seconds
    return total


@pytest.fixture(scope="session")
def dezhou() -> MemoryStore:
    """The bundled graph (Dezhou and national), loaded once per test session. Tests must not modify it."""
    store = MemoryStore()
    report = load_dataset(store)
    assert report.rejects == [], report.rejects
    return store


@pytest.fixture
def fresh_store() -> MemoryStore:
    return MemoryStore()


def load_pipeline(store: MemoryStore) -> list[LoadReport]:
    """The Dezhou dataset, its policies and the test ledger, as the pipeline and policy tests use them."""
    return [load_dataset(store), *run_load(store, [POLICIES, LEDGER], default_loaders())]


@pytest.fixture(scope="session")
def dezhou_pipeline() -> MemoryStore:
    """Dezhou with its policies and the test ledger, loaded once per session. Tests must not modify it."""
    store = MemoryStore()
    reports = load_pipeline(store)
    assert all(r.rejects == [] for r in reports), [r.rejects for r in reports]
    return store
