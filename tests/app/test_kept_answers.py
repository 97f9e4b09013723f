"""A snapshot's kept answers (format 3): the start pages' calls are answered from the snapshot while
its graph is still being built — through the real app, with the same JSON the graph gives — and never
once the graph has changed, nor by another version of the code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from chainkg.app.settings import Settings
from chainkg.app.warmup import kept_answers
from chainkg.queries import gaps, stats
from chainkg.queries.common import home_region
from chainkg.schema.kinds import NodeKind
from chainkg.server import create_app
from chainkg.store import snapshot
from chainkg.store.memory import MemoryStore
from chainkg.store.nx_index import nodes_of_kind


class _NeverBuilt:
    """Stands for a graph still being built: anything that needs the graph fails the test."""

    done = False

    def result(self) -> nx.MultiDiGraph[str]:
        raise AssertionError("this call waited for the graph")


@pytest.fixture(scope="module")
def saved(dezhou: MemoryStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kept") / "memory.snapshot"
    MemoryStore(dezhou.graph.copy(), dezhou.manifest()).save(path, answers=kept_answers(dezhou))
    return path


def _building(path: Path) -> MemoryStore:
    store = MemoryStore.open(path)
    store.wait()
    store._pending = _NeverBuilt()  # type: ignore[assignment]
    return store


def _start_pages(graph: nx.MultiDiGraph[str]) -> list[str]:
    chain = quote(nodes_of_kind(graph, NodeKind.CHAIN)[0], safe=":")
    home = quote(home_region(graph), safe=":")
    return [
        "/api/v1/stats",
        "/api/v1/chains",
        f"/api/v1/chains/{chain}/gaps",
        f"/api/v1/chains/{chain}/map",
        f"/api/v1/chains/{chain}/gaps?scope={home}",
        f"/api/v1/places/{home}/profile",
    ]


def _client(store: MemoryStore, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(home=tmp_path / "home", watch_seconds=0), store)) as client:
        yield client


def test_the_start_pages_answer_before_the_graph_is_built_as_the_graph_would(
    dezhou: MemoryStore, saved: Path, tmp_path: Path
) -> None:
    urls = _start_pages(dezhou.graph)
    expected: dict[str, Any] = {}
    for client in _client(MemoryStore(dezhou.graph.copy(), dezhou.manifest()), tmp_path / "a"):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.text)
            expected[url] = response.json()
    for client in _client(_building(saved), tmp_path / "b"):
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["graph"] == "building"
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.text)
            assert response.json() == expected[url], url


def test_kept_answers_go_once_the_graph_changes_and_come_only_from_the_same_code(
    dezhou: MemoryStore, saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = nodes_of_kind(dezhou.graph, NodeKind.CHAIN)[0]
    params = gaps.Params(chain=chain)
    store = MemoryStore.open(saved)
    assert store.run(gaps.QUERY, params) == dezhou.run(gaps.QUERY, params)
    assert store.node(chain) == dezhou.node(chain)
    store.set_node_props({chain: {"name": "改过的名字"}})  # a write: the kept answers no longer hold
    assert store.run(gaps.QUERY, params).chain.name == "改过的名字"
    assert store.counts() == dezhou.counts()  # counted from the graph again, which has the same nodes

    monkeypatch.setattr(snapshot, "code_digest", lambda: "another version")
    other = MemoryStore.open(saved)
    assert other._answers == {} and other._kept_nodes == {}
    assert other.run(stats.QUERY, stats.Params()) == dezhou.run(stats.QUERY, stats.Params())
