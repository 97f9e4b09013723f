"""Park / region profile (园区画像): what a place holds and where its chains are thin.

Definition. For a park or region P taken as the scope (see :mod:`queries.common`):

- ``places``: the regions and parks P covers (itself excluded), by id;
- ``enterprises``: number of local enterprises; ``leaders``: local enterprises with a LEADS edge;
- ``projects_by_status``: local projects counted per status (unknown status as 未知) with their
  CNY investment; ``investment_cny``: CNY total over all local projects, any status, each once;
- ``chains``: every chain with at least one segment covered in P, with covered/total segments, the
  completeness index, and its ``top_gaps`` largest 补链 gaps as defined and scored by
  :mod:`queries.gaps`; ordered by completeness (descending) then chain id.
"""

from __future__ import annotations

import networkx as nx
from pydantic import BaseModel, Field

from graph_schema.kinds import EdgeKind, NodeKind
from queries import gaps
from queries.common import NodeRef, ScopeRef, cny, node_ref, require, resolve_scope
from queries.nx_index import nodes_of_kind, places_under

__all__ = ["ChainPresence", "Params", "Result", "StatusCount", "run_networkx"]


class Params(BaseModel):
    place: str = Field(description="park or region id / 园区或区域 id", examples=["park:天衢新区集成电路关键材料基地"])
    top_gaps: int = Field(default=3, ge=0, le=20, description="largest fill gaps listed per chain")


class StatusCount(BaseModel):
    status: str
    projects: int
    investment_cny: int


class ChainPresence(BaseModel):
    chain: NodeRef
    covered: int
    total: int
    completeness: float
    covered_segments: list[NodeRef]
    top_gaps: list[gaps.Gap]


class Result(BaseModel):
    place: ScopeRef
    places: list[NodeRef]
    enterprises: int
    leaders: list[NodeRef]
    projects: int
    projects_by_status: list[StatusCount]
    investment_cny: int
    chains: list[ChainPresence]


def run_networkx(graph: nx.MultiDiGraph, params: Params) -> Result:
    require(graph, params.place, (NodeKind.PARK, NodeKind.REGION), "park or region")
    scope, local = resolve_scope(graph, params.place)
    enterprises = sorted(n for n in local if graph.nodes[n]["kind"] == NodeKind.ENTERPRISE.value)
    projects = sorted(n for n in local if graph.nodes[n]["kind"] == NodeKind.PROJECT.value)
    by_status: dict[str, list[str]] = {}
    for project in projects:
        by_status.setdefault(graph.nodes[project].get("status") or "未知", []).append(project)
    leaders = sorted(
        {e for e in enterprises for _, _, k in graph.out_edges(e, data="kind") if k == EdgeKind.LEADS.value}
    )

    presence: list[ChainPresence] = []
    for chain in nodes_of_kind(graph, NodeKind.CHAIN):
        result = gaps.run_networkx(graph, gaps.Params(chain=chain, scope=params.place, limit=max(params.top_gaps, 1)))
        if not result.covered:
            continue
        presence.append(
            ChainPresence(
                chain=result.chain,
                covered=result.completeness.covered,
                total=result.completeness.total,
                completeness=result.completeness.index,
                covered_segments=result.covered,
                top_gaps=result.fill[: params.top_gaps],
            )
        )
    presence.sort(key=lambda c: (-c.completeness, c.chain.id))
    return Result(
        place=scope,
        places=[node_ref(graph, p) for p in sorted(places_under(graph, params.place) - {params.place})],
        enterprises=len(enterprises),
        leaders=[node_ref(graph, e) for e in leaders],
        projects=len(projects),
        projects_by_status=[
            StatusCount(status=s, projects=len(p), investment_cny=sum(cny(graph.nodes[x]) for x in p))
            for s, p in sorted(by_status.items())
        ],
        investment_cny=sum(cny(graph.nodes[p]) for p in projects),
        chains=presence,
    )
