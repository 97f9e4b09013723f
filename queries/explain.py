"""Explain path (关系路径): how two entities are connected, hop by hop.

Definition. Edges are taken in either direction; Source nodes and CITES edges are left out (two
facts citing the same article are not related by that). The result holds the shortest paths from
``source`` to ``target`` — all of the shortest length, if that length is at most ``max_length`` —
enumerated in lexicographic order of their node ids and cut at ``max_paths``. Each hop lists every
edge joining its two nodes (kind, direction as stored, properties), ordered by kind then direction.
No path within ``max_length`` gives an empty list (and ``length`` None), not an error.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx
from pydantic import BaseModel, Field, model_validator

from graph_schema.kinds import EdgeKind, NodeKind
from queries.common import NodeRef, node_ref, require
from queries.entity import edge_properties

__all__ = ["Hop", "HopEdge", "Params", "Path", "Result", "run_networkx"]


class Params(BaseModel):
    source: str = Field(description="start node id", examples=["ent:有研新材料股份有限公司"])
    target: str = Field(description="end node id", examples=["region:天衢新区"])
    max_length: int = Field(default=4, ge=1, le=6, description="longest path considered, in hops")
    max_paths: int = Field(default=5, ge=1, le=20)

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


def _neighbours(graph: nx.MultiDiGraph, node: str) -> set[str]:
    out = {v for _, v, k in graph.out_edges(node, data="kind") if k != EdgeKind.CITES.value}
    out |= {u for u, _, k in graph.in_edges(node, data="kind") if k != EdgeKind.CITES.value}
    return {n for n in out if graph.nodes[n]["kind"] != NodeKind.SOURCE.value}


def run_networkx(graph: nx.MultiDiGraph, params: Params) -> Result:
    kinds = tuple(k for k in NodeKind if k is not NodeKind.SOURCE)
    require(graph, params.source, kinds, "node (not a Source)")
    require(graph, params.target, kinds, "node (not a Source)")

    # Breadth-first from the source, remembering every predecessor on a shortest path.
    distance = {params.source: 0}
    predecessors: dict[str, set[str]] = {params.source: set()}
    frontier = [params.source]
    found = False
    for depth in range(1, params.max_length + 1):
        next_frontier: list[str] = []
        for node in frontier:
            for other in _neighbours(graph, node):
                if other not in distance:
                    distance[other] = depth
                    predecessors[other] = {node}
                    next_frontier.append(other)
                elif distance[other] == depth:
                    predecessors[other].add(node)
        if params.target in distance:
            found = True
            break
        frontier = next_frontier
        if not frontier:
            break

    paths: list[list[str]] = []
    if found:
        # Nodes on some shortest path, then a forward walk in id order: the first max_paths paths in
        # lexicographic order, without enumerating the rest.
        on_path = {params.target}
        stack = [params.target]
        while stack:
            for previous in predecessors[stack.pop()]:
                if previous not in on_path:
                    on_path.add(previous)
                    stack.append(previous)
        successors: dict[str, list[str]] = {}
        for node in on_path:
            for previous in predecessors[node]:
                successors.setdefault(previous, []).append(node)

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
        length=distance[params.target] if found else None,
        paths=[_path(graph, p) for p in paths],
    )


def _path(graph: nx.MultiDiGraph, nodes: list[str]) -> Path:
    hops = []
    for a, b in pairwise(nodes):
        edges = [
            HopEdge(kind=EdgeKind(attrs["kind"]), source=u, target=v, properties=edge_properties(attrs))
            for u, v in ((a, b), (b, a))
            for attrs in (graph.get_edge_data(u, v) or {}).values()
            if attrs["kind"] != EdgeKind.CITES.value
        ]
        edges.sort(key=lambda e: (e.kind.value, e.source != a))
        hops.append(Hop(start=node_ref(graph, a), end=node_ref(graph, b), edges=edges))
    return Path(nodes=[node_ref(graph, n) for n in nodes], hops=hops)
