"""Reads while loads run: latency during a big load, and a long soak of mixed reads and loads.

Starts ``chainkg serve`` on the city graph (``chainkg generate --preset city``, cached under
``$TMPDIR/chainkg-bench``) as a separate process on loopback, with writes on, and drives it from
this process. Two phases, both on the same server:

1. **read-during-load** (``--phase load``): reads alone for ``--idle`` seconds, then the same reads
   while one registry upload of ``--rows`` rows (200,000 by default: a whole county's registry)
   runs through ``POST /api/v1/loads``; reports p50/p95/p99/max of the reads idle and during the
   load, and their ratio (the target: p95 during ≤ 2 × p95 idle).
2. **soak** (``--phase soak``): ``--minutes`` of reads from ``--concurrency`` workers while a loader
   uploads registry files of ``--soak-rows`` rows one after another with ``--pause`` seconds between
   (the same few files in turn, so the graph stops growing after the first round and memory should
   stay flat); reports, per minute, requests, errors, p50/p95/max and the server's RSS, and in total
   the errors (target: 0) and the loads done.

The reads are the office's everyday mix, drawn from the server's own listings with a seeded
generator: gap analysis and chain map (a chain, the home city), an enterprise's detail and its
upstream, search for a two-character text, stats. Prints tables; ``--json FILE`` writes every figure
with the machine and its load average. Not a test: it only measures. The load generator shares the
machine with the server; on a small machine the figures are a floor for the server alone.

    python -m benchmarks.soak                                   # both phases (~15 minutes)
    python -m benchmarks.soak --phase load --rows 200000        # the load-during-read figure only
    python -m benchmarks.soak --phase soak --minutes 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from benchmarks.measure import REPO, free_port, machine

__all__ = ["main"]

KEY = "soak-benchmark-key"
AUTH = {"X-API-Key": KEY}


@dataclass
class Window:
    """Latencies (ms) and failures of the reads in one stretch of time."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, ms: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == "200":
            self.latencies.append(ms)
        else:
            self.errors += 1

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def cut(p: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))], 2)

        return {
            "requests": len(ordered) + self.errors,
            "errors": self.errors,
            "p50_ms": cut(50),
            "p95_ms": cut(95),
            "p99_ms": cut(99),
            "max_ms": round(ordered[-1], 1) if ordered else 0.0,
            "statuses": dict(sorted(self.statuses.items())),
        }


# --- the server ------------------------------------------------------------------------------


def city_dataset(data_dir: Path, seed: int) -> Path:
    dataset = data_dir / f"city-seed{seed}"
    if not (dataset / "synthetic.json").is_file():
        print(f"generating the city dataset in {dataset} …", flush=True)
        subprocess.run(
            [sys.executable, "-m", "chainkg.cli", "generate", str(dataset), "--preset", "city", "--seed", str(seed)],
            cwd=REPO,
            check=True,
        )
    return dataset


def fresh_home(data_dir: Path, dataset: Path) -> Path:
    """A state directory holding the city graph's snapshot alone, the same at every run: built once
    (``chainkg load``) into ``soak-base.home`` and copied."""
    base = data_dir / "soak-base.home"
    if not (base / "memory.snapshot").is_file():
        print(f"building the city snapshot in {base} …", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "chainkg.cli",
                "load",
                "--reset",
                str(dataset),
                "--no-progress",
                "--home",
                str(base),
            ],
            cwd=REPO,
            check=True,
        )
    home = data_dir / "soak.home"
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    for name in ("memory.snapshot", "memory.snapshot.manifest.json"):
        shutil.copy2(base / name, home / name)
    return home


def start_server(
    home: Path, dataset: Path, log: Path, extra_env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "CHAINKG_HOME": str(home),
        "CHAINKG_DATASET": str(dataset.resolve()),
        "CHAINKG_API_KEY": KEY,
        "CHAINKG_MAX_BODY_BYTES": str(200 * 1024 * 1024),
        **extra_env,
    }
    with log.open("ab") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "chainkg.cli", "serve", "--home", str(home), "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout_s: float = 1800.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before it was ready")
        try:
            if httpx.get(f"{base}/readyz", timeout=10).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base}/readyz did not answer 200 within {timeout_s:.0f} s")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# --- what is read and what is loaded ---------------------------------------------------------


def read_urls(base: str, seed: int) -> list[str]:
    """The read mix, drawn from the server's own listings."""
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=120) as client:
        chains = [c["id"] for c in client.get("/api/v1/chains", params={"limit": 200}).json()["items"]]
        enterprises = [e["id"] for e in client.get("/api/v1/enterprises", params={"limit": 200}).json()["items"]]
    urls: list[str] = []
    for chain in chains:
        urls.append(f"/api/v1/chains/{quote(chain, safe='')}/gaps")
        urls.append(f"/api/v1/chains/{quote(chain, safe='')}/map")
    for enterprise in rng.sample(enterprises, min(40, len(enterprises))):
        urls.append(f"/api/v1/entities/{quote(enterprise, safe='')}")
        urls.append(f"/api/v1/entities/{quote(enterprise, safe='')}/supply-chain?direction=upstream")
    urls += [f"/api/v1/search?text={quote(t)}" for t in ("科技", "材料", "德州", "电子", "集团", "食品")]
    urls.append("/api/v1/stats")
    return urls


def registry_file(path: Path, rows: int, tag: str, segments: list[str], regions: list[str], seed: int) -> Path:
    """A registry export of ``rows`` enterprises (names, capital, industry, address)."""
    rng = random.Random(seed)
    lines = ["企业名称,注册资本(万元),所属行业,地址,企业类型"]
    kinds = ("民营", "有限责任公司", "国有", "外资")
    for i in range(rows):
        region = rng.choice(regions)
        lines.append(
            f"{region}{tag}{i:06d}号科技有限公司,{rng.randint(50, 50000)},{rng.choice(segments)},"
            f"山东省德州市{region}{rng.randint(1, 999)}号,{rng.choice(kinds)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def vocabulary(base: str) -> tuple[list[str], list[str]]:
    with httpx.Client(base_url=base, timeout=120) as client:
        segments = [s["name"] for s in client.get("/api/v1/segments", params={"limit": 200}).json()["items"]]
        regions = [r["name"] for r in client.get("/api/v1/regions", params={"limit": 200}).json()["items"]]
    return segments, [r for r in regions if r] or ["德城区"]


# --- driving ---------------------------------------------------------------------------------


def client_limits(args: argparse.Namespace) -> httpx.Limits:
    """Connections are dropped after 2 s idle: uvicorn closes idle ones after 5 s, and a request sent
    on a connection the server is closing at that moment fails with a ReadError that says nothing
    about chainkg (the keep-alive race)."""
    return httpx.Limits(max_connections=args.concurrency + 2, keepalive_expiry=2.0)


async def reader(
    client: httpx.AsyncClient,
    urls: list[str],
    rng: random.Random,
    stop: asyncio.Event,
    record: Any,
    slowest: list[tuple[float, float, str]] | None = None,
    started: float = 0.0,
) -> None:
    while not stop.is_set():
        url = rng.choice(urls)
        began = time.perf_counter()
        try:
            status = str((await client.get(url)).status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        ms = (time.perf_counter() - began) * 1000
        record(began, status, ms)
        if slowest is not None:
            slowest.append((ms, round(began - started, 1), url))
            if len(slowest) > 50:
                slowest.sort(reverse=True)
                del slowest[10:]


async def upload(client: httpx.AsyncClient, path: Path) -> dict[str, Any]:
    began = time.perf_counter()
    response = await client.post(
        "/api/v1/loads", headers=AUTH, files={"file": (path.name, path.read_bytes(), "text/csv")}, timeout=3600
    )
    seconds = time.perf_counter() - began
    body = response.json()
    return {
        "status": response.status_code,
        "seconds": round(seconds, 2),
        "records_loaded": body.get("records_loaded"),
        "rows_rejected": body.get("rows_rejected"),
        "nodes_created": body.get("nodes_created"),
    }


async def phase_load(base: str, urls: list[str], file: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Reads alone, then the same reads while one big upload runs."""
    idle, during = Window(), Window()
    current = idle
    stop = asyncio.Event()
    limits = client_limits(args)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        def record(_began: float, status: str, ms: float) -> None:
            current.add(status, ms)

        workers = [
            asyncio.create_task(reader(client, urls, random.Random(args.seed + i), stop, record))
            for i in range(args.concurrency)
        ]
        await asyncio.sleep(args.warmup)
        idle.latencies.clear()
        idle.statuses.clear()
        await asyncio.sleep(args.idle)
        current = during
        load = await upload(client, file)
        stop.set()
        await asyncio.gather(*workers)
    idle_s, during_s = idle.summary(), during.summary()
    ratio = round(during_s["p95_ms"] / idle_s["p95_ms"], 2) if idle_s["p95_ms"] else None
    return {"rows": args.rows, "idle": idle_s, "during_load": during_s, "p95_ratio": ratio, "load": load}


async def phase_soak(
    base: str, urls: list[str], files: list[Path], pid: int, args: argparse.Namespace
) -> dict[str, Any]:
    """``--minutes`` of reads with loads one after another; figures per minute."""
    started = time.perf_counter()
    minutes: dict[int, Window] = {}
    rss: dict[int, list[float]] = {}
    slowest: list[tuple[float, float, str]] = []
    loads: list[dict[str, Any]] = []
    stop = asyncio.Event()
    limits = client_limits(args)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        def record(began: float, status: str, ms: float) -> None:
            minutes.setdefault(int((began - started) // 60), Window()).add(status, ms)

        async def loader() -> None:
            turn = 0
            while not stop.is_set():
                result = {"began_s": round(time.perf_counter() - started, 1)}
                result |= await upload(client, files[turn % len(files)])
                result["at_s"] = round(time.perf_counter() - started, 1)
                await asyncio.sleep(2)  # the old graph goes with the requests that still read it
                result["rss_after_mb"] = round(rss_mb(pid), 1)
                loads.append(result)
                turn += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=args.pause)

        async def sampler() -> None:
            while not stop.is_set():
                rss.setdefault(int((time.perf_counter() - started) // 60), []).append(rss_mb(pid))
                await asyncio.sleep(5)

        tasks = [
            asyncio.create_task(reader(client, urls, random.Random(args.seed + i), stop, record, slowest, started))
            for i in range(args.concurrency)
        ]
        tasks += [asyncio.create_task(loader()), asyncio.create_task(sampler())]
        await asyncio.sleep(args.minutes * 60)
        stop.set()
        await asyncio.gather(*tasks)
    per_minute = [
        {
            "minute": m + 1,
            **minutes[m].summary(),
            "rss_min_mb": round(min(rss.get(m, [0.0])), 1),
            "rss_max_mb": round(max(rss.get(m, [0.0])), 1),
        }
        for m in sorted(minutes)
        if minutes[m].latencies or minutes[m].errors
    ]
    total = Window()
    for window in minutes.values():
        total.latencies += window.latencies
        total.errors += window.errors
        for status, n in window.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + n
    failed_loads = [x for x in loads if x["status"] != 200]
    return {
        "minutes": args.minutes,
        "per_minute": per_minute,
        "total": total.summary(),
        "loads": len(loads),
        "failed_loads": failed_loads,
        "load_runs": loads,
        "slowest": [{"ms": round(ms, 1), "at_s": at, "url": url} for ms, at, url in sorted(slowest, reverse=True)[:10]],
    }


def print_load(result: dict[str, Any]) -> None:
    print(f"\nreads idle vs during a {result['rows']:,}-row upload ({result['load']['seconds']} s):")
    for name in ("idle", "during_load"):
        w = result[name]
        print(
            f"  {name:12} requests {w['requests']:6}  errors {w['errors']}  p50 {w['p50_ms']:8.2f}  "
            f"p95 {w['p95_ms']:8.2f}  p99 {w['p99_ms']:8.2f}  max {w['max_ms']:8.1f} ms"
        )
    print(f"  p95 during / idle: {result['p95_ratio']}   load: {result['load']}")


def print_soak(result: dict[str, Any]) -> None:
    print(f"\nsoak, {result['minutes']} min: {result['loads']} loads ({len(result['failed_loads'])} failed)")
    print("  minute  requests  errors   p50 ms   p95 ms    max ms   RSS MiB (min–max)")
    for m in result["per_minute"]:
        print(
            f"  {m['minute']:6}  {m['requests']:8}  {m['errors']:6}  {m['p50_ms']:7.2f}  {m['p95_ms']:7.2f}  "
            f"{m['max_ms']:8.1f}  {m['rss_min_mb']:7.1f}–{m['rss_max_mb']:.1f}"
        )
    print("  loads (began s → done s, seconds, RSS MiB 2 s after):")
    for x in result["load_runs"]:
        took = f"{x['seconds']:6.1f} s"
        print(f"    {x['began_s']:7.1f} → {x['at_s']:7.1f}  {took}  {x['rss_after_mb']:8.1f}  {x['status']}")
    print("  slowest reads:", ", ".join(f"{x['ms']:.0f} ms at {x['at_s']} s" for x in result["slowest"][:5]))
    t = result["total"]
    print(f"  total: {t['requests']} requests, {t['errors']} errors, p95 {t['p95_ms']} ms, max {t['max_ms']} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phase", choices=("load", "soak", "both"), default="both")
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the big upload (phase load)")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of reads alone before it")
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the soak")
    parser.add_argument("--soak-rows", type=int, default=5000, help="rows of each soak upload")
    parser.add_argument("--pause", type=float, default=15.0, help="seconds between soak uploads")
    parser.add_argument("--concurrency", type=int, default=4, help="read workers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "chainkg-bench")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server (repeatable)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)

    dataset = city_dataset(args.data_dir, 0)
    home = fresh_home(args.data_dir, dataset)
    work = args.data_dir / "soak"
    work.mkdir(parents=True, exist_ok=True)
    extra_env = dict(item.split("=", 1) for item in args.env)
    proc, base = start_server(home, dataset, work / "server.log", extra_env)
    out: dict[str, Any] = {"machine": machine(), "load_average_start": os.getloadavg(), "args": vars(args) | {}}
    out["args"] = {k: str(v) for k, v in vars(args).items()}
    try:
        out["ready_s"] = round(wait_ready(base, proc), 1)
        urls = read_urls(base, args.seed)
        segments, regions = vocabulary(base)
        if args.phase in ("load", "both"):
            tag = f"L{int(time.time()) % 100000}"  # new enterprises each run: a real load, not a no-op reload
            big = registry_file(work / f"big-{args.rows}.csv", args.rows, tag, segments, regions, args.seed)
            out["load_phase"] = asyncio.run(phase_load(base, urls, big, args))
            print_load(out["load_phase"])
        if args.phase in ("soak", "both"):
            files = [
                registry_file(work / f"soak-{n}.csv", args.soak_rows, f"S{n}", segments, regions, args.seed + n)
                for n in range(3)
            ]
            out["soak_phase"] = asyncio.run(phase_soak(base, urls, files, proc.pid, args))
            print_soak(out["soak_phase"])
        out["load_average_end"] = os.getloadavg()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
