"""HTTP load on the query API: the gap analysis and upstream endpoints at a fixed concurrency.

Starts ``chainkg serve`` as a separate process on loopback (or uses ``--url``), waits for
``/readyz``, then drives it from this process with ``--concurrency`` asyncio workers (httpx, one
keep-alive connection each) for ``--duration`` seconds after a warm-up. Requests alternate between

- ``GET /api/v1/chains/{chain}/gaps`` over every chain (补链/强链/延链 analysis, home-city scope), and
- ``GET /api/v1/entities/{enterprise}/supply-chain?direction=upstream`` over the first enterprises,

each worker walking its own seeded order. Prints requests/s, p50 and p99 latency (ms) and errors
(non-200 answers and transport failures), per endpoint and overall; ``--json`` prints the same as
JSON. Not a test: it only measures. The load generator shares the machine with the server, so on a
small machine the figures are a floor for the server alone.

    python -m benchmarks.api_load                       # bundled Dezhou graph, 8 workers, 20 s
    python -m benchmarks.api_load --concurrency 16 --duration 60 --dataset /path/to/dataset
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from benchmarks.measure import machine, percentiles, start_serve, wait_ready

__all__ = ["main", "run_load"]

MAX_DURATION_S = 600.0
UPSTREAM_ENTERPRISES = 50


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, ms: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == "200":
            self.latencies_ms.append(ms)
        else:
            self.errors += 1

    def summary(self, seconds: float) -> dict[str, Any]:
        total = len(self.latencies_ms) + self.errors
        cut = percentiles(self.latencies_ms)
        return {
            "requests": total,
            "requests_per_s": round(total / seconds, 1) if seconds else 0.0,
            "p50_ms": round(cut["p50"], 2),
            "p99_ms": round(cut["p99"], 2),
            "errors": self.errors,
            "statuses": dict(sorted(self.statuses.items())),
        }


def start_server(home: Path, dataset: Path | None, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {"CHAINKG_HOME": str(home)}
    if dataset is not None:
        env["CHAINKG_DATASET"] = str(dataset.resolve())
    return start_serve(home, log, env)


def targets(base: str) -> dict[str, list[str]]:
    """The URLs each endpoint is driven with, read from the server's own listings."""
    with httpx.Client(base_url=base, timeout=30) as client:
        chains = [c["id"] for c in client.get("/api/v1/chains", params={"limit": 200}).json()["items"]]
        enterprises = client.get("/api/v1/enterprises", params={"limit": UPSTREAM_ENTERPRISES}).json()["items"]
    return {
        "gaps": [f"/api/v1/chains/{quote(c, safe='')}/gaps" for c in chains],
        "upstream": [
            f"/api/v1/entities/{quote(e['id'], safe='')}/supply-chain?direction=upstream" for e in enterprises
        ],
    }


async def run_load(
    base: str, urls: dict[str, list[str]], *, concurrency: int, duration_s: float, warmup_s: float, seed: int
) -> dict[str, Any]:
    """Drive the endpoints; only requests started after the warm-up count."""
    tallies = {name: Tally() for name in urls}
    plan = [(name, url) for name, group in urls.items() for url in group]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    started = time.perf_counter()
    measure_from = started + warmup_s
    stop_at = measure_from + duration_s

    async def worker(index: int, client: httpx.AsyncClient) -> None:
        rng = random.Random(seed + index)
        by_endpoint = {name: [u for n, u in plan if n == name] for name in urls}
        names = sorted(urls)
        turn = index
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                return
            name = names[turn % len(names)]  # endpoints alternate, so each gets half the requests
            turn += 1
            url = rng.choice(by_endpoint[name])
            began = time.perf_counter()
            try:
                status = str((await client.get(url)).status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            ended = time.perf_counter()
            if began >= measure_from:
                tallies[name].add(status, (ended - began) * 1000)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await asyncio.gather(*(worker(i, client) for i in range(concurrency)))
    measured = max(time.perf_counter() - measure_from, 1e-9)
    overall = Tally()
    for tally in tallies.values():
        overall.latencies_ms += tally.latencies_ms
        overall.errors += tally.errors
        for status, n in tally.statuses.items():
            overall.statuses[status] = overall.statuses.get(status, 0) + n
    return {
        "seconds": round(measured, 2),
        "concurrency": concurrency,
        "endpoints": {name: tally.summary(measured) for name, tally in tallies.items()},
        "overall": overall.summary(measured),
    }


def _table(result: dict[str, Any]) -> str:
    lines = [f"{'endpoint':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"]
    rows = [*result["endpoints"].items(), ("overall", result["overall"])]
    for name, row in rows:
        lines.append(
            f"{name:<10} {row['requests']:>9} {row['requests_per_s']:>8} {row['p50_ms']:>8} "
            f"{row['p99_ms']:>8} {row['errors']:>7}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", help="an already running server (default: start chainkg serve)")
    parser.add_argument("--home", type=Path, help="state directory for the started server (default: a temp dir)")
    parser.add_argument("--dataset", type=Path, help="dataset the started server builds its graph from")
    parser.add_argument("--concurrency", type=int, default=8, help="simultaneous requests (default 8)")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds (default 20, max 600)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 512:
        parser.error("--concurrency must be between 1 and 512")
    duration = min(max(args.duration, 1.0), MAX_DURATION_S)

    proc: subprocess.Popen[bytes] | None = None
    scratch = tempfile.TemporaryDirectory(prefix="chainkg-api-load-")
    try:
        if args.url:
            base = args.url.rstrip("/")
        else:
            home = args.home or Path(scratch.name) / "home"
            proc, base = start_server(home, args.dataset, Path(scratch.name) / "serve.log")
        ready_s = wait_ready(base, proc)
        urls = targets(base)
        result = asyncio.run(
            run_load(
                base, urls, concurrency=args.concurrency, duration_s=duration, warmup_s=args.warmup, seed=args.seed
            )
        )
        result["server_ready_s"] = round(ready_s, 2)
        result["targets"] = {name: len(group) for name, group in urls.items()}
        result["machine"] = machine()
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        scratch.cleanup()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(
            f"{base} · {args.concurrency} concurrent · {result['seconds']} s measured · "
            f"{result['targets']['gaps']} chains, {result['targets']['upstream']} enterprises"
        )
        print(_table(result))
    return 0 if result["overall"]["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
