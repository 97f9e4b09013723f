"""The HTTP service. For now: health and readiness; the query API is added router by router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from app.settings import Settings
from app.state import open_store
from queries.store import GraphStore

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app. Tests pass a ready store; ``chainkg serve`` passes the one it opened."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "store", None) is None:
            app.state.store = open_store(settings).store
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(title="chainkg", version="0.1.0", lifespan=lifespan)
    app.state.store = store
    app.state.settings = settings

    @app.get("/healthz", tags=["ops"], operation_id="healthz")
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], operation_id="readyz")
    def readyz() -> Any:
        """The store is reachable and holds a graph."""
        current: GraphStore | None = app.state.store
        if current is None:
            return JSONResponse({"status": "starting"}, status_code=503, headers={"Retry-After": "5"})
        counts = current.counts()
        if counts.total_nodes == 0:
            return JSONResponse(
                {"status": "empty", "backend": current.backend}, status_code=503, headers={"Retry-After": "30"}
            )
        return {"status": "ready", "backend": current.backend, "nodes": counts.nodes, "edges": counts.edges}

    return app
