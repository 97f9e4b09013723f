"""项目台账 project ledger (``/ledger``): projects filtered by chain, segment, status, place (the
scope), status date and amount, sortable, paged — :mod:`chainkg.queries.ledger` does all of it.

URL parameters (all optional, all kept in links, so a filtered, sorted page can be shared):
``chain``, ``segment`` (ids or names), ``status`` (repeatable), ``date_from``, ``date_to``
(YYYY[-MM[-DD]]), ``min_wan``, ``max_wan`` (总投资, 万元), ``text``, ``sort``
(:data:`chainkg.queries.ledger.SORTS`), ``desc`` (1/0), ``page`` (from 1), ``size`` (rows per page)
and ``scope``. The filter form and the column headers swap only the results through htmx.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from chainkg.queries import ledger
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import segments as listing_segments
from chainkg.schema.kinds import NodeKind, ProjectStatus
from chainkg.web.deps import PageContext, PageDep, PageError
from chainkg.web.render import page
from chainkg.web.widgets import project_table

__all__ = ["PAGE_SIZES", "router"]

router = APIRouter()

#: Rows per page offered (the largest is the ledger query's own page limit).
PAGE_SIZES = (20, 50, 100, int(ledger.QUERY.limits("limit").le or 200))
DEFAULT_SIZE = 50


def _int(value: str | None, field: str, low: int = 0, high: int | None = None) -> int | None:
    if value is None or value.strip() == "":
        return None
    try:
        number = int(float(value))
    except ValueError as exc:
        raise PageError(422, "validation_error", f"{field}: 需要一个数字，收到 {value[:40]!r}", field=field) from exc
    if number < low or (high is not None and number > high):
        raise PageError(422, "validation_error", f"{field}: {number} 超出范围 {low}–{high}", field=field)
    return number


@router.get("/ledger", name="ledger")
def ledger_page(ctx: PageDep) -> Response:
    q = ctx.request.query_params
    chain = q.get("chain") or None
    segment = q.get("segment") or None
    chain_id = ctx.resolve(chain, (NodeKind.CHAIN,), "chain", "chain") if chain else None
    segment_id = ctx.resolve(segment, (NodeKind.SEGMENT,), "segment", "segment") if segment else None
    statuses = [s for s in q.getlist("status") if s]
    valid = {s.value for s in ProjectStatus}
    unknown = [s for s in statuses if s not in valid]
    if unknown:
        raise PageError(
            422, "validation_error", f"status: 未知状态 {unknown[0]!r}（可选：{'、'.join(valid)}）", field="status"
        )
    sort = q.get("sort") or str(ledger.QUERY.default("sort"))
    descending = q.get("desc", "1" if ledger.QUERY.default("descending") else "0") != "0"
    size = _int(q.get("size"), "size", 1, PAGE_SIZES[-1]) or DEFAULT_SIZE
    number = _int(q.get("page"), "page", 1, 1_000_000) or 1
    max_amount = int(ledger.QUERY.limits("max_investment").le or 10**15) // 10_000
    min_wan = _int(q.get("min_wan"), "min_wan", 0, max_amount)
    max_wan = _int(q.get("max_wan"), "max_wan", 0, max_amount)
    params: dict[str, Any] = {
        "chain": chain_id,
        "segment": segment_id,
        "scope": ctx.scope_id,
        "statuses": statuses or None,
        "date_from": q.get("date_from") or None,
        "date_to": q.get("date_to") or None,
        "min_investment": None if min_wan is None else min_wan * 10_000,
        "max_investment": None if max_wan is None else max_wan * 10_000,
        "text": q.get("text") or None,
        "sort": sort,
        "descending": descending,
        "offset": (number - 1) * size,
        "limit": size,
    }
    result = ctx.run(ledger.QUERY, params)
    pages = max(1, -(-result.total // size))

    chains = ctx.run(listing_chains.QUERY, {"limit": listing_chains.QUERY.limits("limit").le})
    segments = (
        ctx.run(listing_segments.QUERY, {"chain": chain_id, "limit": listing_segments.QUERY.limits("limit").le})
        if chain_id
        else None
    )
    chain_name = next((c.name for c in chains.items if c.id == chain_id), None)
    segment_name = (ctx.store.node(segment_id) or {}).get("name", segment_id) if segment_id else None
    what = "_".join(x for x in ("项目台账", chain_name, segment_name, "、".join(statuses), ctx.scope.name) if x)
    table = project_table(ctx, "ledger", what, result.items, sortable=True)
    first = result.offset + 1 if result.items else 0
    table.note = f"共 {result.total} 个项目，显示第 {first}–{result.offset + len(result.items)} 个"
    return page(
        ctx,
        "ledger.html",
        title=f"项目台账 · {ctx.scope.name}",
        tables=[table],
        result=result,
        chains=chains.items,
        segments=segments.items if segments else [],
        form={
            "chain": chain_id or "",
            "segment": segment_id or "",
            "statuses": statuses,
            "date_from": q.get("date_from") or "",
            "date_to": q.get("date_to") or "",
            "min_wan": "" if min_wan is None else min_wan,
            "max_wan": "" if max_wan is None else max_wan,
            "text": q.get("text") or "",
            "sort": sort,
            "desc": descending,
            "size": size,
        },
        help={name: ledger.QUERY.description(name) for name in ledger.Params.model_fields},
        sort=(sort, descending),
        page_number=number,
        pages=pages,
        page_links=_page_links(ctx, number, pages),
        sizes=PAGE_SIZES,
        statuses=list(ProjectStatus),
    )


def _page_links(ctx: PageContext, current: int, pages: int) -> list[tuple[str, str | None]]:
    """(label, url or None for the current page / a gap) for a pager: first, last and ±2 around here."""
    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    out: list[tuple[str, str | None]] = []
    if current > 1:
        out.append(("上一页", ctx.here(page=current - 1)))
    previous = 0
    for n in shown:
        if n - previous > 1:
            out.append(("…", None))
        out.append((str(n), None if n == current else ctx.here(page=n)))
        previous = n
    if current < pages:
        out.append(("下一页", ctx.here(page=current + 1)))
    return out
