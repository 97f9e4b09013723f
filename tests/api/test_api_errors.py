"""Every kind of error through the real app, each in the one shape {status, code, message, details}:
unknown ids with suggestions, bad parameters naming the field, ambiguous names, unknown routes,
an unexpected failure (500, no traceback), and a store that cannot be opened (503 + Retry-After)."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest

from chainkg.app.settings import Settings
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(dezhou: MemoryStore, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(home=tmp_path), dezhou)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as c:
        yield c


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The error body, after checking it has exactly the shared shape and no stack trace."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "code", "message", "details"}
    assert body["status"] == status and body["code"] == code
    assert body["message"] and "Traceback" not in response.text and 'File "' not in response.text
    return body


async def test_unknown_chain_is_404_with_closest_names(client: httpx.AsyncClient) -> None:
    body = error_of(await client.get("/api/v1/chains/集成电路链/gaps"), 404, "not_found")
    assert body["details"]["field"] == "chain"
    assert {"id": "chain:集成电路", "name": "集成电路"} in body["details"]["suggestions"]


async def test_unknown_id_is_404_for_every_kind_of_parameter(client: httpx.AsyncClient) -> None:
    cases = [
        ("/api/v1/entities/ent:不存在的公司", {}, "id"),
        ("/api/v1/chains/chain:集成电路/map", {"scope": "region:火星"}, "scope"),
        ("/api/v1/segments/seg:不存在/recommendations", {}, "segment"),
        ("/api/v1/paths", {"source": "ent:有研新材料股份有限公司", "target": "park:不存在"}, "target"),
        ("/api/v1/places/region:火星/profile", {}, "place"),
        ("/api/v1/enterprises/ent:不存在集团/footprint", {}, "group"),
        ("/api/v1/entities/ent:不存在/supply-chain", {}, "node"),
        ("/api/v1/enterprises", {"chain": "chain:不存在"}, "chain"),
    ]
    for url, params, field in cases:
        body = error_of(await client.get(url, params=params), 404, "not_found")
        assert body["details"]["field"] == field, url
        assert isinstance(body["details"]["suggestions"], list)


async def test_suggestions_for_a_typo_in_an_id(client: httpx.AsyncClient) -> None:
    body = error_of(await client.get("/api/v1/entities/ent:有研科技集团有限工司"), 404, "not_found")
    assert "ent:有研科技集团有限公司" in [s["id"] for s in body["details"]["suggestions"]]


async def test_fastapi_validation_errors_name_the_field(client: httpx.AsyncClient) -> None:
    cases = [
        ("/api/v1/entities/英望科技/supply-chain", {"depth": 99}, "depth"),
        ("/api/v1/entities/英望科技/supply-chain", {"depth": "deep"}, "depth"),
        ("/api/v1/entities/英望科技/supply-chain", {"direction": "sideways"}, "direction"),
        ("/api/v1/paths", {"source": "有研新材料股份有限公司"}, "target"),
        ("/api/v1/search", {"text": "   "}, "text"),
        ("/api/v1/chains/集成电路/gaps", {"min_investment_share": 2}, "min_investment_share"),
        ("/api/v1/enterprises", {"kind": "martian"}, "kind"),
    ]
    for url, params, field in cases:
        body = error_of(await client.get(url, params=params), 422, "validation_error")
        assert body["details"]["field"] == field, (url, body)
        assert body["message"].startswith(f"{field}: ")
        assert body["details"]["errors"][0]["in"] == "query"


async def test_query_model_refusals_name_the_parameter_to_change(client: httpx.AsyncClient) -> None:
    same = {"source": "有研新材料股份有限公司", "target": "ent:有研新材料股份有限公司"}
    body = error_of(await client.get("/api/v1/paths", params=same), 422, "validation_error")
    assert body["details"]["field"] == "target" and "different" in body["message"]
    zero = {"w_upstream": 0, "w_midstream": 0, "w_downstream": 0}
    body = error_of(await client.get("/api/v1/chains/集成电路/gaps", params=zero), 422, "validation_error")
    assert body["details"]["field"] == "w_upstream" and "stage_weights" in body["message"]


async def test_ambiguous_name_is_400_listing_the_candidates(client: httpx.AsyncClient) -> None:
    body = error_of(await client.get("/api/v1/places/天衢/profile"), 400, "ambiguous")
    assert body["details"]["field"] == "place"
    assert {s["id"] for s in body["details"]["suggestions"]} == {"region:天衢新区", "park:天衢新区集成电路关键材料基地"}


async def test_unknown_route_and_wrong_method(client: httpx.AsyncClient) -> None:
    body = error_of(await client.get("/api/v2/chains"), 404, "not_found")
    assert body["details"]["path"] == "/api/v2/chains" and "/docs" in body["message"]
    error_of(await client.delete("/api/v1/chains"), 405, "method_not_allowed")
    error_of(await client.get("/static/swagger-ui/missing.js"), 404, "not_found")


async def test_unexpected_failure_is_500_without_a_traceback(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A graph written around the loaders' validation (a segment without its stage) breaks the chain
    map for real; the client gets an error id, the log gets the traceback."""
    graph = nx.MultiDiGraph()
    graph.add_node("chain:坏链", kind="Chain", name="坏链", keys=["坏链"])
    graph.add_node("seg:无阶段", kind="Segment", name="无阶段", keys=["无阶段"])
    graph.add_node("region:某市", kind="Region", name="某市", keys=["某市"], level="city", home=True)
    graph.add_edge("seg:无阶段", "chain:坏链", key="PART_OF", kind="PART_OF", provenance=[])
    app = create_app(Settings(home=tmp_path), MemoryStore(graph))
    caplog.set_level(logging.ERROR, logger="chainkg.api")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client:
        response = await client.get("/api/v1/chains/chain:坏链/map")
    body = error_of(response, 500, "internal_error")
    error_id = body["details"]["error_id"]
    assert error_id in body["message"] and "KeyError" not in response.text and "stage" not in response.text
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None, "the traceback goes to the server log"


def _snapshot_whose_input_is_gone(home: Path, tmp_path: Path) -> None:
    """A real state directory the server cannot open: its snapshot was built from a file since deleted."""
    csv = tmp_path / "gone.csv"
    csv.write_text("企业名称,所属行业\n德州某某有限公司,硅片\n", encoding="utf-8")
    store = MemoryStore()
    (report,) = run_load(store, [csv], default_loaders())
    assert report.records_loaded == 1
    store.save(Settings(home=home).snapshot_path)
    csv.unlink()


async def test_store_that_cannot_be_opened_is_503_with_retry_after(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _snapshot_whose_input_is_gone(home, tmp_path)
    app = create_app(Settings(home=home, retry_after=7))  # no store given: the lifespan opens the configured one
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client,
    ):
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        for url in ("/api/v1/stats", "/api/v1/chains", "/api/v1/chains/集成电路/gaps"):
            response = await client.get(url)
            body = error_of(response, 503, "store_unavailable")
            assert response.headers["retry-after"] == "7"
            assert "no longer exist" in body["message"], "the reason the store could not be opened"
        ready = await client.get("/readyz")
        body = error_of(ready, 503, "not_ready")
        assert body["details"]["state"] == "failed" and ready.headers["retry-after"] == "7"


async def test_store_opened_by_the_lifespan_serves_the_bundled_graph(tmp_path: Path) -> None:
    app = create_app(Settings(home=tmp_path / "home"))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client,
    ):
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["nodes"]["Chain"] == 12
    assert (tmp_path / "home" / "memory.snapshot").exists()


async def test_pages_for_people_answer_bad_parameters_as_pages(client: httpx.AsyncClient) -> None:
    """/viz pages are read by people: a parameter the route refuses gives an HTML page with the same facts."""
    response = await client.get("/viz/entity/有研集团", params={"hops": 0})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "validation_error" in response.text and "hops" in response.text


async def test_unreachable_neo4j_is_503_with_retry_after(tmp_path: Path) -> None:
    """A real Neo4j store whose server is not there (a loopback port nothing listens on): every read
    raises the store's own StoreUnavailable, which the API answers 503 with Retry-After."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again when the block ends: connections are refused
    store = Neo4jStore(f"bolt://127.0.0.1:{port}", read_retry_seconds=0.2, connection_timeout=1.0)
    app = create_app(Settings(home=tmp_path, retry_after=3), store)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client:
            assert (await client.get("/healthz")).status_code == 200
            for url in ("/readyz", "/api/v1/stats", "/api/v1/chains/chain:集成电路/gaps"):
                response = await client.get(url)
                body = error_of(response, 503, "store_unavailable")
                assert response.headers["retry-after"] == "3", url
                assert "retry later" in body["message"]
    finally:
        store.close()
