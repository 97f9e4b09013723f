"""Two costs of an online load's writes, measured on a loaded graph: index upkeep at commit, the ends' id check.

    .venv/bin/python -m benchmarks.neo4j_write_costs --uri bolt://… --password … --pid N

Why: a load's trace (``benchmarks.neo4j_online --trace``) shows a node batch's commit costing more
than its statements. This creates the same 5,000 ``Enterprise`` rows (copied from the graph, new ids)
in transactions of 1,000 with fewer of the indexed properties each time — all of them, without
``grams`` (the full-text index ``chainkg_key_grams``), without ``keys`` too (``chainkg_keys``),
without ``name`` too (the range index) — and once under a label no index covers, and prints the
server's Bolt CPU per node for the statement and for the commit (deleting them after each). Then it
creates 5,000 ``SUPPLIES`` relationships between existing enterprises (rolled back) with the ends
matched by element id, with and without the check of each end's ``id``
(:func:`chainkg.store.neo4j.statements._ends`). The graph must hold at least 10,000 enterprises
(a city: ``benchmarks.neo4j_online --preset city --rounds 1`` leaves one). Not a test.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import neo4j

from benchmarks.neo4j_online import BoltClock

_NODES = "CYPHER replan=skip UNWIND $rows AS row CREATE (n:Enterprise:Entity) SET n = row.props"
_UNINDEXED = "CYPHER replan=skip UNWIND $rows AS row CREATE (n:ChainkgBenchUnindexed) SET n = row.props"
_DELETE = (
    "MATCH (n) WHERE n:ChainkgBenchUnindexed OR n.id STARTS WITH 'ent:bench-' "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
)
_ENDS = {
    "with the id check": "MATCH (a) WHERE elementId(a) = row.ea AND a.id = row.a\n"
    "MATCH (b) WHERE elementId(b) = row.eb AND b.id = row.b",
    "without": "MATCH (a) WHERE elementId(a) = row.ea\nMATCH (b) WHERE elementId(b) = row.eb",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.neo4j_write_costs", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--uri", required=True)
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", required=True)
    parser.add_argument("--pid", type=int, required=True, help="the server's process, for its Bolt threads' CPU")
    args = parser.parse_args(argv)
    driver = neo4j.GraphDatabase.driver(args.uri, auth=(args.user, args.password))
    clock = BoltClock(args.pid)
    try:
        _commits(driver, clock)
        _id_check(driver, clock)
    finally:
        driver.close()
    return 0


def _commits(driver: neo4j.Driver, clock: BoltClock) -> None:
    with driver.session() as session:
        props = [r["p"] for r in session.run("MATCH (n:Enterprise) WITH n LIMIT 5000 RETURN properties(n) AS p")]
    for number, p in enumerate(props):
        p["id"] = f"ent:bench-{number}"

    def without(*names: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return lambda p: {k: v for k, v in p.items() if k not in names}

    variants: list[tuple[str, str, Callable[[dict[str, Any]], dict[str, Any]]]] = [
        ("Enterprise, every property", _NODES, without()),
        ("Enterprise, no grams", _NODES, without("grams")),
        ("Enterprise, no grams, keys", _NODES, without("grams", "keys")),
        ("Enterprise, no grams, keys, name", _NODES, without("grams", "keys", "name")),
        ("a label without indexes, every property", _UNINDEXED, without()),
    ]
    for _ in range(2):  # the second round is the one to read (the first warms the JIT)
        for label, statement, shape in variants:
            rows = [{"props": shape(p)} for p in props]
            statement_ns = commit_ns = 0
            with driver.session() as session:
                for start in range(0, len(rows), 1000):
                    tx = session.begin_transaction()
                    before = clock.now()
                    tx.run(statement, {"rows": rows[start : start + 1000]}).consume()
                    ran = clock.now()
                    tx.commit()
                    statement_ns, commit_ns = statement_ns + ran - before, commit_ns + clock.now() - ran
                session.run(_DELETE).consume()
            print(
                f"{label:<42} statement {statement_ns / len(rows) / 1e3:6.1f} µs/node  "
                f"commit {commit_ns / len(rows) / 1e3:6.1f} µs/node",
                flush=True,
            )


def _id_check(driver: neo4j.Driver, clock: BoltClock) -> None:
    with driver.session() as session:
        ends = [
            (r["id"], r["e"])
            for r in session.run("MATCH (n:Enterprise) WITH n LIMIT 10000 RETURN n.id AS id, elementId(n) AS e")
        ]
    provenance = ['{"certainty": "stated", "claims": {}, "evidence": "", "source": "src:bench"}']
    rows = [
        {"a": a, "ea": ea, "b": b, "eb": eb, "props": {"key": "SUPPLIES", "product": "x", "provenance": provenance}}
        for (a, ea), (b, eb) in zip(ends[0::2], ends[1::2], strict=False)
    ]
    totals = dict.fromkeys(_ENDS, 0)
    for repeat in range(4):
        for label, match in _ENDS.items():
            statement = (
                f"CYPHER replan=skip UNWIND $rows AS row\n{match}\n"
                "CREATE (a)-[r:SUPPLIES]->(b) SET r = row.props RETURN count(*) AS rows"
            )
            with driver.session() as session:
                tx = session.begin_transaction()
                before = clock.now()
                for start in range(0, len(rows), 1000):
                    tx.run(statement, {"rows": rows[start : start + 1000]}).consume()
                spent = clock.now() - before
                tx.rollback()
            if repeat:  # the first round warms up
                totals[label] += spent
    for label, ns in totals.items():
        print(f"SUPPLIES create, ends by element id {label:<18} {ns / (3 * len(rows)) / 1e3:5.1f} µs/relationship")


if __name__ == "__main__":
    sys.exit(main())
