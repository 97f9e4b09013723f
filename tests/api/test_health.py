"""Health endpoints through the real ASGI app."""

from __future__ import annotations

import httpx
import pytest

from chainkg.app.settings import Settings
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore


@pytest.mark.anyio
async def test_healthz_and_readyz(dezhou: MemoryStore) -> None:
    app = create_app(Settings(), dezhou)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        body = ready.json()
        assert body["status"] == "ready" and body["nodes"]["Chain"] == 12


@pytest.mark.anyio
async def test_readyz_on_empty_store_is_503_with_retry_after() -> None:
    app = create_app(Settings(), MemoryStore())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 503 and ready.headers["retry-after"] == "30"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
