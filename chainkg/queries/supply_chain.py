"""Upstream / downstream (上下游): what a segment, enterprise or project depends on or feeds.

Definition. The **start segments** are the node itself (a segment) or the segments it has an
IN_SEGMENT edge to (an enterprise or project). From them, FEEDS edges are followed against their
direction (``upstream``: suppliers), along it (``downstream``: customers) or both, breadth-first up
to ``depth`` hops; each reached segment is reported once, at its smallest distance, with the
direction it was reached in (upstream first on a tie) and the chain(s) it belongs to.

For every reached segment: its **local suppliers** — local enterprises (scope as in
:mod:`chainkg.queries.common`) with an IN_SEGMENT edge to it, the start enterprise excluded — and
``has_local``. ``missing`` lists reached segments with no local enterprise.

**本地配套率 local supporting rate** (enterprises and projects only): among the segments at
distance 1 upstream, the share that has a local supplier; None when there are none.

For an enterprise, ``known_suppliers`` / ``known_customers`` list its SUPPLIES edges.

Ordering: segments by (distance, direction, stage, id); lists of enterprises by id.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import (
    NodeRef,
    ScopeRef,
    feeds_in,
    feeds_out,
    node_ref,
    require,
    resolve_scope,
    segment_chains,
)
from chainkg.queries.coverage import segment_facts
from chainkg.queries.cypher import common as cy
from chainkg.queries.params import CHAIN_MEMBER, Scope
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import EdgeKind, NodeKind, Stage
from chainkg.store.neo4j import facts as kept

__all__ = [
    "CYPHER",
    "MAX_DEPTH",
    "QUERY",
    "Params",
    "Reached",
    "Result",
    "SegmentInfo",
    "assemble",
    "run_cypher",
    "run_networkx",
    "walk",
]

MAX_DEPTH = 6
Direction = Literal["upstream", "downstream"]


class Params(BaseModel):
    node: Annotated[str, CHAIN_MEMBER] = Field(
        description="segment, enterprise or project: id or name / 环节、企业或项目",
        examples=["ent:英望科技(山东)有限公司"],
    )
    direction: Literal["upstream", "downstream", "both"] = Field(
        default="both", description="upstream: suppliers; downstream: customers / 上游、下游或双向"
    )
    depth: int = Field(default=3, ge=1, le=MAX_DEPTH, description=f"FEEDS hops to follow, at most {MAX_DEPTH} / 层数")
    scope: Scope = None
    max_suppliers: int = Field(
        default=20, ge=0, le=200, description="local enterprises listed per segment / 每个环节列出的本地企业数"
    )


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


@dataclass(frozen=True)
class SegmentInfo:
    """What the result shows of a reached segment; both twins build these for :func:`assemble`."""

    ref: NodeRef
    stage: Stage
    chains: tuple[NodeRef, ...]
    local: tuple[str, ...]  # local enterprises in the segment, the start node excluded, by id: the first max_suppliers
    count: int  # local enterprises in the segment, the start node excluded, in all


Step = Callable[[Direction, str], list[str]]


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    attrs = require(graph, params.node, (NodeKind.SEGMENT, NodeKind.ENTERPRISE, NodeKind.PROJECT), "node")
    scope, local = resolve_scope(graph, params.scope)
    kind = NodeKind(attrs["kind"])
    if kind is NodeKind.SEGMENT:
        starts = [params.node]
    else:
        starts = sorted(
            v for _, v, k in graph.out_edges(params.node, data="kind", default="") if k == EdgeKind.IN_SEGMENT.value
        )
    best = walk(starts, params, lambda d, s: feeds_in(graph, s) if d == "upstream" else feeds_out(graph, s))
    direct = {u for s in starts for u in feeds_in(graph, s)} if kind is not NodeKind.SEGMENT else set()

    info: dict[str, SegmentInfo] = {}
    for segment in {*best, *direct}:
        # the segment's local enterprises, by id (kept per scope), the start node left out
        ids = tuple(e for e in segment_facts(graph, segment, local).enterprises if e != params.node)
        info[segment] = SegmentInfo(
            ref=node_ref(graph, segment),
            stage=Stage(graph.nodes[segment]["stage"]),
            chains=tuple(node_ref(graph, c) for c in segment_chains(graph, segment)),
            local=ids,
            count=len(ids),
        )
    suppliers: list[str] = []
    customers: list[str] = []
    if kind is NodeKind.ENTERPRISE:
        suppliers = sorted(
            u for u, _, k in graph.in_edges(params.node, data="kind", default="") if k == EdgeKind.SUPPLIES.value
        )
        customers = sorted(
            v for _, v, k in graph.out_edges(params.node, data="kind", default="") if k == EdgeKind.SUPPLIES.value
        )
    return assemble(
        node_ref(graph, params.node),
        scope,
        kind,
        [node_ref(graph, s) for s in starts],
        best,
        info,
        direct,
        lambda n: node_ref(graph, n),
        [node_ref(graph, x) for x in suppliers],
        [node_ref(graph, x) for x in customers],
        params,
    )


def walk(starts: list[str], params: Params, step: Step) -> dict[str, tuple[int, int, str | None, Direction]]:
    """Breadth-first along FEEDS per direction: segment → (distance, direction rank, via, direction),
    keeping the smallest (distance, rank). ``step(direction, segment)`` lists the next segments, by id."""
    directions: list[Direction] = ["upstream", "downstream"] if params.direction == "both" else [params.direction]
    best: dict[str, tuple[int, int, str | None, Direction]] = {}
    for rank, direction in enumerate(directions):
        queue: deque[tuple[str, int, str | None]] = deque((s, 0, None) for s in starts)
        seen = set(starts)
        while queue:
            segment, distance, via = queue.popleft()
            current = best.get(segment)
            if current is None or (distance, rank) < current[:2]:
                best[segment] = (distance, rank, via, direction)
            if distance == params.depth:
                continue
            for neighbour in step(direction, segment):
                if neighbour not in seen:
                    seen.add(neighbour)
                    queue.append((neighbour, distance + 1, segment))
    return best


def assemble(
    node: NodeRef,
    scope: ScopeRef,
    kind: NodeKind,
    starts: list[NodeRef],
    best: dict[str, tuple[int, int, str | None, Direction]],
    info: dict[str, SegmentInfo],
    direct: set[str],
    ref: Callable[[str], NodeRef],
    suppliers: list[NodeRef],
    customers: list[NodeRef],
    params: Params,
) -> Result:
    """The result from the walk (:func:`walk`), the reached and direct upstream segments' info."""
    reached: list[Reached] = []
    for segment, (distance, _, via, direction) in best.items():
        seg = info[segment]
        reached.append(
            Reached(
                segment=seg.ref,
                stage=seg.stage,
                distance=distance,
                direction="upstream" if distance == 0 else direction,
                via=via,
                chains=list(seg.chains),
                has_local=seg.count > 0,
                local_count=seg.count,
                local_suppliers=[ref(e) for e in seg.local[: params.max_suppliers]],
            )
        )
    reached.sort(key=lambda r: (r.distance, r.direction != "upstream", r.stage.order, r.segment.id))

    rate = None
    if kind is not NodeKind.SEGMENT and direct:
        rate = round(sum(1 for s in direct if info[s].count) / len(direct), 6)

    return Result(
        node=node,
        scope=scope,
        start_segments=starts,
        segments=reached,
        missing=[r.segment for r in reached if not r.has_local],
        local_supporting_rate=rate,
        known_suppliers=suppliers,
        known_customers=customers,
    )


# --- Cypher twin -------------------------------------------------------------------------------


def _reach(direction: Direction, depth: int) -> str:
    """Segments within ``depth`` FEEDS hops of ``$starts`` in one direction, and the FEEDS among them."""
    pattern = f"<-[:{cy.FEEDS}*0..{depth}]-" if direction == "upstream" else f"-[:{cy.FEEDS}*0..{depth}]->"
    return f"""
MATCH (start:{cy.ENTITY}) WHERE start.id IN $starts
MATCH (start){pattern}(s)
WITH collect(DISTINCT s) AS reached
UNWIND reached AS a
OPTIONAL MATCH (a)-[:{cy.FEEDS}]->(b) WHERE b IN reached
RETURN a.id AS source, b.id AS target"""


#: The Cypher twin. Variable-length bounds cannot be parameters, so each depth has its statement.
CYPHER = {
    "starts": f"""
MATCH (:{cy.ENTITY} {{id: $node}})-[:{cy.IN_SEGMENT}]->(s)
RETURN s.id AS id ORDER BY id""",
    **{f"reach_{d}_{n}": _reach(d, n) for d in ("upstream", "downstream") for n in range(1, MAX_DEPTH + 1)},
    "direct": f"""
MATCH (s:{cy.ENTITY})<-[:{cy.FEEDS}]-(supplier) WHERE s.id IN $starts
RETURN DISTINCT supplier.id AS id""",
    # per segment: name, stage, chains and local enterprises other than the start node
    "segments": f"""
UNWIND $segments AS id
MATCH (s:{cy.ENTITY} {{id: id}})
CALL (s) {{
  OPTIONAL MATCH (e:{cy.ENTERPRISE})-[:{cy.IN_SEGMENT}]->(s) WHERE e.id <> $node AND {cy.local("e")}
  WITH DISTINCT e ORDER BY e.id
  RETURN collect(e {{.id, .name}}) AS local
}}
{cy.segment_chains("s")}
RETURN s.id AS id, s.name AS name, s.stage AS stage, local, chains""",
    "supplies": f"""
MATCH (n:{cy.ENTITY} {{id: $node}})
CALL (n) {{
  OPTIONAL MATCH (supplier)-[:{cy.SUPPLIES}]->(n)
  WITH supplier ORDER BY supplier.id
  RETURN collect(supplier {{.id, .name}}) AS suppliers
}}
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.SUPPLIES}]->(customer)
  WITH customer ORDER BY customer.id
  RETURN collect(customer {{.id, .name}}) AS customers
}}
RETURN suppliers, customers""",
}


def _reach_kept(direction: Direction, depth: int) -> str:
    """:func:`_reach` inside :data:`KEPT`: the segments within ``depth`` hops of ``starts`` (nodes) and
    the FEEDS among them (``[source, target]`` id pairs)."""
    pattern = f"<-[:{cy.FEEDS}*0..{depth}]-" if direction == "upstream" else f"-[:{cy.FEEDS}*0..{depth}]->"
    return f"""
  WITH *, COLLECT {{
    MATCH (start:{cy.ENTITY}) WHERE start.id IN starts
    MATCH (start){pattern}(s)
    RETURN DISTINCT s
  }} AS {direction}
  WITH *, COLLECT {{
    UNWIND {direction} AS a
    MATCH (a)-[:{cy.FEEDS}]->(b) WHERE b IN {direction}
    RETURN [a.id, b.id]
  }} AS {direction}_feeds"""


def _kept(direction: str, depth: int) -> str:
    """The whole answer in one statement, from the precomputed facts (:mod:`chainkg.store.neo4j.facts`).

    One row: ``facts_fresh``, the node's ``kinds`` and ``name``, the scope's ``root_id``, ``root_name``,
    ``root_kinds``, ``place_count``, and ``answer``: empty unless the facts are fresh, the scope is a
    place and the node a segment, enterprise or project (then :func:`_run_cypher_from_graph` answers),
    else one list — the start segments' ids; per direction the reached segments' ids and the FEEDS
    among them; the direct suppliers' ids; per segment ``[id, name, stage, [[chain id, name]],
    local enterprises, the first ``$take`` of them by id]``; ``[id, name]`` of those enterprises;
    whether the node is a local enterprise; its suppliers and customers as ``[id, name]``.
    Why: the first form's five statements walked the scope's places up (about 10k database hits) and
    tested every member of every reached segment for locality; the segment facts hold both. It takes
    0.4–1.9 s to plan: the store sends its parameters in one map, so it is planned once per depth
    (:func:`chainkg.store.neo4j.rows.one_map`).
    """
    directions = ["upstream", "downstream"] if direction == "both" else [direction]
    reach = "".join(_reach_kept(d, depth) for d in directions)  # type: ignore[arg-type]
    lists = {d: (d, f"{d}_feeds") if d in directions else ("[]", "[]") for d in ("upstream", "downstream")}
    named = "COLLECT {{ MATCH {0} WITH DISTINCT x ORDER BY x.id RETURN [x.id, x.name] }}"
    return f"""
WITH coalesce($scope, COLLECT {{ MATCH (r:{cy.REGION}) WHERE r.home = true RETURN r.id ORDER BY r.id LIMIT 1 }}[0])
     AS root_id
OPTIONAL MATCH (root:{cy.ENTITY} {{id: root_id}})
OPTIONAL MATCH (pf:{kept.PLACE_FACT} {{place: root_id}})
OPTIONAL MATCH (n:{cy.ENTITY} {{id: $node}})
WITH root_id, root, pf, n, {kept.FRESH} AS facts_fresh
CALL (root_id, pf, n, facts_fresh) {{
  WITH root_id, pf, n
  WHERE facts_fresh AND pf IS NOT NULL AND (n:{cy.SEGMENT} OR n:{cy.ENTERPRISE} OR n:{cy.PROJECT})
  WITH root_id, pf, n, CASE WHEN n:{cy.SEGMENT} THEN [n.id]
       ELSE COLLECT {{ MATCH (n)-[:{cy.IN_SEGMENT}]->(s) RETURN s.id ORDER BY s.id }} END AS starts{reach}
  WITH *, CASE WHEN n:{cy.SEGMENT} THEN [] ELSE COLLECT {{
    MATCH (s:{cy.ENTITY})<-[:{cy.FEEDS}]-(supplier) WHERE s.id IN starts RETURN DISTINCT supplier
  }} END AS direct
  WITH *, COLLECT {{
    UNWIND {lists["upstream"][0]} + {lists["downstream"][0]} + direct AS s
    WITH DISTINCT s
    OPTIONAL MATCH (f:{kept.SEGMENT_FACT} {{place: root_id, segment: s.id}})
    RETURN [s.id, s.name, s.stage, {named.format(f"(s)-[:{cy.PART_OF}]->(x)")},
            coalesce(f.enterprise_count, 0), coalesce(f.enterprise_ids[..$take], [])]
  }} AS segments
  WITH starts, {lists["upstream"][1]} AS up_feeds, {lists["downstream"][1]} AS down_feeds,
       [s IN direct | s.id] AS direct, segments,
       COLLECT {{ UNWIND segments AS row UNWIND row[5] AS i WITH DISTINCT i
                 MATCH (e:{cy.ENTITY} {{id: i}}) RETURN [e.id, e.name] }} AS named,
       n:{cy.ENTERPRISE} AND EXISTS {{ (n)-[:{cy.LOCATED_IN}]->(place) WHERE place.id IN pf.places }} AS node_local,
       CASE WHEN n:{cy.ENTERPRISE} THEN COLLECT {{
         MATCH (x)-[:{cy.SUPPLIES}]->(n) WITH x ORDER BY x.id RETURN [x.id, x.name] }} ELSE [] END AS suppliers,
       CASE WHEN n:{cy.ENTERPRISE} THEN COLLECT {{
         MATCH (n)-[:{cy.SUPPLIES}]->(x) WITH x ORDER BY x.id RETURN [x.id, x.name] }} ELSE [] END AS customers
  RETURN collect([starts, up_feeds, down_feeds, direct, segments, named, node_local, suppliers, customers]) AS answer
}}
RETURN facts_fresh, [label IN labels(n) WHERE label <> '{cy.ENTITY}'] AS kinds, n.name AS name, root_id,
       root.name AS root_name, [label IN labels(root) WHERE label <> '{cy.ENTITY}'] AS root_kinds,
       size(pf.places) AS place_count, answer"""


#: :func:`_kept` per direction and depth (variable-length bounds cannot be parameters).
KEPT = {f"{d}_{n}": _kept(d, n) for d in ("upstream", "downstream", "both") for n in range(1, MAX_DEPTH + 1)}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`: one statement when the precomputed facts are fresh
    and hold enough members per segment (:data:`KEPT`), else :func:`_run_cypher_from_graph`."""
    if params.max_suppliers + 1 > kept.HEAD:
        return _run_cypher_from_graph(execute, params)
    args = {"node": params.node, "scope": params.scope or None, "take": params.max_suppliers + 1}
    (row,) = execute(KEPT[f"{params.direction}_{params.depth}"], args)
    if not row["facts_fresh"]:
        kept.saw_stale()
    if not row["answer"]:
        return _run_cypher_from_graph(execute, params)
    (starts, up_feeds, down_feeds, direct_ids, segments, named, node_local, sup, cus) = row["answer"][0]
    steps: dict[Direction, dict[str, list[str]]] = {"upstream": {}, "downstream": {}}
    for source, target in up_feeds:
        steps["upstream"].setdefault(target, []).append(source)
    for source, target in down_feeds:
        steps["downstream"].setdefault(source, []).append(target)
    for nexts in steps.values():
        for neighbours in nexts.values():
            neighbours.sort()
    best = walk(starts, params, lambda d, s: steps[d].get(s, []))
    kind = NodeKind(row["kinds"][0])
    direct = set(direct_ids) if kind is not NodeKind.SEGMENT else set()
    names: dict[str, str | None] = dict(named)
    start_set = set(starts)
    info: dict[str, SegmentInfo] = {}
    for segment, name, stage, chains, count, head in segments:
        if node_local and segment in start_set:  # the node is one of the segment's local enterprises
            count -= 1
        info[segment] = SegmentInfo(
            ref=cy.ref(segment, name),
            stage=Stage(stage),
            chains=tuple(cy.ref(c, n) for c, n in chains),
            local=tuple(e for e in head if e != params.node),
            count=count,
        )
    root = row["root_id"]
    scope = ScopeRef(
        id=root,
        kind=kind_of_id(root),
        name=row["root_name"] if row["root_name"] is not None else root,
        places=row["place_count"],
    )
    return assemble(
        cy.ref(params.node, row["name"]),
        scope,
        kind,
        [info[s].ref for s in starts],
        best,
        info,
        direct,
        lambda n: cy.ref(n, names[n]),
        [cy.ref(i, n) for i, n in sup],
        [cy.ref(i, n) for i, n in cus],
        params,
    )


def _run_cypher_from_graph(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin without the precomputed facts: Cypher finds the reachable FEEDS neighbourhood and the
    local suppliers; :func:`walk` and :func:`assemble` apply the definition."""
    attrs = cy.require(execute, params.node, (NodeKind.SEGMENT, NodeKind.ENTERPRISE, NodeKind.PROJECT), "node")
    scope, places = cy.resolve_scope(execute, params.scope)
    kind = NodeKind(attrs["kind"])
    if kind is NodeKind.SEGMENT:
        starts = [params.node]
    else:
        starts = [row["id"] for row in execute(CYPHER["starts"], {"node": params.node})]
    directions: list[Direction] = ["upstream", "downstream"] if params.direction == "both" else [params.direction]
    steps: dict[Direction, dict[str, list[str]]] = {}
    segments: set[str] = set(starts)
    for direction in directions:
        nexts: dict[str, list[str]] = {}
        for row in execute(CYPHER[f"reach_{direction}_{params.depth}"], {"starts": starts}):
            segments.add(row["source"])
            if row["target"] is not None:
                segments.add(row["target"])
                if direction == "upstream":
                    nexts.setdefault(row["target"], []).append(row["source"])
                else:
                    nexts.setdefault(row["source"], []).append(row["target"])
        steps[direction] = {s: sorted(n) for s, n in nexts.items()}
    best = walk(starts, params, lambda d, s: steps[d].get(s, []))
    direct: set[str] = set()
    if kind is not NodeKind.SEGMENT:
        direct = {row["id"] for row in execute(CYPHER["direct"], {"starts": starts})}
    rows = execute(CYPHER["segments"], {"segments": sorted({*best, *direct}), "node": params.node, "places": places})
    names: dict[str, str | None] = {}
    info: dict[str, SegmentInfo] = {}
    for row in rows:
        names.update((e["id"], e["name"]) for e in row["local"])
        info[row["id"]] = SegmentInfo(
            ref=cy.ref(row["id"], row["name"]),
            stage=Stage(row["stage"]),
            chains=tuple(cy.refs(row["chains"])),
            local=tuple(e["id"] for e in row["local"]),
            count=len(row["local"]),
        )
    suppliers: list[NodeRef] = []
    customers: list[NodeRef] = []
    if kind is NodeKind.ENTERPRISE:
        (row,) = execute(CYPHER["supplies"], {"node": params.node})
        suppliers, customers = cy.refs(row["suppliers"]), cy.refs(row["customers"])
    return assemble(
        cy.ref(params.node, attrs.get("name")),
        scope,
        kind,
        [info[s].ref for s in starts],
        best,
        info,
        direct,
        lambda n: cy.ref(n, names[n]),
        suppliers,
        customers,
        params,
    )


QUERY: Query[Params, Result] = Query(
    name="supply_chain",
    summary="Upstream / downstream / 上下游分析",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="upstream",
)
