"""One writer at a time across processes: ``chainkg load`` beside a running server is never lost, a
writer that finds the state directory taken waits, then refuses naming who holds it, and a server
serves a snapshot another process saved."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainkg.app.settings import Settings
from chainkg.app.state import open_store
from chainkg.cli import app as cli
from chainkg.schema.kinds import NodeKind
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from tests.app.test_recovery import registry_csv
from tests.conftest import DATASET

KEY = "lock-test-key-0123"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    dataset = tmp_path / "dataset"
    shutil.copytree(DATASET, dataset)
    monkeypatch.setenv("CHAINKG_DATASET", str(dataset))
    return Settings(home=tmp_path / "home", dataset=dataset, api_key=KEY, lock_wait=5, watch_seconds=0.2)


def cli_load(settings: Settings, *paths: Path) -> None:
    result = CliRunner().invoke(cli, ["load", *map(str, paths), "--no-progress", "--home", str(settings.home)])
    assert result.exit_code == 0, result.output


def names(store: MemoryStore, prefix: str) -> int:
    return sum(1 for n in store.graph.nodes if n.startswith(f"{NodeKind.ENTERPRISE.prefix}:{prefix}"))


def test_a_cli_load_beside_a_running_server_is_not_lost(settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings, open_store(settings).store)
    cli_load(settings, registry_csv(tmp_path / "from-cli.csv", 20, prefix="命令行"))

    async def api_load() -> httpx.Response:
        upload = registry_csv(tmp_path / "from-api.csv", 10, prefix="接口")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            return await client.post(
                "/api/v1/loads", headers={"X-API-Key": KEY}, files={"file": ("f.csv", upload.read_bytes())}
            )

    response = asyncio.run(api_load())
    assert response.status_code == 200, response.text
    saved = MemoryStore.open(settings.snapshot_path)
    assert names(saved, "命令行") == 20, "the command-line load survives the server's next save"
    assert names(saved, "接口") == 10
    assert names(app.state.store, "命令行") == 20 and names(app.state.store, "接口") == 10


def test_a_writer_finding_the_directory_taken_waits_then_refuses_naming_it(settings: Settings, tmp_path: Path) -> None:
    from chainkg.app.lock import StateLock

    open_store(settings)
    csv = registry_csv(tmp_path / "r.csv", 3)
    lock = StateLock(settings.home)
    lock.acquire("a long test load")
    try:
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "chainkg.cli", "load", str(csv), "--no-progress", "--home", str(settings.home)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
            env={**os.environ, "CHAINKG_LOCK_WAIT": "1", "COLUMNS": "300"},
        )
        assert result.returncode == 4, result.stderr
        assert time.monotonic() - started >= 1, "it waited"
        assert f"pid {os.getpid()}" in result.stderr and "a long test load" in result.stderr

        app = create_app(settings, open_store(settings).store)
        with TestClient(app) as client:
            response = client.post(
                "/api/v1/loads", headers={"X-API-Key": KEY}, files={"file": ("r.csv", csv.read_bytes())}
            )
        assert response.status_code == 409 and response.json()["code"] == "load_in_progress"
        assert "a long test load" in response.json()["message"] and response.headers["retry-after"]
        assert not [p for p in settings.uploads_dir.iterdir() if not p.name.startswith(".")], "upload not kept"
    finally:
        lock.release()
    assert names(MemoryStore.open(settings.snapshot_path), "德州测试") == 0


def test_the_server_serves_a_snapshot_another_process_saved(settings: Settings, tmp_path: Path) -> None:
    opened = open_store(settings)
    app = create_app(settings, opened.store)
    with TestClient(app) as client:
        before = client.get("/api/v1/stats").json()["nodes"]["Enterprise"]
        cli_load(settings, registry_csv(tmp_path / "r.csv", 7, prefix="旁路"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            now = client.get("/api/v1/stats").json()["nodes"]["Enterprise"]
            if now != before:
                break
            time.sleep(0.1)
        assert now == before + 7
