"""Turning a page's values into a response: the Jinja2 environment, the filters templates use, the
table downloads and htmx partials.

:func:`page` is how every page answers. Given the context, a template and its values (tables
among them), it returns

- the table download when the URL asks for one (``?export=xlsx|csv&table=<name>``);
- only a block of the template when htmx asks for the element that block renders (the request
  carries ``HX-Request`` and ``HX-Target: <id>``, and the template has ``{% block <id> %}``) —
  a filter or a sort on the ledger re-renders the table, not the page;
- otherwise the whole page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import Response

from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import NodeKind, ProjectStatus, Stage
from chainkg.web.deps import PageContext, PageError, node_path
from chainkg.web.formats import (
    LABELS,
    STATUS_CSS,
    certainty_zh,
    cny,
    enterprise_kind_zh,
    kind_zh,
    level_zh,
    pct,
    wan,
)
from chainkg.web.markup import completeness_bars, export_links, meter, status_bar, table_html
from chainkg.web.tables import FORMATS, Table, export_response

__all__ = [
    "ASSETS",
    "ENV",
    "STATIC_DIR",
    "STATUS_CSS",
    "TEMPLATES_DIR",
    "cny",
    "enterprise_kind_zh",
    "error_page_html",
    "page",
    "pct",
    "render_template",
    "wan",
]

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
#: Where the static files are served (``/static`` is the API docs' folder).
ASSETS = "/assets"


ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(
    cny=cny,
    pct=pct,
    level_zh=level_zh,
    kind_zh=kind_zh,
    enterprise_kind_zh=enterprise_kind_zh,
    certainty_zh=certainty_zh,
    node_path=node_path,
    prop_label=lambda key: LABELS.get(key, key),
)
ENV.globals.update(
    ASSETS=ASSETS,
    Stage=Stage,
    ProjectStatus=ProjectStatus,
    NodeKind=NodeKind,
    EXPORT_FORMATS=FORMATS,
    status_css=STATUS_CSS,
    meter=meter,
    status_bar=status_bar,
    completeness_bars=completeness_bars,
)


def render_template(name: str, **values: Any) -> str:
    return ENV.get_template(name).render(**values)


def page(ctx: PageContext, template: str, *, title: str, tables: list[Table] | None = None, **values: Any) -> Response:
    """The page (or one of its tables as a download, or one of its blocks for htmx); see the module docstring."""
    tables = tables or []
    request = ctx.request
    fmt = request.query_params.get("export")
    if fmt is not None:
        wanted = request.query_params.get("table") or (tables[0].name if tables else "")
        table = next((t for t in tables if t.name == wanted), None)
        if fmt not in FORMATS or table is None:
            names = "、".join(t.name for t in tables) or "无"
            raise PageError(
                404, "no_such_table", f"本页没有表格 {wanted!r} 或不支持格式 {fmt!r}（表格：{names}；格式：xlsx、csv）"
            )
        return export_response(table, fmt)
    env_values = {
        "root": request.scope.get("root_path", "").rstrip("/"),
        "ctx": ctx,
        "user": ctx.user,
        "title": title,
        "tables": {t.name: t for t in tables},
        "table_html": lambda table, **kw: table_html(ctx, table, **kw),
        "export_links": lambda table: export_links(ctx, table),
        **values,
    }
    compiled = ENV.get_template(template)
    target = request.headers.get("HX-Target")
    if request.headers.get("HX-Request") == "true" and target and target in compiled.blocks:
        context = compiled.new_context(env_values)
        return HTMLResponse("".join(compiled.blocks[target](context)))
    return HTMLResponse(compiled.render(env_values))


def error_page_html(
    status: int,
    code: str,
    message: str,
    suggestions: list[dict[str, str]],
    field: str = "",
    ctx: PageContext | None = None,
) -> str:
    """The friendly error page: what happened, in Chinese first, links to the closest names, search."""
    links = [
        {"name": s.get("name") or s["id"], "id": s["id"], "href": node_path(s["id"]), "kind": _kind_zh_of(s["id"])}
        for s in suggestions
        if s.get("id")
    ]
    return render_template(
        "error.html",
        root=ctx.request.scope.get("root_path", "").rstrip("/") if ctx else "",
        ctx=ctx,
        user=ctx.user if ctx else None,
        title=f"{status} · {_STATUS_TITLES.get(status, '出错了')}",
        status=status,
        code=code,
        message=message,
        field=field,
        suggestions=links,
        heading=_STATUS_TITLES.get(status, "出错了"),
    )


def _kind_zh_of(node_id: str) -> str:
    try:
        return kind_of_id(node_id).zh
    except ValueError:
        return ""


_STATUS_TITLES = {
    400: "名称有歧义",
    404: "没有找到",
    405: "不支持的操作",
    422: "参数有误",
    500: "服务器出错",
    503: "数据暂不可用",
}
