"""Recommendations (招商 targets): whom to approach for a segment, and why.

Definition. For segment G and scope S (see :mod:`queries.common`):

- **candidates**: enterprises with an IN_SEGMENT edge to G that are not local to S.
- **present** in S: local enterprises, and investors in local active projects. Their **groups**
  (the top of each one's SUBSIDIARY_OF chain) are the groups present.
- **score** = ``w_group``·group + ``w_supplier``·supplier + ``w_record``·record, where
  - group (以商招商) = 1 when the candidate's group is a group present in S (it is a sibling, parent
    or child of someone already here), else 0;
  - supplier = 1 when the candidate has a SUPPLIES edge to a local leader (LEADS) of a chain G
    belongs to; 0.5 when, short of that, G FEEDS a segment in which such a leader operates; else 0;
  - record = 0.5 when the candidate is listed (has a stock code) or state-owned (soe or
    central_soe_group), plus 0.5·min(1, projects it invests in anywhere / 5).
  Defaults: w_group = 3, w_supplier = 2, w_record = 1 — a relation beats size.
- every candidate carries ``reasons`` (words) and a ``path`` (the nodes that prove its strongest
  reason: candidate → … → group → … → present enterprise → place; or candidate → leader → chain;
  or candidate → segment).

Ordered by score (descending), then enterprise id; at most ``limit``.
"""

from __future__ import annotations

import networkx as nx
from pydantic import BaseModel, Field

from graph_schema.kinds import EdgeKind, EnterpriseKind, NodeKind
from queries.common import NodeRef, ScopeRef, is_active, node_ref, require, resolve_scope, segment_chains
from queries.coverage import segment_facts
from queries.groups import ancestors, group_of
from queries.nx_index import members_by_segment

__all__ = ["Candidate", "Params", "Result", "run_networkx"]

_STATE_KINDS = {EnterpriseKind.SOE.value, EnterpriseKind.CENTRAL_SOE_GROUP.value}


class Params(BaseModel):
    segment: str = Field(description="segment id (a gap to fill) / 环节 id", examples=["seg:高纯金属"])
    scope: str | None = Field(default=None, description="region or park id; default the home city")
    limit: int = Field(default=20, ge=1, le=100)
    w_group: float = Field(default=3.0, ge=0, le=10, description="weight of 以商招商 (same group as one present)")
    w_supplier: float = Field(default=2.0, ge=0, le=10, description="weight of supplying a local chain leader")
    w_record: float = Field(default=1.0, ge=0, le=10, description="weight of size and investment record")


class Candidate(BaseModel):
    enterprise: NodeRef
    score: float
    group: float
    supplier: float
    record: float
    reasons: list[str]
    path: list[NodeRef]


class Result(BaseModel):
    segment: NodeRef
    scope: ScopeRef
    covered_here: bool = Field(description="whether the segment is already covered in the scope")
    present_groups: list[NodeRef] = Field(description="groups with an enterprise or investor in the scope")
    candidates: list[Candidate]
    total_candidates: int


def run_networkx(graph: nx.MultiDiGraph, params: Params) -> Result:
    require(graph, params.segment, (NodeKind.SEGMENT,), "segment")
    scope, local = resolve_scope(graph, params.scope)
    members = members_by_segment(graph)
    present = _present(graph, local)
    pool = sorted(members.get(params.segment, (frozenset(), frozenset()))[0] - local - present)
    present_by_group: dict[str, list[str]] = {}
    for enterprise in sorted(present):
        present_by_group.setdefault(group_of(graph, enterprise), []).append(enterprise)
    real_groups = sorted(g for g, peers in present_by_group.items() if peers != [g] or _has_subsidiaries(graph, g))

    chains = segment_chains(graph, params.segment)
    leaders = sorted(
        {
            u
            for chain in chains
            for u, _, k in graph.in_edges(chain, data="kind")
            if k == EdgeKind.LEADS.value and u in local
        }
    )
    leader_segments = {
        leader: {v for _, v, k in graph.out_edges(leader, data="kind") if k == EdgeKind.IN_SEGMENT.value}
        for leader in leaders
    }
    fed = {v for _, v, k in graph.out_edges(params.segment, data="kind") if k == EdgeKind.FEEDS.value}

    candidates: list[Candidate] = []
    for enterprise in pool:
        reasons: list[str] = []
        path: list[str] = []
        group_score = 0.0
        group = group_of(graph, enterprise)
        if group in present_by_group:
            group_score = 1.0
            path = min(
                (_group_path(graph, enterprise, peer, local) for peer in present_by_group[group]),
                key=lambda p: (len(p), p),
            )
            peer = next(n for n in reversed(path) if n in present)
            reasons.append(f"以商招商：与本地的{_name(graph, peer)}同属{_name(graph, group)}")

        supplier_score = 0.0
        direct = sorted(
            v
            for _, v, k in graph.out_edges(enterprise, data="kind")
            if k == EdgeKind.SUPPLIES.value and v in leader_segments
        )
        if direct:
            supplier_score = 1.0
            reasons.append(f"为本地链主{_name(graph, direct[0])}供货")
            if not path:
                path = [enterprise, direct[0], *_led_chain(graph, direct[0], chains)]
        else:
            fed_leaders = [ld for ld in leaders if leader_segments[ld] & fed]
            if fed_leaders:
                supplier_score = 0.5
                target = sorted(leader_segments[fed_leaders[0]] & fed)[0]
                reasons.append(f"所在环节供给本地链主{_name(graph, fed_leaders[0])}所在的{_name(graph, target)}")
                if not path:
                    path = [enterprise, params.segment, target, fed_leaders[0]]

        attrs = graph.nodes[enterprise]
        projects = sum(1 for _, _, k in graph.out_edges(enterprise, data="kind") if k == EdgeKind.INVESTS_IN.value)
        big = bool(attrs.get("stock_code")) or attrs.get("enterprise_kind") in _STATE_KINDS
        record = 0.5 * big + 0.5 * min(1.0, projects / 5)
        if big:
            reasons.append("上市公司或国有企业" if attrs.get("stock_code") else "国有企业")
        if projects:
            reasons.append(f"投资项目{projects}个")
        if not path:
            path = [enterprise, params.segment]
        score = params.w_group * group_score + params.w_supplier * supplier_score + params.w_record * record
        candidates.append(
            Candidate(
                enterprise=node_ref(graph, enterprise),
                score=round(score, 6),
                group=group_score,
                supplier=supplier_score,
                record=round(record, 6),
                reasons=reasons or ["在该环节经营"],
                path=[node_ref(graph, n) for n in path],
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.enterprise.id))
    return Result(
        segment=node_ref(graph, params.segment),
        scope=scope,
        covered_here=segment_facts(graph, params.segment, local).covered,
        present_groups=[node_ref(graph, g) for g in real_groups],
        candidates=candidates[: params.limit],
        total_candidates=len(candidates),
    )


def _present(graph: nx.MultiDiGraph, local: frozenset[str]) -> set[str]:
    present = {n for n in local if graph.nodes[n]["kind"] == NodeKind.ENTERPRISE.value}
    for project in local:
        attrs = graph.nodes[project]
        if attrs["kind"] == NodeKind.PROJECT.value and is_active(attrs):
            present.update(u for u, _, k in graph.in_edges(project, data="kind") if k == EdgeKind.INVESTS_IN.value)
    return present


def _has_subsidiaries(graph: nx.MultiDiGraph, enterprise: str) -> bool:
    return any(k == EdgeKind.SUBSIDIARY_OF.value for _, _, k in graph.in_edges(enterprise, data="kind"))


def _group_path(graph: nx.MultiDiGraph, candidate: str, peer: str, local: frozenset[str]) -> list[str]:
    """candidate → … → their lowest common owner → … → peer → where the peer is (or its project)."""
    up = [candidate, *ancestors(graph, candidate)]
    down = [peer, *ancestors(graph, peer)]
    common = next(n for n in up if n in down)
    path = up[: up.index(common) + 1] + list(reversed(down[: down.index(common)]))
    if peer in local:
        places = sorted(v for _, v, k in graph.out_edges(peer, data="kind") if k == EdgeKind.LOCATED_IN.value)
        path.extend(places[:1])
    else:  # present as an investor: show the local project
        projects = sorted(
            v for _, v, k in graph.out_edges(peer, data="kind") if k == EdgeKind.INVESTS_IN.value and v in local
        )
        path.extend(projects[:1])
    return path


def _led_chain(graph: nx.MultiDiGraph, leader: str, chains: list[str]) -> list[str]:
    led = [c for c in chains if graph.has_edge(leader, c, EdgeKind.LEADS.value)]
    return led[:1]


def _name(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node].get("name", node)
