"""Warming the embedded store: the indexes a first request would build are there before it comes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainkg.app.settings import Settings
from chainkg.app.warmup import start_warming, warm
from chainkg.queries import search
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from chainkg.store.nx_index import is_cached as built

#: Index keys (chainkg.store.nx_index.cached) that a search, a gap analysis, a recommendation and a
#: listing build on first use.
INDEXES = ["search_keys", "place_index", "segment_links", "members_by_segment", "ownership", "counts"]


@pytest.fixture
def store(dezhou: MemoryStore) -> MemoryStore:
    """A private copy: a new graph object starts with empty caches."""
    return MemoryStore(dezhou.graph.copy(), dezhou.manifest())


def test_warm_builds_the_indexes_requests_use(store: MemoryStore) -> None:
    graph = store.graph
    assert not any(built(graph, key) for key in INDEXES), "a new graph starts cold"
    assert warm(store) > 0
    assert [key for key in INDEXES if not built(graph, key)] == []
    # and they are the indexes requests read: a search answers from the same key index
    assert store.run(search.QUERY, search.Params(text="有研")).hits


def test_a_write_makes_the_warmed_indexes_stale(store: MemoryStore, tmp_path: Path) -> None:
    from tests.conftest import load_dataset

    warm(store)
    load_dataset(store, report_dir=tmp_path)  # loading again changes nothing, but it is a write
    assert not built(store.graph, "search_keys")


def test_nothing_to_warm_is_not_an_error() -> None:
    assert warm(MemoryStore()) == 0.0
    no_home = MemoryStore()
    no_home.graph.add_node("chain:x", kind="Chain", name="x")
    assert warm(no_home) >= 0.0, "a graph without a home region warms what it can"
    assert start_warming(object()) is None  # type: ignore[arg-type]  # a store that keeps its own caches


def test_the_app_warms_the_store_it_serves(store: MemoryStore, tmp_path: Path) -> None:
    app = create_app(Settings(home=tmp_path), store)
    with TestClient(app) as client:
        thread = app.state.warming
        assert thread is not None and thread.name == "chainkg-warmup"
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert [key for key in INDEXES if not built(store.graph, key)] == []
        assert client.get("/readyz").status_code == 200
