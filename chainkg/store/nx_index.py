"""Derived indexes over the embedded graph, built once per graph version and reused by queries.

Queries at city scale must answer in milliseconds; scanning tens of thousands of LOCATED_IN edges
per request would not. These helpers memoise what every chain query needs — which places a scope
covers, which enterprises and projects sit there, who is in each segment — keyed by the graph
object and its mutation counter (``graph.graph["version"]``, bumped by every store write) plus its
node count, so any change made through a store rebuilds them.

Rules every cache here keeps:

- **one graph, one cache**: entries hang off the graph object (a weak key), so the API's
  snapshot swap (``chainkg/api/writes.py`` loads into a copy and swaps the whole store) starts the new
  graph with empty caches and drops the old graph's with it;
- **values are immutable or treated so** (frozensets, tuples, frozen dataclasses): callers share
  them and never change them;
- **bounded**: whole-graph indexes are one entry each; entries keyed by a scope (one per place
  asked about) are kept in a least-recently-used family of at most :data:`SCOPES_KEPT` scopes;
- **thread-safe**: the API answers requests on several threads. A value is built outside the lock
  (two threads may both build it the first time; the first stored wins and both get it).
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import networkx as nx

from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.graph_tables import node_table, pred_table, succ_table

__all__ = [
    "SCOPES_KEPT",
    "cached",
    "cached_per_scope",
    "follow_parents",
    "is_cached",
    "kind_counts",
    "located_in_places",
    "members_by_segment",
    "nodes_of_kind",
    "ownership",
    "place_index",
    "place_members",
    "places_under",
]

T = TypeVar("T")


_CACHES: weakref.WeakKeyDictionary[nx.MultiDiGraph[str], tuple[tuple[int, int], dict[Hashable, Any]]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()

#: Scopes whose derived sets (local members, per-segment facts, …) stay cached per graph version and
#: family. A city has about 160 places, so all of them fit; a province's thousands are bounded.
SCOPES_KEPT = 256


def _entries(graph: nx.MultiDiGraph[str]) -> dict[Hashable, Any]:
    """The cache of the graph's current state (a new, empty one after any write)."""
    # number_of_nodes is O(1); number_of_edges would walk the whole graph on every call.
    stamp = (graph.graph.get("version", 0), graph.number_of_nodes())
    with _LOCK:
        entry = _CACHES.get(graph)
        if entry is None or entry[0] != stamp:
            entry = (stamp, {})
            _CACHES[graph] = entry
        return entry[1]


def cached(graph: nx.MultiDiGraph[str], key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per graph state; later calls with the same key return the stored value."""
    store = _entries(graph)
    try:
        found: T = store[key]
        return found
    except KeyError:
        pass
    kept: T = store.setdefault(key, build())  # atomic: a value another thread stored first wins
    return kept


def is_cached(graph: nx.MultiDiGraph[str], key: Hashable) -> bool:
    """Whether ``key`` is built for the graph's current state (asking builds nothing)."""
    return key in _entries(graph)


def cached_per_scope(graph: nx.MultiDiGraph[str], family: str, scope: Hashable, build: Callable[[], T]) -> T:
    """:func:`cached` for values keyed by a scope: at most :data:`SCOPES_KEPT` per family, least
    recently used dropped first."""
    store = _entries(graph)
    lru: OrderedDict[Hashable, Any] = store.setdefault(("per-scope", family), OrderedDict())
    with _LOCK:
        if scope in lru:
            lru.move_to_end(scope)
            found: T = lru[scope]
            return found
    value = build()
    with _LOCK:
        if scope in lru:
            lru.move_to_end(scope)
            found = lru[scope]
            return found
        lru[scope] = value
        while len(lru) > SCOPES_KEPT:
            lru.popitem(last=False)
    return value


def kind_counts(graph: nx.MultiDiGraph[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes and edges by kind, each sorted by kind: the store's counts (``/readyz`` asks on every
    probe) and the stats query's. Counting every edge takes seconds at province scale."""

    def build() -> tuple[dict[str, int], dict[str, int]]:
        if type(graph) is nx.MultiDiGraph:
            # straight over the adjacency dicts: 3x faster than the edge view
            nodes = Counter(attrs["kind"] for attrs in node_table(graph).values())
            edges = Counter(
                attrs["kind"]
                for nbrs in succ_table(graph).values()
                for keydict in nbrs.values()
                for attrs in keydict.values()
            )
        else:
            nodes = Counter(attrs["kind"] for attrs in graph.nodes.values())
            edges = Counter(kind for _, _, kind in graph.edges(data="kind", default=""))
        return dict(sorted(nodes.items())), dict(sorted(edges.items()))

    return cached(graph, "counts", build)


def nodes_of_kind(graph: nx.MultiDiGraph[str], kind: NodeKind) -> tuple[str, ...]:
    """All node ids of a kind, sorted."""
    return _nodes_by_kind(graph).get(kind.value, ())


def _nodes_by_kind(graph: nx.MultiDiGraph[str]) -> dict[str, tuple[str, ...]]:
    """Every kind's node ids, sorted: one pass over the nodes for all kinds."""

    def build() -> dict[str, tuple[str, ...]]:
        by_kind: dict[str, list[str]] = {}
        for node, attrs in node_table(graph).items():
            by_kind.setdefault(attrs["kind"], []).append(node)
        return {kind: tuple(sorted(ids)) for kind, ids in by_kind.items()}

    return cached(graph, "nodes_by_kind", build)


class PlaceIndex:
    """Per region and park: the places directly inside it and the members located directly in it.

    - ``children[place]``: regions with a PART_OF edge to it and parks with a LOCATED_IN edge to it;
    - ``members[place]``: enterprises and projects with a LOCATED_IN edge to it.

    One pass over the in-edges of every region and park, straight over the adjacency dicts (the
    edge views cost several times more per edge). A scope's places are then a walk over
    ``children`` and its local set a union of ``members`` — a scope asked about for the first time
    costs a union, not a scan of its places' hundred thousand LOCATED_IN edges.
    """

    __slots__ = ("children", "members")

    def __init__(self, graph: nx.MultiDiGraph[str]):
        # A node's kind is also its id prefix (the store refuses ids whose prefix says another kind);
        # reading the prefix saves a lookup in the node table per edge, most of this pass's time.
        pred = pred_table(graph)
        children: dict[str, tuple[str, ...]] = {}
        members: dict[str, frozenset[str]] = {}
        for kind in (NodeKind.REGION, NodeKind.PARK):
            for place in nodes_of_kind(graph, kind):
                inside: list[str] = []
                located: list[str] = []
                for other, keydict in pred[place].items():
                    if other.startswith(_MEMBER_PREFIXES):
                        attrs = keydict.get(_LOCATED_IN)  # _has_kind inline: this runs once per LOCATED_IN edge
                        if (attrs is not None and attrs.get("kind") == _LOCATED_IN) or _has_kind(keydict, _LOCATED_IN):
                            located.append(other)
                    elif (other.startswith(_REGION_PREFIX) and _has_kind(keydict, _PART_OF)) or (
                        other.startswith(_PARK_PREFIX) and _has_kind(keydict, _LOCATED_IN)
                    ):
                        inside.append(other)
                if inside:
                    children[place] = tuple(inside)
                if located:
                    members[place] = frozenset(located)
        self.children = children
        self.members = members


def _has_kind(keydict: dict[str, dict[str, Any]], kind: str) -> bool:
    """Whether any of the parallel edges in ``keydict`` has this kind (an edge of a kind is keyed by
    the kind's name unless a discriminator separates parallel ones: try that first)."""
    attrs = keydict.get(kind)
    if attrs is not None and attrs.get("kind") == kind:
        return True
    return any(attrs.get("kind") == kind for attrs in keydict.values())


def place_index(graph: nx.MultiDiGraph[str]) -> PlaceIndex:
    return cached(graph, "place_index", lambda: PlaceIndex(graph))


def places_under(graph: nx.MultiDiGraph[str], root: str) -> frozenset[str]:
    """The root place and every region and park inside it (PART_OF regions, LOCATED_IN parks)."""

    def build() -> frozenset[str]:
        children = place_index(graph).children
        seen = {root}
        stack = [root]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return frozenset(seen)

    return cached_per_scope(graph, "places", root, build)


def place_members(graph: nx.MultiDiGraph[str]) -> dict[str, frozenset[str]]:
    """place id → the enterprises and projects with a LOCATED_IN edge to that very place."""
    return place_index(graph).members


def located_in_places(graph: nx.MultiDiGraph[str], root: str) -> frozenset[str]:
    """Enterprises and projects with a LOCATED_IN edge to any place under ``root``."""

    def build() -> frozenset[str]:
        direct = place_members(graph)
        return frozenset().union(*(direct.get(place, ()) for place in places_under(graph, root)))

    return cached_per_scope(graph, "located", root, build)


_MEMBER_PREFIXES = (NodeKind.ENTERPRISE.prefix + ":", NodeKind.PROJECT.prefix + ":")
_ENTERPRISE_PREFIX = NodeKind.ENTERPRISE.prefix + ":"
_REGION_PREFIX = NodeKind.REGION.prefix + ":"
_PARK_PREFIX = NodeKind.PARK.prefix + ":"
_LOCATED_IN = EdgeKind.LOCATED_IN.value
_PART_OF = EdgeKind.PART_OF.value
_IN_SEGMENT = EdgeKind.IN_SEGMENT.value


def members_by_segment(graph: nx.MultiDiGraph[str]) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """segment id → (enterprises, projects) with an IN_SEGMENT edge to it.

    IN_SEGMENT edges end at segments (the store checks endpoint kinds), so the segments' in-edges
    are all of them: 78k edges at city scale instead of a walk over all half a million.
    """

    def build() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        pred = pred_table(graph)
        out: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        for segment in nodes_of_kind(graph, NodeKind.SEGMENT):
            enterprises: list[str] = []
            projects: list[str] = []
            for member, keydict in pred[segment].items():
                if _has_kind(keydict, _IN_SEGMENT):
                    (enterprises if member.startswith(_ENTERPRISE_PREFIX) else projects).append(member)
            if enterprises or projects:
                out[segment] = (frozenset(enterprises), frozenset(projects))
        return out

    return cached(graph, "members_by_segment", build)


class SegmentLinks:
    """FEEDS neighbours and chains of every segment, each list sorted by id.

    A segment's in-edges are mostly IN_SEGMENT edges from thousands of enterprises; finding its few
    FEEDS suppliers by scanning them cost most of a gap analysis. Segments' out-edges are only
    PART_OF and FEEDS, so one pass over them builds all three maps.
    """

    __slots__ = ("chains", "feeds_in", "feeds_out")

    def __init__(self, graph: nx.MultiDiGraph[str]):
        feeds_out: dict[str, list[str]] = {}
        feeds_in: dict[str, list[str]] = {}
        chains: dict[str, list[str]] = {}
        for segment in nodes_of_kind(graph, NodeKind.SEGMENT):
            for _, target, kind in graph.out_edges(segment, data="kind", default=""):
                if kind == EdgeKind.FEEDS.value:
                    feeds_out.setdefault(segment, []).append(target)
                    feeds_in.setdefault(target, []).append(segment)
                elif kind == EdgeKind.PART_OF.value:
                    chains.setdefault(segment, []).append(target)
        self.feeds_out = {k: sorted(set(v)) for k, v in feeds_out.items()}
        self.feeds_in = {k: sorted(set(v)) for k, v in feeds_in.items()}
        self.chains = {k: sorted(set(v)) for k, v in chains.items()}


def segment_links(graph: nx.MultiDiGraph[str]) -> SegmentLinks:
    return cached(graph, "segment_links", lambda: SegmentLinks(graph))


class Ownership:
    """SUBSIDIARY_OF links among enterprises: each one's parents (sorted by id), the enterprises
    with a subsidiary, and those that belong to an ownership structure at all (have a parent or a
    subsidiary).

    One pass over the enterprises' in-edges (SUBSIDIARY_OF joins enterprises only — the store
    checks endpoint kinds — and an enterprise has far fewer in-edges than out-edges).
    """

    __slots__ = ("has_subsidiaries", "in_structure", "parents")

    def __init__(self, graph: nx.MultiDiGraph[str]):
        pred = pred_table(graph)
        parents: dict[str, set[str]] = {}
        owners: list[str] = []
        for enterprise in nodes_of_kind(graph, NodeKind.ENTERPRISE):
            children = {
                child
                for child, keydict in pred[enterprise].items()
                for attrs in keydict.values()
                if attrs.get("kind") == _SUBSIDIARY_OF
            }
            if children:
                owners.append(enterprise)
                for child in children:
                    parents.setdefault(child, set()).add(enterprise)
        self.parents = {child: tuple(sorted(ups)) for child, ups in parents.items()}
        self.has_subsidiaries = frozenset(owners)
        self.in_structure = self.has_subsidiaries.union(parents)


_SUBSIDIARY_OF = EdgeKind.SUBSIDIARY_OF.value


def follow_parents(enterprise: str, parents_of: Callable[[str], list[str]]) -> list[str]:
    """An enterprise's ownership chain: parent, grandparent, … following the first parent (by id) not
    yet on the chain at each level, so a cycle ends it; ``parents_of(enterprise)`` lists its
    SUBSIDIARY_OF parents by id. Its last element is the enterprise's group (the enterprise itself
    when the chain is empty). Both stores' groups come from here (the embedded store's
    :func:`chainkg.queries.groups.ancestors`, Neo4j's kept lineage in :mod:`chainkg.store.neo4j.groups`)."""
    chain: list[str] = []
    seen = {enterprise}
    current = enterprise
    while True:
        parents = [p for p in parents_of(current) if p not in seen]
        if not parents:
            return chain
        current = parents[0]
        seen.add(current)
        chain.append(current)


def ownership(graph: nx.MultiDiGraph[str]) -> Ownership:
    return cached(graph, "ownership", lambda: Ownership(graph))
