"""首页 / dashboard (``/``): the chains of the scope at a glance.

For the scope: one card per chain — completeness overall and stage-weighted (:mod:`chainkg.queries.gaps`),
local enterprises and 链主 (:mod:`chainkg.queries.chain_map`), projects by status and their planned
investment (:mod:`chainkg.queries.ledger`); the scope's totals; its latest projects; and the largest
补链 gaps across chains (the gap analysis' fill gaps, highest score first).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from starlette.responses import Response

from chainkg.queries import chain_map, gaps, ledger
from chainkg.queries.common import NodeRef
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.web.deps import PageContext, PageDep
from chainkg.web.render import cny, page, pct, wan
from chainkg.web.tables import Cell, Column, Table
from chainkg.web.widgets import gap_table, project_table

__all__ = ["ChainCard", "router"]

router = APIRouter()

#: Latest projects and largest gaps listed on the dashboard.
LATEST = 10
LARGEST_GAPS = 10


@dataclass(frozen=True)
class ChainCard:
    chain: listing_chains.ChainItem
    gaps: gaps.Result
    map: chain_map.Result
    projects: ledger.Result


def chain_cards(ctx: PageContext) -> list[ChainCard]:
    """Every chain's card in the scope (the dashboard's and the chain index's)."""
    chains = ctx.run(listing_chains.QUERY, {"limit": listing_chains.QUERY.limits("limit").le})
    cards = []
    for chain in chains.items:
        cards.append(
            ChainCard(
                chain=chain,
                gaps=ctx.run(gaps.QUERY, {"chain": chain.id, "scope": ctx.scope_id, "limit": LARGEST_GAPS}),
                map=ctx.run(chain_map.QUERY, {"chain": chain.id, "scope": ctx.scope_id, "max_members": 0}),
                projects=ctx.run(ledger.QUERY, {"chain": chain.id, "scope": ctx.scope_id, "limit": 0}),
            )
        )
    return cards


@router.get("/", name="dashboard")
def dashboard(ctx: PageDep) -> Response:
    cards = chain_cards(ctx)
    latest = ctx.run(ledger.QUERY, {"scope": ctx.scope_id, "sort": "date", "descending": True, "limit": LATEST})
    everything = ctx.run(ledger.QUERY, {"scope": ctx.scope_id, "limit": 0})
    enterprises = ctx.run(listing_enterprises.QUERY, {"scope": ctx.scope_id, "limit": 1})
    leaders = {leader.enterprise.id for card in cards for leader in card.map.leaders}
    fills = largest_gaps(cards)
    latest_table = project_table(ctx, "latest", f"最新项目_{ctx.scope.name}", latest.items)
    gap_rows = gap_table(ctx, "gaps", f"补链缺口_{ctx.scope.name}", fills)
    summary = Table(
        "chains",
        f"产业链概览_{ctx.scope.name}",
        columns=chain_summary_columns(),
    )
    fill_chain_summary(ctx, summary, cards)
    chart = [
        {
            "name": card.chain.name,
            "index": card.gaps.completeness.index,
            "weighted": card.gaps.completeness.stage_weighted,
        }
        for card in cards
    ]
    return page(
        ctx,
        "dashboard.html",
        title=f"首页 · {ctx.scope.name}",
        tables=[summary, latest_table, gap_rows],
        cards=cards,
        totals={
            "chains": len(cards),
            "chains_present": sum(1 for c in cards if c.gaps.completeness.covered),
            "enterprises": enterprises.total,
            "leaders": len(leaders),
            "projects": everything.total,
            "investment_cny": everything.investment_cny,
            "by_status": everything.by_status,
        },
        chart=chart,
    )


def largest_gaps(cards: list[ChainCard]) -> list[tuple[list[NodeRef], gaps.Gap]]:
    """The highest-scoring 补链 gaps across chains; a segment missing from several chains is listed
    once, with its best score, naming every chain it is missing from."""
    best: dict[str, gaps.Gap] = {}
    chains: dict[str, list[NodeRef]] = {}
    for card in cards:
        for gap in card.gaps.fill:
            sid = gap.segment.id
            chains.setdefault(sid, []).append(card.gaps.chain)
            if sid not in best or gap.score > best[sid].score:
                best[sid] = gap
    ranked = sorted(best.values(), key=lambda g: (-g.score, g.segment.id))[:LARGEST_GAPS]
    return [(chains[g.segment.id], g) for g in ranked]


def chain_summary_columns() -> list[Column]:
    return [
        Column("chain", "产业链"),
        Column("cluster", "所属集群"),
        Column("completeness", "完整度", align="right"),
        Column("weighted", "阶段加权完整度", align="right"),
        Column("covered", "已覆盖环节", align="right"),
        Column("enterprises", "本地企业", align="right"),
        Column("leaders", "链主", align="right"),
        Column("projects", "项目", align="right"),
        Column("investment", "计划总投资", "计划总投资（万元）", align="right"),
    ]


def fill_chain_summary(ctx: PageContext, table: Table, cards: list[ChainCard]) -> None:
    for card in cards:
        done = card.gaps.completeness
        table.add(
            Cell(card.chain.name, ctx.node_url(card.chain)),
            card.chain.cluster or "—",
            Cell(pct(done.index), value=round(done.index, 4)),
            Cell(pct(done.stage_weighted), value=round(done.stage_weighted, 4)),
            Cell(f"{done.covered}/{done.total}"),
            Cell(str(card.map.totals.enterprises), value=card.map.totals.enterprises),
            Cell(str(len(card.map.leaders)), value=len(card.map.leaders)),
            Cell(str(card.projects.total), value=card.projects.total),
            Cell(cny(card.projects.investment_cny), value=wan(card.projects.investment_cny)),
        )
