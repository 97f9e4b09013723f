"""首页 / dashboard (``/``): the chains of the scope at a glance.

All from :mod:`chainkg.queries.overview` (which answers with the gap analysis, the chain map and the
project ledger for every chain): one card per chain — completeness overall and stage-weighted,
local enterprises, 链主, projects by status and their planned investment —, the scope's totals, and
the largest 补链 gaps across chains; plus the scope's latest projects (:mod:`chainkg.queries.ledger`).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from chainkg.queries import gaps, ledger, overview
from chainkg.queries.common import NodeRef
from chainkg.web.deps import PageContext, PageDep
from chainkg.web.render import cny, page, pct, wan
from chainkg.web.tables import Cell, Column, Table
from chainkg.web.widgets import gap_table, project_table

__all__ = ["chain_summary", "router"]

router = APIRouter()

#: Latest projects and largest gaps listed on the dashboard.
LATEST = 10
LARGEST_GAPS = int(overview.QUERY.default("top_gaps"))


@router.get("/", name="dashboard")
def dashboard(ctx: PageDep) -> Response:
    result = ctx.run(overview.QUERY, {"scope": ctx.scope_id})  # the default, which the server warms
    latest = ctx.run(ledger.QUERY, {"scope": ctx.scope_id, "sort": "date", "descending": True, "limit": LATEST})
    chart = [
        (c.chain.name, ctx.node_url(c.chain), c.completeness.index, c.completeness.stage_weighted)
        for c in result.chains
    ]
    return page(
        ctx,
        "dashboard.html",
        title=f"首页 · {ctx.scope.name}",
        tables=[
            chain_summary(ctx, result),
            project_table(ctx, "latest", f"最新项目_{ctx.scope.name}", latest.items),
            gap_table(ctx, "gaps", f"补链缺口_{ctx.scope.name}", largest_gaps(result)),
        ],
        cards=result.chains,
        totals=result.totals,
        present=sum(1 for c in result.chains if c.completeness.covered),
        chart=chart,
    )


def largest_gaps(result: overview.Result) -> list[tuple[list[NodeRef], gaps.Gap]]:
    """The highest-scoring 补链 gaps across chains; a segment missing from several chains is listed
    once, with its best score, naming every chain it is missing from."""
    best: dict[str, gaps.Gap] = {}
    chains: dict[str, list[NodeRef]] = {}
    for summary in result.chains:
        ref = NodeRef(id=summary.chain.id, kind=summary.chain.kind, name=summary.chain.name)
        for gap in summary.top_gaps:
            sid = gap.segment.id
            chains.setdefault(sid, []).append(ref)
            if sid not in best or gap.score > best[sid].score:
                best[sid] = gap
    ranked = sorted(best.values(), key=lambda g: (-g.score, g.segment.id))[:LARGEST_GAPS]
    return [(chains[g.segment.id], g) for g in ranked]


def chain_summary(ctx: PageContext, result: overview.Result) -> Table:
    """The chains' figures as a table (the cards' data, downloadable)."""
    table = Table(
        "chains",
        f"产业链概览_{ctx.scope.name}",
        [
            Column("chain", "产业链"),
            Column("cluster", "所属集群"),
            Column("completeness", "完整度", align="right"),
            Column("weighted", "阶段加权完整度", align="right"),
            Column("covered", "已覆盖环节", align="right"),
            Column("fill", "缺失环节（补链）", align="right"),
            Column("strengthen", "薄弱环节（强链）", align="right"),
            Column("enterprises", "本地企业", align="right"),
            Column("leaders", "链主", align="right"),
            Column("projects", "项目", align="right"),
            Column("investment", "计划总投资", "计划总投资（万元）", align="right"),
        ],
    )
    for c in result.chains:
        done = c.completeness
        table.add(
            Cell(c.chain.name, ctx.node_url(c.chain)),
            c.chain.cluster or "—",
            Cell(pct(done.index), value=round(done.index, 4)),
            Cell(pct(done.stage_weighted), value=round(done.stage_weighted, 4)),
            Cell(f"{done.covered}/{done.total}"),
            Cell(str(c.fill), value=c.fill),
            Cell(str(c.strengthen), value=c.strengthen),
            Cell(str(c.enterprises), value=c.enterprises),
            Cell(str(len(c.leaders)), value=len(c.leaders)),
            Cell(str(c.projects), value=c.projects),
            Cell(cny(c.investment_cny), value=wan(c.investment_cny)),
        )
    return table
