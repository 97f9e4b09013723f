"""The ``chainkg`` command as a user runs it: a real process, a real port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.loaders.test_registry import _write

CHAINKG = [sys.executable, "-m", "chainkg.cli"]
REPO = Path(__file__).resolve().parents[2]


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CHAINKG, *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_stats_json_on_first_run_builds_the_dezhou_graph(tmp_path: Path) -> None:
    result = run("stats", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["nodes"]["Chain"] == 12
    ic = next(c for c in data["chains"] if c["name"] == "集成电路")
    assert ic["investment_cny"] >= 8_600_000_000


def test_load_reports_rejects_and_persists(tmp_path: Path) -> None:
    csv = _write(tmp_path, "gbk")
    result = run("load", str(csv), "--no-progress", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "4/5 records loaded" in result.stdout
    report = tmp_path / "home" / "reports" / f"{csv.name}.rejects.csv"
    assert report.exists() and "enterprise name is empty" in report.read_text(encoding="utf-8-sig")
    stats = json.loads(run("stats", "--json", home=tmp_path / "home").stdout)
    assert stats["nodes"]["Enterprise"] > 31  # the registry rows are in the persisted graph


def test_load_reset_and_bad_file_exit_code(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run("load", "--reset", str(empty), "--no-progress", home=tmp_path / "home")
    assert result.returncode == 1
    assert "file rejected" in result.stderr and "empty" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_health_and_readiness(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [*CHAINKG, "serve", "--home", str(tmp_path), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start within 60 s"
                time.sleep(0.2)
        assert ready.status_code == 200
        assert ready.json()["nodes"]["Segment"] >= 12 * 8 // 2
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_query_commands_resolve_names_and_print_json(tmp_path: Path) -> None:
    gaps = run("gaps", "芯片产业链", "--scope", "天衢新区", "--json", home=tmp_path)
    assert gaps.returncode == 0, gaps.stderr
    data = json.loads(gaps.stdout)
    assert data["chain"]["id"] == "chain:集成电路" and data["scope"]["id"] == "region:天衢新区"
    assert {s["name"] for s in data["covered"]} >= {"硅片", "溅射靶材"}
    footprint = json.loads(run("footprint", "有研集团", "--json", home=tmp_path).stdout)
    assert footprint["total_investment_cny"] == 8_600_000_000
    table = run("recommend", "高纯金属", "--scope", "天衢新区", home=tmp_path)
    assert table.returncode == 0 and "有研新材料股份有限公司" in table.stdout
    # out of the box (the graph a first start builds: Dezhou and the national data), the issue's
    # empty gaps have candidates outside Dezhou, each with its reasons and path
    for segment, leader in (("晶圆制造", "中芯国际集成电路制造有限公司"), ("光刻胶", None)):
        answer = run("recommend", segment, "--json", home=tmp_path)
        assert answer.returncode == 0, answer.stderr
        found = json.loads(answer.stdout)
        assert found["scope"]["id"] == "region:德州市" and len(found["candidates"]) >= 3
        assert all(c["reasons"] and c["path"][0]["id"] == c["enterprise"]["id"] for c in found["candidates"])
        assert leader is None or found["candidates"][0]["enterprise"]["name"] == leader
    for command in (["chain", "集成电路"], ["upstream", "英望科技"], ["profile", "临邑县"], ["search", "有研"]):
        result = run(*command, home=tmp_path)
        assert result.returncode == 0, (command, result.stderr)


def test_query_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    unknown = run("gaps", "不存在的产业链", home=tmp_path)
    assert unknown.returncode == 2 and "no chain" in unknown.stderr and "Traceback" not in unknown.stderr
    ambiguous = run("profile", "天衢", home=tmp_path)
    assert ambiguous.returncode == 2 and "matches more than one" in ambiguous.stderr
    too_deep = run("upstream", "英望科技", "--depth", "9", home=tmp_path)
    assert too_deep.returncode == 2 and "Traceback" not in too_deep.stderr
