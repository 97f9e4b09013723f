"""POST /api/v1/loads through the real app: off without a key, refused without the right key, size
limits, uploads and server-side datasets through the real pipeline, the reject report returned and
the graph persisted, one load at a time, and reads that never see a load half-done."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from chainkg.app.settings import BUNDLED_DATASET, Settings
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from chainkg.store.nx_index import is_cached
from tests.loaders.test_registry import PLANTED, _write

pytestmark = pytest.mark.anyio

KEY = "s3cret-Key_0123"
AUTH = {"X-API-Key": KEY}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def store(dezhou: MemoryStore) -> MemoryStore:
    """A private copy of the Dezhou graph: loads here must not leak into other tests."""
    return MemoryStore(dezhou.graph.copy(), dezhou.manifest())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    load_dir = tmp_path / "inbox"
    load_dir.mkdir()
    return Settings(home=tmp_path / "home", api_key=KEY, load_dir=load_dir, max_body_bytes=64 * 1024)


@pytest.fixture
def app(settings: Settings, store: MemoryStore) -> FastAPI:
    return create_app(settings, store)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as c:
        yield c


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"status", "code", "message", "details"} and body["code"] == code
    return body


def registry_upload(tmp_path: Path) -> dict[str, tuple[str, bytes, str]]:
    csv = _write(tmp_path, "gbk")
    return {"file": ("企业名单.csv", csv.read_bytes(), "text/csv")}


async def test_writes_are_off_without_a_configured_key(store: MemoryStore, tmp_path: Path) -> None:
    app = create_app(Settings(home=tmp_path), store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client:
        response = await client.post("/api/v1/loads", headers=AUTH, files=registry_upload(tmp_path))
    body = error_of(response, 403, "writes_disabled")
    assert "CHAINKG_API_KEY" in body["message"]


async def test_a_missing_or_wrong_key_is_401(client: httpx.AsyncClient, tmp_path: Path) -> None:
    for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"}):
        response = await client.post("/api/v1/loads", headers=headers, files=registry_upload(tmp_path))
        error_of(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_upload_runs_the_pipeline_returns_the_rejects_and_persists(
    client: httpx.AsyncClient, app: FastAPI, settings: Settings, tmp_path: Path
) -> None:
    before = app.state.store.counts().nodes["Enterprise"]
    response = await client.post(
        "/api/v1/loads", headers={"Authorization": f"Bearer {KEY}"}, files=registry_upload(tmp_path)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["input"] == "企业名单.csv" and body["loader"] == "registry"
    assert body["records_read"] == 5 and body["records_loaded"] == 4 and body["rows_rejected"] == 1
    assert {(r["row"], r["field"], r["action"]) for r in body["rejects"]} == PLANTED
    assert {r["file"] for r in body["rejects"]} == {"企业名单.csv"}, "server paths are not shown"
    assert body["rejects_total"] == len(PLANTED) and body["nodes_created"] >= 1

    served = app.state.store
    assert served.counts().nodes["Enterprise"] > before and body["graph_nodes"] == served.counts().total_nodes
    app.state.warming.join(timeout=60)  # the new graph's indexes are built before anyone asks
    assert is_cached(served.graph, "search_keys") and is_cached(served.graph, "place_index")
    reopened = MemoryStore.open(settings.snapshot_path)
    assert reopened.counts() == served.counts(), "the snapshot holds the loaded graph"
    kept = [Path(m.path) for m in reopened.manifest()]
    assert any(p.parent == settings.uploads_dir.resolve() and p.exists() for p in kept), (
        "the upload outlives the request"
    )
    assert (settings.reports_dir / f"{kept[-1].name}.rejects.csv").exists()

    again = await client.post("/api/v1/loads", headers=AUTH, files=registry_upload(tmp_path))
    assert again.status_code == 200
    assert again.json()["nodes_created"] == 0 and again.json()["edges_created"] == 0, "loading twice changes nothing"


async def test_load_keeps_the_old_graph_intact_for_reads_already_running(
    client: httpx.AsyncClient, app: FastAPI, store: MemoryStore, tmp_path: Path
) -> None:
    """Copy-and-swap: the store a request took before the load is never written to, even where the
    load enriches a node it already had (an alias added to 有研亿金)."""
    target = "ent:有研亿金新材料(山东)有限公司"
    aliases_before = list(store.node(target)["aliases"])
    counts_before = store.counts()
    response = await client.post("/api/v1/loads", headers=AUTH, files=registry_upload(tmp_path))
    assert response.status_code == 200
    assert app.state.store is not store
    assert store.counts() == counts_before and store.node(target)["aliases"] == aliases_before
    assert app.state.store.counts() != counts_before


async def test_dataset_path_inside_the_load_dir(client: httpx.AsyncClient, settings: Settings) -> None:
    assert settings.load_dir is not None
    (settings.load_dir / "dezhou").symlink_to(BUNDLED_DATASET, target_is_directory=True)
    response = await client.post("/api/v1/loads", headers=AUTH, data={"path": "dezhou"})
    # The symlink resolves outside the load dir: refused, so a link cannot smuggle in another directory.
    error_of(response, 403, "path_not_allowed")

    csv = _write(settings.load_dir, "utf-8")
    response = await client.post("/api/v1/loads", headers=AUTH, data={"path": csv.name})
    assert response.status_code == 200, response.text
    assert response.json()["input"] == csv.name and response.json()["records_loaded"] == 4


async def test_paths_outside_the_load_dir_or_missing(client: httpx.AsyncClient, settings: Settings) -> None:
    assert settings.load_dir is not None
    for path in ("../home", "/etc", str(BUNDLED_DATASET)):
        body = error_of(await client.post("/api/v1/loads", headers=AUTH, data={"path": path}), 403, "path_not_allowed")
        assert body["details"]["field"] == "path"
    error_of(await client.post("/api/v1/loads", headers=AUTH, data={"path": "nothing.csv"}), 404, "not_found")


async def test_paths_are_refused_when_no_load_dir_is_set(store: MemoryStore, tmp_path: Path) -> None:
    app = create_app(Settings(home=tmp_path, api_key=KEY), store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client:
        response = await client.post("/api/v1/loads", headers=AUTH, data={"path": "x.csv"})
    assert "CHAINKG_LOAD_DIR" in error_of(response, 403, "path_not_allowed")["message"]


async def test_form_problems_are_422_415_or_400(client: httpx.AsyncClient, tmp_path: Path) -> None:
    neither = await client.post("/api/v1/loads", headers=AUTH, files={"other": ("a.csv", b"x", "text/csv")})
    assert error_of(neither, 422, "validation_error")["details"]["field"] == "file"
    both = await client.post("/api/v1/loads", headers=AUTH, data={"path": "a.csv"}, files=registry_upload(tmp_path))
    error_of(both, 422, "validation_error")
    wrong_type = await client.post("/api/v1/loads", headers=AUTH, files={"file": ("notes.pdf", b"%PDF", "x/pdf")})
    assert error_of(wrong_type, 422, "validation_error")["details"]["field"] == "file"
    as_json = await client.post("/api/v1/loads", headers=AUTH, json={"path": "a.csv"})
    error_of(as_json, 415, "unsupported_media_type")
    broken = await client.post(  # a multipart body without its boundary cannot be parsed
        "/api/v1/loads", headers={**AUTH, "Content-Type": "multipart/form-data"}, content=b"file=a.csv"
    )
    error_of(broken, 400, "bad_request")


async def test_an_unreadable_file_is_422_with_its_report(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await client.post("/api/v1/loads", headers=AUTH, files={"file": ("empty.csv", b"", "text/csv")})
    body = error_of(response, 422, "file_rejected")
    assert body["details"]["records_loaded"] == 0
    assert body["details"]["rejects"][0]["action"] == "file rejected" and body["details"]["input"] == "empty.csv"


async def test_bodies_over_the_limit_are_413(client: httpx.AsyncClient, settings: Settings) -> None:
    big = b"a" * (settings.max_body_bytes + 1)
    declared = await client.post("/api/v1/loads", headers=AUTH, files={"file": ("big.csv", big, "text/csv")})
    assert error_of(declared, 413, "payload_too_large")["details"]["limit_bytes"] == settings.max_body_bytes

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        for _ in range(settings.max_body_bytes // 4096 + 2):
            yield b"a" * 4096
        yield b"\r\n--b--\r\n"

    streamed = await client.post(
        "/api/v1/loads", headers={**AUTH, "Content-Type": "multipart/form-data; boundary=b"}, content=chunks()
    )
    assert "content-length" not in streamed.request.headers
    error_of(streamed, 413, "payload_too_large")
    leftovers = list(settings.uploads_dir.glob("*")) if settings.uploads_dir.exists() else []
    assert leftovers == [], "nothing of a refused body is kept"


def _big_registry(path: Path, rows: int) -> Path:
    lines = ["企业名称,所属行业,地址"] + [f"德州并发测试{i:05d}有限公司,硅片,山东省德州市天衢新区" for i in range(rows)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def roomy(tmp_path: Path, store: MemoryStore) -> Iterator[tuple[FastAPI, Path]]:
    load_dir = tmp_path / "roomy"
    load_dir.mkdir()
    settings = Settings(home=tmp_path / "home2", api_key=KEY, load_dir=load_dir)
    yield create_app(settings, store), _big_registry(load_dir / "big.csv", 6000)


async def test_one_load_at_a_time_and_reads_see_it_whole(roomy: tuple[FastAPI, Path]) -> None:
    """While a real load runs: a second load is 409 with Retry-After, and reads answer at once from
    the graph as it was before the load — never a part of it; afterwards, all of it."""
    app, big = roomy
    before = app.state.store.counts().nodes["Enterprise"]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://chainkg.test", timeout=60) as client:
        first = asyncio.create_task(client.post("/api/v1/loads", headers=AUTH, data={"path": big.name}))
        while not app.state.writer.busy:
            assert not first.done(), (await first).text
            await asyncio.sleep(0.005)
        second = await client.post("/api/v1/loads", headers=AUTH, data={"path": big.name})
        error_of(second, 409, "load_in_progress")
        assert second.headers["retry-after"]
        seen_during = set()
        while app.state.writer.busy:
            stats = await client.get("/api/v1/stats")
            seen_during.add(stats.json()["nodes"]["Enterprise"])
        done = await first
    assert done.status_code == 200 and done.json()["records_loaded"] == 6000
    # Reads went on during the load and saw the graph from before it (or, in the instant between the
    # swap and the lock's release, the whole load) — never a part of it.
    assert before in seen_during and seen_during <= {before, before + 6000}
    async with httpx.AsyncClient(transport=transport, base_url="http://chainkg.test") as client:
        after = (await client.get("/api/v1/stats")).json()["nodes"]["Enterprise"]
    assert after == before + 6000


async def test_a_failing_load_leaves_the_served_graph_and_the_lock_alone(store: MemoryStore, tmp_path: Path) -> None:
    """A load that fails for real — its state directory is a file, so the reject report cannot be
    written — answers 500 without a trace, publishes nothing and frees the lock for the next load."""
    load_dir = tmp_path / "inbox"
    load_dir.mkdir()
    csv = _write(load_dir, "utf-8")
    home = tmp_path / "home-is-a-file"
    home.write_text("not a directory")
    app = create_app(Settings(home=home, api_key=KEY, load_dir=load_dir), store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client:
        failed = await client.post("/api/v1/loads", headers=AUTH, data={"path": csv.name})
        error_of(failed, 500, "internal_error")
        assert "Traceback" not in failed.text
        assert app.state.store is store and not app.state.writer.busy
        app.state.settings = Settings(home=tmp_path / "home", api_key=KEY, load_dir=load_dir)
        retried = await client.post("/api/v1/loads", headers=AUTH, data={"path": csv.name})
    assert retried.status_code == 200 and app.state.store is not store
