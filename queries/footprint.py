"""SOE footprint (央企布局): everything a group holds and has invested in a scope.

Definition. For enterprise G (usually a central SOE group) and scope S:

- ``subsidiaries``: enterprises reached from G through incoming SUBSIDIARY_OF edges, breadth-first
  to ``max_depth`` levels, each once at its smallest level, with its direct parent, stake, the
  effective stake (product of the stakes on the path when all are known), the certainty of the
  link, and whether it is local to S. Ordered by (level, id).
- ``projects``: projects local to S that G or any subsidiary has an INVESTS_IN edge to, any status;
  per project the investing members with their roles. Ordered by id.
- ``totals``: number of projects and the sum of their CNY ``total_investment`` (each project once,
  whoever in the group invests), also split by status, by park (the parks each project is
  LOCATED_IN; a project in two parks counts in both) and by chain (through the project's segments;
  a project serving two chains counts in both). Projects in other currencies are listed and counted
  but not summed with 元.
"""

from __future__ import annotations

import networkx as nx
from pydantic import BaseModel, Field

from graph_schema.kinds import Currency, EdgeKind, NodeKind
from queries.common import NodeRef, ScopeRef, cny, node_ref, require, resolve_scope, segment_chains
from queries.groups import holdings

__all__ = ["Bucket", "Params", "ProjectEntry", "Result", "Subsidiary", "run_networkx"]


class Params(BaseModel):
    group: str = Field(description="enterprise id of the group / 集团 id", examples=["ent:有研科技集团有限公司"])
    scope: str | None = Field(default=None, description="region or park id; default the home city")
    max_depth: int = Field(default=6, ge=1, le=10, description="subsidiary levels to follow")


class Subsidiary(BaseModel):
    enterprise: NodeRef
    level: int
    parent: NodeRef
    stake_pct: float | None
    effective_stake_pct: float | None
    certainty: str = Field(description="stated or inferred")
    local: bool


class Investor(BaseModel):
    enterprise: NodeRef
    role: str


class ProjectEntry(BaseModel):
    project: NodeRef
    status: str | None
    total_investment: int | None
    currency: str
    investors: list[Investor]
    parks: list[NodeRef]
    chains: list[NodeRef]


class Bucket(BaseModel):
    key: NodeRef | None = Field(default=None, description="the park or chain (None for a status bucket)")
    status: str | None = None
    projects: int
    investment_cny: int


class Result(BaseModel):
    group: NodeRef
    scope: ScopeRef
    subsidiaries: list[Subsidiary]
    projects: list[ProjectEntry]
    total_projects: int
    total_investment_cny: int
    by_status: list[Bucket]
    by_park: list[Bucket]
    by_chain: list[Bucket]


def run_networkx(graph: nx.MultiDiGraph, params: Params) -> Result:
    require(graph, params.group, (NodeKind.ENTERPRISE,), "enterprise")
    scope, local = resolve_scope(graph, params.scope)
    tree = holdings(graph, params.group, params.max_depth)
    members = [params.group, *(h.enterprise for h in tree)]

    invested: dict[str, list[Investor]] = {}
    for member in members:
        for _, project, attrs in graph.out_edges(member, data=True):
            if attrs.get("kind") == EdgeKind.INVESTS_IN.value and project in local:
                invested.setdefault(project, []).append(
                    Investor(enterprise=node_ref(graph, member), role=attrs.get("role", "investor"))
                )

    entries: list[ProjectEntry] = []
    by_status: dict[str, list[str]] = {}
    by_park: dict[str, list[str]] = {}
    by_chain: dict[str, list[str]] = {}
    for project in sorted(invested):
        attrs = graph.nodes[project]
        parks = sorted(
            v
            for _, v, k in graph.out_edges(project, data="kind")
            if k == EdgeKind.LOCATED_IN.value and graph.nodes[v]["kind"] == NodeKind.PARK.value
        )
        segments = [v for _, v, k in graph.out_edges(project, data="kind") if k == EdgeKind.IN_SEGMENT.value]
        chains = sorted({c for s in segments for c in segment_chains(graph, s)})
        entries.append(
            ProjectEntry(
                project=node_ref(graph, project),
                status=attrs.get("status"),
                total_investment=attrs.get("total_investment"),
                currency=attrs.get("currency", Currency.CNY.value),
                investors=sorted(invested[project], key=lambda i: (i.enterprise.id, i.role)),
                parks=[node_ref(graph, p) for p in parks],
                chains=[node_ref(graph, c) for c in chains],
            )
        )
        by_status.setdefault(attrs.get("status") or "未知", []).append(project)
        for park in parks:
            by_park.setdefault(park, []).append(project)
        for chain in chains:
            by_chain.setdefault(chain, []).append(project)

    def total(projects: list[str]) -> int:
        return sum(cny(graph.nodes[p]) for p in projects)

    return Result(
        group=node_ref(graph, params.group),
        scope=scope,
        subsidiaries=[
            Subsidiary(
                enterprise=node_ref(graph, h.enterprise),
                level=h.level,
                parent=node_ref(graph, h.parent),
                stake_pct=h.stake_pct,
                effective_stake_pct=round(h.effective_stake_pct, 6) if h.effective_stake_pct is not None else None,
                certainty=h.certainty,
                local=h.enterprise in local,
            )
            for h in sorted(tree, key=lambda h: (h.level, h.enterprise))
        ],
        projects=entries,
        total_projects=len(entries),
        total_investment_cny=total(list(invested)),
        by_status=[Bucket(status=s, projects=len(p), investment_cny=total(p)) for s, p in sorted(by_status.items())],
        by_park=[
            Bucket(key=node_ref(graph, k), projects=len(p), investment_cny=total(p)) for k, p in sorted(by_park.items())
        ],
        by_chain=[
            Bucket(key=node_ref(graph, k), projects=len(p), investment_cny=total(p))
            for k, p in sorted(by_chain.items())
        ],
    )
