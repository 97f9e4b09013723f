"""Explain path (关系路径): how two entities are connected, hop by hop.

Definition. Edges are taken in either direction; Source nodes and CITES edges are left out (two
facts citing the same article are not related by that). The result holds the shortest paths from
``source`` to ``target`` — all of the shortest length, if that length is at most ``max_length`` —
enumerated in lexicographic order of their node ids and cut at ``max_paths``. Each hop lists every
edge joining its two nodes (kind, direction as stored, properties), ordered by kind, then direction
(from the hop's start first), then properties.
No path within ``max_length`` gives an empty list (and ``length`` None), not an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from typing import Annotated, Any

import networkx as nx
from pydantic import BaseModel, Field, model_validator

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, node_ref, require
from chainkg.queries.cypher import common as cy
from chainkg.queries.entity import edge_properties
from chainkg.queries.params import CONNECTABLE
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.graph_tables import node_table, pred_table, succ_table

__all__ = ["CYPHER", "QUERY", "Hop", "HopEdge", "Params", "Path", "Result", "run_cypher", "run_networkx"]


class Params(BaseModel):
    source: Annotated[str, CONNECTABLE] = Field(
        description="start: id or name / 起点", examples=["ent:有研新材料股份有限公司"]
    )
    target: Annotated[str, CONNECTABLE] = Field(description="end: id or name / 终点", examples=["region:天衢新区"])
    max_length: int = Field(default=4, ge=1, le=6, description="longest path considered, in hops / 最大跳数")
    max_paths: int = Field(default=5, ge=1, le=20, description="paths returned / 返回路径数")

    @model_validator(mode="after")
    def _distinct(self) -> Params:
        if self.source == self.target:
            raise ValueError("source and target must be different nodes")
        return self


class HopEdge(BaseModel):
    kind: EdgeKind
    source: str = Field(description="the edge's stored start")
    target: str = Field(description="the edge's stored end")
    properties: dict[str, Any]


class Hop(BaseModel):
    start: NodeRef
    end: NodeRef
    edges: list[HopEdge]


class Path(BaseModel):
    nodes: list[NodeRef]
    hops: list[Hop]


class Result(BaseModel):
    source: NodeRef
    target: NodeRef
    length: int | None = Field(description="hops of the shortest paths; None when none within max_length")
    paths: list[Path]


def _neighbours(graph: nx.MultiDiGraph[str], node: str) -> set[str]:
    """The node's neighbours in either direction over non-CITES edges, Sources left out (straight
    over the adjacency dicts: the search calls this for every node it expands)."""
    nodes = node_table(graph)
    out: set[str] = set()
    for adjacency in (succ_table(graph)[node], pred_table(graph)[node]):
        for other, keydict in adjacency.items():
            if other not in out and nodes[other]["kind"] != _SOURCE:
                for attrs in keydict.values():
                    if attrs.get("kind") != _CITES:
                        out.add(other)
                        break
    return out


_CITES = EdgeKind.CITES.value
_SOURCE = NodeKind.SOURCE.value


def _links(start: list[str], predecessors: dict[str, set[str]]) -> Iterator[tuple[str, str]]:
    """Every (node, predecessor) link reachable from ``start`` through ``predecessors``, depth first."""
    seen = set(start)
    stack = list(start)
    while stack:
        node = stack.pop()
        for other in predecessors[node]:
            yield node, other
            if other not in seen:
                seen.add(other)
                stack.append(other)


class _Search:
    """Breadth-first from one end: each reached node's distance and, for those reached so far, its
    predecessors (the neighbours one step nearer to that end)."""

    __slots__ = ("distance", "frontier", "graph", "level", "predecessors")

    def __init__(self, graph: nx.MultiDiGraph[str], start: str):
        self.graph = graph
        self.distance = {start: 0}
        self.predecessors: dict[str, set[str]] = {start: set()}
        self.frontier = [start]
        self.level = 0

    def cost(self) -> int:
        """Edges the next level would walk: the frontier's degrees."""
        succ, pred = succ_table(self.graph), pred_table(self.graph)
        return sum(len(succ[n]) + len(pred[n]) for n in self.frontier)

    def expand(self) -> list[str]:
        """Reach the next level; returns it."""
        self.level += 1
        distance, predecessors = self.distance, self.predecessors
        reached: list[str] = []
        for node in self.frontier:
            for other in _neighbours(self.graph, node):
                if other not in distance:
                    distance[other] = self.level
                    predecessors[other] = {node}
                    reached.append(other)
                elif distance[other] == self.level:
                    predecessors[other].add(node)
        self.frontier = reached
        return reached


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    kinds = tuple(k for k in NodeKind if k is not NodeKind.SOURCE)
    require(graph, params.source, kinds, "node (not a Source)")
    require(graph, params.target, kinds, "node (not a Source)")

    # Breadth-first from both ends, a whole level at a time, always growing the side whose next
    # level is cheaper (hubs — a city, a segment — have tens of thousands of edges; a one-sided
    # search walked every node within three hops of the source). The first level at which the two
    # searches meet gives the shortest length d = a + b (a, b: the levels of each side); the nodes
    # they meet at are every node at distance a from the source on a shortest path.
    forward, backward = _Search(graph, params.source), _Search(graph, params.target)
    meet: list[str] = []
    while forward.level + backward.level < params.max_length and forward.frontier and backward.frontier:
        side, other = (forward, backward) if forward.cost() <= backward.cost() else (backward, forward)
        meet = [n for n in side.expand() if n in other.distance]
        if meet:
            break
    # (the target itself is met when a side reaches it: the meeting then lies at an end)

    paths: list[list[str]] = []
    if meet:
        # The shortest-path DAG, as a one-sided search from the source would have it: a node's
        # successors are its neighbours one step further from the source on a shortest path.
        # Before the meeting nodes they come from the forward predecessors, walked back; after
        # them, from the backward predecessors (one step nearer the target), walked forward.
        successors: dict[str, list[str]] = {}
        for node, previous in _links(meet, forward.predecessors):
            successors.setdefault(previous, []).append(node)
        for node, following in _links(meet, backward.predecessors):
            successors.setdefault(node, []).append(following)

        def walk(path: list[str]) -> None:
            if len(paths) >= params.max_paths:
                return
            if path[-1] == params.target:
                paths.append(path)
                return
            for following in sorted(successors.get(path[-1], ())):
                walk([*path, following])

        walk([params.source])
    return Result(
        source=node_ref(graph, params.source),
        target=node_ref(graph, params.target),
        length=forward.level + backward.level if meet else None,
        paths=[_path(graph, p) for p in paths],
    )


def _path(graph: nx.MultiDiGraph[str], nodes: list[str]) -> Path:
    hops = []
    for a, b in pairwise(nodes):
        edges = [
            HopEdge(kind=EdgeKind(attrs["kind"]), source=u, target=v, properties=edge_properties(attrs))
            for u, v in ((a, b), (b, a))
            for attrs in (graph.get_edge_data(u, v) or {}).values()
            if attrs["kind"] != EdgeKind.CITES.value
        ]
        hops.append(Hop(start=node_ref(graph, a), end=node_ref(graph, b), edges=_ordered(edges, a)))
    return Path(nodes=[node_ref(graph, n) for n in nodes], hops=hops)


def _ordered(edges: list[HopEdge], start: str) -> list[HopEdge]:
    """A hop's edges by kind, then direction (from the hop's start first), then properties — so two
    parallel edges of one kind (investor and builder) come in the same order whatever the load order."""
    return sorted(
        edges,
        key=lambda e: (e.kind.value, e.source != start, json.dumps(e.properties, sort_keys=True, ensure_ascii=False)),
    )


# --- Cypher twin -------------------------------------------------------------------------------


def _shortest(max_length: int) -> str:
    """All shortest paths of at most ``max_length`` hops, in either direction, avoiding CITES and Sources."""
    return f"""
MATCH (a:{cy.ENTITY} {{id: $source}}), (b:{cy.ENTITY} {{id: $target}})
MATCH path = allShortestPaths((a)-[*..{max_length}]-(b))
WHERE none(r IN relationships(path) WHERE type(r) = '{cy.CITES}')
  AND none(n IN nodes(path) WHERE n:{cy.SOURCE})
RETURN DISTINCT [n IN nodes(path) | n.id] AS ids"""


#: The Cypher twin. Path lengths cannot be parameters: one ``shortest`` statement per ``max_length``.
CYPHER = {
    **{f"shortest_{n}": _shortest(n) for n in range(1, 7)},
    # every non-CITES relationship between consecutive nodes of the chosen paths
    "hops": f"""
UNWIND $pairs AS pair
MATCH (a:{cy.ENTITY} {{id: pair[0]}})-[r]-(b:{cy.ENTITY} {{id: pair[1]}})
WHERE type(r) <> '{cy.CITES}'
RETURN pair[0] AS a, pair[1] AS b, type(r) AS kind, startNode(r).id AS source, endNode(r).id AS target,
       properties(r) AS props, a.name AS a_name, b.name AS b_name""",
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`: Neo4j finds every shortest path, Python keeps the first
    ``max_paths`` in the definition's (lexicographic) order."""
    kinds = tuple(k for k in NodeKind if k is not NodeKind.SOURCE)
    source = cy.require(execute, params.source, kinds, "node (not a Source)")
    target = cy.require(execute, params.target, kinds, "node (not a Source)")
    found = sorted(
        row["ids"]
        for row in execute(CYPHER[f"shortest_{params.max_length}"], {"source": params.source, "target": params.target})
    )
    chosen = found[: params.max_paths]
    pairs = sorted({(a, b) for nodes in chosen for a, b in pairwise(nodes)})
    edges: dict[tuple[str, str], list[HopEdge]] = {}
    # the names of the paths' nodes come with their hops (a path of one node is the source alone)
    names = {params.source: source.get("name"), params.target: target.get("name")}
    for row in execute(CYPHER["hops"], {"pairs": [list(p) for p in pairs]}) if pairs else []:
        names.update({row["a"]: row["a_name"], row["b"]: row["b_name"]})
        attrs = {k: v for k, v in row["props"].items() if k != "key"}
        attrs["kind"] = row["kind"]
        edges.setdefault((row["a"], row["b"]), []).append(
            HopEdge(
                kind=EdgeKind(row["kind"]),
                source=row["source"],
                target=row["target"],
                properties=edge_properties(attrs),
            )
        )
    paths = [
        Path(
            nodes=[cy.ref(n, names[n]) for n in nodes],
            hops=[
                Hop(start=cy.ref(a, names[a]), end=cy.ref(b, names[b]), edges=_ordered(edges.get((a, b), []), a))
                for a, b in pairwise(nodes)
            ],
        )
        for nodes in chosen
    ]
    return Result(
        source=cy.ref(params.source, source.get("name")),
        target=cy.ref(params.target, target.get("name")),
        length=len(chosen[0]) - 1 if chosen else None,
        paths=paths,
    )


QUERY: Query[Params, Result] = Query(
    name="explain",
    summary="How two entities connect / 关系路径",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="explain",
)
