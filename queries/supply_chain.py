"""Upstream / downstream (上下游): what a segment, enterprise or project depends on or feeds.

Definition. The **start segments** are the node itself (a segment) or the segments it has an
IN_SEGMENT edge to (an enterprise or project). From them, FEEDS edges are followed against their
direction (``upstream``: suppliers), along it (``downstream``: customers) or both, breadth-first up
to ``depth`` hops; each reached segment is reported once, at its smallest distance, with the
direction it was reached in (upstream first on a tie) and the chain(s) it belongs to.

For every reached segment: its **local suppliers** — local enterprises (scope as in
:mod:`queries.common`) with an IN_SEGMENT edge to it, the start enterprise excluded — and
``has_local``. ``missing`` lists reached segments with no local enterprise.

**本地配套率 local supporting rate** (enterprises and projects only): among the segments at
distance 1 upstream, the share that has a local supplier; None when there are none.

For an enterprise, ``known_suppliers`` / ``known_customers`` list its SUPPLIES edges.

Ordering: segments by (distance, direction, stage, id); lists of enterprises by id.
"""

from __future__ import annotations

from collections import deque
from typing import Literal

import networkx as nx
from pydantic import BaseModel, Field

from graph_schema.kinds import EdgeKind, NodeKind, Stage
from queries.common import NodeRef, ScopeRef, feeds_in, feeds_out, node_ref, require, resolve_scope, segment_chains
from queries.nx_index import members_by_segment

__all__ = ["MAX_DEPTH", "Params", "Reached", "Result", "run_networkx"]

MAX_DEPTH = 6
Direction = Literal["upstream", "downstream"]


class Params(BaseModel):
    node: str = Field(description="segment, enterprise or project id", examples=["ent:英望科技(山东)有限公司"])
    direction: Literal["upstream", "downstream", "both"] = "both"
    depth: int = Field(default=3, ge=1, le=MAX_DEPTH, description="FEEDS hops to follow / 层数")
    scope: str | None = Field(default=None, description="region or park id; default the home city")
    max_suppliers: int = Field(default=20, ge=0, le=200, description="local enterprises listed per segment")


class Reached(BaseModel):
    segment: NodeRef
    stage: Stage
    distance: int
    direction: Direction
    via: str | None = Field(description="the segment it was reached from (None for start segments)")
    chains: list[NodeRef]
    has_local: bool
    local_count: int
    local_suppliers: list[NodeRef]


class Result(BaseModel):
    node: NodeRef
    scope: ScopeRef
    start_segments: list[NodeRef]
    segments: list[Reached]
    missing: list[NodeRef] = Field(description="reached segments with no local enterprise / 本地缺失环节")
    local_supporting_rate: float | None = Field(
        description="本地配套率: share of direct upstream segments with a local supplier"
    )
    known_suppliers: list[NodeRef] = Field(default_factory=list)
    known_customers: list[NodeRef] = Field(default_factory=list)


def run_networkx(graph: nx.MultiDiGraph, params: Params) -> Result:
    attrs = require(graph, params.node, (NodeKind.SEGMENT, NodeKind.ENTERPRISE, NodeKind.PROJECT), "node")
    scope, local = resolve_scope(graph, params.scope)
    kind = NodeKind(attrs["kind"])
    if kind is NodeKind.SEGMENT:
        starts = [params.node]
    else:
        starts = sorted(v for _, v, k in graph.out_edges(params.node, data="kind") if k == EdgeKind.IN_SEGMENT.value)

    directions: list[Direction] = ["upstream", "downstream"] if params.direction == "both" else [params.direction]
    best: dict[str, tuple[int, int, str | None, Direction]] = {}  # segment → (distance, dir rank, via, dir)
    for rank, direction in enumerate(directions):
        step = feeds_in if direction == "upstream" else feeds_out
        queue = deque((s, 0, None) for s in starts)
        seen = set(starts)
        while queue:
            segment, distance, via = queue.popleft()
            current = best.get(segment)
            if current is None or (distance, rank) < current[:2]:
                best[segment] = (distance, rank, via, direction)
            if distance == params.depth:
                continue
            for neighbour in step(graph, segment):
                if neighbour not in seen:
                    seen.add(neighbour)
                    queue.append((neighbour, distance + 1, segment))

    members = members_by_segment(graph)
    reached: list[Reached] = []
    for segment, (distance, _, via, direction) in best.items():
        enterprises = sorted((members.get(segment, (frozenset(), frozenset()))[0] & local) - {params.node})
        reached.append(
            Reached(
                segment=node_ref(graph, segment),
                stage=Stage(graph.nodes[segment]["stage"]),
                distance=distance,
                direction="upstream" if distance == 0 else direction,
                via=via,
                chains=[node_ref(graph, c) for c in segment_chains(graph, segment)],
                has_local=bool(enterprises),
                local_count=len(enterprises),
                local_suppliers=[node_ref(graph, e) for e in enterprises[: params.max_suppliers]],
            )
        )
    reached.sort(key=lambda r: (r.distance, r.direction != "upstream", r.stage.order, r.segment.id))

    rate = None
    if kind is not NodeKind.SEGMENT:
        direct = {u for s in starts for u in feeds_in(graph, s)}
        if direct:
            with_local = [s for s in direct if (members.get(s, (frozenset(), frozenset()))[0] & local) - {params.node}]
            rate = round(len(with_local) / len(direct), 6)

    suppliers: list[str] = []
    customers: list[str] = []
    if kind is NodeKind.ENTERPRISE:
        suppliers = sorted(u for u, _, k in graph.in_edges(params.node, data="kind") if k == EdgeKind.SUPPLIES.value)
        customers = sorted(v for _, v, k in graph.out_edges(params.node, data="kind") if k == EdgeKind.SUPPLIES.value)

    return Result(
        node=node_ref(graph, params.node),
        scope=scope,
        start_segments=[node_ref(graph, s) for s in starts],
        segments=reached,
        missing=[r.segment for r in reached if not r.has_local],
        local_supporting_rate=rate,
        known_suppliers=[node_ref(graph, s) for s in suppliers],
        known_customers=[node_ref(graph, c) for c in customers],
    )
