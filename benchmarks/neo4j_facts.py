"""Derive a kept database's chain facts again with this checkout's code and compare them with the facts
it held (:mod:`chainkg.store.neo4j.derive`: bounded transactions against an earlier derivation).

    .venv/bin/python -m benchmarks.neo4j_facts --dbms DIR [--heap 3g] [--pagecache 3g]

Run it on a *copy* of a kept DBMS home (``cp -a <home>/dbms <copy>``): it writes a marker (the facts
become stale), derives them again and reads every fact before and after. Prints the facts per kind,
a SHA-256 over all of them sorted (before and after: equal when the derivations agree), the
derivation's wall time and the server's CPU time, with the load average around it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from pathlib import Path

from chainkg.store.neo4j import facts
from chainkg.store.neo4j.store import Neo4jStore
from tools.neo4j_server import Neo4jServer


def fingerprint(store: Neo4jStore) -> tuple[str, dict[str, int]]:
    """A SHA-256 over every fact (kind and properties) sorted, and the facts per kind."""
    kind = f"[label IN labels(f) WHERE label <> '{facts.FACT}'][0]"
    rows = store.read(f"MATCH (f:{facts.FACT}) RETURN {kind} AS kind, f {{.*}} AS props")
    lines = sorted(
        f"{r['kind']} {json.dumps(sorted(r['props'].items()), ensure_ascii=False, default=str)}" for r in rows
    )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    return hashlib.sha256("\n".join(lines).encode()).hexdigest(), counts


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dbms", required=True, help="a copy of a kept DBMS home")
    parser.add_argument("--heap", default="3g")
    parser.add_argument("--pagecache", default="3g")
    args = parser.parse_args()
    server = Neo4jServer(data_dir=Path(args.dbms), heap=args.heap, pagecache=args.pagecache)
    server.start(timeout=900)
    try:
        assert server.pid is not None and server.uri is not None and server.auth is not None
        store = Neo4jStore(server.uri, server.auth[0], server.auth[1])
        store.connect(index_wait_seconds=3600, derive_facts=False)
        before = fingerprint(store)
        print("before:", before, flush=True)
        with store._session(write=True) as session:
            session.run(facts.MARK).consume()  # stale: the next derivation runs in full
        print("load average:", os.getloadavg(), flush=True)
        cpu, wall = _cpu_s(server.pid), time.perf_counter()
        derived = store.refresh_facts()
        wall, cpu = time.perf_counter() - wall, _cpu_s(server.pid) - cpu
        print(f"derived: {derived}; wall {wall:.1f} s, server CPU {cpu:.1f} s")
        print("load average:", os.getloadavg(), flush=True)
        after = fingerprint(store)
        print("after:", after)
        print("the same facts" if after == before else "DIFFERENT facts")
        store.close()
    finally:
        server.close()


if __name__ == "__main__":
    main()
