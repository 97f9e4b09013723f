"""The whole graph, page by page, exactly as stored: what ``chainkg export`` writes.

Definition: the nodes ordered by id, ``limit`` at a time, starting after the id ``after``; each node
with its kind, its properties, its sources (the CITES links: source id, evidence, claims,
certainty) and its other outgoing edges (kind, target, key, properties, the sources' provenance
texts). Every node and every edge of the graph appears exactly once over the pages (an edge with
the node it leaves), so the pages together are the graph — both stores hold the same shape, so both
give the same pages.

Not a question an office asks: it is not in :mod:`chainkg.queries.registry` (no API route, no CLI
command of its own); ``chainkg export`` (:mod:`chainkg.app.backup`) runs it.
"""

from __future__ import annotations

import bisect
import json
from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.cypher.common import Execute
from chainkg.schema.kinds import EdgeKind, StoreLabel
from chainkg.store.neo4j.ddl import DERIVED
from chainkg.store.nx_index import cached

__all__ = ["CYPHER", "QUERY", "Params", "Result", "run_cypher", "run_networkx"]

_CITES = EdgeKind.CITES.value


class Params(BaseModel):
    after: str | None = Field(default=None, description="the last node id of the previous page")
    limit: int = Field(default=2000, ge=1, le=100_000, description="nodes per page")


class Result(BaseModel):
    """``nodes``: ``{id, kind, props, cites: [{source, evidence, claims, certainty}], edges: [{kind,
    target, key, props, provenance}]}`` per node; ``next_after``: None on the last page."""

    nodes: list[dict[str, Any]]
    next_after: str | None


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    order: list[str] = cached(graph, "dump_order", lambda: sorted(graph.nodes))
    start = 0 if params.after is None else bisect.bisect_right(order, params.after)
    page = order[start : start + params.limit]
    nodes = []
    for node_id in page:
        attrs = graph.nodes[node_id]
        cites: list[dict[str, Any]] = []
        edges: list[dict[str, Any]] = []
        for _, target, key, data in graph.out_edges(node_id, keys=True, data=True):
            if data["kind"] == _CITES:
                cites.append(_cite(target, data))
            else:
                props = {k: v for k, v in data.items() if k not in ("kind", "provenance")}
                edges.append(_edge(data["kind"], target, key, props, list(data.get("provenance") or [])))
        props = {k: v for k, v in attrs.items() if k != "kind"}
        nodes.append(_node(node_id, attrs["kind"], props, cites, edges))
    more = start + params.limit < len(order)
    return Result(nodes=nodes, next_after=page[-1] if more and page else None)


CYPHER = f"""
MATCH (n:{StoreLabel.ENTITY.value})
WHERE $after IS NULL OR n.id > $after
WITH n ORDER BY n.id LIMIT $limit
OPTIONAL MATCH (n)-[r]->(m:{StoreLabel.ENTITY.value})
WITH n, collect(CASE WHEN r IS NULL THEN NULL ELSE {{kind: type(r), target: m.id, props: properties(r)}} END) AS out
RETURN n.id AS id, [l IN labels(n) WHERE l <> '{StoreLabel.ENTITY.value}'][0] AS kind, properties(n) AS props, out
ORDER BY id
"""


def run_cypher(execute: Execute, params: Params) -> Result:
    rows = execute(CYPHER, {"after": params.after, "limit": params.limit + 1})
    more = len(rows) > params.limit
    nodes = []
    for row in rows[: params.limit]:
        props = {k: v for k, v in row["props"].items() if k != "id" and k not in DERIVED}
        cites, edges = [], []
        for rel in row["out"]:
            rel_props = dict(rel["props"])
            key = rel_props.pop("key")
            if rel["kind"] == _CITES:
                cites.append(_cite(rel["target"], rel_props))
            else:
                provenance = list(rel_props.pop("provenance", None) or [])
                edges.append(_edge(rel["kind"], rel["target"], key, rel_props, provenance))
        nodes.append(_node(row["id"], row["kind"], props, cites, edges))
    return Result(nodes=nodes, next_after=nodes[-1]["id"] if more and nodes else None)


def _cite(source: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": source,
        "evidence": data.get("evidence") or "",
        "claims": json.loads(data.get("claims") or "{}"),
        "certainty": data.get("certainty"),
    }


def _edge(kind: str, target: str, key: str, props: dict[str, Any], provenance: list[str]) -> dict[str, Any]:
    return {"kind": kind, "target": target, "key": key, "props": dict(sorted(props.items())), "provenance": provenance}


def _node(
    node_id: str, kind: str, props: dict[str, Any], cites: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": kind,
        "props": dict(sorted(props.items())),
        "cites": sorted(cites, key=lambda c: c["source"]),
        "edges": sorted(edges, key=lambda e: (e["target"], e["key"])),
    }


QUERY = Query(
    name="dump",
    summary="The whole graph, page by page / 全图导出",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
)
