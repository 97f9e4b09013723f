"""Search (``/search``) and the header's type-ahead (``/search/suggest``): :mod:`chainkg.queries.search`
— names, 简称/aliases, part of a name, traditional or full-width input, slightly wrong names."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from chainkg.queries import search
from chainkg.schema.normalize import normalize_name
from chainkg.web.deps import PageDep
from chainkg.web.render import page, render_template
from chainkg.web.tables import Cell, Column, Table
from chainkg.web.widgets import ref_cell

__all__ = ["SUGGESTIONS", "router"]

router = APIRouter()

#: Hits the type-ahead shows.
SUGGESTIONS = 8
_MAX_TEXT = int(search.QUERY.limits("text").max_length or 100)


def _text(raw: str | None) -> str:
    """The query text, cut to what the search query takes; "" when nothing searchable is left."""
    text = (raw or "").strip()[:_MAX_TEXT]
    return text if normalize_name(text) else ""


@router.get("/search/suggest", name="search_suggest")
def suggest(ctx: PageDep, text: str | None = None) -> Response:
    """A list of links for the header's search box (an htmx partial)."""
    query = _text(text)
    hits = ctx.run(search.QUERY, {"text": query, "limit": SUGGESTIONS}).hits if query else []
    html = render_template("partials/suggest.html", ctx=ctx, hits=hits, text=query)
    return HTMLResponse(html)


@router.get("/search", name="search")
def search_page(ctx: PageDep, text: str | None = None) -> Response:
    query = _text(text)
    limit = int(search.QUERY.limits("limit").le or 50)
    result = ctx.run(search.QUERY, {"text": query, "limit": limit}) if query else None
    table = Table(
        "hits",
        f"搜索结果_{query}" if query else "搜索结果",
        [
            Column("name", "名称"),
            Column("kind", "类型"),
            Column("matched", "匹配"),
            Column("score", "相关度", align="right"),
        ],
        empty="没有找到匹配的名称，换个说法或简称试试",
    )
    for hit in result.hits if result else []:
        table.add(ref_cell(ctx, hit), hit.kind.zh, hit.matched, Cell(f"{hit.score:.2f}", value=hit.score))
    return page(
        ctx, "search.html", title=f"搜索 · {query}" if query else "搜索", tables=[table], text=query, result=result
    )
