"""Who is where in a chain: the per-segment facts chain map, gap analysis and profiles build on."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from chainkg.queries.common import cny, is_active
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.nx_index import cached_per_scope, members_by_segment

__all__ = ["SegmentFacts", "chain_leaders", "segment_facts"]


@dataclass(frozen=True)
class SegmentFacts:
    """A segment within a scope: local enterprises, local active projects, their investment.

    ``enterprises`` and ``projects`` are ordered by id: all of them from :func:`segment_facts`; a
    Cypher twin that only shows a few (the gap analysis) fetches the first few and the counts, since
    shipping ten thousand members it does not show cost more than the rest of its statement.
    """

    segment: str
    enterprises: tuple[str, ...]
    projects: tuple[str, ...]
    investment_cny: int
    enterprise_count: int
    project_count: int

    @property
    def covered(self) -> bool:
        return bool(self.enterprise_count or self.project_count)


def segment_facts(graph: nx.MultiDiGraph[str], segment: str, local: frozenset[str]) -> SegmentFacts:
    """The segment's facts in the scope whose local set is ``local``.

    Memoised per graph version and local set (a chain map, a gap analysis, a profile's twelve gap
    analyses and a recommendation in the same scope all ask for the same segments).
    """
    known: dict[str, SegmentFacts] = cached_per_scope(graph, "segment_facts", local, dict)
    facts = known.get(segment)
    if facts is None:
        facts = known.setdefault(segment, _segment_facts(graph, segment, local))
    return facts


def _segment_facts(graph: nx.MultiDiGraph[str], segment: str, local: frozenset[str]) -> SegmentFacts:
    enterprises, projects = members_by_segment(graph).get(segment, (frozenset(), frozenset()))
    local_enterprises = tuple(sorted(enterprises & local))
    active = tuple(sorted(p for p in projects & local if is_active(graph.nodes[p])))
    investment = sum(cny(graph.nodes[p]) for p in active)
    return SegmentFacts(segment, local_enterprises, active, investment, len(local_enterprises), len(active))


def chain_leaders(graph: nx.MultiDiGraph[str], chain: str, local: frozenset[str]) -> list[tuple[str, str | None]]:
    """Local enterprises with a LEADS edge to the chain, with the scope the edge names (if any)."""
    leaders = []
    for enterprise, _, attrs in graph.in_edges(chain, data=True):
        is_leader = attrs.get("kind") == EdgeKind.LEADS.value and enterprise in local
        if is_leader and graph.nodes[enterprise]["kind"] == NodeKind.ENTERPRISE.value:
            leaders.append((enterprise, attrs.get("scope")))
    return sorted(leaders, key=lambda pair: (pair[0], pair[1] or ""))  # a LEADS edge may lack a scope
