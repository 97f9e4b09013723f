"""The HTTP surface around the queries: the OpenAPI document a client is generated from, CORS, gzip,
and /docs served from the package (checked in headless Chromium with every outside request blocked)."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from chainkg.api.swagger import STATIC_DIR
from chainkg.app.settings import Settings
from chainkg.queries.base import Query
from chainkg.queries.registry import by_name
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore

#: The API's operations; their ids are what generated clients name their methods after.
OPERATIONS = {
    ("get", "/healthz"): "healthz",
    ("get", "/readyz"): "readyz",
    ("get", "/api/v1/chains"): "list_chains",
    ("get", "/api/v1/chains/{chain}/map"): "get_chain_map",
    ("get", "/api/v1/chains/{chain}/gaps"): "get_chain_gaps",
    ("get", "/api/v1/chains/{chain}/segments"): "list_chain_segments",
    ("get", "/api/v1/segments"): "list_segments",
    ("get", "/api/v1/segments/{segment}/recommendations"): "get_segment_recommendations",
    ("get", "/api/v1/enterprises"): "list_enterprises",
    ("get", "/api/v1/enterprises/{group}/footprint"): "get_group_footprint",
    ("get", "/api/v1/parks"): "list_parks",
    ("get", "/api/v1/regions"): "list_regions",
    ("get", "/api/v1/places/{place}/profile"): "get_place_profile",
    ("get", "/api/v1/entities/{node}/supply-chain"): "get_supply_chain",
    ("get", "/api/v1/entities/{id}"): "get_entity",
    ("get", "/api/v1/paths"): "explain_path",
    ("get", "/api/v1/search"): "search_nodes",
    ("get", "/api/v1/stats"): "get_stats",
    ("post", "/api/v1/loads"): "create_load",
    ("get", "/api/v1/audit"): "list_audit",
    ("get", "/auth/whoami"): "whoami",
    ("get", "/api/v1/projects"): "list_pipeline",
    ("get", "/api/v1/projects/{project}/history"): "get_project_history",
    ("get", "/api/v1/projects/{project}/policies"): "get_project_policies",
    ("get", "/api/v1/reports"): "get_report",
    ("get", "/api/v1/reports.xlsx"): "download_report",
    ("get", "/api/v1/policies"): "list_policies",
    ("get", "/api/v1/policies/match"): "match_policies",
    ("get", "/api/v1/policies/{policy}/eligible"): "get_policy_eligible",
}
#: Operations whose answer is a file, not a JSON model.
DOWNLOADS = {"download_report"}

#: operation id → the query whose Params the route fills.
QUERY_OF: dict[str, Query[Any, Any]] = {
    operation: by_name(name)
    for operation, name in {
        "list_chains": "list_chains",
        "get_chain_map": "chain_map",
        "get_chain_gaps": "gaps",
        "list_chain_segments": "list_segments",
        "list_segments": "list_segments",
        "get_segment_recommendations": "recommend",
        "list_enterprises": "list_enterprises",
        "get_group_footprint": "footprint",
        "list_parks": "list_parks",
        "list_regions": "list_regions",
        "get_place_profile": "profile",
        "get_supply_chain": "supply_chain",
        "get_entity": "entity",
        "explain_path": "explain",
        "search_nodes": "search",
        "list_pipeline": "pipeline",
        "get_project_history": "project_history",
        "get_project_policies": "policy_match",
        "get_report": "report",
        "download_report": "report",
        "list_policies": "policies",
        "match_policies": "policy_match",
        "get_policy_eligible": "policy_eligible",
    }.items()
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(dezhou: MemoryStore, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(home=tmp_path), dezhou)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as c:
        yield c


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(m, p): op for p, ops in spec["paths"].items() for m, op in ops.items() if not p.startswith("/viz")}


@pytest.mark.anyio
async def test_operation_ids_are_stable_and_every_operation_is_documented(spec: dict[str, Any]) -> None:
    operations = _operations(spec)
    assert {key: op["operationId"] for key, op in operations.items()} == OPERATIONS
    for (method, path), op in operations.items():
        assert op["tags"] and op["summary"] and op.get("description"), (method, path)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), f"{path}: summary needs its Chinese name"
        if op["operationId"] not in DOWNLOADS:
            ok = op["responses"]["200"]["content"]["application/json"]["schema"]
            assert "$ref" in ok, f"{path}: typed response model"
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
        for param in op.get("parameters", []):
            assert param.get("description"), (path, param["name"])
    tags = {t["name"] for t in spec["tags"]}
    assert {tag for op in operations.values() for tag in op["tags"]} <= tags


@pytest.mark.anyio
async def test_examples_and_bilingual_descriptions(spec: dict[str, Any]) -> None:
    gaps_op = spec["paths"]["/api/v1/chains/{chain}/gaps"]["get"]
    chain = next(p for p in gaps_op["parameters"] if p["name"] == "chain")
    assert chain["in"] == "path" and chain["schema"]["examples"] == ["chain:集成电路"]
    assert {e["value"] for e in chain["examples"].values()} == {"chain:集成电路", "集成电路"}, "by id and by name"
    scope = next(p for p in gaps_op["parameters"] if p["name"] == "scope")
    assert "region" in scope["description"] and "区域" in scope["description"]
    error = spec["components"]["schemas"]["ErrorBody"]
    assert error["examples"][0]["details"]["suggestions"], "the 404 example shows suggestions"
    assert set(error["required"]) >= {"status", "code", "message"}
    assert "ApiKey" in spec["components"]["securitySchemes"] and "Bearer" in spec["components"]["securitySchemes"]
    assert spec["paths"]["/api/v1/loads"]["post"]["security"] == [{"ApiKey": []}, {"Bearer": []}]
    assert "503" in gaps_op["responses"] and "Retry-After" in gaps_op["responses"]["503"]["headers"]


@pytest.mark.anyio
async def test_route_limits_never_exceed_the_query_limits(spec: dict[str, Any]) -> None:
    """Every bounded parameter a route shares with its query's Params has bounds inside the query's."""
    checked = 0
    for op in _operations(spec).values():
        query = QUERY_OF.get(op["operationId"])
        if query is None:
            continue
        fields = query.params.model_json_schema()["properties"]
        for param in op.get("parameters", []):
            field = fields.get(param["name"])
            schema = param["schema"]
            if field is None or ("maximum" not in field and "minimum" not in field):
                continue
            if "maximum" in field:
                assert schema["maximum"] <= field["maximum"], (op["operationId"], param["name"])
            if "minimum" in field:
                assert schema["minimum"] >= field["minimum"], (op["operationId"], param["name"])
            checked += 1
    assert checked >= 20


@pytest.mark.anyio
async def test_no_cors_headers_unless_origins_are_configured(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    plain = await client.get("/api/v1/stats", headers={"Origin": "https://dashboard.example"})
    assert "access-control-allow-origin" not in plain.headers

    app = create_app(Settings(cors_origins=["https://dashboard.example"]), dezhou)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as cors:
        allowed = await cors.get("/api/v1/stats", headers={"Origin": "https://dashboard.example"})
        other = await cors.get("/api/v1/stats", headers={"Origin": "https://elsewhere.example"})
        preflight = await cors.options(
            "/api/v1/loads",
            headers={
                "Origin": "https://dashboard.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "X-API-Key",
            },
        )
        error = await cors.get("/api/v1/chains/不存在/gaps", headers={"Origin": "https://dashboard.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://dashboard.example"
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 200 and "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
    assert error.status_code == 404 and error.headers["access-control-allow-origin"] == "https://dashboard.example"


def test_cors_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINKG_CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]
    monkeypatch.setenv("CHAINKG_CORS_ORIGINS", '["https://c.example"]')
    assert Settings().cors_origins == ["https://c.example"]
    monkeypatch.delenv("CHAINKG_CORS_ORIGINS")
    assert Settings().cors_origins == []


@pytest.mark.anyio
async def test_large_answers_are_gzipped_when_asked(client: httpx.AsyncClient) -> None:
    zipped = await client.get("/api/v1/chains/集成电路/map", headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.headers["content-encoding"] == "gzip"
    assert zipped.json()["chain"]["id"] == "chain:集成电路"  # httpx decompressed it
    assert int(zipped.headers["content-length"]) < len(zipped.content)
    identity = await client.get("/api/v1/chains/集成电路/map", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in identity.headers
    small = await client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers, "tiny answers are not worth compressing"


@pytest.mark.anyio
async def test_docs_page_uses_only_local_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    for cdn in ("cdn.jsdelivr", "unpkg", "cdnjs", "http://", "https://"):
        assert cdn not in page.text, cdn
    assert '"validatorUrl": null' in page.text, "the online validator badge would call swagger.io"
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        response = await client.get(f"/static/swagger-ui/{asset}")
        assert response.status_code == 200 and response.content
    assert (await client.get("/redoc")).status_code == 404


def test_vendored_swagger_ui_is_intact_and_licensed() -> None:
    folder = STATIC_DIR / "swagger-ui"
    sums = (folder / "SHA256SUMS").read_text().split("\n")
    for line in filter(None, sums):
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert (folder / "NOTICE").exists() and (folder / "swagger-ui-bundle.js.LICENSE.txt").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(dezhou: MemoryStore, tmp_path: Path) -> Iterator[str]:
    """The app on a real loopback port, in this process."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(Settings(home=tmp_path), dezhou), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_docs_render_in_a_browser_with_no_internet(served: str, tmp_path: Path) -> None:
    """Chromium opens /docs with every request off this server aborted: Swagger UI must still draw
    every operation from the local assets and the local /openapi.json."""
    chromium = Path("/usr/bin/chromium")
    assert chromium.exists(), "needs Debian's chromium (scripts/test.sh installs it)"
    outside: list[str] = []
    failed: list[str] = []
    spec = httpx.get(f"{served}/openapi.json").json()
    expected = sum(len(ops) for ops in spec["paths"].values())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()

            def only_this_server(route: Any) -> None:
                if route.request.url.startswith(served):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_this_server)
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.goto(f"{served}/docs")
            page.wait_for_selector(".opblock", timeout=20_000)
            shown = page.locator(".opblock").count()
            ids = page.locator(".opblock-summary-operation-id").all_inner_texts()
            page.screenshot(path=str(tmp_path / "docs.png"))
        finally:
            browser.close()
    assert outside == [] and failed == []
    assert shown == expected
    assert "get_chain_gaps" in ids and "create_load" in ids
