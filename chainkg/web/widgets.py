"""Tables several pages show, built from query results: projects, enterprises, gaps, node lists.

Each builder takes the page context (for links that keep the scope), a table name and a title (the
download's file name) and the query's items; it reads nothing from the store itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from chainkg.queries import gaps, ledger
from chainkg.queries.common import NodeRef
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.queries.listing import segments as listing_segments
from chainkg.web.deps import PageContext
from chainkg.web.render import STATUS_CSS, cny, enterprise_kind_zh, wan
from chainkg.web.tables import Cell, Column, Table

__all__ = [
    "enterprise_table",
    "gap_table",
    "links",
    "project_columns",
    "project_rows",
    "project_table",
    "ref_cell",
    "refs_cell",
    "segment_item",
]


def segment_item(ctx: PageContext, segment_id: str) -> listing_segments.SegmentItem | None:
    """A segment's stage and chains, from the segment listing filtered by its name (a segment's own
    neighbours are thousands of members; the listing answers from the segments alone)."""
    attrs = ctx.store.node(segment_id) or {}
    params = {"text": attrs.get("name") or segment_id, "limit": listing_segments.QUERY.limits("limit").le}
    found = ctx.run(listing_segments.QUERY, params)
    return next((item for item in found.items if item.id == segment_id), None)


def ref_cell(ctx: PageContext, ref: NodeRef | None, **params: object) -> Cell:
    if ref is None:
        return Cell("—")
    return Cell(ref.name, ctx.node_url(ref, **params))


def links(ctx: PageContext, refs: Iterable[NodeRef]) -> tuple[tuple[str, str], ...]:
    return tuple((r.name, ctx.node_url(r)) for r in refs)


def refs_cell(ctx: PageContext, refs: Sequence[NodeRef]) -> Cell:
    if not refs:
        return Cell("—")
    return Cell("", links=links(ctx, refs))


def project_columns(sortable: bool = False) -> list[Column]:
    def sort(key: str) -> str | None:
        return key if sortable else None

    return [
        Column("name", "项目名称", sort=sort("name")),
        Column("status", "状态", sort=sort("status")),
        Column("date", "状态日期", sort=sort("date")),
        Column("investment", "总投资", "总投资（万元）", align="right", sort=sort("investment")),
        Column("chains", "产业链"),
        Column("segments", "环节"),
        Column("places", "所在地"),
        Column("investors", "投资方"),
    ]


def project_rows(ctx: PageContext, table: Table, items: Iterable[ledger.ProjectItem]) -> None:
    for item in items:
        status = item.status.value if item.status else "未知"
        if item.currency.value == "CNY":
            money = Cell(cny(item.total_investment), value=wan(item.total_investment))
        elif item.total_investment is not None:
            money = Cell(
                f"{item.total_investment:,} {item.currency.value}",
                value=f"{item.total_investment} {item.currency.value}",
            )
        else:
            money = Cell("—")
        table.add(
            ref_cell(ctx, item),
            Cell(status, css="status " + STATUS_CSS.get(status, "s-unknown")),
            Cell(item.status_date or "—", value=item.status_date or "", css="nowrap"),
            money,
            refs_cell(ctx, item.chains),
            refs_cell(ctx, item.segments),
            refs_cell(ctx, item.places),
            refs_cell(ctx, item.investors),
        )


def project_table(
    ctx: PageContext, name: str, title: str, items: Iterable[ledger.ProjectItem], sortable: bool = False
) -> Table:
    table = Table(name, title, project_columns(sortable), empty="没有符合条件的项目")
    project_rows(ctx, table, items)
    return table


def enterprise_table(ctx: PageContext, name: str, title: str, result: listing_enterprises.Result) -> Table:
    table = Table(
        name,
        title,
        [
            Column("name", "企业名称"),
            Column("kind", "类型"),
            Column("credit_code", "统一社会信用代码"),
            Column("stock_code", "股票代码"),
            Column("segments", "环节"),
            Column("places", "所在地"),
        ],
        empty="本范围内没有企业",
    )
    for item in result.items:
        table.add(
            ref_cell(ctx, item),
            enterprise_kind_zh(item.enterprise_kind.value if item.enterprise_kind else None),
            item.credit_code or "—",
            item.stock_code or "—",
            refs_cell(ctx, item.segments),
            refs_cell(ctx, item.located_in),
        )
    shown = len(result.items)
    if result.total > shown:
        table.note = f"共 {result.total} 家，显示前 {shown} 家"
    return table


def gap_table(ctx: PageContext, name: str, title: str, pairs: Iterable[tuple[Sequence[NodeRef], gaps.Gap]]) -> Table:
    """Gaps, each with the chains it concerns: segment, chains, stage, score, reason, path."""
    table = Table(
        name,
        title,
        [
            Column("segment", "环节"),
            Column("chain", "产业链"),
            Column("stage", "阶段"),
            Column("score", "紧迫度", align="right"),
            Column("reason", "理由"),
            Column("path", "依据路径"),
        ],
        empty="没有缺口",
    )
    for chains, gap in pairs:
        table.add(
            ref_cell(ctx, gap.segment, chain=chains[0].id if chains else None),
            refs_cell(ctx, chains),
            gap.stage.value,
            Cell(f"{gap.score:g}", value=gap.score),
            gap.reason,
            Cell("", links=links(ctx, gap.path), css="path", sep=" → "),
        )
    return table
