"""Gap analysis (延链补链强链): which segments of a chain are missing, weak or worth extending into.

Definition. For chain C and scope S (scope, local, active, covered: see :mod:`chainkg.queries.common`):

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

With ``as_of`` (a day) the analysis is the one the sources supported that day: coverage counts the
projects active on that day, with the investment known then (see :mod:`chainkg.queries.chain_map`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import networkx as nx
from pydantic import BaseModel, Field, model_validator

from chainkg.queries.base import Query
from chainkg.queries.common import (
    NodeRef,
    ScopeRef,
    chain_segments,
    feeds_in,
    feeds_out,
    node_ref,
    order_segments,
    require,
    resolve_scope,
    segment_chains,
)
from chainkg.queries.coverage import SegmentFacts, segment_facts
from chainkg.queries.cypher import common as cy
from chainkg.queries.cypher.kept_chains import kept_chains
from chainkg.queries.cypher.segment_facts import scoped_facts
from chainkg.queries.params import CHAIN, AsOf, Scope
from chainkg.schema.kinds import NodeKind, Stage

__all__ = [
    "CYPHER",
    "QUERY",
    "Completeness",
    "Gap",
    "Params",
    "Result",
    "SegmentView",
    "analyse",
    "analyse_chain",
    "chain_segments_cypher",
    "run_cypher",
    "run_networkx",
]


class Params(BaseModel):
    chain: Annotated[str, CHAIN] = Field(
        description="chain: id or name, e.g. chain:集成电路 or 集成电路 / 产业链 id 或名称", examples=["chain:集成电路"]
    )
    scope: Scope = None
    min_enterprises: int = Field(
        default=2, ge=1, le=100, description="a covered segment with fewer local enterprises is weak / 强链阈值"
    )
    min_investment_share: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="a covered segment below this share of the chain's investment is weak (0: off) "
        "/ 投资占比低于此值为薄弱",
    )
    stage_weights: dict[Stage, float] = Field(
        default_factory=lambda: {s: 1.0 for s in Stage}, description="weights of the stage-weighted completeness"
    )
    limit: int = Field(default=50, ge=1, le=500, description="gaps listed per kind / 每类列出的缺口数")
    as_of: AsOf = None

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
    as_of: dt.date | None = None
    completeness: Completeness
    covered: list[NodeRef]
    fill: list[Gap] = Field(description="补链")
    strengthen: list[Gap] = Field(description="强链")
    extend: list[Gap] = Field(description="延链")


#: Local members a strengthen gap's path shows (and the first of which a fill or extend path shows).
EVIDENCE_MEMBERS = 3


@dataclass(frozen=True)
class SegmentView:
    """What gap analysis needs of one segment: its chains, FEEDS neighbours and facts in the scope.

    Both twins build these — for the chain's segments and their FEEDS neighbours — and hand them to
    :func:`analyse`, which holds the definition above once for both stores.
    """

    ref: NodeRef
    stage: Stage
    chains: tuple[NodeRef, ...]  # the chains it is PART_OF, by id
    feeds_out: tuple[str, ...]  # segments it FEEDS, by id
    feeds_in: tuple[str, ...]  # segments that FEED it, by id
    facts: SegmentFacts


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    require(graph, params.chain, (NodeKind.CHAIN,), "chain")
    scope, local = resolve_scope(graph, params.scope)
    members = chain_segments(graph, params.chain)
    wanted = dict.fromkeys(members)
    for segment in members:
        wanted.update(dict.fromkeys(feeds_out(graph, segment) + feeds_in(graph, segment)))
    views = {
        segment: SegmentView(
            ref=node_ref(graph, segment),
            stage=Stage(graph.nodes[segment]["stage"]),
            chains=tuple(node_ref(graph, c) for c in segment_chains(graph, segment)),
            feeds_out=tuple(feeds_out(graph, segment)),
            feeds_in=tuple(feeds_in(graph, segment)),
            facts=segment_facts(graph, segment, local, params.as_of.isoformat() if params.as_of else None),
        )
        for segment in wanted
    }
    return analyse(node_ref(graph, params.chain), scope, members, views, lambda n: node_ref(graph, n), params)


def analyse(
    chain: NodeRef,
    scope: ScopeRef,
    members: list[str],
    views: dict[str, SegmentView],
    ref: Callable[[str], NodeRef],
    params: Params,
) -> Result:
    """The gaps of ``chain`` (its ``members`` in chain order) from the views of its segments and
    their FEEDS neighbours; ``ref`` gives the reference of an enterprise or project."""
    member_set = set(members)

    def fact(segment: str) -> SegmentFacts:
        return views[segment].facts

    covered = [s for s in members if fact(s).covered]
    covered_set = set(covered)
    chain_investment = sum(fact(s).investment_cny for s in members)

    def name(node: str) -> str:
        return views[node].ref.name

    def covered_neighbours(segment: str, only_chain: bool) -> tuple[list[str], list[str]]:
        def keep(s: str) -> bool:
            return (not only_chain or s in member_set) and fact(s).covered

        view = views[segment]
        return [s for s in view.feeds_out if keep(s)], [s for s in view.feeds_in if keep(s)]

    def evidence_path(segment: str, demand: list[str], supply: list[str]) -> list[NodeRef]:
        neighbour = next(iter(demand or supply), None)
        if neighbour is None:
            return [views[segment].ref, chain]
        tail = [views[neighbour].ref]
        holders = fact(neighbour).enterprises or fact(neighbour).projects
        if holders:
            tail.append(ref(holders[0]))
        return [views[segment].ref, *tail]

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
                views[segment],
                1 + 2 * len(demand) + len(supply),
                "；".join(parts),
                evidence_path(segment, demand, supply),
            )
        )

    strengthen: list[Gap] = []
    for segment in covered:
        f = fact(segment)
        share = f.investment_cny / chain_investment if chain_investment else 0.0
        few = f.enterprise_count < params.min_enterprises
        small = params.min_investment_share > 0 and share < params.min_investment_share
        if not (few or small):
            continue
        demand, supply = covered_neighbours(segment, only_chain=False)
        score = max(0, params.min_enterprises - f.enterprise_count) / params.min_enterprises
        score += 2 * len(demand) + len(supply) + (1 if small else 0)
        parts = [f"仅{f.enterprise_count}家本地企业（阈值{params.min_enterprises}）" if few else ""]
        if small:
            parts.append(f"投资占全链{share:.1%}，低于{params.min_investment_share:.0%}")
        if demand or supply:
            parts.append("与本地" + "、".join(name(s) for s in demand + supply) + "相连")
        path = [views[segment].ref] + [ref(e) for e in (f.enterprises or f.projects)[:EVIDENCE_MEMBERS]]
        strengthen.append(_gap(views[segment], score, "；".join(p for p in parts if p), path))

    extend: list[Gap] = []
    candidates = sorted({n for s in covered for n in views[s].feeds_out + views[s].feeds_in if not fact(n).covered})
    for segment in candidates:
        demand, supply = covered_neighbours(segment, only_chain=True)
        in_chain = segment in member_set
        direction = []
        if supply:
            direction.append("向下游延伸：本地" + "、".join(name(s) for s in supply) + "可供给它")
        if demand:
            direction.append("向上游延伸：它供给本地" + "、".join(name(s) for s in demand))
        if not in_chain:
            direction.append("属相邻产业链" + "、".join(c.name for c in views[segment].chains))
        score = 2 * len(demand) + len(supply) + (0 if in_chain else 0.5)
        gap = _gap(views[segment], score, "；".join(direction), evidence_path(segment, demand, supply))
        extend.append(gap.model_copy(update={"in_chain": in_chain}))

    return Result(
        chain=chain,
        scope=scope,
        as_of=params.as_of,
        completeness=_completeness(views, members, covered_set, params.stage_weights),
        covered=[views[s].ref for s in covered],
        fill=_top(fill, params.limit),
        strengthen=_top(strengthen, params.limit),
        extend=_top(extend, params.limit),
    )


def _gap(view: SegmentView, score: float, reason: str, path: list[NodeRef]) -> Gap:
    return Gap(
        segment=view.ref,
        stage=view.stage,
        score=round(score, 6),
        reason=reason,
        path=path,
        chains=list(view.chains),
    )


def _top(gaps: list[Gap], limit: int) -> list[Gap]:
    return sorted(gaps, key=lambda g: (-g.score, g.segment.id))[:limit]


def _completeness(
    views: dict[str, SegmentView], members: list[str], covered: set[str], weights: dict[Stage, float]
) -> Completeness:
    by_stage: dict[Stage, tuple[int, int]] = {}
    for stage in Stage:
        in_stage = [s for s in members if views[s].stage is stage]
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


# --- Cypher twin -------------------------------------------------------------------------------

#: The Cypher twin, in two steps. ``segments``: for each chain of ``$chains`` (its id and name),
#: its segments and their FEEDS neighbours, each with its chains and its FEEDS neighbours. Then their
#: facts in the scope (``$places``): counts, investment and the first :data:`EVIDENCE_MEMBERS`
#: members, from whichever side is cheaper (:mod:`chainkg.queries.cypher.segment_facts`), for all the
#: chains' segments at once. :func:`analyse` then applies the definition to each chain.
CYPHER = {
    "segments": f"""
UNWIND $chains AS chain_id
MATCH (chain:{cy.CHAIN} {{id: chain_id}})
OPTIONAL MATCH (member)-[:{cy.PART_OF}]->(chain)
OPTIONAL MATCH (member)-[:{cy.FEEDS}]-(neighbour)
WITH chain, collect(DISTINCT member) AS members, collect(DISTINCT neighbour) AS neighbours
UNWIND members + neighbours AS s
WITH DISTINCT chain, s, s IN members AS member
{cy.segment_chains("s")}
CALL (s) {{
  OPTIONAL MATCH (s)-[:{cy.FEEDS}]->(customer)
  WITH customer ORDER BY customer.id
  RETURN collect(customer.id) AS feeds_out
}}
CALL (s) {{
  OPTIONAL MATCH (supplier)-[:{cy.FEEDS}]->(s)
  WITH supplier ORDER BY supplier.id
  RETURN collect(supplier.id) AS feeds_in
}}
WITH chain, collect({{id: s.id, name: s.name, stage: s.stage, member: member, chains: chains,
                      feeds_out: feeds_out, feeds_in: feeds_in}}) AS segments
RETURN chain.id AS chain, chain.name AS name, segments""",
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`: one statement with fresh precomputed facts
    (:func:`chainkg.queries.cypher.kept_chains.kept_chains`); else two (the chain's segments; the
    scope with their facts in it), a third when the facts are stale or ``as_of`` is set (the facts
    from the graph), and more only to explain a chain or scope that is not there."""
    if params.as_of is None and (found := kept_chains(execute, params.scope, [params.chain], EVIDENCE_MEMBERS)):
        (chain,) = found.chains
        return analyse_chain(chain, found.facts, found.scope, params)
    rows = chain_segments_cypher(execute, [params.chain])
    if rows:
        (chain,) = rows
    else:
        attrs = cy.require(execute, params.chain, (NodeKind.CHAIN,), "chain")  # raises NotFound unless…
        chain = {"chain": params.chain, "name": attrs.get("name"), "segments": []}  # … it has no segments
    as_of = params.as_of.isoformat() if params.as_of else None
    segments = [row["id"] for row in chain["segments"]]
    scope, _, facts = scoped_facts(execute, params.scope, segments, EVIDENCE_MEMBERS, as_of)
    return analyse_chain(chain, facts, scope, params)


def chain_segments_cypher(execute: cy.Execute, chains: list[str]) -> list[dict[str, Any]]:
    """Per chain of ``chains`` that exists: ``{chain, name, segments}``, the rows of :data:`CYPHER`."""
    return execute(CYPHER["segments"], {"chains": chains})


def analyse_chain(
    chain: dict[str, Any],
    facts: dict[str, dict[str, Any]],
    scope: ScopeRef,
    params: Params,
    views: dict[str, tuple[SegmentView, list[tuple[str, str | None]]]] | None = None,
) -> Result:
    """:func:`analyse` of one chain's row of :func:`chain_segments_cypher`, with the segments' facts
    (:func:`chainkg.queries.cypher.segment_facts.local_facts`, for these segments or more). ``views``
    keeps the segments' views between the chains of one scope (a segment's view does not depend on the
    chain: a profile or an overview analyses every chain over the same facts)."""
    kept = views if views is not None else {}
    chain_refs: dict[tuple[tuple[str, str | None], ...], tuple[NodeRef, ...]] = {}
    segment_views: dict[str, SegmentView] = {}
    names: dict[str, str | None] = {}
    for row in chain["segments"]:
        found = kept.get(row["id"])
        if found is None:
            found = kept[row["id"]] = _view({**row, **facts[row["id"]]}, chain_refs)
        segment_views[row["id"]] = found[0]
        names.update(found[1])
    members = [row["id"] for row in chain["segments"] if row["member"]]
    member_set = set(members)
    order = order_segments(
        {s: (segment_views[s].ref.name, segment_views[s].stage.value) for s in members},
        [(s, t) for s in members for t in segment_views[s].feeds_out if t in member_set],
    )
    return analyse(
        cy.ref(chain["chain"], chain["name"]), scope, order, segment_views, lambda n: cy.ref(n, names[n]), params
    )


def views_from_rows(rows: list[dict[str, Any]]) -> tuple[dict[str, SegmentView], dict[str, str | None]]:
    """Segment views from rows of :data:`CYPHER` ``segments`` joined with their facts (``members_by_*``),
    and the names of the members they show."""
    views: dict[str, SegmentView] = {}
    names: dict[str, str | None] = {}
    chain_refs: dict[tuple[tuple[str, str | None], ...], tuple[NodeRef, ...]] = {}
    for row in rows:
        view, shown = _view(row, chain_refs)
        views[row["id"]] = view
        names.update(shown)
    return views, names


def _view(
    row: dict[str, Any], chain_refs: dict[tuple[tuple[str, str | None], ...], tuple[NodeRef, ...]]
) -> tuple[SegmentView, list[tuple[str, str | None]]]:
    """One row's segment view and the (id, name) of the members it shows; ``chain_refs`` keeps the
    references of the chains lists already seen (most segments share them)."""
    enterprises, projects = row["enterprises"], row["projects"]
    chains = tuple((c["id"], c["name"]) for c in row["chains"])
    if chains not in chain_refs:
        chain_refs[chains] = tuple(cy.refs(row["chains"]))
    view = SegmentView(
        ref=cy.ref(row["id"], row["name"]),
        stage=Stage(row["stage"]),
        chains=chain_refs[chains],
        feeds_out=tuple(row["feeds_out"]),
        feeds_in=tuple(row["feeds_in"]),
        facts=SegmentFacts(
            row["id"],
            tuple(e["id"] for e in enterprises),
            tuple(p["id"] for p in projects),
            row["investment_cny"],
            row["enterprise_count"],
            row["project_count"],
        ),
    )
    return view, [(m["id"], m["name"]) for m in enterprises + projects]


QUERY: Query[Params, Result] = Query(
    name="gaps",
    summary="Gap analysis / 延链补链强链分析",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="gaps",
)
