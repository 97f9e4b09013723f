"""Loading Neo4j row by row (the py2neo way) against chainkg's batched loader, on one server, one graph.

    .venv/bin/python -m benchmarks.neo4j_load [--enterprises 400] [--seed 0] [--per-row merge|create]
                                              [--batch-size 1000] [--repeat 2] [--heap 1g] [--pagecache 1g]
                                              [--uri bolt://… --password … --pid N]

Why: py2neo-era loaders send one statement per node and per relationship, each its own auto-commit
transaction and round trip (``graph.merge(node)``, ``graph.create(rel)``). chainkg sends
``UNWIND $rows … MERGE`` statements of ``--batch-size`` rows inside one managed transaction per
batch (:mod:`chainkg.store.neo4j.store`), handed over with ``write_ahead`` as the pipeline does (the
server writes a batch while the next is prepared). This prints what that buys on the same server and
the same graph: per load its wall time and rate, the loader's and the server's CPU seconds, and the
load average (the machine is shared).

What it does: generates a synthetic dataset (:mod:`chainkg.synthetic.generator`, the park preset resized to
``--enterprises``), reads it through the normal pipeline into the embedded store, and takes the
resulting graph — nodes, relationships (CITES included), properties, provenance — as the rows both
loaders write. It starts a Neo4j test server (``tools/neo4j_server.py``; or uses ``--uri``, whose
graph it empties), sets up the schema once (the constraints help both loaders alike), warms both
loaders up on a small generated graph (so every statement is planned before timing), then
``--repeat`` times, alternating the two loaders: empties the graph, loads every row, times it. The
best rate of each counts (a young JVM is still compiling during the first rounds).
It checks that both loads left the same node and relationship counts as the embedded store, and
prints rows/s of each and the ratio. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.neo4j_online import thread_cpu
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.schema.kinds import EdgeKind, NodeKind, StoreLabel
from chainkg.schema.records import Batch, EdgeRecord, NodeRecord, Provenance
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.synthetic.generator import generate, preset_named

_ENTITY = StoreLabel.ENTITY.value


def graph_records(store: MemoryStore) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """The embedded graph as records: nodes with their CITES as provenance, other edges as they are."""
    graph = store.graph
    nodes: list[NodeRecord] = []
    for node, attrs in graph.nodes(data=True):
        provenance = [
            Provenance(
                source,
                edge.get("evidence", ""),
                tuple(sorted(json.loads(edge.get("claims") or "{}").items())),
            )
            for _, source, edge in graph.out_edges(node, data=True)
            if edge["kind"] == EdgeKind.CITES.value
        ]
        props = {k: v for k, v in attrs.items() if k != "kind"}
        nodes.append(NodeRecord(NodeKind(attrs["kind"]), node, props, provenance))
    sources = [n for n in nodes if n.kind is NodeKind.SOURCE]  # cited by everything: written first
    nodes = sources + [n for n in nodes if n.kind is not NodeKind.SOURCE]
    edges = [
        EdgeRecord(
            EdgeKind(attrs["kind"]),
            u,
            v,
            key,
            {k: val for k, val in attrs.items() if k not in ("kind", "provenance")},
            [Provenance.from_json(text) for text in attrs.get("provenance", [])],
        )
        for u, v, key, attrs in graph.edges(keys=True, data=True)
        if attrs["kind"] != EdgeKind.CITES.value
    ]
    return nodes, edges


def per_row_statements(create: bool) -> tuple[dict[NodeKind, str], dict[EdgeKind, str]]:
    """One statement per node and per relationship, as a row-at-a-time loader writes them."""
    if create:
        nodes = {k: f"CREATE (n:{k.value}:{_ENTITY} {{id: $id}}) SET n += $props" for k in NodeKind}
    else:
        nodes = {k: f"MERGE (n:{k.value} {{id: $id}}) ON CREATE SET n:{_ENTITY} SET n += $props" for k in NodeKind}
    verb = "CREATE" if create else "MERGE"
    edges = {
        k: f"MATCH (a:{_ENTITY} {{id: $source}}), (b:{_ENTITY} {{id: $target}}) "
        f"{verb} (a)-[r:{k.value} {{key: $key}}]->(b) SET r += $props"
        for k in EdgeKind
    }
    return nodes, edges


def per_row_rows(
    nodes: list[NodeRecord],
    edges: list[EdgeRecord],
    node_statements: dict[NodeKind, str],
    edge_statements: dict[EdgeKind, str],
) -> list[tuple[str, dict[str, Any]]]:
    """(statement, parameters) for every row: each node, each CITES link, each relationship."""
    rows: list[tuple[str, dict[str, Any]]] = []
    for node in nodes:
        rows.append((node_statements[node.kind], {"id": node.id, "props": node.props}))
    for node in nodes:
        for prov in node.provenance:
            props = {
                "evidence": prov.evidence,
                "claims": json.dumps(dict(prov.claims), ensure_ascii=False, sort_keys=True) if prov.claims else "{}",
                "certainty": prov.certainty.value,
            }
            rows.append(
                (
                    edge_statements[EdgeKind.CITES],
                    {"source": node.id, "target": prov.source, "key": EdgeKind.CITES.value, "props": props},
                )
            )
    for edge in edges:
        props = {**edge.props, "provenance": sorted(p.to_json() for p in edge.provenance)}
        rows.append(
            (
                edge_statements[edge.kind],
                {"source": edge.source, "target": edge.target, "key": edge.key, "props": props},
            )
        )
    return rows


def load_per_row(store: Neo4jStore, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Each row its own auto-commit statement: one round trip and one commit per row."""
    with store._driver.session(database=store.database) as session:
        for statement, parameters in rows:
            session.run(statement, parameters).consume()


def load_batched(store: Neo4jStore, nodes: list[NodeRecord], edges: list[EdgeRecord], size: int) -> None:
    """chainkg's loader: batches of ``size`` records, each one managed transaction, written ahead (the
    next batch is cut while the server writes this one), in order; every outcome is checked."""
    batches = [Batch(nodes=nodes[i : i + size]) for i in range(0, len(nodes), size)]
    batches += [Batch(edges=edges[i : i + size]) for i in range(0, len(edges), size)]
    outcomes = [store.write_ahead(batch) for batch in batches]
    for outcome in outcomes:
        outcome.result()


def timed(label: str, store: Neo4jStore, load: Callable[[], None], rows: int, pid: int | None) -> float:
    store.clear()
    load_before = os.getloadavg()[0]
    server_before = sum(thread_cpu(pid).values()) if pid else 0.0
    started, cpu_started = time.perf_counter(), time.process_time()
    load()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    server = sum(thread_cpu(pid).values()) - server_before if pid else float("nan")
    rate = rows / seconds
    print(
        f"{label:<34} {rows:>8} rows  {seconds:8.2f} s  {rate:10.0f} rows/s  loader CPU {cpu:6.1f} s  "
        f"server CPU {server:6.1f} s  ({rows / (cpu + server):,.0f} rows per CPU s)  "
        f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.neo4j_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=400, help="size of the synthetic graph (park preset)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-row", choices=("merge", "create"), default="merge", help="per-row statement")
    parser.add_argument("--batch-size", type=int, default=1000, help="records per batch of the batched loader")
    parser.add_argument("--repeat", type=int, default=2, help="timed loads of each kind, alternating; best counts")
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--uri", default=None, help="an existing server to use (its graph is emptied!)")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", default=None)
    parser.add_argument("--pid", type=int, default=None, help="the --uri server's process, for its CPU")
    args = parser.parse_args(argv)

    memory, warm_memory = MemoryStore(), MemoryStore()
    with tempfile.TemporaryDirectory(prefix="chainkg-neo4j-bench-") as tmp:
        for store, size, seed, name in ((memory, args.enterprises, args.seed, "main"), (warm_memory, 40, 1, "warm")):
            generate(Path(tmp) / name, preset_named("park").resized(size), seed=seed)
            run_load(store, [Path(tmp) / name], default_loaders())
    nodes, edges = graph_records(memory)
    warm_nodes, warm_edges = graph_records(warm_memory)
    expected = memory.counts()
    create = args.per_row == "create"
    node_statements, edge_statements = per_row_statements(create)
    rows = per_row_rows(nodes, edges, node_statements, edge_statements)
    warm_rows = per_row_rows(warm_nodes, warm_edges, node_statements, edge_statements)
    print(
        f"graph: {expected.total_nodes} nodes, {expected.total_edges} relationships "
        f"({len(rows)} rows: {len(nodes)} nodes, {len(rows) - len(nodes)} relationships incl. CITES)"
    )

    server = None
    if args.uri is None:
        from tools.neo4j_server import Neo4jServer

        server = Neo4jServer(heap=args.heap, pagecache=args.pagecache).start()
        uri, user, password, pid = server.uri, server.auth[0], server.auth[1], server.pid  # type: ignore[index]
        print(f"Neo4j test server {uri} started in {server.start_seconds:.1f}s")
    else:
        uri, user, password, pid = args.uri, args.user, args.password, args.pid
    store = Neo4jStore(uri, user, password, batch_size=args.batch_size)
    try:
        store.connect()
        # every statement planned and connections open before the clock runs: a small graph, both ways
        timed("warm-up: per-row", store, lambda: load_per_row(store, warm_rows), len(warm_rows), pid)
        timed(
            "warm-up: batched",
            store,
            lambda: load_batched(store, warm_nodes, warm_edges, args.batch_size),
            len(warm_rows),
            pid,
        )

        per_row_rates, batched_rates = [], []
        for _ in range(args.repeat):  # alternating, so a server still warming up does not favour either
            per_row_rates.append(
                timed(
                    f"per-row {args.per_row.upper()} (1 statement/row)",
                    store,
                    lambda: load_per_row(store, rows),
                    len(rows),
                    pid,
                )
            )
            per_row_counts = store.counts()
            batched_rates.append(
                timed(
                    f"batched UNWIND…MERGE ({args.batch_size}/batch)",
                    store,
                    lambda: load_batched(store, nodes, edges, args.batch_size),
                    len(rows),
                    pid,
                )
            )
            batched_counts = store.counts()
        per_row, batched = max(per_row_rates), max(batched_rates)
        print(f"best per-row: {per_row:.0f} rows/s, best batched: {batched:.0f} rows/s")
        same = per_row_counts == batched_counts == expected
        print(f"both loads hold the embedded store's graph: {'yes' if same else 'NO'}")
        print(f"batched / per-row: {batched / per_row:.1f}x")
        return 0 if same else 1
    finally:
        store.clear()
        store.close()
        if server is not None:
            server.close()


if __name__ == "__main__":
    sys.exit(main())
