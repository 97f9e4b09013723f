"""Three costs of an online load's writes, measured on a loaded graph: index upkeep at commit, what a
relationship's commit is, the ends' id check.

    .venv/bin/python -m benchmarks.neo4j_write_costs --uri bolt://… --password … --pid N
                                                   [--only nodes|relationships|ids]
                                                   [--fulltext one|one-eventually|two]

Why: a load's trace (``benchmarks.neo4j_online --trace``) shows a node batch's commit costing more
than its statements. This creates the same 5,000 ``Enterprise`` rows (copied from the graph, new
ids) in transactions of 1,000 with fewer of the indexed properties each time — all of them, without
``grams``, without ``keys`` too (then the full-text index ``chainkg_names`` has no document for the
node; before the sixth round each had an index of its own), without ``name`` too (the range index) —
and once under a label no index covers, and prints the server's Bolt CPU per node for the statement
and for the commit (deleting them after each). Then (``relationship commits``) it creates 5,000
``SUPPLIES`` relationships between existing enterprises in transactions of 1,000, committed, with
the properties a load gives them (copied from the graph's), with ``key`` alone, with none, with
every property but ends at one dense node (a segment with thousands of relationships: Neo4j keeps a
dense node's relationships in groups by type), and with every property again while the relationship-
type lookup index is dropped (recreated after: on a city graph that takes seconds), and prints the
statement's and the commit's CPU per relationship (deleting them after each). Then it creates 5,000
``SUPPLIES`` relationships between existing enterprises (rolled back) with the ends matched by
element id, with and without the check of each end's ``id``
(:func:`chainkg.store.neo4j.statements._ends`). The graph must hold at least 10,000 enterprises (a
city: ``benchmarks.neo4j_online --preset city --rounds 1`` leaves one). ``--fulltext`` first swaps
chainkg's full-text index for another set (to compare a node's commit with each; chainkg's is put
back at the end). Not a test.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import neo4j

from benchmarks.neo4j_online import BoltClock
from chainkg.schema.kinds import NodeKind
from chainkg.store.neo4j.ddl import GRAMS, NAMES_INDEX, REPLACED_INDEXES

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
    parser.add_argument("--only", choices=["nodes", "relationships", "ids"], default=None, help="one of the three")
    parser.add_argument(
        "--fulltext",
        choices=list(_FULLTEXT),
        default=None,
        help="first replace the full-text index by: one (chainkg's), one-eventually (its eventually consistent twin) "
        "or two (keys and grams apart, as before the sixth round); chainkg's is put back at the end",
    )
    args = parser.parse_args(argv)
    driver = neo4j.GraphDatabase.driver(args.uri, auth=(args.user, args.password))
    clock = BoltClock(args.pid)
    try:
        if args.fulltext:
            _fulltext(driver, args.fulltext)
        parts = {"nodes": _commits, "relationships": _relationship_commits, "ids": _id_check}
        for name, part in parts.items():
            if args.only in (None, name):
                part(driver, clock)
    finally:
        if args.fulltext:
            _fulltext(driver, "one")
        driver.close()
    return 0


_LABELS = "|".join(kind.value for kind in NodeKind)
_OPTIONS = "OPTIONS {{indexConfig: {{`fulltext.analyzer`: 'keyword', `fulltext.eventually_consistent`: {}}}}}"
#: Full-text index sets to measure a node's commit with: name → (index name, properties, eventually consistent).
_FULLTEXT = {
    "one": [(NAMES_INDEX, f"n.keys, n.{GRAMS}", "false")],
    "one-eventually": [(NAMES_INDEX, f"n.keys, n.{GRAMS}", "true")],
    "two": [("chainkg_keys", "n.keys", "false"), ("chainkg_key_grams", f"n.{GRAMS}", "false")],
}


def _fulltext(driver: neo4j.Driver, which: str) -> None:
    """Drop chainkg's full-text index(es) and create the set ``which`` (populated before it returns)."""
    for name in (NAMES_INDEX, *REPLACED_INDEXES):
        driver.execute_query(f"DROP INDEX {name} IF EXISTS")
    for name, props, eventually in _FULLTEXT[which]:
        driver.execute_query(
            f"CREATE FULLTEXT INDEX {name} FOR (n:{_LABELS}) ON EACH [{props}] " + _OPTIONS.format(eventually)
        )
    driver.execute_query("CALL db.awaitIndexes(600)")


def _timed(session: neo4j.Session, clock: BoltClock, statement: str, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """The server's CPU (ns) in ``statement`` and in the commits, ``rows`` written a thousand a transaction."""
    statement_ns = commit_ns = 0
    for start in range(0, len(rows), 1000):
        tx = session.begin_transaction()
        before = clock.now()
        tx.run(statement, {"rows": rows[start : start + 1000]}).consume()
        ran = clock.now()
        tx.commit()
        statement_ns, commit_ns = statement_ns + ran - before, commit_ns + clock.now() - ran
    return statement_ns, commit_ns


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
            with driver.session() as session:
                statement_ns, commit_ns = _timed(session, clock, statement, rows)
                session.run(_DELETE).consume()
            print(
                f"{label:<42} statement {statement_ns / len(rows) / 1e3:6.1f} µs/node  "
                f"commit {commit_ns / len(rows) / 1e3:6.1f} µs/node",
                flush=True,
            )


_RELATIONSHIPS = (
    "CYPHER replan=skip UNWIND $rows AS row\n"
    "MATCH (a) WHERE elementId(a) = row.ea\nMATCH (b) WHERE elementId(b) = row.eb\n"
    "CREATE (a)-[r:SUPPLIES]->(b) SET r = row.props"
)
_UNDO = "MATCH ()-[r:SUPPLIES]->() WHERE r.bench CALL (r) { DELETE r } IN TRANSACTIONS OF 5000 ROWS"
_LOOKUP = "SHOW INDEXES YIELD name, type, entityType WHERE type = 'LOOKUP' AND entityType = 'RELATIONSHIP' RETURN name"


def _relationship_commits(driver: neo4j.Driver, clock: BoltClock) -> None:
    """Statement and commit CPU per relationship, by what the relationship carries and where it ends."""
    with driver.session() as session:
        ends = [r["e"] for r in session.run("MATCH (n:Enterprise) WITH n LIMIT 10000 RETURN elementId(n) AS e")]
        props = [r["p"] for r in session.run("MATCH ()-[r:SUPPLIES]->() WITH r LIMIT 5000 RETURN properties(r) AS p")]
        dense = session.run(
            "MATCH (s:Segment) RETURN elementId(s) AS e ORDER BY COUNT { (s)--() } DESC LIMIT 1"
        ).single(strict=True)["e"]
    pairs = list(zip(ends[0::2], ends[1::2], strict=False))
    variants: list[tuple[str, list[dict[str, Any]]]] = [
        (
            "as loaded (key, provenance, product…)",
            [{"ea": a, "eb": b, "props": p} for (a, b), p in zip(pairs, props, strict=False)],
        ),
        (
            "key alone",
            [{"ea": a, "eb": b, "props": {"key": p.get("key", "")}} for (a, b), p in zip(pairs, props, strict=False)],
        ),
        ("no property", [{"ea": a, "eb": b, "props": {}} for a, b in pairs[: len(props)]]),
        (
            "as loaded, every one into one dense node",
            [{"ea": a, "eb": dense, "props": p} for (a, _), p in zip(pairs, props, strict=False)],
        ),
    ]

    def measure(label: str, rows: list[dict[str, Any]]) -> None:
        marked = [{**row, "props": {**row["props"], "bench": True}} for row in rows]
        with driver.session() as session:
            statement_ns, commit_ns = _timed(session, clock, _RELATIONSHIPS, marked)
            session.run(_UNDO).consume()
        print(
            f"SUPPLIES, {label:<44} statement {statement_ns / len(rows) / 1e3:6.1f} µs/rel  "
            f"commit {commit_ns / len(rows) / 1e3:6.1f} µs/rel",
            flush=True,
        )

    for _ in range(2):  # the second round is the one to read (the first warms the JIT)
        for label, rows in variants:
            measure(label, rows)
    with driver.session() as session:
        lookups = [r["name"] for r in session.run(_LOOKUP)]
        for name in lookups:
            session.run(f"DROP INDEX {name}").consume()
    try:
        for _ in range(2):  # the first replans and compiles anew: the schema changed
            measure("as loaded, no relationship-type lookup index", variants[0][1])
    finally:
        with driver.session() as session:
            for name in lookups:
                session.run(f"CREATE LOOKUP INDEX {name} IF NOT EXISTS FOR ()-[r]-() ON EACH type(r)").consume()
            session.run("CALL db.awaitIndexes(600)").consume()
    for _ in range(2):
        measure("as loaded, the lookup index back", variants[0][1])


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
