"""The HTTP service: ``create_app`` assembles the versioned query API, health probes and offline docs.

Layers, outermost first: HEAD run as GET (:mod:`chainkg.api.headers`) → CORS (only when origins are
configured) → security headers → gzip → unexpected-error catch (500 in the error shape, traceback to
the log) → URL length limit (414) → access control (keys, sessions, protected reads:
:mod:`chainkg.api.security`) → request body limit (413) → FastAPI's exception handlers
(:mod:`chainkg.api.errors`) → thin routers (:mod:`chainkg.api.routers`) → ``store.run(query, params)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from chainkg.api.errors import CatchUnexpected, install_error_handlers
from chainkg.api.headers import HeadAsGet, SecurityHeaders
from chainkg.api.limits import BodySizeLimit, UrlLengthLimit
from chainkg.api.routers import (
    audit,
    auth,
    chains,
    enterprises,
    entities,
    loads,
    ops,
    paths,
    places,
    policies,
    projects,
    search,
    segments,
    stats,
)
from chainkg.api.security import AccessControl
from chainkg.api.swagger import install_docs
from chainkg.api.writes import Writer
from chainkg.app.lock import StateBusy
from chainkg.app.settings import Settings
from chainkg.app.state import SnapshotStamp, StateError, open_store, publish
from chainkg.store.protocol import GraphStore, StoreUnavailable
from chainkg.viz import routes as viz
from chainkg.web import install as install_web

__all__ = ["API_PREFIX", "create_app"]

log = logging.getLogger("chainkg.api")

API_PREFIX = "/api/v1"

DESCRIPTION = """\
chainkg — industrial-chain knowledge graph of Dezhou (德州产业链知识图谱): chains and their segments,
enterprises and their groups, projects, parks and regions, every fact with its source.

**Ids and names / id 与名称.** A parameter that names a node takes its id (`chain:集成电路`,
`ent:有研科技集团有限公司` — percent-encoded in URLs) or a name/简称 that identifies one node
(`集成电路`, `有研集团`). Unknown → 404 with the closest names in `details.suggestions`; a name that
fits several nodes → 400 `ambiguous` listing them.

**Errors / 错误.** Every error has one shape: `{"status", "code", "message", "details"}`;
`details.field` names the offending parameter of a 422. 503 responses carry `Retry-After`.

**Lists / 列表.** Ordered by id; `limit` (at most 200) and the opaque `cursor` from the previous
page's `next_cursor`; `total` counts every match.

**Writes / 写入.** `POST /api/v1/loads` is off unless the server sets `CHAINKG_API_KEY` (or gives a
key the editor role), and then needs such a key in `X-API-Key` or `Authorization: Bearer`. Every
write is recorded in the audit log (`GET /api/v1/audit`, admin keys).

**Access / 访问控制.** Reads are public unless the operator protects them (`CHAINKG_READ_KEYS`,
named keys with roles viewer/editor/admin); then every route except `/healthz`, `/readyz`, `/docs`
and `/auth/…` needs a key or a browser session (`/auth/signin`).

Query definitions: `docs/queries.md` in the repository (查询定义).
"""

TAGS = [
    {"name": "chains", "description": "Chains, chain maps and gap analysis / 产业链、图谱与延链补链强链"},
    {"name": "segments", "description": "Segments and whom to approach for them / 环节与招商推荐"},
    {"name": "enterprises", "description": "Enterprises and group footprints / 企业与央企布局"},
    {"name": "places", "description": "Parks, regions and their profiles / 园区、区域与画像"},
    {
        "name": "entities",
        "description": "Any node: detail, up/downstream, connecting paths / 实体详情、上下游、关系路径",
    },
    {"name": "search", "description": "Find nodes by name or 简称 / 名称检索"},
    {"name": "stats", "description": "Counts / 统计"},
    {
        "name": "pipeline",
        "description": "Project pipeline, history and period reports / 招商项目全流程、项目动态与月报季报",
    },
    {"name": "policies", "description": "Incentive policies and who qualifies / 惠企政策匹配"},
    {"name": "loads", "description": "Loading data (needs the API key) / 数据导入（需密钥）"},
    {"name": "ops", "description": "Liveness and readiness probes / 健康与就绪检查"},
    {"name": "audit", "description": "Audit log of writes (needs an admin key) / 写入审计日志（需管理员密钥）"},
    {"name": "auth", "description": "Signing in / 登录"},
    {"name": "viz", "description": "Visualisation pages / 可视化页面"},
]


def _version() -> str:
    try:
        return version("chainkg")
    except PackageNotFoundError:
        return "0.0.0"


def create_app(
    settings: Settings | None = None, store: GraphStore | None = None, *, snapshot_stamp: SnapshotStamp | None = None
) -> FastAPI:
    """Build the app. Tests pass a ready store; ``chainkg serve`` passes the one it opened; with
    none, the lifespan opens the configured one (:func:`chainkg.app.state.open_store` picks the backend).

    A store that cannot be opened does not stop the process: /healthz still answers, /readyz and
    every query answer 503 with the reason, so an operator sees why instead of a restart loop. When
    the reason is a server that cannot be reached (Neo4j started after chainkg, say), the app keeps
    trying every ``retry_after`` seconds and serves as soon as it opens; a configuration error
    (wrong password, a missing input) is not retried.

    ``snapshot_stamp`` names the snapshot file ``store`` was read from; every ``watch_seconds`` the app
    looks whether another process (``chainkg load``) replaced it and then serves the new one.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened_here = app.state.store is None
        tasks: list[asyncio.Task[None]] = []
        if not opened_here:
            publish(app.state, app.state.store, snapshot_stamp)
        elif _open(app, settings):  # e.g. Neo4j still starting: keep trying in the background
            tasks.append(asyncio.create_task(_keep_opening(app, settings)))
        if settings.store == "memory" and settings.watch_seconds > 0:
            tasks.append(asyncio.create_task(_watch_snapshot(app, settings)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if opened_here and app.state.store is not None:
                app.state.store.close()

    app = FastAPI(
        title="chainkg",
        version=_version(),
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.store_error = None
    app.state.store_retrying = False
    app.state.snapshot_stamp = snapshot_stamp
    app.state.warming = None  # the thread building the embedded store's indexes (chainkg.app.warmup)
    app.state.writer = Writer()
    # Pages read by people answer errors (bad parameters included) as pages, not JSON.
    app.state.error_pages = {viz.router.prefix: viz.error_page}

    install_error_handlers(app)
    # add_middleware wraps: the last added runs first.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(AccessControl)
    app.add_middleware(UrlLengthLimit, max_bytes=settings.max_url_bytes)
    app.add_middleware(CatchUnexpected)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key"],
            expose_headers=["Retry-After"],
            max_age=600,
        )
    app.add_middleware(HeadAsGet)

    app.include_router(ops.router)
    app.include_router(auth.router)
    routers = (chains, segments, enterprises, places, entities, paths, search, stats, loads, audit, projects, policies)
    for module in routers:
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(viz.router)
    install_docs(app)
    install_web(app)  # the workbench at / (chainkg/web)
    _document_everywhere(app, 414, "URL longer than the server reads (CHAINKG_MAX_URL_BYTES) / URL 过长")
    return app


def _document_everywhere(app: FastAPI, status: int, description: str) -> None:
    """Add an error status that a middleware can answer on any route to every operation's OpenAPI."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    operation["responses"].setdefault(str(status), {"description": description, "content": body})
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _open(app: FastAPI, settings: Settings) -> bool:
    """One attempt at :func:`open_store`, published on success; True when it failed for a reason
    that retrying may fix (a server that cannot be reached), False otherwise."""
    try:
        opened = open_store(settings)
    except StateError as exc:  # configuration: retrying cannot help
        log.error("the graph store could not be opened: %s", exc)
        app.state.store_error, app.state.store_retrying = str(exc), False
        return False
    except StoreUnavailable as exc:
        log.error("the graph store could not be opened: %s; retrying every %d s", exc, settings.retry_after)
        app.state.store_error = f"{exc}; retrying every {settings.retry_after} s"
        app.state.store_retrying = True
        return True
    app.state.store_error, app.state.store_retrying = None, False
    publish(app.state, opened.store, opened.stamp)
    return False


async def _keep_opening(app: FastAPI, settings: Settings) -> None:
    """:func:`_open` every ``retry_after`` seconds (off the event loop: opening may load the bundled
    dataset) until it succeeds or fails for a reason retrying cannot fix."""
    while True:
        await asyncio.sleep(settings.retry_after)
        if not await asyncio.to_thread(_open, app, settings):
            return


async def _watch_snapshot(app: FastAPI, settings: Settings) -> None:
    """Serve a snapshot another process saved (``chainkg load`` beside the server): every
    ``watch_seconds``, unless a load of our own is running (it refreshes first anyway)."""
    while True:
        await asyncio.sleep(settings.watch_seconds)
        if app.state.store is None:
            continue
        try:
            await asyncio.to_thread(app.state.writer.refresh, app.state, settings)
        except (StateError, StateBusy, StoreUnavailable) as exc:
            log.error("could not read the snapshot another process saved: %s", exc)
        except Exception:  # the watcher must never die: the next round may succeed
            log.exception("watching the snapshot failed")
