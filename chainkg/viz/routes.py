"""Visualisation pages (/viz/…): self-contained HTML graphs a browser on an offline intranet can open.

Each route takes ids or names like the query API, builds the page from query results
(:func:`chainkg.viz.build_page`) and answers ``text/html``; its parameters are read from
:class:`chainkg.viz.VizOptions` and the query fields behind the page. Errors are pages too, since a
person reads them (:func:`error_page`, with the statuses of the JSON API): an unknown name (404, with
the closest names), an ambiguous one (400), and a request too large for one page (422, code
``too_large``, naming the parameters that narrow it) — instead of a browser tab frozen by thousands
of nodes. Double-clicking a node opens its neighbourhood page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape
from starlette.responses import Response

from chainkg.api.deps import StoreDep
from chainkg.api.errors import ErrorBody
from chainkg.api.routers.common import path_param, query_param
from chainkg.queries import entity, explain, footprint, gaps, stats
from chainkg.schema.kinds import EdgeKind
from chainkg.viz import MAX_NODES, Limits, VizKind, VizOptions, build_page, error_html

__all__ = ["error_page", "page_limits", "router"]

router = APIRouter(prefix="/viz", tags=["viz"])

_HTML: dict[int | str, dict[str, Any]] = {200: {"content": {"text/html": {}}, "description": "the page / 页面"}}
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"content": {"text/html": {}}, "description": "a name that fits several nodes / 名称有歧义"},
    404: {"content": {"text/html": {}}, "description": "unknown id or name, with the closest names / 未找到"},
    422: {
        "content": {"text/html": {}},
        "description": f"invalid, or too large for one page (more than {MAX_NODES} nodes): the page says what to "
        "narrow / 参数无效或超出单页上限",
    },
}
_ERROR_TITLE = "无法生成页面 · cannot draw this page"


def page_limits() -> Limits:
    """Nodes and edges one page may hold (a dependency, so a deployment or a test can override it)."""
    return Limits()


LimitsDep = Annotated[Limits, Depends(page_limits)]


def error_page(body: ErrorBody, headers: Mapping[str, str]) -> Response:
    """An error on a /viz path, as a page: what went wrong, what to narrow, the closest names (the
    app's error handlers call it with the status and fields the JSON API would answer)."""
    page = error_html(
        _ERROR_TITLE,
        body.message,
        code=body.code,
        hints=body.details.get("narrow", []),
        suggestions=body.details.get("suggestions", []),
    )
    return HTMLResponse(page, status_code=body.status, headers=dict(headers))


def _nav(request: Request) -> str:
    """Where a double-clicked node's neighbourhood page lives, behind any proxy prefix."""
    return f"{request.scope.get('root_path', '')}/viz/entity/"


@router.get("/", response_class=HTMLResponse, operation_id="viz_index", summary="Page index / 可视化页面目录")
def viz_index(request: Request, store: StoreDep) -> HTMLResponse:
    """Links to every chain's map and the URL forms of the other pages."""
    result = store.run(stats.QUERY, stats.Params())
    base = f"{request.scope.get('root_path', '')}/viz"
    items = "".join(
        f'<li><a href="{escape(base)}/chain/{escape(c.chain_id)}">{escape(c.name)}</a> '
        f"（{c.segments} 个环节，{c.enterprises} 家企业）</li>"
        for c in result.chains
    )
    body = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>chainkg 可视化</title>
<style>body {{ font-family: sans-serif; margin: 24px; max-width: 860px; }} code {{ background: #eceff1; }}</style>
</head><body data-page="index">
<h1>chainkg 可视化页面 Visualisation</h1>
<h2>产业链图谱 Chain maps</h2><ul>{items}</ul>
<h2>其他页面 Other pages</h2><ul>
<li>实体邻域 neighbourhood: <code>{escape(base)}/entity/&lt;id 或名称&gt;?hops=1</code></li>
<li>央企布局 group footprint: <code>{escape(base)}/footprint/&lt;集团 id 或名称&gt;?scope=…</code></li>
<li>关系路径 explain path: <code>{escape(base)}/explain?source=…&amp;target=…</code></li>
<li>产业链图谱 in a scope: <code>{escape(base)}/chain/&lt;产业链&gt;?scope=天衢新区</code></li>
</ul></body></html>"""
    return HTMLResponse(body)


@router.get(
    "/chain/{chain:path}",
    response_class=HTMLResponse,
    responses={**_HTML, **_ERRORS},
    operation_id="viz_chain",
    summary="Chain map page / 产业链图谱页面",
)
def viz_chain(
    request: Request,
    store: StoreDep,
    limits: LimitsDep,
    chain: str = path_param(gaps.QUERY, "chain"),
    scope: str | None = query_param(VizOptions, "scope"),
    members: int = query_param(VizOptions, "members"),
    min_enterprises: int = query_param(VizOptions, "min_enterprises"),
) -> HTMLResponse:
    """Segments left → right by stage, coloured covered / weak / missing as the gap analysis says,
    FEEDS arrows, local enterprises and projects attached, 延链 candidates of neighbouring chains."""
    options = VizOptions(scope=scope, members=members, min_enterprises=min_enterprises)
    page = build_page(store, VizKind.CHAIN, [chain], options, limits=limits, nav=_nav(request))
    return HTMLResponse(page.html)


@router.get(
    "/entity/{node:path}",
    response_class=HTMLResponse,
    responses={**_HTML, **_ERRORS},
    operation_id="viz_entity",
    summary="Neighbourhood page / 实体邻域页面",
)
def viz_entity(
    request: Request,
    store: StoreDep,
    limits: LimitsDep,
    node: str = path_param(entity.QUERY, "id"),
    hops: int = query_param(VizOptions, "hops"),
    per_group: int = query_param(VizOptions, "per_group"),
    edge_kind: EdgeKind | None = query_param(VizOptions, "edge_kind"),
) -> HTMLResponse:
    """The node in the middle, its neighbours hop by hop on rings; what is not drawn is counted."""
    options = VizOptions(hops=hops, per_group=per_group, edge_kind=edge_kind)
    page = build_page(store, VizKind.ENTITY, [node], options, limits=limits, nav=_nav(request))
    return HTMLResponse(page.html)


@router.get(
    "/footprint/{group:path}",
    response_class=HTMLResponse,
    responses={**_HTML, **_ERRORS},
    operation_id="viz_footprint",
    summary="SOE footprint page / 央企布局页面",
)
def viz_footprint(
    request: Request,
    store: StoreDep,
    limits: LimitsDep,
    group: str = path_param(footprint.QUERY, "group"),
    scope: str | None = query_param(VizOptions, "scope"),
    max_depth: int = query_param(VizOptions, "max_depth"),
    local_only: bool = query_param(VizOptions, "local_only"),
) -> HTMLResponse:
    """The group's subsidiary tree left → right, ending in its local projects (亿元, status) and parks."""
    options = VizOptions(scope=scope, max_depth=max_depth, local_only=local_only)
    page = build_page(store, VizKind.FOOTPRINT, [group], options, limits=limits, nav=_nav(request))
    return HTMLResponse(page.html)


@router.get(
    "/explain",
    response_class=HTMLResponse,
    responses={**_HTML, **_ERRORS},
    operation_id="viz_explain",
    summary="Explain-path page / 关系路径页面",
)
def viz_explain(
    request: Request,
    store: StoreDep,
    limits: LimitsDep,
    source: str = query_param(explain.QUERY, "source"),
    target: str = query_param(explain.QUERY, "target"),
    max_length: int = query_param(VizOptions, "max_length"),
    max_paths: int = query_param(VizOptions, "max_paths"),
) -> HTMLResponse:
    """The shortest paths between two nodes, one column per hop, every edge with its kind."""
    options = VizOptions(max_length=max_length, max_paths=max_paths)
    page = build_page(store, VizKind.EXPLAIN, [source, target], options, limits=limits, nav=_nav(request))
    return HTMLResponse(page.html)
