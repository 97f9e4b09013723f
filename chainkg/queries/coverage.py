"""Who is where in a chain: the per-segment facts chain map, gap analysis and profiles build on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from chainkg.queries.common import ACTIVE_STATUSES, cny, is_active
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.lifecycle import investment_at, status_at
from chainkg.store.nx_index import cached_per_scope, members_by_segment

__all__ = ["SegmentFacts", "chain_leaders", "is_active_on", "segment_facts"]


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


def segment_facts(
    graph: nx.MultiDiGraph[str], segment: str, local: frozenset[str], as_of: str | None = None
) -> SegmentFacts:
    """The segment's facts in the scope whose local set is ``local`` — with ``as_of``
    (``YYYY-MM-DD``), its projects active on that day and their investment known then
    (:mod:`chainkg.schema.lifecycle`).

    Memoised per graph version, local set and day (a chain map, a gap analysis, a profile's twelve
    gap analyses and a recommendation in the same scope all ask for the same segments).
    """
    family = "segment_facts" if as_of is None else f"segment_facts@{as_of}"
    known: dict[str, SegmentFacts] = cached_per_scope(graph, family, local, dict)
    facts = known.get(segment)
    if facts is None:
        facts = known.setdefault(segment, _segment_facts(graph, segment, local, as_of))
    return facts


def _segment_facts(graph: nx.MultiDiGraph[str], segment: str, local: frozenset[str], as_of: str | None) -> SegmentFacts:
    enterprises, projects = members_by_segment(graph).get(segment, (frozenset(), frozenset()))
    local_enterprises = tuple(sorted(enterprises & local))
    if as_of is None:
        active = tuple(sorted(p for p in projects & local if is_active(graph.nodes[p])))
        investment = sum(cny(graph.nodes[p]) for p in active)
    else:
        active = tuple(sorted(p for p in projects & local if is_active_on(graph.nodes[p], as_of)))
        investment = sum(investment_at(graph.nodes[p].get("investment_timeline"), as_of) for p in active)
    return SegmentFacts(segment, local_enterprises, active, investment, len(local_enterprises), len(active))


def is_active_on(attrs: dict[str, Any], as_of: str) -> bool:
    """Whether a project was active (签约 … 投产) on ``as_of`` by its status timeline."""
    return status_at(attrs.get("status_timeline"), as_of) in ACTIVE_STATUSES


def chain_leaders(graph: nx.MultiDiGraph[str], chain: str, local: frozenset[str]) -> list[tuple[str, str | None]]:
    """Local enterprises with a LEADS edge to the chain, with the scope the edge names (if any)."""
    leaders = []
    for enterprise, _, attrs in graph.in_edges(chain, data=True):
        is_leader = attrs.get("kind") == EdgeKind.LEADS.value and enterprise in local
        if is_leader and graph.nodes[enterprise]["kind"] == NodeKind.ENTERPRISE.value:
            leaders.append((enterprise, attrs.get("scope")))
    return sorted(leaders, key=lambda pair: (pair[0], pair[1] or ""))  # a LEADS edge may lack a scope
