"""The measured steps, each run in its own child process by :mod:`benchmarks.run`.

``python -m benchmarks.workers <step> --out result.json …`` with step one of:

- ``generate``: write a synthetic dataset (the generator's time and memory);
- ``load``: load a dataset into a new embedded store through the normal pipeline, then save the
  snapshot where ``chainkg serve --home`` finds it; while loading, a progress line is written every
  few seconds, so a load that runs out of memory still leaves partial figures;
- ``open``: restore the embedded store from that snapshot, then run the query-latency cases.

Each writes one JSON object to ``--out``; the parent adds the wall/CPU time and peak RSS it sees.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import peak_rss_mb, rss_mb

__all__ = ["main"]


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def generate(args: argparse.Namespace) -> dict[str, Any]:
    from chainkg.synthetic.generator import generate as write_dataset
    from chainkg.synthetic.generator import preset_named

    preset = preset_named(args.preset)
    if args.enterprises:
        preset = preset.resized(args.enterprises)
    started = time.perf_counter()
    summary = write_dataset(Path(args.dataset), preset, seed=args.seed)
    return {"seconds": time.perf_counter() - started, **summary.to_dict(), "peak_rss_mb": peak_rss_mb()}


class _Progress(threading.Thread):
    """Every few seconds: elapsed time, node and edge records written so far (CITES links, made
    from node records, not counted), RSS — to a side file."""

    def __init__(self, path: Path, store: Any, every_s: float = 5.0):
        super().__init__(daemon=True)
        self.path = path
        self.store = store
        self.every_s = every_s
        self.started = time.perf_counter()
        self.stopped = threading.Event()

    def run(self) -> None:
        with self.path.open("w", encoding="utf-8") as out:
            while not self.stopped.wait(self.every_s):
                line = {
                    "elapsed_s": round(time.perf_counter() - self.started, 1),
                    "records_written": self.store.written,
                    "rss_mb": round(rss_mb(), 1),
                }
                out.write(json.dumps(line) + "\n")
                out.flush()


def load(args: argparse.Namespace) -> dict[str, Any]:
    from chainkg.loaders import default_loaders
    from chainkg.loaders.pipeline import run_load
    from chainkg.store.memory import MemoryStore

    class CountingStore(MemoryStore):
        """The embedded store, counting what it writes so the progress thread can report it."""

        written = 0

        def write(self, batch: Any) -> Any:
            result = super().write(batch)
            self.written += len(batch)
            return result

    home = Path(args.home)
    home.mkdir(parents=True, exist_ok=True)
    store = CountingStore()
    progress = _Progress(Path(args.out).with_suffix(".progress.jsonl"), store)
    progress.start()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    (report,) = run_load(store, [Path(args.dataset)], default_loaders(), report_dir=home / "reports")
    load_wall, load_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    progress.stopped.set()
    load_peak = peak_rss_mb()
    graph = store.graph
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    snapshot = home / "memory.snapshot"
    from chainkg.app.warmup import kept_answers

    started = time.perf_counter()
    answers = kept_answers(store)  # what `chainkg load` keeps in the snapshot (chainkg.app.state.save_store)
    answers_s = time.perf_counter() - started
    store.save(snapshot, answers=answers)
    save_s = time.perf_counter() - started - answers_s
    return {
        "records_read": report.records_read,
        "records_loaded": report.records_loaded,
        "rows_rejected": report.rows_rejected,
        "report_lines": len(report.rejects),
        "nodes": nodes,
        "edges": edges,
        "load_s": load_wall,
        "load_cpu_s": load_cpu,
        "records_per_s": report.records_read / load_wall,
        "graph_records_per_s": (nodes + edges) / load_wall,
        # the load is single-threaded: on a shared machine, CPU time is what it would take alone
        "records_per_cpu_s": report.records_read / load_cpu,
        "graph_records_per_cpu_s": (nodes + edges) / load_cpu,
        "load_peak_rss_mb": load_peak,
        "rss_after_load_mb": rss_mb(),
        "snapshot_save_s": save_s,
        "kept_answers_s": answers_s,
        "kept_answers": len(answers),
        "snapshot_mb": snapshot.stat().st_size / 2**20,
        "peak_rss_mb": peak_rss_mb(),
    }


def _proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of another process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def neo4j(args: argparse.Namespace) -> dict[str, Any]:
    """Start a Neo4j test server, load the dataset into it through the normal pipeline (the batched
    loader: one managed transaction of ``UNWIND … MERGE`` statements per batch), then time the
    query cases on it. The server is this step's own: nothing else runs on it."""
    from benchmarks import query_latency
    from chainkg.loaders import default_loaders
    from chainkg.loaders.pipeline import run_load
    from chainkg.store.neo4j.store import Neo4jStore
    from tools.neo4j_server import Neo4jServer

    class CountingStore(Neo4jStore):
        """The Neo4j store, counting what it writes so the progress thread can report it."""

        written = 0

        def write(self, batch: Any) -> Any:
            result = super().write(batch)
            self.written += len(batch)
            return result

    out: dict[str, Any] = {"heap": args.heap, "pagecache": args.pagecache, "batch_size": args.batch_size}
    home = Path(args.home)
    # The database is kept in <home>/dbms after the step, where `python -m benchmarks.neo4j_queries`
    # finds it (its default home is this one) to time queries again without loading again; a new
    # run of this step starts from an empty one.
    dbms = home / "dbms"
    if dbms.exists():
        shutil.rmtree(dbms)
    home.mkdir(parents=True, exist_ok=True)
    out["dbms"] = str(dbms)
    server = Neo4jServer(data_dir=dbms, heap=args.heap, pagecache=args.pagecache)
    try:
        server.start(timeout=600)  # the bulk import's restart waits as long: a province's store starts slowly
        assert server.pid is not None and server.uri is not None and server.auth is not None
        out["server_start_s"] = server.start_seconds
        store = CountingStore(server.uri, server.auth[0], server.auth[1], batch_size=args.batch_size)
        store.connect()
        progress = _Progress(Path(args.out).with_suffix(".progress.jsonl"), store)
        progress.start()
        out["load_mode"] = args.load
        server_cpu0 = _proc_cpu_s(server.pid)
        wall0, cpu0 = time.perf_counter(), time.process_time()
        if args.load == "bulk" and args.snapshot:
            # the graph the load step built and saved: the same pipeline's product, not built twice
            from chainkg.loaders.bulk import import_graph
            from chainkg.store.memory import MemoryStore

            phases: dict[str, float] = {}
            mark = time.perf_counter()
            memory = MemoryStore.open(Path(args.snapshot)).wait()
            phases["snapshot_open"] = time.perf_counter() - mark
            import_graph(store, memory, server.import_full, home / "neo4j-import", seconds=phases)
            phases["total"] = time.perf_counter() - wall0
            out["bulk_phases_s"] = phases
            out["graph_from"] = args.snapshot
            report = None
            server_cpu0 = 0.0
        elif args.load == "bulk":
            # the pipeline into the embedded store, the importer's files, neo4j-admin on the stopped
            # server (its process restarts: its CPU is counted from the new process), the schema
            from chainkg.loaders.bulk import bulk_load

            result = bulk_load(
                store,
                [Path(args.dataset)],
                default_loaders(),
                server.import_full,
                home / "neo4j-import",
                report_dir=home / "reports",
            )
            (report,) = result.reports
            out["bulk_phases_s"] = result.seconds
            server_cpu0 = 0.0  # a new server process: all its CPU so far is the restart and the schema
        else:
            (report,) = run_load(
                store, [Path(args.dataset)], default_loaders(), report_dir=home / "reports", batch_size=args.batch_size
            )
        load_wall, load_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        server_cpu = _proc_cpu_s(server.pid) - server_cpu0
        progress.stopped.set()
        counts = store.counts()
        nodes, edges = counts.total_nodes, counts.total_edges
        out.update(
            {
                "records_read": report.records_read if report else None,
                "records_loaded": report.records_loaded if report else None,
                "rows_rejected": report.rows_rejected if report else None,
                "nodes": nodes,
                "edges": edges,
                "load_s": load_wall,
                "load_cpu_s": load_cpu,  # the loading Python process
                "server_cpu_s": server_cpu,  # the Neo4j server during the load
                "records_per_s": report.records_read / load_wall if report else None,
                "graph_records_per_s": (nodes + edges) / load_wall,
                "loader_peak_rss_mb": peak_rss_mb(),
                "server_rss_after_load_mb": _proc_status_mb(server.pid, "VmRSS"),
                "store_mb": _dir_mb(Path(server.data_dir or ".")),
            }
        )
        if args.queries:

            def say(line: str) -> None:
                print(line, flush=True)

            out["queries"] = query_latency.measure(
                store, repeats=args.repeats, seed=args.seed, only=_cases(out), progress=say
            )
        out["server_peak_rss_mb"] = _proc_status_mb(server.pid, "VmHWM")
        store.close()
    finally:
        server.close()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def open_snapshot(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks import query_latency
    from chainkg.store.memory import MemoryStore

    started = time.perf_counter()
    store = MemoryStore.open(Path(args.snapshot))  # checks the whole file; the graph is built behind
    checked_s = time.perf_counter() - started
    store.wait()
    open_s = time.perf_counter() - started
    out: dict[str, Any] = {"snapshot_checked_s": checked_s, "snapshot_open_s": open_s, "rss_after_open_mb": rss_mb()}
    if args.queries:
        out["queries"] = query_latency.measure(store, repeats=args.repeats, seed=args.seed, only=_cases(out))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _cases(out: dict[str, Any]) -> list[str]:
    """Every case of :mod:`benchmarks.query_latency`; the queries that have none yet are named in ``out``
    (a full run of that module refuses to start without them; this step times what it can)."""
    from benchmarks import query_latency

    out["queries_without_case"] = query_latency._uncovered()
    return [case.name for case in query_latency.CASES]


def resave(args: argparse.Namespace) -> dict[str, Any]:
    """Open a snapshot (an older format too) and save it again with this code, kept answers included:
    what ``chainkg load`` would have written. The state directory's manifest file is copied beside it."""
    import shutil as _shutil

    from chainkg.app.warmup import kept_answers
    from chainkg.store.memory import MemoryStore

    source, target = Path(args.snapshot), Path(args.out_snapshot)
    target.parent.mkdir(parents=True, exist_ok=True)
    manifest = source.with_name(source.name + ".manifest.json")  # chainkg.app.settings.Settings.manifest_path
    if manifest.exists():
        _shutil.copy2(manifest, target.with_name(target.name + ".manifest.json"))
    started = time.perf_counter()
    store = MemoryStore.open(source).wait()
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    answers = kept_answers(store)
    answers_s = time.perf_counter() - started
    started = time.perf_counter()
    store.save(target, answers=answers)
    return {
        "open_s": open_s,
        "kept_answers_s": answers_s,
        "kept_answers": len(answers),
        "kept_answers_bytes": sum(len(a) for a in answers.values()),
        "save_s": time.perf_counter() - started,
        "snapshot_mb": target.stat().st_size / 2**20,
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.workers")
    steps = parser.add_subparsers(dest="step", required=True)
    gen = steps.add_parser("generate")
    gen.add_argument("--dataset", required=True)
    gen.add_argument("--preset", required=True)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--enterprises", type=int, default=None)
    ld = steps.add_parser("load")
    ld.add_argument("--dataset", required=True)
    ld.add_argument("--home", required=True)
    op = steps.add_parser("open")
    op.add_argument("--snapshot", required=True)
    op.add_argument("--queries", action="store_true")
    op.add_argument("--repeats", type=int, default=100)
    op.add_argument("--seed", type=int, default=0)
    n4 = steps.add_parser("neo4j")
    n4.add_argument("--dataset", required=True)
    n4.add_argument("--home", required=True, help="where the load's reject reports go")
    n4.add_argument("--heap", default="1g")
    n4.add_argument("--pagecache", default="512m")
    n4.add_argument("--batch-size", type=int, default=1000)
    n4.add_argument("--load", choices=("online", "bulk"), default="online")
    n4.add_argument("--snapshot", default=None, help="bulk: import the graph of this snapshot (no pipeline run)")
    n4.add_argument("--queries", action="store_true")
    n4.add_argument("--repeats", type=int, default=100)
    n4.add_argument("--seed", type=int, default=0)
    rs = steps.add_parser("resave")
    rs.add_argument("--snapshot", required=True)
    rs.add_argument("--out-snapshot", required=True)
    for sub in (gen, ld, op, n4, rs):
        sub.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    step = {"generate": generate, "load": load, "open": open_snapshot, "neo4j": neo4j, "resave": resave}[args.step]
    try:
        result = {"status": "ok", **step(args)}
    except MemoryError:
        result = {"status": "out of memory", "peak_rss_mb": peak_rss_mb()}
        _write(Path(args.out), result)
        return 3
    _write(Path(args.out), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
