"""An online load into Neo4j through the normal pipeline, with where the server's CPU went.

    .venv/bin/python -m benchmarks.neo4j_online [--preset city] [--enterprises N] [--seed 0]
                                                [--batch-size 1000] [--heap 1g] [--pagecache 1g]
                                                [--rounds 2] [--trace] [--in-turn] [--again]
                                                [--uri bolt://… --password … --pid N]
                                                [--jvm-arg -XX:… ] [--setting name=value]

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
``--again`` then loads the same input once more into the loaded graph and says whether anything changed
(the counts, and a digest of every node and relationship with all its properties, before and after).
``--trace`` gives each statement kind's server CPU from the Bolt threads' ``schedstat`` (exact), and per
batch what is not a statement: the server's begin and commit, the client's plan and checks.
Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.schema.kinds import EdgeKind, StoreLabel
from chainkg.schema.records import Batch
from chainkg.store import ahead
from chainkg.store.neo4j import statements as cy
from chainkg.store.neo4j.rows import rows as plain_rows
from chainkg.store.neo4j.rows import sent
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import StoreError, WriteResult
from chainkg.synthetic.generator import generate, preset_named

_TICK = os.sysconf("SC_CLK_TCK")
_ENTITY = StoreLabel.ENTITY.value
#: The store's relationship statements: which create, which merge.
_RELATIONSHIPS = {cy.create_cites(): "created", cy.upsert_cites(): "merged"}
_RELATIONSHIPS.update({cy.create_edges(kind): "created" for kind in EdgeKind})
_RELATIONSHIPS.update({cy.upsert_edges(kind): "merged" for kind in EdgeKind})


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


class BoltClock:
    """CPU nanoseconds the server's Bolt threads (workers and network) have run, from
    ``/proc/<pid>/task/<tid>/schedstat`` (exact, where ``stat``'s ticks are 10 ms): with one session
    writing, the difference around a statement is that statement's server CPU."""

    def __init__(self, pid: int | None):
        self.pid = pid
        self.files: list[Path] = []
        self.calls = 0

    def _refresh(self) -> None:
        tasks = Path(f"/proc/{self.pid}/task")
        self.files = [t / "schedstat" for t in tasks.iterdir() if (t / "comm").read_text().startswith("neo4j.Bolt")]

    def now(self) -> int:
        if self.pid is None:
            return 0
        self.calls += 1
        if not self.files or self.calls % 200 == 0:
            self._refresh()
        total = 0
        for file in self.files:
            try:
                total += int(file.read_text().split()[0])
            except OSError:
                self.files = []
        return total


#: Wall seconds per phase of the last round (the main thread's waits, the writer's wall, the steps after the reading).
PHASES: Counter[str] = Counter()


def _timed(name: str, function: Any) -> Any:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            PHASES[name] += time.perf_counter() - started

    return timed


def _time_phases() -> None:
    """Wall time of the main thread's waits for the writer, and of the steps after the reading."""
    from chainkg.loaders import pipeline

    pipeline.LoadContext.settle = _timed("main thread waiting for the batch before", pipeline.LoadContext.settle)  # type: ignore[method-assign]
    pipeline.reconcile_claims = _timed("after the reading: claims", pipeline.reconcile_claims)
    pipeline.derive_lifecycle = _timed("after the reading: lifecycle", pipeline.derive_lifecycle)


#: A trace entry: statements, rows, client wall s, server time s (its own report), server CPU s (Bolt
#: threads), client CPU s (this thread: encoding the rows, decoding the answer).
Entry = list[float]


class TracedStore(Neo4jStore):
    """The Neo4j store, timing each write statement (client wall and CPU, the server's own time and
    its Bolt threads' CPU), and per batch what is not a statement: the client's plan and checks, the
    server's begin and commit."""

    def __init__(self, *args: Any, pid: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trace = False
        self.in_turn = False
        self.clock = BoltClock(pid)
        self.writer_cpu = 0.0  # the CPU of write() (plan, checks, encoding), on whichever thread runs it
        self.relationship_rows: Counter[str] = Counter()
        self.stats: dict[str, Entry] = defaultdict(lambda: [0, 0, 0.0, 0.0, 0.0, 0.0])

    def write(self, batch: Batch) -> WriteResult:
        if not self.trace:
            started, wall0 = time.thread_time(), time.perf_counter()
            try:
                return super().write(batch)
            finally:
                self.writer_cpu += time.thread_time() - started
                PHASES["writer thread, wall"] += time.perf_counter() - wall0
        statements = [sum(e[4] for e in self.stats.values()), sum(e[5] for e in self.stats.values())]
        server0, client0 = self.clock.now(), time.thread_time()
        try:
            return super().write(batch)
        finally:
            server, client = (self.clock.now() - server0) / 1e9, time.thread_time() - client0
            what = "with nodes" if batch.nodes else "of relationships only"
            entry = self.stats[f"(per batch {what}, besides its statements: begin, commit; plan, checks)"]
            entry[0] += 1
            entry[4] += server - (sum(e[4] for e in self.stats.values()) - statements[0])
            entry[5] += client - (sum(e[5] for e in self.stats.values()) - statements[1])

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
        if statement in _RELATIONSHIPS:  # a relationship statement (CITES included): rows created or merged
            self.relationship_rows[_RELATIONSHIPS[statement]] += len(parameters["rows"])
        if not self.trace:
            return super()._run(tx, statement, parameters)
        started, server0, client0 = time.perf_counter(), self.clock.now(), time.thread_time()
        result = tx.run(statement, sent(parameters))
        rows = plain_rows(result)
        summary = result.consume()
        server, client = (self.clock.now() - server0) / 1e9, time.thread_time() - client0
        key = _label(statement)
        entry = self.stats[key]
        entry[0] += 1
        entry[1] += len(parameters.get("rows") or parameters.get("ids") or [])
        entry[2] += time.perf_counter() - started
        entry[3] += ((summary.result_available_after or 0) + (summary.result_consumed_after or 0)) / 1000
        entry[4] += server
        entry[5] += client
        return rows


def _label(statement: str) -> str:
    """A statement's line that says what it writes (its first MERGE or CREATE), else its first lines."""
    lines = [line.strip() for line in statement.strip().splitlines()]
    writes = [line for line in lines if line.startswith(("MERGE (", "CREATE ("))]
    return (writes[0] if writes else " ".join(lines[1:3]))[:80]


def graph_digest(store: Neo4jStore) -> tuple[int, int]:
    """(rows, an order-free digest) of every chainkg node and relationship with its labels or type and
    all its properties (CITES and their claims included): equal digests, the same stored graph."""
    total, rows = 0, 0
    for statement in (
        f"MATCH (n:{_ENTITY}) RETURN n.id AS id, labels(n) AS kind, properties(n) AS props",
        f"MATCH (a:{_ENTITY})-[r]->(b) RETURN [a.id, b.id] AS id, type(r) AS kind, properties(r) AS props",
    ):
        for row in store.read(statement):
            text = json.dumps(
                [row["id"], sorted(row["kind"]) if isinstance(row["kind"], list) else row["kind"], row["props"]],
                sort_keys=True,
                ensure_ascii=False,
                default=str,
            )
            total = (total + int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())) % 2**64
            rows += 1
    return rows, total


def _again(store: TracedStore, dataset: Path, reports: Path, batch_size: int) -> None:
    """The same input loaded a second time into the loaded graph: every relationship merged, nothing changed."""
    before = graph_digest(store)
    store.relationship_rows = Counter()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    (report,) = run_load(store, [dataset], default_loaders(), report_dir=reports, batch_size=batch_size)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    after = graph_digest(store)
    print(
        f"again: wall {wall:.1f} s, loader CPU {cpu:.1f} s; created/changed {report.write}; rejects "
        f"{len(report.rejects)}; relationship rows {dict(store.relationship_rows)}; graph (rows, digest) "
        f"before {before}, after {after}: {'the same' if before == after else 'CHANGED'}",
        flush=True,
    )


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
    parser.add_argument("--switch-interval", type=float, default=None, help="store.ahead.HANDOFF (s)")
    parser.add_argument("--again", action="store_true", help="then load the same input again: nothing may change")
    parser.add_argument("--jvm-arg", action="append", default=[], help="a JVM flag for the server it starts")
    parser.add_argument("--setting", action="append", default=[], help="name=value: a Neo4j setting for it")
    args = parser.parse_args(argv)

    if args.switch_interval:
        ahead.HANDOFF = args.switch_interval
    _time_phases()
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

        settings = dict(item.split("=", 1) for item in args.setting)
        server = Neo4jServer(heap=args.heap, pagecache=args.pagecache, jvm_args=args.jvm_arg, settings=settings).start()
        uri, user, password, pid = server.uri, server.user, server.password, server.pid
    else:
        uri, user, password, pid = args.uri, args.user, args.password, args.pid
    store = TracedStore(uri, user, password, batch_size=args.batch_size, pid=pid)
    reports = work / "reports"
    try:
        store.connect()
        store.clear()
        for _ in range(2):
            run_load(store, [warm], default_loaders(), report_dir=reports, batch_size=args.batch_size)
        for number in range(args.rounds):
            store.clear()
            store.trace, store.stats = args.trace, defaultdict(lambda: [0, 0, 0.0, 0.0, 0.0, 0.0])
            store.in_turn, store.writer_cpu, store.relationship_rows = args.in_turn, 0.0, Counter()
            PHASES.clear()
            load_before = os.getloadavg()[0]
            threads_before = thread_cpu(pid) if pid else {}
            wall0, cpu0 = time.perf_counter(), time.process_time()
            (report,) = run_load(store, [dataset], default_loaders(), report_dir=reports, batch_size=args.batch_size)
            # an eventually consistent full-text index applies its updates after the commits: counted here
            store.read("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            threads = {k: v - threads_before.get(k, 0.0) for k, v in (thread_cpu(pid) if pid else {}).items()}
            server_cpu = sum(threads.values())
            counts = store.counts()
            graph = counts.total_nodes + counts.total_edges
            mode = " (in turn)" if args.in_turn else ""
            print(
                f"round {number + 1}{mode}: {report.records_read} input records, {graph} graph records; "
                f"wall {wall:.1f} s "
                f"({graph / wall:,.0f} graph records/s); "
                f"loader CPU {cpu:.1f} s (of which writes {store.writer_cpu:.1f} s), "
                f"server CPU {server_cpu:.1f} s "
                f"({graph / (cpu + server_cpu):,.0f} graph records per CPU second); "
                f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}; "
                f"relationship rows {dict(store.relationship_rows)}",
                flush=True,
            )
            print("  wall s: " + ", ".join(f"{name} {sec:.1f}" for name, sec in PHASES.items()), flush=True)
            top = sorted(threads.items(), key=lambda kv: -kv[1])[:6]
            print("  server threads (CPU s): " + ", ".join(f"{name} {sec:.1f}" for name, sec in top), flush=True)
            if store.stats:
                print(
                    "  statements     rows   client wall / CPU s   server time / Bolt CPU s   µs CPU per row (server)"
                )
            for key, (n, rows, wall, srv, srv_cpu, cpu) in sorted(store.stats.items(), key=lambda kv: -kv[1][4]):
                per_row = f"{srv_cpu / rows * 1e6:6.1f}" if rows else "     -"
                line = f"  {int(n):6d} {int(rows):9d}   {wall:7.2f} / {cpu:6.2f}      {srv:7.2f} / {srv_cpu:6.2f}"
                print(f"{line}             {per_row}  {key}")
        if args.again:
            _again(store, dataset, reports, args.batch_size)
        return 0
    finally:
        store.close()
        if server is not None:
            server.close()


if __name__ == "__main__":
    sys.exit(main())
