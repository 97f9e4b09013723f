"""Gap analysis (延链补链强链): which segments of a chain are missing, weak or worth extending into.

Definition. For chain C and scope S (scope, local, active, covered: see :mod:`queries.common`):

- **补链 fill**: every segment of C that is not covered in S.
- **强链 strengthen**: every covered segment of C that is *weak*: fewer than ``min_enterprises``
  local enterprises, or (when ``min_investment_share`` > 0) a share of C's local active CNY
  investment below ``min_investment_share``.
- **延链 extend**: every segment that is not covered in S and is joined by a FEEDS edge, in either
  direction, to a covered segment of C. It may belong to C (then it is also a fill gap) or only to
  neighbouring chains (``in_chain`` false) — growing into the next chain.

Invariants: fill ∪ covered = all segments of C; strengthen ⊆ covered; fill ∩ covered = ∅.

**Completeness**: ``covered / total``; the **stage-weighted** variant is
Σ_stage w_stage·(covered_stage / total_stage) / Σ w_stage over stages that have segments, with equal
weights by default — so a chain with nine upstream and two downstream segments is not judged almost
only on its upstream.

**Scores** (higher = more urgent), with the numbers behind them in ``reason``:

- fill: ``1 + 2·d + u`` where d = covered segments it feeds (local demand waiting for it) and
  u = covered segments feeding it (local supply it could use); any chain counts.
- strengthen: ``(min_enterprises − n)/min_enterprises + 2·d' + u'`` with n its local enterprises
  and d', u' as above but counting covered neighbours; plus 1 when its investment share is below
  the threshold.
- extend: ``2·d + u`` counting only covered segments of C, +0.5 when it is outside C
  (a new chain to grow into is worth flagging even at equal links).

Every gap carries its **path**: a node sequence that shows why — for fill and extend, the covered
neighbour and one of its local enterprises (or the chain itself when no neighbour is covered); for
strengthen, the segment and its local enterprises. Gaps are ordered by score (descending), then
segment id.
"""

from __future__ import annotations

import networkx as nx
from pydantic import BaseModel, Field, model_validator

from graph_schema.kinds import NodeKind, Stage
from queries.common import (
    NodeRef,
    ScopeRef,
    chain_segments,
    feeds_in,
    feeds_out,
    node_ref,
    require,
    resolve_scope,
    segment_chains,
)
from queries.coverage import SegmentFacts, segment_facts

__all__ = ["Completeness", "Gap", "Params", "Result", "run_networkx"]


class Params(BaseModel):
    chain: str = Field(description="chain id / 产业链 id", examples=["chain:集成电路"])
    scope: str | None = Field(
        default=None, description="region or park id; default the home city", examples=["region:天衢新区"]
    )
    min_enterprises: int = Field(
        default=2, ge=1, le=100, description="a covered segment with fewer local enterprises is weak / 强链阈值"
    )
    min_investment_share: float = Field(
        default=0.0, ge=0.0, le=1.0, description="a covered segment below this share of the chain's investment is weak"
    )
    stage_weights: dict[Stage, float] = Field(
        default_factory=lambda: {s: 1.0 for s in Stage}, description="weights of the stage-weighted completeness"
    )
    limit: int = Field(default=50, ge=1, le=500, description="gaps listed per kind")

    @model_validator(mode="after")
    def _weights(self) -> Params:
        if any(w < 0 for w in self.stage_weights.values()) or not any(self.stage_weights.values()):
            raise ValueError("stage_weights must be non-negative and not all zero")
        return self


class Gap(BaseModel):
    segment: NodeRef
    stage: Stage
    score: float
    reason: str = Field(description="why, in words / 理由")
    path: list[NodeRef] = Field(description="nodes that show the reason, in order")
    in_chain: bool = Field(default=True, description="for extend: whether the segment belongs to the chain")
    chains: list[NodeRef] = Field(default_factory=list, description="chains the segment belongs to")


class Completeness(BaseModel):
    covered: int
    total: int
    index: float = Field(description="covered / total / 产业链完整度")
    stage_weighted: float
    by_stage: dict[Stage, tuple[int, int]] = Field(description="stage → (covered, total)")


class Result(BaseModel):
    chain: NodeRef
    scope: ScopeRef
    completeness: Completeness
    covered: list[NodeRef]
    fill: list[Gap] = Field(description="补链")
    strengthen: list[Gap] = Field(description="强链")
    extend: list[Gap] = Field(description="延链")


def run_networkx(graph: nx.MultiDiGraph, params: Params) -> Result:
    require(graph, params.chain, (NodeKind.CHAIN,), "chain")
    scope, local = resolve_scope(graph, params.scope)
    members = chain_segments(graph, params.chain)
    member_set = set(members)
    facts: dict[str, SegmentFacts] = {}

    def fact(segment: str) -> SegmentFacts:
        if segment not in facts:
            facts[segment] = segment_facts(graph, segment, local)
        return facts[segment]

    covered = [s for s in members if fact(s).covered]
    covered_set = set(covered)
    chain_investment = sum(fact(s).investment_cny for s in members)

    def name(node: str) -> str:
        return graph.nodes[node].get("name", node)

    def covered_neighbours(segment: str, only_chain: bool) -> tuple[list[str], list[str]]:
        def keep(s: str) -> bool:
            return fact(s).covered and (not only_chain or s in member_set)

        return [s for s in feeds_out(graph, segment) if keep(s)], [s for s in feeds_in(graph, segment) if keep(s)]

    def evidence_path(segment: str, demand: list[str], supply: list[str]) -> list[NodeRef]:
        neighbour = (demand or supply or [None])[0]
        if neighbour is None:
            return [node_ref(graph, segment), node_ref(graph, params.chain)]
        tail = [node_ref(graph, neighbour)]
        holders = fact(neighbour).enterprises or fact(neighbour).projects
        if holders:
            tail.append(node_ref(graph, holders[0]))
        return [node_ref(graph, segment), *tail]

    fill: list[Gap] = []
    for segment in members:
        if segment in covered_set:
            continue
        demand, supply = covered_neighbours(segment, only_chain=False)
        parts = ["本地无企业、无在建/签约项目"]
        if demand:
            parts.append("可供给本地已覆盖的" + "、".join(name(s) for s in demand))
        if supply:
            parts.append("可承接本地" + "、".join(name(s) for s in supply) + "的产出")
        fill.append(
            _gap(
                graph,
                segment,
                1 + 2 * len(demand) + len(supply),
                "；".join(parts),
                evidence_path(segment, demand, supply),
            )
        )

    strengthen: list[Gap] = []
    for segment in covered:
        f = fact(segment)
        share = f.investment_cny / chain_investment if chain_investment else 0.0
        few = len(f.enterprises) < params.min_enterprises
        small = params.min_investment_share > 0 and share < params.min_investment_share
        if not (few or small):
            continue
        demand, supply = covered_neighbours(segment, only_chain=False)
        score = max(0, params.min_enterprises - len(f.enterprises)) / params.min_enterprises
        score += 2 * len(demand) + len(supply) + (1 if small else 0)
        parts = [f"仅{len(f.enterprises)}家本地企业（阈值{params.min_enterprises}）" if few else ""]
        if small:
            parts.append(f"投资占全链{share:.1%}，低于{params.min_investment_share:.0%}")
        if demand or supply:
            parts.append("与本地" + "、".join(name(s) for s in demand + supply) + "相连")
        path = [node_ref(graph, segment)] + [node_ref(graph, e) for e in (f.enterprises or f.projects)[:3]]
        strengthen.append(_gap(graph, segment, score, "；".join(p for p in parts if p), path))

    extend: list[Gap] = []
    candidates = sorted({n for s in covered for n in feeds_out(graph, s) + feeds_in(graph, s) if not fact(n).covered})
    for segment in candidates:
        demand, supply = covered_neighbours(segment, only_chain=True)
        in_chain = segment in member_set
        direction = []
        if supply:
            direction.append("向下游延伸：本地" + "、".join(name(s) for s in supply) + "可供给它")
        if demand:
            direction.append("向上游延伸：它供给本地" + "、".join(name(s) for s in demand))
        if not in_chain:
            direction.append("属相邻产业链" + "、".join(name(c) for c in segment_chains(graph, segment)))
        score = 2 * len(demand) + len(supply) + (0 if in_chain else 0.5)
        gap = _gap(graph, segment, score, "；".join(direction), evidence_path(segment, demand, supply))
        extend.append(gap.model_copy(update={"in_chain": in_chain}))

    return Result(
        chain=node_ref(graph, params.chain),
        scope=scope,
        completeness=_completeness(graph, members, covered_set, params.stage_weights),
        covered=[node_ref(graph, s) for s in covered],
        fill=_top(fill, params.limit),
        strengthen=_top(strengthen, params.limit),
        extend=_top(extend, params.limit),
    )


def _gap(graph: nx.MultiDiGraph, segment: str, score: float, reason: str, path: list[NodeRef]) -> Gap:
    return Gap(
        segment=node_ref(graph, segment),
        stage=Stage(graph.nodes[segment]["stage"]),
        score=round(score, 6),
        reason=reason,
        path=path,
        chains=[node_ref(graph, c) for c in segment_chains(graph, segment)],
    )


def _top(gaps: list[Gap], limit: int) -> list[Gap]:
    return sorted(gaps, key=lambda g: (-g.score, g.segment.id))[:limit]


def _completeness(
    graph: nx.MultiDiGraph, members: list[str], covered: set[str], weights: dict[Stage, float]
) -> Completeness:
    by_stage: dict[Stage, tuple[int, int]] = {}
    for stage in Stage:
        in_stage = [s for s in members if graph.nodes[s]["stage"] == stage.value]
        if in_stage:
            by_stage[stage] = (sum(s in covered for s in in_stage), len(in_stage))
    total = len(members)
    weighted_sum = sum(weights.get(st, 0.0) * c / t for st, (c, t) in by_stage.items())
    weight_total = sum(weights.get(st, 0.0) for st in by_stage)
    return Completeness(
        covered=len(covered),
        total=total,
        index=round(len(covered) / total, 6) if total else 0.0,
        stage_weighted=round(weighted_sum / weight_total, 6) if weight_total else 0.0,
        by_stage=by_stage,
    )
