"""The chain facts Neo4j precomputes per place (chainkg.store.neo4j.facts): derived at the end of a write,
stale from the next write on, never served stale, refreshed by the next read or connect, invisible in
the stored graph — and the queries reading them answer as the embedded store does throughout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from chainkg.queries import chain_map, gaps, ledger, overview, profile, stats
from chainkg.queries.base import Query
from chainkg.schema.kinds import EdgeKind, ProjectStatus, Stage
from chainkg.schema.models import Enterprise, Project, make_edge
from chainkg.schema.records import Batch, Provenance
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j import derive, facts
from chainkg.store.neo4j.store import Neo4jStore
from tests.neo4j.conftest import connect
from tests.neo4j.contents import memory_contents, neo4j_contents
from tests.neo4j.parity import assert_same, both_loaded
from tests.queries.generated import PLACES, Spec

SCOPES = [None, "region:东区", "park:东区园", "region:西区", "region:外市"]
DAY = dt.date(2021, 6, 30)
# 企业0 and 企业3 in 环节0 (东区园, 西区), 企业1 in 环节1 (东区), projects in several statuses and places,
# segments 1 and 2 also in chain B
SPEC = Spec(
    segments=[Stage.UPSTREAM, Stage.UPSTREAM, Stage.MIDSTREAM, Stage.DOWNSTREAM],
    feeds=[(0, 2), (1, 2), (2, 3)],
    enterprises=[(0, 3, None), (1, 1, 0), (2, 4, None), (0, 2, None)],
    projects=[
        (0, 3, ProjectStatus.SIGNED, 5),
        (2, 1, ProjectStatus.NEGOTIATING, 7),
        (2, 0, ProjectStatus.IN_PRODUCTION, 3),
        (3, 4, None, 2),
    ],
    second_chain=[1, 2],
)
PROV = [Provenance("src:gen", "more")]


def _params() -> list[tuple[Query[Any, Any], list[BaseModel]]]:
    return [
        (gaps.QUERY, [gaps.Params(chain=c, scope=s) for c in ("chain:链a", "chain:链b") for s in SCOPES]),
        (gaps.QUERY, [gaps.Params(chain="chain:链a", as_of=DAY)]),
        (chain_map.QUERY, [chain_map.Params(chain="chain:链a", scope=s, max_members=1) for s in SCOPES]),
        (chain_map.QUERY, [chain_map.Params(chain="chain:链b", as_of=DAY)]),
        (chain_map.QUERY, [chain_map.Params(chain="chain:链b", max_members=facts.HEAD + 1)]),
        (profile.QUERY, [profile.Params(place=p, top_gaps=2) for p in PLACES]),
        (overview.QUERY, [overview.Params(scope=s, top_gaps=2) for s in SCOPES]),
        (ledger.QUERY, [ledger.Params(scope=s, limit=0) for s in SCOPES if s]),
        (stats.QUERY, [stats.Params()]),
    ]


def _same(memory: MemoryStore, neo: Neo4jStore) -> None:
    for query, params in _params():
        assert_same(memory, neo, query, params)


def _fresh(neo: Neo4jStore) -> bool:
    (row,) = neo.read(f"RETURN {facts.FRESH} AS fresh")
    return bool(row["fresh"])


def _statements(neo: Neo4jStore, query: Query[Any, Any], params: BaseModel) -> int:
    sent: list[str] = []

    def execute(statement: str, parameters: Any) -> list[dict[str, Any]]:
        sent.append(statement)
        return neo.read(statement, parameters)

    query.cypher(execute, params)
    return len(sent)


@pytest.fixture
def both(neo4j_store: Neo4jStore) -> Iterator[tuple[MemoryStore, Neo4jStore]]:
    yield from both_loaded(neo4j_store, SPEC)


def test_the_facts_follow_every_write(both: tuple[MemoryStore, Neo4jStore], neo4j_server: object) -> None:
    memory, neo = both
    assert not _fresh(neo)  # written, not derived yet: the queries answer from the graph…
    assert _statements(neo, gaps.QUERY, gaps.Params(chain="chain:链a")) == 4  # the facts tried, then 3
    neo.save(Path("unused"))  # … until the end of the write derives the facts (in the background)
    neo.wait_for_facts()
    assert _fresh(neo)
    assert _statements(neo, gaps.QUERY, gaps.Params(chain="chain:链a")) == 1
    # one statement each, from the facts and the chains' kept shapes (a chain map wanting more members
    # than the facts keep reads them from the graph)
    assert _statements(neo, chain_map.QUERY, chain_map.Params(chain="chain:链a")) == 1
    assert _statements(neo, chain_map.QUERY, chain_map.Params(chain="chain:链a", max_members=facts.HEAD + 1)) == 4
    assert _statements(neo, profile.QUERY, profile.Params(place="region:东区")) == 1
    assert _statements(neo, overview.QUERY, overview.Params()) == 1
    _same(memory, neo)
    assert neo4j_contents(neo) == memory_contents(memory)  # the facts are not part of the graph
    assert neo.counts() == memory.counts()

    # more: 企业0 also in 东区 (two places of the city: counted once), a new active project in a
    # segment of both chains, a chain leader, a project reaching 在建
    more = Batch(
        nodes=[
            Enterprise(name="企业9").to_record(PROV),
            Project(name="项目9", status=ProjectStatus.UNDER_CONSTRUCTION, total_investment=400_000_000).to_record(
                PROV
            ),
        ],
        edges=[
            make_edge(EdgeKind.LOCATED_IN, "ent:企业0", "region:东区", provenance=PROV),
            make_edge(EdgeKind.IN_SEGMENT, "ent:企业9", "seg:环节2", provenance=PROV),
            make_edge(EdgeKind.LOCATED_IN, "ent:企业9", "park:东区园", provenance=PROV),
            make_edge(EdgeKind.LOCATED_IN, "ent:企业9", "region:东区", provenance=PROV),
            make_edge(EdgeKind.IN_SEGMENT, "proj:项目9", "seg:环节1", provenance=PROV),
            make_edge(EdgeKind.LOCATED_IN, "proj:项目9", "region:西区", provenance=PROV),
            make_edge(EdgeKind.LEADS, "ent:企业9", "chain:链a", {"scope": "region:东区"}, provenance=PROV),
        ],
    )
    memory.write(more)
    neo.write(more)
    assert not _fresh(neo)  # never served: the first read answers from the graph and derives them again
    _same(memory, neo)
    neo.wait_for_facts()
    assert _fresh(neo)

    memory.set_node_props({"proj:项目1": {"status": ProjectStatus.UNDER_CONSTRUCTION.value}})
    neo.set_node_props({"proj:项目1": {"status": ProjectStatus.UNDER_CONSTRUCTION.value}})
    assert not _fresh(neo)
    other = connect(neo4j_server)  # a store connecting to a database with stale facts derives them
    try:
        assert _fresh(other)
    finally:
        other.close()
    _same(memory, neo)
    assert neo4j_contents(neo) == memory_contents(memory)


def test_a_derivation_keeps_the_writes_it_did_not_see_stale(both: tuple[MemoryStore, Neo4jStore]) -> None:
    _, neo = both
    assert neo.refresh_facts()
    assert not neo.refresh_facts()  # fresh: nothing to do
    # a write after a derivation leaves its marker: stale until the next one
    neo.write(Batch(nodes=[Enterprise(name="企业8").to_record(PROV)]))
    (row,) = neo.read(f"MATCH (w:{facts.WRITE}) RETURN count(w) AS n")
    assert row["n"] == 1
    assert not _fresh(neo)
    neo.clear()
    assert not _fresh(neo)  # cleared: nothing derived
    (row,) = neo.read(f"MATCH (n) WHERE n:{facts.FACT} OR n:{facts.STATE} RETURN count(n) AS n")
    assert row["n"] == 0


def _facts(neo: Neo4jStore) -> list[str]:
    """Every fact node's kind and properties, sorted (duplicates kept: a fact twice is an error), but a
    presence fact's ``stamp`` (a new UUID each derivation: chainkg.store.neo4j.groups)."""
    kind = f"[label IN labels(f) WHERE label <> '{facts.FACT}'][0]"
    rows = neo.read(f"MATCH (f:{facts.FACT}) RETURN {kind} AS kind, f {{.*}} AS props")
    return sorted(f"{row['kind']} {sorted((k, v) for k, v in row['props'].items() if k != 'stamp')}" for row in rows)


def _touch(memory: MemoryStore, neo: Neo4jStore) -> None:
    """A write on both stores (企业8, the second time changing nothing but leaving a marker)."""
    batch = Batch(nodes=[Enterprise(name="企业8").to_record(PROV)])
    memory.write(batch)
    neo.write(batch)


def test_a_derivation_in_small_transactions_derives_the_same_facts(both: tuple[MemoryStore, Neo4jStore]) -> None:
    memory, neo = both
    _touch(memory, neo)
    covered: list[list[str]] = []

    def run(tx: Any, statement: str, parameters: Any) -> list[dict[str, Any]]:
        if statement == facts.MEMBERS:
            covered.append(parameters["places"])
        rows: list[dict[str, Any]] = tx.run(statement, dict(parameters)).data()
        return rows

    with neo._session(write=True) as session:
        assert derive.derive(session.execute_write, run, budget=1)
    assert _fresh(neo)
    small = _facts(neo)
    weights = {r["place"]: r["weight"] for r in neo.read(facts.WEIGHTS)}
    assert sorted(p for places in covered for p in places) == sorted(weights)  # every place once
    assert len(covered) == len(weights)  # budget 1: one transaction per place
    _same(memory, neo)
    _touch(memory, neo)
    assert neo.refresh_facts()  # the default budget: a few places per transaction
    assert _facts(neo) == small  # the same facts, none twice


def test_a_later_derivation_takes_over_an_earlier_one(both: tuple[MemoryStore, Neo4jStore]) -> None:
    memory, neo = both
    _touch(memory, neo)
    calls: list[str] = []
    later: list[bool] = []

    with neo._session(write=True) as session:

        def transact(work: Any) -> Any:
            calls.append("tx")
            if len(calls) == 3:  # after the lock and the first slice dropped: another caller derives
                later.append(neo.refresh_facts())
            return session.execute_write(work)

        assert not derive.derive(transact, neo._run)  # taken over: it stops at its next transaction
    assert later == [True]
    assert len(calls) == 3
    assert _fresh(neo)
    (row,) = neo.read(f"MATCH (w:{facts.WRITE}) RETURN count(w) AS n")
    assert row["n"] == 0
    kept = _facts(neo)
    _same(memory, neo)
    _touch(memory, neo)
    assert neo.refresh_facts()
    assert _facts(neo) == kept  # what the later derivation left is what a derivation alone leaves
