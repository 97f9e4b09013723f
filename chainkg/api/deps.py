"""Every dependency a router needs, declared once: the settings and the graph store.

The store is whatever ``app.state.store`` holds: the one ``create_app`` was given, or the one the
lifespan opened with :func:`chainkg.app.state.open_store` (which picks the backend from
``CHAINKG_STORE``). Routers only see the :class:`GraphStore` protocol, so the embedded store and
Neo4j serve the same routes. Each request takes the store reference once, at its start: a load that
publishes a new embedded store meanwhile (see :mod:`chainkg.api.writes`) never changes the graph under a
request that is already running.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from chainkg.app.settings import Settings
from chainkg.store.protocol import GraphStore, StoreUnavailable

__all__ = ["SettingsDep", "StoreDep", "get_settings", "get_store"]


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> GraphStore:
    """The current store; :class:`StoreUnavailable` (→ 503 with Retry-After) while there is none."""
    store: GraphStore | None = request.app.state.store
    if store is None:
        reason = getattr(request.app.state, "store_error", None) or "the store is still opening"
        raise StoreUnavailable(reason)
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
