"""The chain-office workbench (产业链招商工作台): server-rendered Chinese pages at ``/``.

Pages call the same query objects as the JSON API (``ctx.run(gaps.QUERY, {...})``) and read limits,
defaults and descriptions from their params models; no analysis lives here. Jinja2 templates
(``templates/``) draw them, htmx (vendored) swaps parts of a page, Apache ECharts (vendored) draws
the charts and the map; every file is served from the package (``/assets/…``), nothing is fetched
from the network. URLs carry all state (scope, chain, filters, sort, page), so a link shared in a
chat opens the same view.

**Pages** (``chainkg/web/pages/``): ``/`` dashboard, ``/chains`` and ``/chain/<id>`` panorama,
``/segment/<id>`` segment and 招商对象, ``/enterprise/<id>``, ``/group/<id>`` (footprint),
``/project/<id>`` (with its 项目全流程 and 可享受政策 sections), ``/park/<id>``, ``/region/<id>``,
``/source/<id>``, ``/node/<id>`` (any node), ``/ledger`` project ledger, ``/pipeline`` 招商项目全流程
(stages, overdue follow-ups), ``/report`` and ``/report.xlsx`` 招商报告, ``/map`` attraction map,
``/search`` and ``/search/suggest`` (type-ahead).
Every page takes ``?scope=`` and answers ``?export=xlsx|csv&table=<name>`` for each table it shows.

**Adding a page** — e.g. a pipeline page:

1. a module in ``chainkg/web/pages/`` with ``router = APIRouter()`` and a route taking
   ``ctx: PageDep`` (:mod:`chainkg.web.deps`): run queries with ``ctx.run(query, {...})`` (errors
   become friendly pages), build tables with :class:`chainkg.web.tables.Table` (or the builders in
   :mod:`chainkg.web.widgets`) and answer ``page(ctx, "pipeline.html", title=…, tables=[…], …)``
   (:func:`chainkg.web.render.page`: downloads and htmx partials come with it);
2. a template ``templates/pipeline.html`` extending ``base.html`` (``{{ table_html(tables['x']) }}``
   draws a table with its download links; ``ctx.url(path, **params)`` and ``ctx.node_url(ref)`` make
   links that keep the scope);
3. add the router to :data:`ROUTERS` below and its path prefix to :data:`PREFIXES` (so a bad URL
   under it gets the friendly error page), and a link in ``base.html``'s navigation if it is a
   main page.

A section on an existing page (policies on the project page, say) is a function registered with
:func:`chainkg.web.sections.register`; the page renders every registered section for its kind.

**Sign-in hook**: :func:`chainkg.web.deps.current_user` (see :mod:`chainkg.web.deps`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

from chainkg.api.errors import ErrorBody
from chainkg.web.deps import PageError, User, current_user
from chainkg.web.pages import attraction_map, chains, dashboard, entities, ledger, pipeline, places, search
from chainkg.web.render import ASSETS, STATIC_DIR, error_page_html

__all__ = ["PREFIXES", "ROUTERS", "User", "current_user", "install"]

ROUTERS = (
    dashboard.router,
    chains.router,
    entities.router,
    places.router,
    ledger.router,
    pipeline.router,
    attraction_map.router,
    search.router,
)

#: Path prefixes of the workbench's pages: errors under them are pages, not JSON (``/`` itself
#: raises only :class:`PageError`, which is a page everywhere).
PREFIXES = (
    "/chains",
    "/chain",
    "/segment",
    "/enterprise",
    "/group",
    "/project",
    "/park",
    "/region",
    "/source",
    "/node",
    "/ledger",
    "/pipeline",
    "/report",
    "/map",
    "/search",
)


def _error_page(body: ErrorBody, headers: dict[str, str] | object) -> Response:
    """Errors the API's handlers report on a workbench path (bad parameters, unknown routes), as a page."""
    suggestions = [s for s in body.details.get("suggestions", []) if isinstance(s, dict)]
    html = error_page_html(body.status, body.code, body.message, suggestions, str(body.details.get("field") or ""))
    return HTMLResponse(html, status_code=body.status, headers=dict(headers) if isinstance(headers, dict) else None)


async def _page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    html = error_page_html(exc.status, exc.code, exc.message, exc.suggestions, exc.field)
    return HTMLResponse(html, status_code=exc.status)


def install(app: FastAPI) -> None:
    """Mount the workbench on the app: its static files, its pages and its error pages."""
    app.mount(ASSETS, StaticFiles(directory=STATIC_DIR), name="assets")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    app.add_exception_handler(PageError, _page_error)
    pages = getattr(app.state, "error_pages", None)
    if pages is None:
        pages = app.state.error_pages = {}
    for prefix in PREFIXES:
        pages[prefix] = _error_page
