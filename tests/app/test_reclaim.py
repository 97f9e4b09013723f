"""A replaced graph is freed in the background a slice at a time, and only once nothing reads it."""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pytest

from chainkg.app import reclaim
from chainkg.app.state import publish
from chainkg.store.memory import MemoryStore


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(reclaim, "POLL_S", 0.01)
    monkeypatch.setattr(reclaim, "SLICE", 7)
    yield


def _eventually(condition: Callable[[], bool], within_s: float = 20.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _graph(n: int = 100) -> nx.MultiDiGraph[str]:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for i in range(n):
        graph.add_node(f"n{i}", kind="Enterprise", name=f"企业{i}")
        graph.add_edge(f"n{i}", f"n{(i + 1) % n}", kind="SUPPLIES")
    return graph


def test_a_graph_nobody_reads_is_emptied_and_freed() -> None:
    graph = _graph()
    gone = weakref.ref(graph)
    before = reclaim.reclaimed()
    reclaim.reclaim(graph)
    del graph
    assert _eventually(lambda: gone() is None and reclaim.reclaimed() > before)  # others may be freed too


def test_a_reader_keeps_the_whole_graph_until_it_lets_go() -> None:
    graph = _graph()
    reader = graph  # a request still answering on the old graph
    reclaim.reclaim(graph)
    del graph
    time.sleep(0.2)  # many polls of the reclaim thread
    assert reclaim.pending(reader) == 1
    assert reader.number_of_nodes() == 100 and reader.number_of_edges() == 100
    assert sorted(reader.successors("n5")) == ["n6"]
    gone = weakref.ref(reader)
    del reader
    assert _eventually(lambda: gone() is None)


def test_a_view_of_its_adjacency_handed_out_alone_also_keeps_it() -> None:
    graph = _graph()
    adjacency = graph.succ  # a view holding the successor table, not the graph
    gone = weakref.ref(graph)
    reclaim.reclaim(graph)
    del graph
    time.sleep(0.2)
    gc.collect()
    assert len(adjacency) == 100 and list(adjacency["n1"]) == ["n2"]
    kept = gone()
    assert kept is not None and reclaim.pending(kept) == 1  # kept whole while its table is looked into
    assert kept.number_of_edges() == 100
    del kept
    del adjacency
    assert _eventually(lambda: gone() is None)


def test_publishing_a_new_store_hands_the_old_graph_over(tmp_path: Path) -> None:
    state = SimpleNamespace()
    old = MemoryStore(_graph())
    publish(state, old)
    gone = weakref.ref(old.graph)
    publish(state, MemoryStore(_graph(10)))
    assert reclaim.pending(old.graph) == 1  # handed over; the old store (the test's ``old``) still holds it
    assert old.graph.number_of_nodes() == 100
    del old
    assert _eventually(lambda: gone() is None)
    assert state.store.graph.number_of_nodes() == 10
