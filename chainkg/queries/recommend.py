"""Recommendations (招商 targets): whom to approach for a segment, and why.

Definition. For segment G and scope S (see :mod:`chainkg.queries.common`):

- **candidates**: enterprises with an IN_SEGMENT edge to G that are not present in S.
- **present** in S: local enterprises, and investors in local active projects. Their **groups**
  (the top of each one's SUBSIDIARY_OF chain) are the groups present (:mod:`chainkg.queries.presence`).
- **score** = ``w_group``·group + ``w_supplier``·supplier + ``w_leader``·leader + ``w_region``·region
  + ``w_record``·record, where
  - group (以商招商) = 1 when the candidate's group is a group present in S (a sibling, parent or
    child of someone already here — a central SOE group with a subsidiary here puts its other
    subsidiaries in G first), else 0;
  - supplier = 1 when the candidate has a SUPPLIES edge to a local leader (LEADS) of a chain G
    belongs to; 0.5 when, short of that, G FEEDS a segment in which such a leader operates; else 0;
  - leader (segment leadership) = from the candidate's IN_SEGMENT edge to G: with a ``rank`` r in
    the segment's curated list of national leaders, max(0.2, 1 − 0.08·(r − 1)) (r = 1 → 1, r = 10 →
    0.28), times 0.85 when that placement is only ``inferred``; without a rank, 0.15 for a curated
    placement (no ``basis``, or ``curated``), 0.05 for one read from its name (``name``), 0 for one
    read from its Shenwan industry (``industry``);
  - region = 1 when the candidate's head office (LOCATED_IN) is in the province of S (the first
    province-level region above S), else 0;
  - record (listed size, for want of revenue data) = 0.5 when the candidate is listed (has a stock
    code) or state-owned (soe or central_soe_group), plus 0.5·min(1, projects it invests in / 5).
  Defaults: w_group = 5, w_supplier = 2, w_leader = 2, w_region = 0.5, w_record = 0.5 — a relation
  here comes first (the other terms sum to at most 5), then leadership, then proximity and size.
- every candidate carries ``reasons`` (words) and a ``path`` (the nodes that prove its strongest
  reason: candidate → … → group → … → present enterprise → place; or candidate → leader → chain;
  or candidate → segment).

Ordered by score (descending), then enterprise id; at most ``limit``.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from chainkg.queries.base import Query
from chainkg.queries.candidates import leadership, province_of
from chainkg.queries.common import kept_refs, require, resolve_scope, segment_chains
from chainkg.queries.coverage import segment_facts
from chainkg.queries.groups import ancestors, group_lookup
from chainkg.queries.presence import GroupPresence, Presence, group_presence

# The models and the ranking (recommend_rank) are shared with the Cypher twin (recommend_cypher: its
# statements and how it gathers the facts).
from chainkg.queries.recommend_cypher import CYPHER, run_cypher
from chainkg.queries.recommend_rank import Candidate, Facts, Params, Result, rank
from chainkg.schema.ids import edge_key
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.graph_tables import succ_table
from chainkg.store.nx_index import cached_per_scope, members_by_segment, ownership, places_under

__all__ = [
    "CYPHER",
    "QUERY",
    "Candidate",
    "Facts",
    "GroupPresence",
    "Params",
    "Result",
    "group_presence",
    "leadership",
    "rank",
    "run_cypher",
    "run_networkx",
]


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    require(graph, params.segment, (NodeKind.SEGMENT,), "segment")
    scope, local = resolve_scope(graph, params.scope)
    members = members_by_segment(graph)
    presence = cached_per_scope(graph, "recommend_presence", scope.id, lambda: Presence(graph, scope.id))
    province = cached_per_scope(graph, "province", scope.id, lambda: province_of(graph, scope.id))
    # the province's places (a few hundred): an enterprise's neighbours among them are where it is
    # LOCATED_IN, so one disjointness test per candidate tells its region tie
    near = places_under(graph, province) if province else frozenset()
    chains = segment_chains(graph, params.segment)
    leaders = sorted(
        {
            u
            for chain in chains
            for u, _, k in graph.in_edges(chain, data="kind", default="")
            if k == EdgeKind.LEADS.value and u in local
        }
    )
    succ = succ_table(graph)

    def out(node: str, kind: EdgeKind) -> list[str]:
        """Targets of the node's edges of a kind, one per edge (straight over the adjacency dict:
        this runs for every candidate)."""
        value = kind.value
        return [v for v, keydict in succ[node].items() for attrs in keydict.values() if attrs.get("kind") == value]

    def anchor(peer: str) -> str | None:
        if peer in local:
            places = sorted(out(peer, EdgeKind.LOCATED_IN))
        else:  # present as an investor: show the local project
            places = sorted(v for v in out(peer, EdgeKind.INVESTS_IN) if v in local)
        return places[0] if places else None

    facts = Facts(
        segment=kept_refs(graph)(params.segment),
        scope=scope,
        covered_here=segment_facts(graph, params.segment, local).covered,
        pool=sorted(members.get(params.segment, (frozenset(), frozenset()))[0] - local - presence.everyone),
        present=presence.structured,
        group_of=group_lookup(graph),
        ancestors=lambda e: ancestors(graph, e),
        has_subsidiaries=lambda g: g in ownership(graph).has_subsidiaries,
        chains=chains,
        leaders=leaders,
        leader_segments={leader: set(out(leader, EdgeKind.IN_SEGMENT)) for leader in leaders},
        led_chains={
            leader: [c for c in chains if graph.has_edge(leader, c, EdgeKind.LEADS.value)] for leader in leaders
        },
        fed=set(out(params.segment, EdgeKind.FEEDS)),
        supplies=lambda e: out(e, EdgeKind.SUPPLIES),
        projects=lambda e: len(out(e, EdgeKind.INVESTS_IN)),
        attrs=lambda e: graph.nodes[e],
        placement=lambda e: succ[e].get(params.segment, _NO_EDGES).get(_IN_SEGMENT, _NO_EDGES),
        near=lambda e: not near.isdisjoint(succ[e]),
        province=kept_refs(graph)(province) if province else None,
        anchor=anchor,
        ref=(ref := kept_refs(graph)),  # the present groups' thousands of refs are the same on every call
        groups=presence.groups,
        present_refs=cached_per_scope(graph, "recommend_refs", scope.id, lambda: list(map(ref, presence.groups[1]))),
    )
    return rank(facts, params)


_IN_SEGMENT = edge_key(EdgeKind.IN_SEGMENT)  # one IN_SEGMENT edge per enterprise and segment
_NO_EDGES: dict[str, Any] = {}


QUERY: Query[Params, Result] = Query(
    name="recommend",
    summary="Whom to approach for a segment / 招商对象推荐",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="recommend",
)
