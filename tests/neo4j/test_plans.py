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

from chainkg.queries.supply_chain import KEPT
from chainkg.store.neo4j.store import Neo4jStore

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
