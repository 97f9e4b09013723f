"""An online load into Neo4j through the normal pipeline, with where the server's CPU went.

    .venv/bin/python -m benchmarks.neo4j_online [--preset city] [--enterprises N] [--seed 0]
                                                [--batch-size 1000] [--heap 1g] [--pagecache 1g]
                                                [--rounds 2] [--trace] [--in-turn]
                                                [--uri bolt://… --password … --pid N]

Why: the Neo4j server's CPU is most of an online load's cost, and on a young JVM much of it is not
the statements at all but the JIT compiling (and, while the graph grows, re-planning) them. Wall
time on a shared machine says little; this prints, per round, the loader's CPU, the server's CPU
split by thread (Bolt workers run the statements, ``C2 CompilerThread`` is HotSpot's JIT, ``GC``…),
the load average, and with ``--trace`` each statement's count, rows and server time.

What it does: generates the synthetic dataset (``--preset`` resized to ``--enterprises``) and a small
park for warming up, starts a Neo4j test server (``tools/neo4j_server.py``; or uses ``--uri`` and
the server process ``--pid``, whose graph it empties), loads the park twice, then ``--rounds`` times
empties the graph and loads the dataset with ``run_load`` — the code behind ``chainkg load --store
neo4j``. The first round runs on a server that has only seen the park; later rounds on a warm one.
``--in-turn`` writes each batch before reading on (no writer thread: the loader and the server take
turns, as before :mod:`chainkg.store.ahead`), to measure what writing ahead buys on the same server.
Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.schema.records import Batch
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import StoreError, WriteResult
from chainkg.synthetic.generator import generate, preset_named

_TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of a process's threads, summed by thread name (digits folded: ``GC Thread#``)."""
    out: dict[str, float] = defaultdict(float)
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        except OSError:
            continue
        name = re.sub(r"\d+", "#", stat[stat.index("(") + 1 : stat.rindex(")")])
        fields = stat.rsplit(")", 1)[1].split()
        out[name] += (int(fields[11]) + int(fields[12])) / _TICK
    return out


class TracedStore(Neo4jStore):
    """The Neo4j store, timing each write statement (client wall and the server's own time)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trace = False
        self.in_turn = False
        self.stats: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])

    def write_ahead(self, batch: Batch) -> Future[WriteResult]:
        if not self.in_turn:
            return super().write_ahead(batch)
        done: Future[WriteResult] = Future()
        try:
            done.set_result(self.write(batch))
        except StoreError as exc:
            done.set_exception(exc)
        return done

    def _run(self, tx: Any, statement: str, parameters: Any) -> list[dict[str, Any]]:
        if not self.trace:
            return super()._run(tx, statement, parameters)
        started = time.perf_counter()
        result = tx.run(statement, dict(parameters))
        rows: list[dict[str, Any]] = result.data()
        summary = result.consume()
        key = _label(statement)
        entry = self.stats[key]
        entry[0] += 1
        entry[1] += len(parameters.get("rows") or parameters.get("ids") or [])
        entry[2] += time.perf_counter() - started
        entry[3] += ((summary.result_available_after or 0) + (summary.result_consumed_after or 0)) / 1000
        return rows


def _label(statement: str) -> str:
    """A statement's line that says what it writes (its first MERGE or CREATE), else its first lines."""
    lines = [line.strip() for line in statement.strip().splitlines()]
    writes = [line for line in lines if line.startswith(("MERGE (", "CREATE ("))]
    return (writes[0] if writes else " ".join(lines[1:3]))[:80]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.neo4j_online", description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="city")
    parser.add_argument("--enterprises", type=int, default=None, help="resize the preset")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--trace", action="store_true", help="per-statement counts and server times")
    parser.add_argument("--in-turn", action="store_true", help="no writer thread: write each batch, then read on")
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--uri", default=None, help="an existing server (its graph is emptied!)")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", default=None)
    parser.add_argument("--pid", type=int, default=None, help="the --uri server's process, for its CPU")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="chainkg-neo4j-online-") as tmp:
        return _run(args, Path(tmp))


def _run(args: argparse.Namespace, work: Path) -> int:
    preset = preset_named(args.preset)
    if args.enterprises:
        preset = preset.resized(args.enterprises)
    dataset, warm = work / "dataset", work / "warm"
    generate(dataset, preset, seed=args.seed)
    generate(warm, preset_named("park").resized(300), seed=args.seed + 1)

    server = None
    if args.uri is None:
        from tools.neo4j_server import Neo4jServer

        server = Neo4jServer(heap=args.heap, pagecache=args.pagecache).start()
        uri, user, password, pid = server.uri, server.user, server.password, server.pid
    else:
        uri, user, password, pid = args.uri, args.user, args.password, args.pid
    store = TracedStore(uri, user, password, batch_size=args.batch_size)
    reports = work / "reports"
    try:
        store.connect()
        store.clear()
        for _ in range(2):
            run_load(store, [warm], default_loaders(), report_dir=reports, batch_size=args.batch_size)
        for number in range(args.rounds):
            store.clear()
            store.trace, store.stats = args.trace, defaultdict(lambda: [0, 0, 0.0, 0.0])
            store.in_turn = args.in_turn
            load_before = os.getloadavg()[0]
            threads_before = thread_cpu(pid) if pid else {}
            wall0, cpu0 = time.perf_counter(), time.process_time()
            (report,) = run_load(store, [dataset], default_loaders(), report_dir=reports, batch_size=args.batch_size)
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            threads = {k: v - threads_before.get(k, 0.0) for k, v in (thread_cpu(pid) if pid else {}).items()}
            server_cpu = sum(threads.values())
            counts = store.counts()
            graph = counts.total_nodes + counts.total_edges
            mode = " (in turn)" if args.in_turn else ""
            print(
                f"round {number + 1}{mode}: {report.records_read} input records, {graph} graph records; "
                f"wall {wall:.1f} s "
                f"({graph / wall:,.0f} graph records/s); loader CPU {cpu:.1f} s, server CPU {server_cpu:.1f} s "
                f"({graph / (cpu + server_cpu):,.0f} graph records per CPU second); "
                f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            top = sorted(threads.items(), key=lambda kv: -kv[1])[:6]
            print("  server threads (CPU s): " + ", ".join(f"{name} {sec:.1f}" for name, sec in top), flush=True)
            for key, (n, rows, client, srv) in sorted(store.stats.items(), key=lambda kv: -kv[1][3]):
                line = f"  {int(n):6d} statements {int(rows):8d} rows  client {client:6.2f} s  server {srv:6.2f} s"
                print(f"{line}  {key}")
        return 0
    finally:
        store.close()
        if server is not None:
            server.close()


if __name__ == "__main__":
    sys.exit(main())
