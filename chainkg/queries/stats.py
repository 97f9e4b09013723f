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

from chainkg.queries.base import Query
from chainkg.queries.common import cny
from chainkg.queries.cypher.common import Execute
from chainkg.schema.kinds import Currency, EdgeKind, NodeKind
from chainkg.store.graph_tables import node_table
from chainkg.store.neo4j import facts as kept
from chainkg.store.neo4j.facts import saw_stale
from chainkg.store.nx_index import cached, kind_counts, members_by_segment, nodes_of_kind

__all__ = [
    "CYPHER",
    "FROM_FACTS",
    "ONE",
    "QUERY",
    "ChainStats",
    "Params",
    "Result",
    "cypher_result",
    "run_cypher",
    "run_networkx",
]


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


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    nodes, edges, chains = cached(graph, "stats", lambda: _count(graph))
    return Result(nodes=dict(nodes), edges=dict(edges), chains=[ChainStats(**c) for c in chains])


def _count(graph: nx.MultiDiGraph[str]) -> tuple[dict[str, int], dict[str, int], tuple[dict[str, Any], ...]]:
    """The statistics of the graph, as plain values, once per graph version: the answer only changes
    with a write."""
    nodes, edges = kind_counts(graph)
    members = members_by_segment(graph)
    node_attrs = node_table(graph)
    chains: list[dict[str, Any]] = []
    for chain_id in nodes_of_kind(graph, NodeKind.CHAIN):
        segments = {u for u, _, k in graph.in_edges(chain_id, data="kind", default="") if k == EdgeKind.PART_OF.value}
        enterprises: set[str] = set()
        projects: set[str] = set()
        for segment in segments:
            in_segment, projects_in_segment = members.get(segment, (frozenset(), frozenset()))
            enterprises |= in_segment
            projects |= projects_in_segment
        leaders = {u for u, _, k in graph.in_edges(chain_id, data="kind", default="") if k == EdgeKind.LEADS.value}
        chains.append(
            {
                "chain_id": chain_id,
                "name": node_attrs[chain_id]["name"],
                "segments": len(segments),
                "enterprises": len(enterprises),
                "projects": len(projects),
                "investment_cny": sum(cny(node_attrs[p]) for p in projects),
                "leaders": len(leaders),
            }
        )
    chains.sort(key=lambda c: (c["name"], c["chain_id"]))
    return nodes, edges, tuple(chains)


_CHAIN = NodeKind.CHAIN.value
_ENTERPRISE = NodeKind.ENTERPRISE.value
_PROJECT = NodeKind.PROJECT.value
_CNY = Currency.CNY.value

#: The Cypher twin. Labels and types come from the schema enums; there are no parameters. Node and
#: relationship counts are one ``count`` per kind, read from Neo4j's count store: the count comes
#: before the constant ``kind`` column, because a count grouped by a key, even a constant one, is
#: planned as a scan of every node or relationship of the kind (half a million at city scale).
CYPHER = {
    "nodes": "\nUNION ALL\n".join(
        f"MATCH (n:{k.value}) WITH count(n) AS n RETURN '{k.value}' AS kind, n" for k in NodeKind
    ),
    "edges": "\nUNION ALL\n".join(
        f"MATCH ()-[r:{k.value}]->() WITH count(r) AS n RETURN '{k.value}' AS kind, n" for k in EdgeKind
    ),
    # each chain's segments, and their members in one pass over the IN_SEGMENT links
    "chains": f"""
MATCH (c:{_CHAIN})
OPTIONAL MATCH (s)-[:{EdgeKind.PART_OF.value}]->(c)
WITH c, collect(DISTINCT s) AS segments
CALL (segments) {{
  UNWIND segments AS s
  OPTIONAL MATCH (m)-[:{EdgeKind.IN_SEGMENT.value}]->(s) WHERE m:{_ENTERPRISE} OR m:{_PROJECT}
  WITH DISTINCT m
  WITH collect(m) AS members
  WITH [m IN members WHERE m:{_ENTERPRISE}] AS es, [m IN members WHERE m:{_PROJECT}] AS ps
  RETURN size(es) AS enterprises, size(ps) AS projects,
         reduce(total = 0, p IN ps |
           total + CASE WHEN coalesce(p.currency, '{_CNY}') = '{_CNY}' THEN coalesce(p.total_investment, 0) ELSE 0 END)
           AS investment_cny
}}
CALL (c) {{
  OPTIONAL MATCH (leader)-[:{EdgeKind.LEADS.value}]->(c)
  RETURN count(DISTINCT leader) AS leaders
}}
RETURN c.id AS chain_id, c.name AS name, size(segments) AS segments, enterprises, projects, investment_cny, leaders
ORDER BY name, chain_id
""",
}

#: The three statements of :data:`CYPHER` as one (one round trip): each one's rows as a list (the
#: chains collected inside their subquery, so a graph without chains still has its one row).
ONE = f"""
CALL () {{
{CYPHER["nodes"]}
}}
WITH collect({{kind: kind, n: n}}) AS nodes
CALL () {{
{CYPHER["edges"]}
}}
WITH nodes, collect({{kind: kind, n: n}}) AS edges
CALL () {{
  CALL () {{
{CYPHER["chains"]}
  }}
  RETURN collect({{chain_id: chain_id, name: name, segments: segments, enterprises: enterprises,
    projects: projects, investment_cny: investment_cny, leaders: leaders}}) AS chains
}}
RETURN nodes, edges, chains"""


#: :data:`ONE` with the chains from the precomputed facts (:mod:`chainkg.store.neo4j.facts`) when they
#: are fresh (``chains`` null otherwise): the per-chain member counts walk every IN_SEGMENT link.
#: Freshness is read once, first: evaluated per row, a derivation committing meanwhile would split
#: the rows into two groups.
FROM_FACTS = f"""
WITH {kept.FRESH} AS fresh
CALL () {{
{CYPHER["nodes"]}
}}
WITH fresh, collect({{kind: kind, n: n}}) AS nodes
CALL () {{
{CYPHER["edges"]}
}}
WITH fresh, nodes, collect({{kind: kind, n: n}}) AS edges
CALL (fresh) {{
  WITH fresh WHERE fresh
  MATCH (f:{kept.GRAPH_FACT})
  RETURN collect(f {{.chain, .name, .segments, .enterprises, .projects, .investment_cny, .leaders}}) AS chains
}}
RETURN nodes, edges, fresh, chains"""


def cypher_result(rows: dict[str, list[dict[str, Any]]]) -> Result:
    """Build the result from the rows of the three CYPHER statements (kinds with no items left out)."""
    return Result(
        nodes={r["kind"]: r["n"] for r in sorted(rows["nodes"], key=lambda r: r["kind"]) if r["n"]},
        edges={r["kind"]: r["n"] for r in sorted(rows["edges"], key=lambda r: r["kind"]) if r["n"]},
        chains=[ChainStats(**r) for r in rows["chains"]],
    )


def run_cypher(execute: Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`: :data:`FROM_FACTS`, and when the facts are stale the
    three statements of :data:`CYPHER`, sent as :data:`ONE`."""
    (row,) = execute(FROM_FACTS, {})
    if row["fresh"]:
        chains = [{"chain_id": c.pop("chain"), **c} for c in row["chains"]]
        return cypher_result({**row, "chains": sorted(chains, key=lambda r: (r["name"], r["chain_id"]))})
    saw_stale()
    (row,) = execute(ONE, {})
    return cypher_result({**row, "chains": sorted(row["chains"], key=lambda r: (r["name"], r["chain_id"]))})


QUERY: Query[Params, Result] = Query(
    name="stats",
    summary="Graph statistics / 图谱统计",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="stats",
)
