"""Who is where in a chain: the per-segment facts chain map, gap analysis and profiles build on."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph_schema.kinds import EdgeKind, NodeKind
from queries.common import cny, is_active
from queries.nx_index import members_by_segment

__all__ = ["SegmentFacts", "chain_leaders", "segment_facts"]


@dataclass(frozen=True)
class SegmentFacts:
    """A segment within a scope: local enterprises, local active projects, their investment."""

    segment: str
    enterprises: tuple[str, ...]
    projects: tuple[str, ...]
    investment_cny: int

    @property
    def covered(self) -> bool:
        return bool(self.enterprises or self.projects)


def segment_facts(graph: nx.MultiDiGraph, segment: str, local: frozenset[str]) -> SegmentFacts:
    enterprises, projects = members_by_segment(graph).get(segment, (frozenset(), frozenset()))
    local_enterprises = tuple(sorted(enterprises & local))
    active = tuple(sorted(p for p in projects & local if is_active(graph.nodes[p])))
    return SegmentFacts(segment, local_enterprises, active, sum(cny(graph.nodes[p]) for p in active))


def chain_leaders(graph: nx.MultiDiGraph, chain: str, local: frozenset[str]) -> list[tuple[str, str | None]]:
    """Local enterprises with a LEADS edge to the chain, with the scope the edge names (if any)."""
    leaders = []
    for enterprise, _, attrs in graph.in_edges(chain, data=True):
        is_leader = attrs.get("kind") == EdgeKind.LEADS.value and enterprise in local
        if is_leader and graph.nodes[enterprise]["kind"] == NodeKind.ENTERPRISE.value:
            leaders.append((enterprise, attrs.get("scope")))
    return sorted(leaders, key=lambda pair: (pair[0], pair[1] or ""))  # a LEADS edge may lack a scope
