"""Derived indexes over the embedded graph, built once per graph version and reused by queries.

Queries at city scale must answer in milliseconds; scanning tens of thousands of LOCATED_IN edges
per request would not. These helpers memoise what every chain query needs — which places a scope
covers, which enterprises and projects sit there, who is in each segment — keyed by the graph
object and its mutation counter (``graph.graph["version"]``, bumped by every store write) plus its
node count, so any change made through a store rebuilds them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import networkx as nx

from graph_schema.kinds import EdgeKind, NodeKind

__all__ = ["cached", "located_in_places", "members_by_segment", "nodes_of_kind", "places_under"]

T = TypeVar("T")
_CACHES: weakref.WeakKeyDictionary[nx.MultiDiGraph, tuple[tuple[int, int], dict[Hashable, Any]]] = (
    weakref.WeakKeyDictionary()
)


def cached(graph: nx.MultiDiGraph, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per graph state; later calls with the same key return the stored value."""
    # number_of_nodes is O(1); number_of_edges would walk the whole graph on every call.
    stamp = (graph.graph.get("version", 0), graph.number_of_nodes())
    entry = _CACHES.get(graph)
    if entry is None or entry[0] != stamp:
        entry = (stamp, {})
        _CACHES[graph] = entry
    store = entry[1]
    if key not in store:
        store[key] = build()
    return store[key]


def nodes_of_kind(graph: nx.MultiDiGraph, kind: NodeKind) -> tuple[str, ...]:
    """All node ids of a kind, sorted."""
    return cached(
        graph,
        ("kind", kind),
        lambda: tuple(sorted(n for n, k in graph.nodes(data="kind") if k == kind.value)),
    )


def places_under(graph: nx.MultiDiGraph, root: str) -> frozenset[str]:
    """The root place and every region and park inside it (PART_OF regions, LOCATED_IN parks)."""

    def build() -> frozenset[str]:
        seen = {root}
        stack = [root]
        while stack:
            place = stack.pop()
            for child, _, kind in graph.in_edges(place, data="kind"):
                if child in seen:
                    continue
                child_kind = graph.nodes[child]["kind"]
                if (kind == EdgeKind.PART_OF.value and child_kind == NodeKind.REGION.value) or (
                    kind == EdgeKind.LOCATED_IN.value and child_kind == NodeKind.PARK.value
                ):
                    seen.add(child)
                    stack.append(child)
        return frozenset(seen)

    return cached(graph, ("places", root), build)


def located_in_places(graph: nx.MultiDiGraph, root: str) -> frozenset[str]:
    """Enterprises and projects with a LOCATED_IN edge to any place under ``root``."""

    def build() -> frozenset[str]:
        out: set[str] = set()
        for place in places_under(graph, root):
            for member, _, kind in graph.in_edges(place, data="kind"):
                if kind == EdgeKind.LOCATED_IN.value and graph.nodes[member]["kind"] in _MEMBER_KINDS:
                    out.add(member)
        return frozenset(out)

    return cached(graph, ("located", root), build)


_MEMBER_KINDS = frozenset({NodeKind.ENTERPRISE.value, NodeKind.PROJECT.value})


def members_by_segment(graph: nx.MultiDiGraph) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """segment id → (enterprises, projects) with an IN_SEGMENT edge to it."""

    def build() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        enterprises: dict[str, set[str]] = {}
        projects: dict[str, set[str]] = {}
        for member, segment, kind in graph.edges(data="kind"):
            if kind != EdgeKind.IN_SEGMENT.value:
                continue
            if member.startswith(NodeKind.ENTERPRISE.prefix + ":"):
                enterprises.setdefault(segment, set()).add(member)
            else:
                projects.setdefault(segment, set()).add(member)
        return {
            s: (frozenset(enterprises.get(s, ())), frozenset(projects.get(s, ())))
            for s in set(enterprises) | set(projects)
        }

    return cached(graph, "members_by_segment", build)


class SegmentLinks:
    """FEEDS neighbours and chains of every segment, each list sorted by id.

    A segment's in-edges are mostly IN_SEGMENT edges from thousands of enterprises; finding its few
    FEEDS suppliers by scanning them cost most of a gap analysis. Segments' out-edges are only
    PART_OF and FEEDS, so one pass over them builds all three maps.
    """

    __slots__ = ("chains", "feeds_in", "feeds_out")

    def __init__(self, graph: nx.MultiDiGraph):
        feeds_out: dict[str, list[str]] = {}
        feeds_in: dict[str, list[str]] = {}
        chains: dict[str, list[str]] = {}
        for segment in nodes_of_kind(graph, NodeKind.SEGMENT):
            for _, target, kind in graph.out_edges(segment, data="kind"):
                if kind == EdgeKind.FEEDS.value:
                    feeds_out.setdefault(segment, []).append(target)
                    feeds_in.setdefault(target, []).append(segment)
                elif kind == EdgeKind.PART_OF.value:
                    chains.setdefault(segment, []).append(target)
        self.feeds_out = {k: sorted(set(v)) for k, v in feeds_out.items()}
        self.feeds_in = {k: sorted(set(v)) for k, v in feeds_in.items()}
        self.chains = {k: sorted(set(v)) for k, v in chains.items()}


def segment_links(graph: nx.MultiDiGraph) -> SegmentLinks:
    return cached(graph, "segment_links", lambda: SegmentLinks(graph))
