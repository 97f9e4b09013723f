"""Entity detail (详情): one node, the sources that state it, and its neighbours by edge kind.

Definition. For node N:

- ``properties``: N's stored properties (the internal ``keys`` list left out);
- ``sources``: N's CITES edges — each source with its title, date, the evidence and the values it
  claims — ordered by source date (newest first, undated last), then id;
- ``neighbours``: N's other edges grouped by (edge kind, direction); for a Source node, the facts
  citing it appear as the group (CITES, in). Each group gives its ``total`` and one page of items
  (``offset``, ``limit``), ordered by neighbour id; each item shows the neighbour, the edge's
  properties and the sources of the edge. ``edge_kind`` restricts to one kind. Groups are ordered
  by edge kind, then direction (out before in).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, node_ref, require
from chainkg.queries.cypher import common as cy
from chainkg.queries.params import ANY_NODE
from chainkg.schema.kinds import EdgeKind, NodeKind

__all__ = [
    "CYPHER",
    "QUERY",
    "EdgeSource",
    "Neighbour",
    "NeighbourGroup",
    "Params",
    "Result",
    "SourceEntry",
    "run_cypher",
    "run_networkx",
]


class Params(BaseModel):
    id: Annotated[str, ANY_NODE] = Field(
        description="any node: id or name / 任意节点的 id 或名称", examples=["ent:有研科技集团有限公司"]
    )
    edge_kind: EdgeKind | None = Field(default=None, description="only neighbours over this edge kind / 关系类型")
    offset: int = Field(default=0, ge=0, le=1_000_000, description="neighbours to skip in each group / 每组跳过的条数")
    limit: int = Field(default=20, ge=1, le=100, description="neighbours per group / 每组条数")


class SourceEntry(BaseModel):
    source: NodeRef
    date: str | None
    publisher: str | None
    url: str | None
    evidence: str
    claims: dict[str, Any]
    certainty: str


class EdgeSource(BaseModel):
    source: str
    evidence: str
    certainty: str


class Neighbour(BaseModel):
    node: NodeRef
    properties: dict[str, Any]
    sources: list[EdgeSource]


class NeighbourGroup(BaseModel):
    edge_kind: EdgeKind
    direction: Literal["out", "in"]
    total: int
    items: list[Neighbour]


class Result(BaseModel):
    node: NodeRef
    properties: dict[str, Any]
    sources: list[SourceEntry]
    neighbours: list[NeighbourGroup]


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    attrs = require(graph, params.id, tuple(NodeKind), "node")
    is_source = attrs["kind"] == NodeKind.SOURCE.value
    sources: list[SourceEntry] = []
    groups: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}

    def add(kind: str, direction: str, other: str, edge: dict[str, Any]) -> None:
        if params.edge_kind is not None and kind != params.edge_kind.value:
            return
        groups.setdefault((kind, direction), []).append((other, edge))

    for _, other, edge in graph.out_edges(params.id, data=True):
        if edge["kind"] == EdgeKind.CITES.value:
            src = graph.nodes[other]
            sources.append(
                SourceEntry(
                    source=node_ref(graph, other),
                    date=src.get("date"),
                    publisher=src.get("publisher"),
                    url=src.get("url"),
                    evidence=edge.get("evidence", ""),
                    claims=json.loads(edge.get("claims") or "{}"),
                    certainty=edge.get("certainty", "stated"),
                )
            )
        else:
            add(edge["kind"], "out", other, edge)
    if params.edge_kind is not EdgeKind.CITES or is_source:  # else none is kept: a place has thousands
        for other, _, edge in graph.in_edges(params.id, data=True):
            if edge["kind"] != EdgeKind.CITES.value or is_source:
                add(edge["kind"], "in", other, edge)

    sources.sort(key=lambda s: (s.date is None, _neg(s.date or ""), s.source.id))
    neighbours = []
    for (kind, direction), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] != "out")):
        page = _page(items, params.offset, params.limit)
        neighbours.append(
            NeighbourGroup(
                edge_kind=EdgeKind(kind),
                direction=direction,
                total=len(items),
                items=[
                    Neighbour(node=node_ref(graph, other), properties=edge_properties(edge), sources=edge_sources(edge))
                    for other, edge in page
                ],
            )
        )
    properties = {k: v for k, v in sorted(attrs.items()) if k not in ("kind", "keys")}  # same JSON on both stores
    return Result(node=node_ref(graph, params.id), properties=properties, sources=sources, neighbours=neighbours)


def _page(items: list[tuple[str, dict[str, Any]]], offset: int, limit: int) -> list[tuple[str, dict[str, Any]]]:
    """One page of a group's (neighbour, edge) pairs in the defined order: by neighbour id, then by
    the edge's properties as JSON.

    A hub (a segment, a city) has thousands of edges in a group; only the page becomes models. The
    properties' JSON only orders parallel edges to one neighbour, so it is made only for those
    (both sorts are stable, so exact ties keep the order of a single sort on both keys).
    """
    items = sorted(items, key=lambda item: item[0])
    start = 0
    while start < len(items):
        end = start + 1
        while end < len(items) and items[end][0] == items[start][0]:
            end += 1
        if end - start > 1:
            items[start:end] = sorted(items[start:end], key=lambda item: _properties_json(item[1]))
        start = end
    return items[offset : offset + limit]


def _properties_json(edge: dict[str, Any]) -> str:
    return json.dumps(edge_properties(edge), sort_keys=True, ensure_ascii=False)


def edge_properties(edge: dict[str, Any]) -> dict[str, Any]:
    """An edge's own properties, without its kind and provenance (reported separately)."""
    if edge.get("kind") == EdgeKind.CITES.value:
        return {"evidence": edge.get("evidence", ""), "claims": json.loads(edge.get("claims") or "{}")}
    return {k: v for k, v in sorted(edge.items()) if k not in ("kind", "provenance") and v is not None}


def edge_sources(edge: dict[str, Any]) -> list[EdgeSource]:
    out = []
    for text in edge.get("provenance", []):
        data = json.loads(text)
        out.append(
            EdgeSource(
                source=data["source"], evidence=data.get("evidence", ""), certainty=data.get("certainty", "stated")
            )
        )
    return sorted(out, key=lambda s: (s.source, s.evidence))


def _neg(text: str) -> str:
    """A key that sorts text in descending order."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


# --- Cypher twin -------------------------------------------------------------------------------

#: The Cypher twin. ``neighbours`` groups the node's relationships by (type, direction), orders each
#: group by neighbour id and cuts the page in Cypher; see :func:`run_cypher` for how ties are kept exact.
CYPHER = {
    "sources": f"""
MATCH (:{cy.ENTITY} {{id: $id}})-[c:{cy.CITES}]->(s)
RETURN s.id AS id, s.name AS name, s.date AS date, s.publisher AS publisher, s.url AS url,
       c.evidence AS evidence, c.claims AS claims, c.certainty AS certainty""",
    "neighbours": f"""
MATCH (n:{cy.ENTITY} {{id: $id}})
CALL (n) {{
  MATCH (n)-[r]->(other) WHERE type(r) <> '{cy.CITES}'
  RETURN r, other, 'out' AS direction
  UNION ALL
  MATCH (n)<-[r]-(other) WHERE type(r) <> '{cy.CITES}' OR $is_source
  RETURN r, other, 'in' AS direction
}}
WITH type(r) AS kind, direction, r, other WHERE $kind IS NULL OR kind = $kind
ORDER BY other.id, r.key
WITH kind, direction, collect({{id: other.id, name: other.name, props: properties(r)}}) AS items
WITH kind, direction, items, items[$offset..$offset + $limit] AS page
RETURN kind, direction, size(items) AS total,
       CASE WHEN size(page) = 0 THEN [] ELSE [x IN items WHERE page[0].id <= x.id <= page[-1].id] END AS window,
       CASE WHEN size(page) = 0 THEN 0 ELSE size([x IN items WHERE x.id < page[0].id]) END AS before""",
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`.

    Cypher orders each group by neighbour id and returns the page's *window*: every item whose
    neighbour id lies between the page's first and last. Parallel edges (an investor that also
    builds the project) share a neighbour id; their order — by properties, as defined — is settled
    here in Python within the window, so the page holds exactly the items it holds on networkx.
    """
    attrs = cy.require(execute, params.id, tuple(NodeKind), "node")
    is_source = attrs["kind"] == NodeKind.SOURCE.value
    sources = [
        SourceEntry(
            source=cy.ref(row["id"], row["name"]),
            date=row["date"],
            publisher=row["publisher"],
            url=row["url"],
            evidence=row["evidence"] if row["evidence"] is not None else "",
            claims=json.loads(row["claims"] or "{}"),
            certainty=row["certainty"] if row["certainty"] is not None else "stated",
        )
        for row in execute(CYPHER["sources"], {"id": params.id})
    ]
    sources.sort(key=lambda s: (s.date is None, _neg(s.date or ""), s.source.id))
    rows = execute(
        CYPHER["neighbours"],
        {
            "id": params.id,
            "is_source": is_source,
            "kind": params.edge_kind.value if params.edge_kind is not None else None,
            "offset": params.offset,
            "limit": params.limit,
        },
    )
    neighbours = []
    for row in sorted(rows, key=lambda r: (r["kind"], r["direction"] != "out")):
        items = []
        for item in row["window"]:
            edge = {k: v for k, v in item["props"].items() if k != "key"}
            edge["kind"] = row["kind"]
            items.append(
                Neighbour(
                    node=cy.ref(item["id"], item["name"]),
                    properties=edge_properties(edge),
                    sources=edge_sources(edge),
                )
            )
        items.sort(key=lambda n: (n.node.id, json.dumps(n.properties, sort_keys=True, ensure_ascii=False)))
        start = params.offset - row["before"]
        neighbours.append(
            NeighbourGroup(
                edge_kind=EdgeKind(row["kind"]),
                direction=row["direction"],
                total=row["total"],
                items=items[start : start + params.limit],
            )
        )
    properties = {k: v for k, v in sorted(attrs.items()) if k not in ("kind", "keys")}  # same JSON on both stores
    return Result(
        node=cy.ref(params.id, attrs.get("name")), properties=properties, sources=sources, neighbours=neighbours
    )


QUERY: Query[Params, Result] = Query(
    name="entity",
    summary="Entity detail / 实体详情",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="entity",
)
