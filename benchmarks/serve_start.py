"""How soon ``chainkg serve`` is of use after a start: readiness, then the first real answers.

    .venv/bin/python -m benchmarks.serve_start --home $TMPDIR/chainkg-bench/province-seed0.home \\
        --chain 生物医药 --segment 中药材 --repeats 3 [--repo CHECKOUT] [--json FILE]

Each round starts ``chainkg serve --home`` (the embedded store's snapshot) in a new process and
polls ``/readyz``; the moment it answers 200 it sends, one after the other, the requests a user's
first minutes make: a chain's gap analysis (the first real query), its chain map, the
recommendations for a segment, a search, ``/api/v1/stats``. For each it records the seconds from the
start until the answer came, how long that request itself took, and the server's CPU seconds so
far (``/proc``), with the load average at the start and at the end of the round. ``/readyz``'s own
answer says what the server knows then. The server is stopped after each round.

What "ready" should mean is in the answers, not only in ``/readyz``: a server whose readiness
probe says 200 while each query waits for the graph is not ready for a user. The ``gaps`` row is the
figure to read beside ``ready``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.measure import REPO, free_port
from chainkg.schema.ids import node_id
from chainkg.schema.kinds import NodeKind

__all__ = ["probes", "start_timeline"]


def probes(chain: str, segment: str) -> list[tuple[str, str]]:
    """(name, path) of the requests sent once ``/readyz`` says 200, in order."""
    chain_id = urllib.parse.quote(node_id(NodeKind.CHAIN, chain), safe=":")
    segment_id = urllib.parse.quote(node_id(NodeKind.SEGMENT, segment), safe=":")
    return [
        ("gaps", f"/api/v1/chains/{chain_id}/gaps"),
        ("chain map", f"/api/v1/chains/{chain_id}/map"),
        ("recommend", f"/api/v1/segments/{segment_id}/recommendations"),
        ("search", "/api/v1/search?" + urllib.parse.urlencode({"text": "集团"})),
        ("stats", "/api/v1/stats"),
    ]


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _get(url: str, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def start_timeline(
    home: Path, log: Path, requests: list[tuple[str, str]], *, timeout_s: float = 900.0, repo: Path = REPO
) -> dict[str, Any]:
    """One start of ``chainkg serve --home home``: seconds to ``/readyz`` 200, then each request's
    arrival (seconds from the start), own duration and the server's CPU seconds by then."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"loadavg_start": os.getloadavg()}
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "chainkg.cli", "serve", "--home", str(home), "--port", str(port)],
            cwd=repo,  # `-m` imports chainkg from here first: --repo runs another checkout's code
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            status, body = 0, b""
            while time.perf_counter() - started < timeout_s and proc.poll() is None:
                try:
                    status, body = _get(base + "/readyz", 5)
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    status = 0  # not listening yet
                if status == 200:
                    break
                time.sleep(0.02)
            if status != 200:
                out["error"] = f"/readyz answered {status}: {body[:300]!r}"
                return out
            out["ready_s"] = time.perf_counter() - started
            out["ready_cpu_s"] = _cpu_s(proc.pid)
            out["readyz"] = {k: v for k, v in json.loads(body).items() if k not in ("nodes", "edges")}
            rows = []
            for name, path in requests:
                sent = time.perf_counter()
                code, answer = _get(base + path, timeout_s)
                done = time.perf_counter()
                rows.append(
                    {
                        "request": name,
                        "status": code,
                        "at_s": round(done - started, 3),
                        "took_s": round(done - sent, 3),
                        "server_cpu_s": _cpu_s(proc.pid),
                        "bytes": len(answer),
                    }
                )
            out["requests"] = rows
        finally:
            out["server_cpu_s"] = _cpu_s(proc.pid)
            proc.terminate()
            try:
                _, _, usage = os.wait4(proc.pid, 0)
                out["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
            except ChildProcessError:
                pass
            out["loadavg_end"] = os.getloadavg()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_start", description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a state directory holding memory.snapshot")
    parser.add_argument("--chain", default="生物医药", help="the chain whose gaps and map are asked first")
    parser.add_argument("--segment", default="中药材", help="the segment whose recommendations are asked")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout whose chainkg serves (for a before)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    rounds = []
    for n in range(args.repeats):
        log = args.home.parent / f"{args.home.name}.serve-start-{n}.log"
        result = start_timeline(args.home, log, probes(args.chain, args.segment), repo=args.repo)
        rounds.append(result)
        line = [f"round {n + 1}: load {result['loadavg_start'][0]:.1f}"]
        if "error" in result:
            line.append(result["error"])
        else:
            line.append(f"ready {result['ready_s']:.1f}s (cpu {result['ready_cpu_s']:.1f}s)")
            for row in result["requests"]:
                line.append(f"{row['request']} {row['status']} at {row['at_s']:.1f}s (took {row['took_s']:.2f}s)")
        line.append(f"server cpu {result.get('server_cpu_s', 0):.1f}s, peak {result.get('peak_rss_mb', 0):.0f} MiB")
        print("; ".join(line), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rounds, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
