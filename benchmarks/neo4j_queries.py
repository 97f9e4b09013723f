"""The query cases of :mod:`benchmarks.query_latency` on Neo4j, on a database kept between runs.

    .venv/bin/python -m benchmarks.neo4j_queries [--preset city] [--seed 0] [--home DIR]
                                                 [--only "gaps,profile"] [--repeats 30]
                                                 [--uri bolt://… --password …] [--json FILE]

Why: ``benchmarks.run``'s neo4j step loads a new database each time (minutes at city scale), which
makes trying a Cypher change slow. This keeps the DBMS home (default
``$TMPDIR/chainkg-bench/<preset>-seed<seed>.neo4j``): the first run bulk-imports the dataset
(``chainkg load --bulk``'s path, :func:`chainkg.loaders.bulk.bulk_load`), later runs start the
server on the same home (its schema, and the facts the store keeps, are brought up to date by
:meth:`Neo4jStore.connect` as usual) and time the cases. With ``--uri`` it uses a running server
holding the same graph instead. The dataset is the one ``benchmarks.run`` generates (run its
``generate`` step first).

Besides each case's client-side p50/p99 it prints the machine's load average before and after and
the CPU seconds the client and (when it owns the server) the server spent in the timed calls, so a
figure taken on a busy machine can be read for what it is; and how many plans the server made in
them against how many statement texts were sent (equal when each statement was planned once).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks import query_latency
from chainkg.loaders import default_loaders
from chainkg.store.neo4j.rows import rows as plain_rows
from chainkg.store.neo4j.store import Neo4jStore

if TYPE_CHECKING:
    import neo4j


class CountingStore(Neo4jStore):
    """The Neo4j store, recording per query call its statements (round trips), the server's time
    for them (``result_available_after`` + ``result_consumed_after``: planning and running on the
    server, without the network and the driver) and, with ``profile``, their database hits."""

    def __init__(self, *args: Any, profile: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.calls: list[tuple[int, int, int]] = []  # (statements, server ms, db hits) per call
        self.texts: Counter[str] = Counter()  # the statements sent, as written: how many times each

    def plans(self) -> int:
        """Empty the server's plan cache; how many plans it held. Cleared before the timed calls, this
        counts the plans they made: one per statement text when every parameter is sent in one map,
        and one more for a text run more than ten times (the server compiles a hot statement's
        expressions into a second entry); more when it planned a statement again (BENCHMARKS 4k:
        string and list size classes, 4n), besides the few statements the cases' universe reads."""
        (row,) = self.read("CALL db.clearQueryCaches() YIELD value RETURN value")
        found = re.search(r"of (\d+) quer", row["value"])
        return int(found.group(1)) if found else 0

    def run(self, query: Any, params: Any) -> Any:
        tally = [0, 0, 0]

        def work(tx: neo4j.ManagedTransaction) -> Any:
            tally[:] = [0, 0, 0]

            def execute(statement: str, parameters: Any) -> list[dict[str, Any]]:
                self.texts[statement] += 1
                result = self._result(tx, ("PROFILE " if self.profile else "") + statement, parameters)
                rows = plain_rows(result)  # as Neo4jStore.run decodes them
                summary = result.consume()
                tally[0] += 1
                tally[1] += (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
                if summary.profile:
                    tally[2] += _db_hits(summary.profile)
                return rows

            return query.cypher(execute, params)

        answer = self._read_tx(work, f"running {query.name}")
        self.calls.append((tally[0], tally[1], tally[2]))
        return answer


def _db_hits(plan: dict[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(_db_hits(child) for child in plan.get("children", []))


def _attach_server_figures(rows: list[dict[str, Any]], calls: list[tuple[int, int, int]], profile: bool) -> None:
    """Per case: statements per call, the server's p50 ms (and db hits) over its timed calls. The calls
    are in case order: each case's warm-up calls (3, or 1 for a case with its own repeats), then the timed."""
    at = 0
    by_name = {case.name: case for case in query_latency.CASES}
    for row in rows:
        at += 3 if by_name[row["query"]].repeats is None else 1
        timed = calls[at : at + row["runs"]]
        at += row["runs"]
        row["statements"] = round(sum(c[0] for c in timed) / len(timed), 1)
        row["server_p50_ms"] = _median([c[1] for c in timed])
        if profile:
            row["db_hits_p50"] = _median([c[2] for c in timed])


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    return float(ordered[(len(ordered) - 1) // 2]) if ordered else 0.0


def _proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _bench_dir() -> Path:
    return Path(tempfile.gettempdir()) / "chainkg-bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.neo4j_queries", description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="city")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--home", type=Path, default=None, help="the kept DBMS home")
    parser.add_argument("--only", default="", help="comma-separated case names (default: every case)")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--uri", default=None, help="a running server holding the same graph")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", default=None)
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--pagecache", default="512m")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--profile", action="store_true", help="PROFILE every statement: count database hits")
    args = parser.parse_args(argv)

    dataset = _bench_dir() / f"{args.preset}-seed{args.seed}"
    if not dataset.is_dir():
        print(f"no dataset at {dataset}: run `python -m benchmarks.run --presets {args.preset} --steps generate`")
        return 2
    server = None
    if args.uri:
        store = CountingStore(args.uri, args.user, args.password or "", profile=args.profile)
    else:
        from tools.neo4j_server import DEFAULT_PASSWORD, Neo4jServer

        home = args.home or _bench_dir() / f"{args.preset}-seed{args.seed}.neo4j"
        home.mkdir(parents=True, exist_ok=True)
        server = Neo4jServer(data_dir=home / "dbms", heap=args.heap, pagecache=args.pagecache)
        server.start(timeout=300)
        assert server.uri is not None
        store = CountingStore(server.uri, "neo4j", DEFAULT_PASSWORD, profile=args.profile)
    out: dict[str, Any] = {"preset": args.preset, "seed": args.seed, "loadavg_before": os.getloadavg()}
    try:
        started = time.perf_counter()
        store.connect(index_wait_seconds=3600)
        out["connect_s"] = time.perf_counter() - started
        if store.counts().total_nodes == 0:
            if server is None:
                print("the server's database is empty: run without --uri to bulk-import the dataset")
                return 2
            from chainkg.loaders.bulk import bulk_load

            result = bulk_load(
                store, [dataset], default_loaders(), server.import_full, home / "import", report_dir=home / "reports"
            )
            out["bulk_phases_s"] = result.seconds
            print(f"bulk-imported {dataset} in {result.seconds['total']:.0f}s", flush=True)
        only = [name.strip() for name in args.only.split(",") if name.strip()] or None
        server_cpu0 = _proc_cpu_s(server.pid) if server is not None and server.pid else None
        cpu0 = time.process_time()
        store.plans()
        rows = query_latency.measure(store, repeats=args.repeats, seed=args.seed, only=only, progress=print)
        out["plans"], out["statements_sent"] = store.plans(), len(store.texts)
        out["statements_hot"] = sum(1 for n in store.texts.values() if n > 10)
        _attach_server_figures(rows, store.calls, args.profile)
        out["client_cpu_s"] = time.process_time() - cpu0
        if server_cpu0 is not None and server is not None and server.pid:
            out["server_cpu_s"] = _proc_cpu_s(server.pid) - server_cpu0
        out["loadavg_after"] = os.getloadavg()
        out["queries"] = rows
    finally:
        store.close()
        if server is not None:
            server.close()
    print(f"load average before {out['loadavg_before']}, after {out.get('loadavg_after')}")
    print(
        f"plans made in the calls: {out.get('plans')} for {out.get('statements_sent')} statement texts sent, "
        f"{out.get('statements_hot')} of them more than 10 times"
    )
    print(f"CPU s in the timed calls: client {out.get('client_cpu_s', 0):.1f}, server {out.get('server_cpu_s', 0):.1f}")
    print(f"{'case':28} {'p50':>8} {'p99':>8} {'first':>8} {'server p50':>10} {'stmts':>6} {'db hits p50':>12}")
    for row in out.get("queries", []):
        print(
            f"{row['query']:28} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} {row['first_ms']:8.1f} "
            f"{row['server_p50_ms']:10.1f} {row['statements']:6.1f} {row.get('db_hits_p50', 0):12.0f}"
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
