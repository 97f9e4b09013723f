"""Every read statement is planned once, whatever its parameters hold.

Neo4j 5 keys its plan cache on each string or list parameter's size class and on null against a value
(BENCHMARKS 4k), so a statement sent with its parameters apart is planned again for most calls; the
store sends them as one map (:func:`chainkg.store.neo4j.rows.one_map`). The server's own count of
cached plans (what ``db.clearQueryCaches`` says it removed) shows both: the same calls sent apart make
a plan per size class, sent by the store one.
"""

from __future__ import annotations

import re
from typing import Any

import neo4j
import pytest

from chainkg.queries.supply_chain import KEPT
from chainkg.schema.kinds import EdgeKind, NodeKind, StoreLabel
from chainkg.store.neo4j import statements as cy
from chainkg.store.neo4j.rows import in_one_map
from chainkg.store.neo4j.statements import KEEP_PLAN
from chainkg.store.neo4j.store import Neo4jStore

ENTITY = StoreLabel.ENTITY.value

# a segment id, a long enterprise-like id, a project-like id; scopes null, short and long; takes differ
CALLS: list[dict[str, Any]] = [
    {"node": "seg:快递", "scope": None, "take": 11},
    {"node": "ent:" + "9" * 18, "scope": "region:乐陵市", "take": 11},
    {"node": "proj:伟远特冷链物流项目一期工程", "scope": "park:天衢高端化工产业园区管理委员会", "take": 3},
    {"node": "seg:" + "材" * 40, "scope": None, "take": 101},
]


def _cleared(session: neo4j.Session) -> int:
    """Empty the plan cache; how many plans it held."""
    (value,) = session.run("CALL db.clearQueryCaches() YIELD value RETURN value").single(strict=True)
    found = re.search(r"of (\d+) quer", value)
    return int(found.group(1)) if found else 0


def test_a_statement_sent_apart_is_planned_per_size_class_and_by_the_store_once(
    neo4j_server: Any, neo4j_store: Neo4jStore
) -> None:
    statement = KEPT["both_2"]
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth) as driver, driver.session() as session:
        _cleared(session)
        for parameters in CALLS:  # the parameters apart: what the store sent before
            session.run(statement, parameters).consume()
        apart = _cleared(session)
        for parameters in CALLS:
            neo4j_store.read(statement, parameters)
        one_map = _cleared(session)
    assert apart >= 3, f"the server planned the calls sent apart {apart} times: the check shows nothing"
    assert one_map == 1


# --- the lookups by id a load keeps the first plan of (``KEEP_PLAN``) -----------------------------

#: Operators that would read more than the asked ids' own nodes: a plan with one of them starts (or joins)
#: from a label or the whole graph, e.g. from the sources, instead of seeking each id.
SCANS = ("NodeByLabelScan", "AllNodesScan", "NodeIndexScan", "CartesianProduct", "HashJoin", "ValueHashJoin")


def _operators(session: neo4j.Session, statement: str) -> list[str]:
    """The operators of the plan the server makes for ``statement`` now, as the store sends it (one map
    parameter), each with its details; planned afresh (``replan=force``), not taken from the cache."""
    text, parameters = in_one_map(statement, {"ids": ["ent:none"]})
    assert text.startswith(KEEP_PLAN)
    summary = session.run(text.replace(KEEP_PLAN, "CYPHER replan=force EXPLAIN", 1), parameters).consume()
    out: list[str] = []

    def walk(plan: dict[str, Any]) -> None:
        out.append(f"{plan['operatorType'].split('@')[0]} {plan.get('args', {}).get('Details', '')}")
        for child in plan.get("children", []):
            walk(child)

    assert summary.plan is not None
    walk(summary.plan)  # type: ignore[arg-type]
    return out


def _seeks_each_id(operators: list[str]) -> None:
    seeks = [op for op in operators if op.startswith("NodeUniqueIndexSeek")]
    assert len(seeks) == 1 and f"n:{StoreLabel.ENTITY.value}(id)" in seeks[0], operators
    assert not [op for op in operators if op.split(" ")[0].endswith(SCANS)], operators


def test_the_claims_and_nodes_lookups_seek_each_id_whatever_the_graph_held_when_planned(
    neo4j_server: Any, neo4j_store: Neo4jStore
) -> None:
    """``CLAIMS`` and ``NODES`` keep their first plan (``CYPHER replan=skip``), so that plan must not depend
    on the graph it was made on: planned on an empty database, on one holding a single source, and on a
    young graph of a few sources each cited by many nodes (where starting from the sources could look
    cheap), each seeks the ``id`` uniqueness index once per asked id and scans no label. (The check
    itself catches a plan that starts from the sources: the same statement with ``USING SCAN``.)"""
    source = NodeKind.SOURCE.value
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth) as driver, driver.session() as session:
        neo4j_store.clear()
        try:
            plans = {"empty": [_operators(session, s) for s in (cy.CLAIMS, cy.NODES)]}
            session.run(f"CREATE (:{ENTITY}:{source} {{id: 'src:one'}})").consume()
            plans["one source, nothing else"] = [_operators(session, s) for s in (cy.CLAIMS, cy.NODES)]
            session.run(f"UNWIND range(2, 4) AS i CREATE (:{ENTITY}:{source} {{id: 'src:' + i}})").consume()
            session.run(
                f"MATCH (s:{source}) UNWIND range(1, 1500) AS j"
                f" CREATE (:{ENTITY}:{NodeKind.ENTERPRISE.value} {{id: s.id + ':ent:' + j}})"
                f"-[:{EdgeKind.CITES.value} {{claims: '{{}}'}}]->(s)"
            ).consume()
            plans["4 sources cited by 6,000 nodes"] = [_operators(session, s) for s in (cy.CLAIMS, cy.NODES)]
            scanning = cy.CLAIMS.replace("\nRETURN id,", f"\nUSING SCAN s:{source}\nRETURN id,", 1)
            from_sources = _operators(session, scanning)
        finally:
            neo4j_store.clear()
    with pytest.raises(AssertionError):
        _seeks_each_id(from_sources)
    for state, (claims, nodes) in plans.items():
        assert claims, state
        _seeks_each_id(claims)
        _seeks_each_id(nodes)
