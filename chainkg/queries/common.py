"""Pieces every chain query shares: node references, scopes, and the definitions they rest on.

Definitions used throughout (``docs/queries.md`` repeats them):

- **scope**: a region or park id; it covers that place, every region PART_OF it (recursively) and
  every park LOCATED_IN any of those. No scope means the home city (the Region marked ``home``).
- **local** enterprise / project: one with a LOCATED_IN edge to a place the scope covers.
- **active** project: status 签约, 开工, 在建 or 投产 (a 洽谈 negotiation is a lead; a project with no
  known status is not counted as active).
- a segment is **covered** in a scope when it has a local enterprise or a local active project.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.errors import InvalidQuery, NotFound
from chainkg.queries.matching import networkx_matches, suggestions
from chainkg.queries.params import PLACE, refers
from chainkg.schema.kinds import Currency, EdgeKind, NodeKind, ProjectStatus, Stage
from chainkg.store.graph_tables import node_table
from chainkg.store.nx_index import cached, located_in_places, nodes_of_kind, places_under, segment_links

__all__ = [
    "ACTIVE_STATUSES",
    "NodeRef",
    "ScopeRef",
    "chain_segments",
    "cny",
    "feeds_in",
    "feeds_out",
    "home_region",
    "is_active",
    "named_nodes",
    "node_ref",
    "order_segments",
    "require",
    "require_refs",
    "resolve_scope",
    "segment_chains",
    "suggest",
]

ACTIVE_STATUSES = frozenset(s.value for s in ProjectStatus if s.active)


class NodeRef(BaseModel):
    """A node as results mention it: enough to show and to link."""

    id: str = Field(description="stable id, e.g. ent:有研科技集团有限公司")
    kind: NodeKind
    name: str


class ScopeRef(NodeRef):
    """The place a query looks at; ``places`` counts the regions and parks it covers."""

    places: int = Field(description="regions and parks covered, the scope itself included")


def node_ref(graph: nx.MultiDiGraph[str], node_id: str) -> NodeRef:
    attrs = node_table(graph)[node_id]  # the node table itself: results make thousands of these
    return NodeRef(id=node_id, kind=_KINDS[attrs["kind"]], name=attrs.get("name", node_id))


_KINDS = {kind.value: kind for kind in NodeKind}  # NodeKind(value) costs as much as the lookup and the model


def kept_refs(graph: nx.MultiDiGraph[str]) -> Callable[[str], NodeRef]:
    """:func:`node_ref`, each reference made once per graph version and then kept: for results that
    name the same thousands of nodes on every call (the groups present in a scope). The kept
    references are shared between results: never change one."""
    refs: dict[str, NodeRef] = cached(graph, "node_refs", dict)

    def ref(node_id: str) -> NodeRef:
        found = refs.get(node_id)
        return found if found is not None else refs.setdefault(node_id, node_ref(graph, node_id))

    return ref


def suggest(
    graph: nx.MultiDiGraph[str], text: str, kinds: tuple[NodeKind, ...], limit: int = 5
) -> list[dict[str, str]]:
    """Closest names of the given kinds, for 'did you mean' in not-found errors: the best search
    matches of the text's name part (:func:`chainkg.queries.matching.suggestions`)."""
    return suggestions(text, lambda key: networkx_matches(graph, key, kinds), limit)


def require(graph: nx.MultiDiGraph[str], node_id: str, kinds: tuple[NodeKind, ...], what: str) -> dict[str, Any]:
    """The node's attributes, or NotFound naming what was expected and what comes close."""
    attrs = graph.nodes.get(node_id)
    if attrs is None or NodeKind(attrs["kind"]) not in kinds:
        expected = " or ".join(k.value for k in kinds)
        raise NotFound(what, node_id, suggest(graph, node_id, kinds), expected=expected)
    return attrs


def require_refs(graph: nx.MultiDiGraph[str], params: BaseModel) -> None:
    """Every node the params name (their :class:`~chainkg.queries.params.Refers` fields that are
    set, in field order) exists with a kind the field allows; else NotFound, as :func:`require`."""
    for name, value in named_nodes(params):
        ref = refers(type(params), name)
        assert ref is not None
        require(graph, value, ref.kinds, ref.what)


def named_nodes(params: BaseModel) -> list[tuple[str, str]]:
    """(field, id) of every set params field that names a node, in field order."""
    model = type(params)
    return [
        (name, value)
        for name in model.model_fields
        if refers(model, name) is not None and (value := getattr(params, name)) is not None
    ]


def home_region(graph: nx.MultiDiGraph[str]) -> str:
    def build() -> str | None:
        homes = [n for n in nodes_of_kind(graph, NodeKind.REGION) if graph.nodes[n].get("home")]
        return homes[0] if homes else None

    home = cached(graph, "home", build)
    if home is None:
        raise InvalidQuery("the graph has no home region (a Region with home: true); pass a scope explicitly")
    return home


def resolve_scope(graph: nx.MultiDiGraph[str], scope: str | None) -> tuple[ScopeRef, frozenset[str]]:
    """The scope's reference and the set of local enterprises and projects in it."""
    root = scope or home_region(graph)
    require(graph, root, PLACE.kinds, PLACE.what)
    ref = node_ref(graph, root)
    places = places_under(graph, root)
    return ScopeRef(**ref.model_dump(), places=len(places)), located_in_places(graph, root)


def is_active(attrs: dict[str, Any]) -> bool:
    return attrs.get("status") in ACTIVE_STATUSES


def cny(attrs: dict[str, Any]) -> int:
    """The project's investment if it is in 元 (other currencies are not summed with 元)."""
    if attrs.get("currency", Currency.CNY.value) != Currency.CNY.value:
        return 0
    return int(attrs.get("total_investment") or 0)


def chain_segments(graph: nx.MultiDiGraph[str], chain: str) -> list[str]:
    """Segments PART_OF the chain, in stage order then FEEDS (topological) order then name."""

    def build() -> list[str]:
        members = {u for u, _, k in graph.in_edges(chain, data="kind", default="") if k == EdgeKind.PART_OF.value}
        feeds = [
            (seg, target)
            for seg in members
            for _, target, k in graph.out_edges(seg, data="kind", default="")
            if k == EdgeKind.FEEDS.value and target in members
        ]
        return order_segments({n: (graph.nodes[n].get("name", n), graph.nodes[n]["stage"]) for n in members}, feeds)

    return cached(graph, ("chain_segments", chain), build)


def order_segments(members: dict[str, tuple[str, str]], feeds: Iterable[tuple[str, str]]) -> list[str]:
    """Segment ids (id → (name, stage)) in stage order, then FEEDS (topological) order, then name.

    ``feeds`` are the FEEDS edges between members. Shared by both stores' chain queries. The order of
    the same members and feeds is kept (a chain's shape is the same for every scope: a profile or an
    overview orders every chain on each call).
    """
    return list(_ordered(tuple(members.items()), tuple(feeds)))


@functools.lru_cache(maxsize=1024)
def _ordered(members: tuple[tuple[str, tuple[str, str]], ...], feeds: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    named = dict(members)
    inner: nx.DiGraph[str] = nx.DiGraph()
    inner.add_nodes_from(named)
    inner.add_edges_from(feeds)
    try:
        topo = list(nx.lexicographical_topological_sort(inner, key=lambda n: named[n][0]))
    except nx.NetworkXUnfeasible:  # a cycle slipped in: fall back to names
        topo = sorted(named, key=lambda n: named[n][0])
    rank = {n: i for i, n in enumerate(topo)}
    return tuple(sorted(named, key=lambda n: (Stage(named[n][1]).order, rank[n])))


def segment_chains(graph: nx.MultiDiGraph[str], segment: str) -> list[str]:
    """Chains the segment is PART_OF, sorted by id."""
    return list(segment_links(graph).chains.get(segment, ()))


def feeds_out(graph: nx.MultiDiGraph[str], segment: str) -> list[str]:
    """Segments this one FEEDS (its customers), sorted by id."""
    return list(segment_links(graph).feeds_out.get(segment, ()))


def feeds_in(graph: nx.MultiDiGraph[str], segment: str) -> list[str]:
    """Segments that FEED this one (its suppliers), sorted by id."""
    return list(segment_links(graph).feeds_in.get(segment, ()))
