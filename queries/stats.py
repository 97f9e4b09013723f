"""Graph statistics: how many of each kind, and how much each chain holds.

Definition, per chain C:

- ``segments``: segments with a PART_OF edge to C;
- ``enterprises``: distinct enterprises with an IN_SEGMENT edge to any of those segments;
- ``projects``: distinct projects with an IN_SEGMENT edge to any of those segments;
- ``investment_cny``: sum of ``total_investment`` over those projects whose currency is CNY (a
  project serving two segments of C counts once);
- ``leaders``: distinct enterprises with a LEADS edge to C.

Chains are listed by name. This is the query behind ``chainkg stats``.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from graph_schema.kinds import Currency, EdgeKind, NodeKind

__all__ = ["CYPHER", "ChainStats", "Params", "Result", "cypher_result", "run_networkx"]


class Params(BaseModel):
    """No parameters: statistics cover the whole graph."""


class ChainStats(BaseModel):
    chain_id: str
    name: str
    segments: int = Field(description="环节数")
    enterprises: int = Field(description="企业数")
    projects: int = Field(description="项目数")
    investment_cny: int = Field(description="项目总投资（元）")
    leaders: int = Field(description="链主企业数")


class Result(BaseModel):
    nodes: dict[str, int]
    edges: dict[str, int]
    chains: list[ChainStats]


def run_networkx(graph: nx.MultiDiGraph, params: Params) -> Result:
    nodes: dict[str, int] = {}
    for _, kind in graph.nodes(data="kind"):
        nodes[kind] = nodes.get(kind, 0) + 1
    edges: dict[str, int] = {}
    for _, _, kind in graph.edges(data="kind"):
        edges[kind] = edges.get(kind, 0) + 1
    chains: list[ChainStats] = []
    for chain_id, attrs in graph.nodes(data=True):
        if attrs["kind"] != NodeKind.CHAIN.value:
            continue
        segments = {u for u, _, k in graph.in_edges(chain_id, data="kind") if k == EdgeKind.PART_OF.value}
        enterprises: set[str] = set()
        projects: set[str] = set()
        for segment in segments:
            for member, _, k in graph.in_edges(segment, data="kind"):
                if k != EdgeKind.IN_SEGMENT.value:
                    continue
                member_kind = graph.nodes[member]["kind"]
                if member_kind == NodeKind.ENTERPRISE.value:
                    enterprises.add(member)
                elif member_kind == NodeKind.PROJECT.value:
                    projects.add(member)
        investment = sum(
            graph.nodes[p].get("total_investment", 0) or 0
            for p in projects
            if graph.nodes[p].get("currency", Currency.CNY.value) == Currency.CNY.value
        )
        leaders = {u for u, _, k in graph.in_edges(chain_id, data="kind") if k == EdgeKind.LEADS.value}
        chains.append(
            ChainStats(
                chain_id=chain_id,
                name=attrs["name"],
                segments=len(segments),
                enterprises=len(enterprises),
                projects=len(projects),
                investment_cny=investment,
                leaders=len(leaders),
            )
        )
    chains.sort(key=lambda c: (c.name, c.chain_id))
    return Result(nodes=dict(sorted(nodes.items())), edges=dict(sorted(edges.items())), chains=chains)


_CHAIN = NodeKind.CHAIN.value
_SEGMENT = NodeKind.SEGMENT.value
_ENTERPRISE = NodeKind.ENTERPRISE.value
_PROJECT = NodeKind.PROJECT.value

#: The Cypher twin. Labels and types come from the schema enums; there are no parameters.
CYPHER = {
    "nodes": "MATCH (n) RETURN labels(n)[0] AS kind, count(*) AS n",
    "edges": "MATCH ()-[r]->() RETURN type(r) AS kind, count(*) AS n",
    "chains": f"""
MATCH (c:{_CHAIN})
OPTIONAL MATCH (s:{_SEGMENT})-[:{EdgeKind.PART_OF.value}]->(c)
WITH c, collect(DISTINCT s) AS segs
OPTIONAL MATCH (e:{_ENTERPRISE})-[:{EdgeKind.IN_SEGMENT.value}]->(s1:{_SEGMENT}) WHERE s1 IN segs
WITH c, segs, collect(DISTINCT e) AS ents
OPTIONAL MATCH (p:{_PROJECT})-[:{EdgeKind.IN_SEGMENT.value}]->(s2:{_SEGMENT}) WHERE s2 IN segs
WITH c, segs, ents, collect(DISTINCT p) AS projs
OPTIONAL MATCH (l:{_ENTERPRISE})-[:{EdgeKind.LEADS.value}]->(c)
WITH c, segs, ents, projs, collect(DISTINCT l) AS leads
RETURN c.id AS chain_id, c.name AS name, size(segs) AS segments, size(ents) AS enterprises,
       size(projs) AS projects,
       reduce(t = 0, p IN projs | t + CASE WHEN coalesce(p.currency, '{Currency.CNY.value}') = '{Currency.CNY.value}'
                                           THEN coalesce(p.total_investment, 0) ELSE 0 END) AS investment_cny,
       size(leads) AS leaders
ORDER BY name, chain_id
""",
}


def cypher_result(rows: dict[str, list[dict[str, Any]]]) -> Result:
    """Build the result from the rows of the three CYPHER statements."""
    return Result(
        nodes={r["kind"]: r["n"] for r in sorted(rows["nodes"], key=lambda r: r["kind"])},
        edges={r["kind"]: r["n"] for r in sorted(rows["edges"], key=lambda r: r["kind"])},
        chains=[ChainStats(**r) for r in rows["chains"]],
    )
