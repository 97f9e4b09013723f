"""Chains overview (产业链概览): every chain of the graph in one scope, at a glance.

Definition. For scope S (see :mod:`chainkg.queries.common`; default the home city), every Chain node
in id order, each with:

- ``completeness``: its :mod:`chainkg.queries.gaps` completeness in S (covered / total, the
  stage-weighted index with equal weights, covered and total per stage), and its ``fill`` (补链)
  and ``strengthen`` (强链) gap counts at the gap analysis' default thresholds;
- ``top_gaps``: its ``top_gaps`` highest-scoring fill gaps, as the gap analysis orders them;
- ``enterprises``, ``active_projects``, ``active_investment_cny`` and ``leaders``: the
  :mod:`chainkg.queries.chain_map` totals and chain leaders (链主) in S;
- ``projects``, ``investment_cny`` and ``by_status``: its projects of any status local to S, their
  CNY investment and their counts per status, as :mod:`chainkg.queries.ledger` counts them.

``totals``: the scope's local enterprises and the distinct leaders over all chains, and the
ledger's counts over every project local to S.

Each figure is the named query's answer, not a second computation of it: both forms call those
queries' own forms. The embedded store keeps the answer per graph version and scope (a dashboard
asks for it on every view; any write to the graph drops it); its summaries are shared, read-only.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries import chain_map, gaps, ledger
from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, ScopeRef, resolve_scope
from chainkg.queries.cypher import common as cy
from chainkg.queries.cypher import facts as kf
from chainkg.queries.cypher import segment_facts as segment_facts_cypher
from chainkg.queries.cypher.kept_chains import kept_chains
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.store.nx_index import cached_per_scope

__all__ = ["CYPHER", "QUERY", "ChainSummary", "Params", "Result", "Totals", "run_cypher", "run_networkx"]


class Params(BaseModel):
    scope: str | None = Field(default=None, description="region or park id; default the home city / 范围，默认全市")
    top_gaps: int = Field(
        default=10, ge=0, le=50, description="largest fill gaps listed per chain / 每条链列出的补链缺口数"
    )


class ChainSummary(BaseModel):
    chain: listing_chains.ChainItem
    completeness: gaps.Completeness
    fill: int = Field(description="missing segments (补链) / 缺失环节数")
    strengthen: int = Field(description="weak segments (强链) / 薄弱环节数")
    top_gaps: list[gaps.Gap] = Field(description="largest fill gaps / 最大补链缺口")
    enterprises: int = Field(description="local enterprises in its segments / 本地企业")
    active_projects: int = Field(description="local active projects in its segments / 签约及以后的项目")
    active_investment_cny: int = Field(description="their CNY investment, 元")
    leaders: list[NodeRef] = Field(description="local chain leaders / 本地链主")
    projects: int = Field(description="local projects of any status / 项目（全部状态）")
    investment_cny: int = Field(description="their CNY total investment, 元 / 计划总投资")
    by_status: list[ledger.StatusCount]


class Totals(BaseModel):
    enterprises: int = Field(description="local enterprises / 本地企业")
    leaders: list[NodeRef] = Field(description="local leaders of any chain, by id / 链主企业")
    projects: int
    investment_cny: int
    by_status: list[ledger.StatusCount]


class Result(BaseModel):
    scope: ScopeRef
    chains: list[ChainSummary]
    totals: Totals


def _assemble(run: Any, scope: ScopeRef, params: Params) -> Result:
    """The overview from the component queries, each run by ``run(query, params)`` on one store."""
    chains = _chains(run)
    summaries = []
    leaders: dict[str, NodeRef] = {}
    limit = int(gaps.QUERY.limits("limit").le or 500)  # every gap, so the counts are whole
    for chain in chains:
        gap = run(gaps.QUERY, gaps.Params(chain=chain.id, scope=scope.id, limit=limit))
        chart = run(chain_map.QUERY, chain_map.Params(chain=chain.id, scope=scope.id, max_members=0))
        projects = run(ledger.QUERY, ledger.Params(chain=chain.id, scope=scope.id, limit=0))
        local_leaders = [leader.enterprise for leader in chart.leaders]
        leaders.update((ref.id, ref) for ref in local_leaders)
        summaries.append(
            _summary(
                chain,
                gap,
                params,
                local_leaders,
                enterprises=chart.totals.enterprises,
                active_projects=chart.totals.projects,
                active_investment_cny=chart.totals.investment_cny,
                projects=projects.total,
                investment_cny=projects.investment_cny,
                by_status=projects.by_status,
            )
        )
    everything = run(ledger.QUERY, ledger.Params(scope=scope.id, limit=0))
    enterprises = run(listing_enterprises.QUERY, listing_enterprises.Params(scope=scope.id, limit=1))
    return Result(
        scope=scope,
        chains=summaries,
        totals=Totals(
            enterprises=enterprises.total,
            leaders=[leaders[k] for k in sorted(leaders)],
            projects=everything.total,
            investment_cny=everything.investment_cny,
            by_status=everything.by_status,
        ),
    )


def _chains(run: Any) -> list[listing_chains.ChainItem]:
    """Every chain, as the chains listing gives them (page after page)."""
    page = int(listing_chains.QUERY.limits("limit").le or 200)
    chains: list[listing_chains.ChainItem] = []
    cursor = None
    while True:
        found = run(listing_chains.QUERY, listing_chains.Params(limit=page, cursor=cursor))
        chains += found.items
        if found.next_cursor is None:
            return chains
        cursor = found.next_cursor


def _summary(
    chain: NodeRef,
    gap: gaps.Result,
    params: Params,
    local_leaders: list[NodeRef],
    **counts: Any,
) -> ChainSummary:
    """A chain's card from its gap analysis and its counts (from the queries or the kept facts)."""
    return ChainSummary(
        chain=chain,
        completeness=gap.completeness,
        fill=gap.completeness.total - gap.completeness.covered,
        strengthen=len(gap.strengthen),
        top_gaps=gap.fill[: params.top_gaps],
        leaders=_unique(local_leaders),
        **counts,
    )


def _unique(refs: list[NodeRef]) -> list[NodeRef]:
    """The references once each, in their first order (a leader may lead in several places)."""
    seen: dict[str, NodeRef] = {}
    for ref in refs:
        seen.setdefault(ref.id, ref)
    return list(seen.values())


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    scope, _ = resolve_scope(graph, params.scope)

    def run(query: Query[Any, Any], p: BaseModel) -> Any:
        return query.networkx(graph, p)

    key = (scope.id, params.top_gaps)
    result: Result = cached_per_scope(graph, "overview", key, lambda: _assemble(run, scope, params))
    # The kept answer is shared, like every value nx_index keeps: callers get their own lists (a deep
    # copy cost more than the rest of a dashboard) and treat the summaries in them as read-only.
    return result.model_copy(update={"chains": list(result.chains)})


#: The scope with every chain segment's facts (enough for the gap analysis' paths), the chains'
#: facts and their local leaders (:mod:`chainkg.queries.cypher.facts`).
CYPHER = {"scope": kf.scoped(kf.SEGMENT_FACTS, kf.CHAIN_FACTS, kf.LEADERS)}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin: with fresh precomputed facts, every chain (with the chains listing's figures),
    their segments and the scope with every fact it needs in one statement
    (:func:`chainkg.queries.cypher.kept_chains.kept_chains`), the component queries'
    definitions applied to the facts (:func:`chainkg.queries.gaps.analyse_chain` for the gaps, the
    ledger's counting for the projects). Otherwise the same assembly as the embedded store's over the
    component queries' Cypher forms (some 170 statements for a dozen chains)."""
    found = kept_chains(execute, params.scope, None, gaps.EVIDENCE_MEMBERS, overview=True)
    if found is not None:  # every chain, as the chains listing gives them, from their kept shapes
        chains = [
            listing_chains.ChainItem(**cy.ref(row["chain"], row["name"]).model_dump(), **found.listing[row["chain"]])
            for row in found.chains
        ]
        scope, facts = found.scope, found.facts
        segments = {row["chain"]: row for row in found.chains}
        chain_fact_rows, leader_rows, place = found.chain_facts, found.leaders, found.place
    else:
        chains = _chains(lambda query, p: query.cypher(execute, p))
        chain_ids = [chain.id for chain in chains]
        segments = {row["chain"]: row for row in gaps.chain_segments_cypher(execute, chain_ids)}
        segment_ids = sorted({s["id"] for row in segments.values() for s in row["segments"]})
        args = {
            "scope": params.scope or None,
            "as_of": None,
            "segments": segment_ids,
            "chains": chain_ids,
            "head": gaps.EVIDENCE_MEMBERS,
        }
        (row,) = execute(CYPHER["scope"], args)
        scope, _ = kf.resolve(execute, row)
        if not row["fresh"]:

            def run(query: Query[Any, Any], p: BaseModel) -> Any:
                return query.cypher(execute, p)

            return _assemble(run, scope, params)
        facts = kf.segment_facts(row["segment_facts"])
        for segment in segment_ids:
            facts.setdefault(segment, segment_facts_cypher.uncovered(segment))
        chain_fact_rows, leader_rows, place = row["chain_facts"], row["leaders"], row["place_fact"]
    chain_facts = {fact["chain"]: fact for fact in chain_fact_rows}
    by_chain: dict[str, list[NodeRef]] = {}
    for leader in leader_rows:
        by_chain.setdefault(leader["chain"], []).append(cy.ref(leader["id"], leader["name"]))
    limit = int(gaps.QUERY.limits("limit").le or 500)
    views: dict[str, Any] = {}  # the segments' views, shared by the chains' analyses
    summaries = []
    leaders: dict[str, NodeRef] = {}
    for chain in chains:
        chain_row = segments.get(chain.id) or {"chain": chain.id, "name": chain.name, "segments": []}
        gap = gaps.analyse_chain(
            chain_row, facts, scope, gaps.Params(chain=chain.id, scope=scope.id, limit=limit), views
        )
        fact = chain_facts.get(chain.id)
        projects, investment, by_status = kf.ledger_counts(fact)
        local_leaders = by_chain.get(chain.id, [])
        leaders.update((ref.id, ref) for ref in local_leaders)
        summaries.append(
            _summary(
                chain,
                gap,
                params,
                local_leaders,
                enterprises=fact["enterprise_count"] if fact else 0,
                active_projects=fact["active_count"] if fact else 0,
                active_investment_cny=fact["active_cny"] if fact else 0,
                projects=projects,
                investment_cny=investment,
                by_status=[ledger.StatusCount(status=s, projects=n, investment_cny=c) for s, n, c in by_status],
            )
        )
    assert place is not None  # fresh facts hold every place's
    projects, investment, by_status = kf.ledger_counts(place)
    return Result(
        scope=scope,
        chains=summaries,
        totals=Totals(
            enterprises=place["enterprise_count"],
            leaders=[leaders[k] for k in sorted(leaders)],
            projects=projects,
            investment_cny=investment,
            by_status=[ledger.StatusCount(status=s, projects=n, investment_cny=c) for s, n, c in by_status],
        ),
    )


QUERY: Query[Params, Result] = Query(
    name="chains_overview",
    summary="Chains overview / 产业链概览",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command=None,
)
