"""How figures are taken: child processes with their own resource usage, memory readings, readiness.

Every measured step runs in a fresh child process, so a peak RSS belongs to that step alone (the
parent reaps each child with :func:`os.wait4`, which returns that child's own usage), and nothing
one step allocated can flatter or burden the next.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ChildResult",
    "free_port",
    "machine",
    "peak_rss_mb",
    "percentiles",
    "rss_mb",
    "run_child",
    "serve_ready",
    "start_serve",
    "wait_ready",
]

REPO = Path(__file__).resolve().parent.parent


@dataclass
class ChildResult:
    """A finished child: its exit code, wall time, CPU time, peak RSS and the JSON it wrote."""

    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    output: dict[str, Any]
    log: Path


def run_child(args: list[str], out_json: Path, log: Path, *, memory_cap_gb: float | None = None) -> ChildResult:
    """Run ``python <args>`` from the repository root; it reports by writing ``out_json``.

    ``memory_cap_gb`` limits the child's address space (``RLIMIT_AS``), so a graph that does not fit
    ends in a MemoryError the child reports, rather than in the kernel's OOM killer picking a
    process — possibly someone else's — on a shared machine.
    """
    out_json.unlink(missing_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)

    def limit() -> None:  # runs in the child before exec
        if memory_cap_gb:
            cap = int(memory_cap_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as sink:
        proc = subprocess.Popen(
            [sys.executable, *args], cwd=REPO, stdout=sink, stderr=subprocess.STDOUT, preexec_fn=limit
        )
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    output = json.loads(out_json.read_text(encoding="utf-8")) if out_json.exists() else {}
    return ChildResult(proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output, log)


def _status_kb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return float(line.split()[1])
    return 0.0


def rss_mb() -> float:
    """This process's resident set size now (Linux /proc), MiB."""
    return _status_kb("VmRSS") / 1024


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (VmHWM), MiB."""
    return _status_kb("VmHWM") / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_serve(
    home: Path, log: Path, env: dict[str, str] | None = None, *, append: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    """``chainkg serve --home <home>`` on a free port with ``env`` added to this environment, its
    output to ``log`` (appended to with ``append``); the process and its base URL."""
    port = free_port()
    with log.open("ab" if append else "wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "chainkg.cli", "serve", "--home", str(home), "--port", str(port)],
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(
    base: str, proc: subprocess.Popen[bytes] | None, *, timeout_s: float = 600.0, poll_s: float = 0.1
) -> float:
    """Seconds until ``<base>/readyz`` answers 200; RuntimeError when ``proc`` exits first or the
    time is up."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=10) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not listening yet, or 503 while the store opens
        time.sleep(poll_s)
    raise RuntimeError(f"{base}/readyz did not answer 200 within {timeout_s:.0f} s")


def serve_ready(home: Path, log: Path, *, timeout_s: float = 600.0) -> dict[str, Any]:
    """Seconds from starting ``chainkg serve --home <home>`` until ``/readyz`` answers 200.

    Includes everything a restart pays: interpreter start, imports, reading and checking the
    snapshot, the freshness check of its inputs, the HTTP server's start and the first readiness
    answer. Then ``first_answer_s``: until a query that needs the whole graph (``/api/v1/stats``)
    answers 200 — on the embedded store the graph is still being built behind a snapshot that was
    checked and reported ready (:class:`chainkg.store.snapshot.PendingGraph`); this is when it is in.
    The server is stopped afterwards.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/readyz"
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "chainkg.cli", "serve", "--home", str(home), "--port", str(port)],
            cwd=REPO,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        ready_s: float | None = None
        first_answer_s: float | None = None
        status = 0
        try:
            while time.perf_counter() - started < timeout_s and proc.poll() is None:
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        status = response.status
                except urllib.error.HTTPError as exc:
                    status = exc.code  # 503 while the store opens
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    status = 0  # not listening yet
                if status == 200:
                    ready_s = time.perf_counter() - started
                    break
                time.sleep(0.02)
            if ready_s is not None:
                stats_url = f"http://127.0.0.1:{port}/api/v1/stats"
                with urllib.request.urlopen(stats_url, timeout=timeout_s) as response:
                    if response.status == 200:
                        first_answer_s = time.perf_counter() - started
        finally:
            proc.terminate()
            try:
                _, _, usage = os.wait4(proc.pid, 0)
                peak = usage.ru_maxrss / 1024
            except ChildProcessError:
                peak = 0.0
    peak_mb = round(peak, 1)
    return {
        "ready_s": ready_s,
        "first_answer_s": first_answer_s,
        "last_status": status,
        "peak_rss_mb": peak_mb,
        "log": str(log),
    }


def percentiles(samples: list[float], points: tuple[int, ...] = (50, 99)) -> dict[str, float]:
    """Nearest-rank percentiles of the samples (ms stay ms), e.g. ``{"p50": …, "p99": …}``."""
    if not samples:
        return {f"p{p}": float("nan") for p in points}
    ordered = sorted(samples)
    out = {}
    for p in points:
        rank = max(1, -(-p * len(ordered) // 100))  # ceil(p/100 · n), 1-based
        out[f"p{p}"] = ordered[rank - 1]
    return out


def machine() -> dict[str, Any]:
    """Where the figures come from: cores, memory, Python and library versions, load at the start."""
    meminfo = {}
    with open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            name, value = line.split(":", 1)
            meminfo[name] = int(value.split()[0])
    versions = {}
    for package in ("networkx", "pydantic", "pydantic_core", "fastapi", "uvicorn"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:  # pragma: no cover - a missing package is simply not listed
            continue
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    cpu_model = ""
    with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model,
        "ram_gb": round(meminfo.get("MemTotal", 0) / 2**20, 1),
        "ram_available_gb": round(meminfo.get("MemAvailable", 0) / 2**20, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "git_commit": commit.stdout.strip() if commit.returncode == 0 else None,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
