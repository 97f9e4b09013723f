"""Visualisation pages (/viz/…): self-contained HTML graphs a browser on an offline intranet can open.

Each route resolves ids or names like the query API (:mod:`chainkg.api.routers.common`), builds the page
from query results (:mod:`chainkg.viz`) and answers ``text/html``. Errors are pages too, since a person
reads them: an unknown name (404, with the closest names), an ambiguous one (400), and a request
too large for one page (422, code ``too_large``, naming the parameters that narrow it) — instead of
a browser tab frozen by thousands of nodes. Double-clicking a node opens its neighbourhood page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape
from pydantic import ValidationError

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import PLACES, ScopeQuery, id_path, resolve, resolve_optional
from chainkg.queries import stats
from chainkg.queries.errors import Ambiguous, NotFound, QueryError
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.viz import (
    MAX_NODES,
    Limits,
    Page,
    build_chain_page,
    build_entity_page,
    build_explain_page,
    build_footprint_page,
    error_html,
)
from chainkg.viz.chain import DEFAULT_MEMBERS
from chainkg.viz.neighbourhood import DEFAULT_PER_GROUP, MAX_HOPS

__all__ = ["page_limits", "router"]

router = APIRouter(prefix="/viz", tags=["viz"])

_HTML = {200: {"content": {"text/html": {}}, "description": "the page / 页面"}}
_ERRORS = {
    400: {"content": {"text/html": {}}, "description": "a name that fits several nodes / 名称有歧义"},
    404: {"content": {"text/html": {}}, "description": "unknown id or name, with the closest names / 未找到"},
    422: {
        "content": {"text/html": {}},
        "description": f"invalid, or too large for one page (more than {MAX_NODES} nodes): the page says what to "
        "narrow / 参数无效或超出单页上限",
    },
}
_ERROR_TITLE = "无法生成页面 · cannot draw this page"
_NOT_SOURCE = tuple(k for k in NodeKind if k is not NodeKind.SOURCE)


def page_limits() -> Limits:
    """Nodes and edges one page may hold (a dependency, so a deployment or a test can override it)."""
    return Limits()


LimitsDep = Annotated[Limits, Depends(page_limits)]


def _nav(request: Request) -> str:
    """Where a double-clicked node's neighbourhood page lives, behind any proxy prefix."""
    return f"{request.scope.get('root_path', '')}/viz/entity/"


def _answer(build: Callable[[], Page]) -> HTMLResponse:
    """The page, or an error page with the status the JSON API would give."""
    try:
        page = build()
    except QueryError as exc:
        status = 404 if isinstance(exc, NotFound) else 400 if isinstance(exc, Ambiguous) else 422
        body = error_html(
            _ERROR_TITLE,
            exc.message,
            code=exc.code,
            hints=exc.details.get("narrow", []),
            suggestions=exc.details.get("suggestions", []),
        )
        return HTMLResponse(body, status_code=status)
    except ValidationError as exc:  # a query's Params refused a combination, e.g. explain from a node to itself
        first = exc.errors()[0]
        message = ".".join(map(str, first["loc"])) + ": " + first["msg"] if first["loc"] else first["msg"]
        return HTMLResponse(error_html(_ERROR_TITLE, message, code="validation_error"), status_code=422)
    return HTMLResponse(page.html)


@router.get("/", response_class=HTMLResponse, operation_id="viz_index", summary="Page index / 可视化页面目录")
def viz_index(request: Request, store: StoreDep) -> HTMLResponse:
    """Links to every chain's map and the URL forms of the other pages."""
    result = store.run(stats.QUERY, stats.Params())
    assert isinstance(result, stats.Result)
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
    chain: Annotated[str, id_path("chain: id or name / 产业链", "chain:集成电路")],
    scope: ScopeQuery = None,
    members: Annotated[
        int, Query(ge=0, le=50, description="enterprises/projects drawn per segment / 每个环节显示的企业和项目数")
    ] = DEFAULT_MEMBERS,
    min_enterprises: Annotated[int, Query(ge=1, le=100, description="fewer local enterprises = weak / 强链阈值")] = 2,
) -> HTMLResponse:
    """Segments left → right by stage, coloured covered / weak / missing as the gap analysis says,
    FEEDS arrows, local enterprises and projects attached, 延链 candidates of neighbouring chains."""
    return _answer(
        lambda: build_chain_page(
            store,
            resolve(store, chain, (NodeKind.CHAIN,), "chain", "chain"),
            resolve_optional(store, scope, PLACES, "region or park", "scope"),
            members=members,
            min_enterprises=min_enterprises,
            limits=limits,
            nav=_nav(request),
        )
    )


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
    node: Annotated[str, id_path("any node: id or name / 任意节点", "ent:有研科技集团有限公司")],
    hops: Annotated[int, Query(ge=1, le=MAX_HOPS, description="hops around the node / 跳数")] = 1,
    per_group: Annotated[
        int, Query(ge=1, le=100, description="neighbours drawn per relation / 每类关系显示的邻居数")
    ] = DEFAULT_PER_GROUP,
    edge_kind: Annotated[EdgeKind | None, Query(description="only this relation / 只看一种关系")] = None,
) -> HTMLResponse:
    """The node in the middle, its neighbours hop by hop on rings; what is not drawn is counted."""
    return _answer(
        lambda: build_entity_page(
            store,
            resolve(store, node, tuple(NodeKind), "node", "node"),
            hops=hops,
            per_group=per_group,
            edge_kind=edge_kind,
            limits=limits,
            nav=_nav(request),
        )
    )


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
    group: Annotated[str, id_path("enterprise group: id or name / 集团", "ent:有研科技集团有限公司")],
    scope: ScopeQuery = None,
    max_depth: Annotated[int, Query(ge=1, le=10, description="subsidiary levels / 子公司层级")] = 6,
    local_only: Annotated[
        bool, Query(description="only subsidiaries that are local or lead to local projects / 只看本地相关")
    ] = False,
) -> HTMLResponse:
    """The group's subsidiary tree left → right, ending in its local projects (亿元, status) and parks."""
    return _answer(
        lambda: build_footprint_page(
            store,
            resolve(store, group, (NodeKind.ENTERPRISE,), "enterprise", "group"),
            resolve_optional(store, scope, PLACES, "region or park", "scope"),
            max_depth=max_depth,
            local_only=local_only,
            limits=limits,
            nav=_nav(request),
        )
    )


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
    source: Annotated[str, Query(min_length=1, max_length=300, description="start: id or name / 起点")],
    target: Annotated[str, Query(min_length=1, max_length=300, description="end: id or name / 终点")],
    max_length: Annotated[int, Query(ge=1, le=6, description="longest path, in hops / 最长跳数")] = 4,
    max_paths: Annotated[int, Query(ge=1, le=20, description="paths drawn / 路径条数")] = 5,
) -> HTMLResponse:
    """The shortest paths between two nodes, one column per hop, every edge with its kind."""
    return _answer(
        lambda: build_explain_page(
            store,
            resolve(store, source, _NOT_SOURCE, "node", "source"),
            resolve(store, target, _NOT_SOURCE, "node", "target"),
            max_length=max_length,
            max_paths=max_paths,
            limits=limits,
            nav=_nav(request),
        )
    )
