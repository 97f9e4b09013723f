"""Recommend's kept groups on Neo4j (chainkg.store.neo4j.groups): derived with the chain facts, read in one or
two statements when fresh, never served stale, invisible in the stored graph — and recommend answers as the
embedded store does before and after writes that move enterprises into and out of groups and places."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chainkg.queries import recommend, recommend_kept
from chainkg.queries.groups import ancestors
from chainkg.schema.kinds import EdgeKind, ProjectStatus, Stage
from chainkg.schema.models import Enterprise, make_edge
from chainkg.schema.records import Batch, Provenance
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j import facts, groups
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.nx_index import ownership
from tests.neo4j.contents import memory_contents, neo4j_contents
from tests.neo4j.parity import assert_same, both_loaded
from tests.queries.generated import PLACES, Spec

SCOPES = [None, "region:东区", "park:东区园", "region:西区", "region:外市"]
# places: 0 本市 (home), 1 东区, 2 西区, 3 东区园 (in 东区), 4 外市. Group A: 企业0 (东区) over 企业1 (外市,
# a candidate) and 企业2 (西区) over 企业3 (外市, a candidate); 企业4 alone in 外市; group B: 企业5 (外市,
# present as the investor in 项目5 in 东区) over 企业6 (外市, a candidate) over 企业7 (东区园).
SPEC = Spec(
    segments=[Stage.UPSTREAM, Stage.MIDSTREAM, Stage.DOWNSTREAM],
    feeds=[(0, 1), (1, 2)],
    enterprises=[
        (0, 1, None),
        (0, 4, 0),
        (1, 2, 0),
        (0, 4, 2),
        (0, 4, None),
        (2, 4, None),
        (0, 4, 5),
        (1, 3, 6),
    ],
    projects=[
        (0, 1, ProjectStatus.SIGNED, 1),
        (1, 2, ProjectStatus.LEAD, 2),
        (2, 4, ProjectStatus.STARTED, 3),
        (0, 3, ProjectStatus.IN_PRODUCTION, 4),
        (1, 0, None, 5),
        (2, 1, ProjectStatus.UNDER_CONSTRUCTION, 6),
    ],
)
PROV = [Provenance("src:gen", "more")]


def _params() -> list[recommend.Params]:
    segments = [f"seg:环节{i}" for i in range(len(SPEC.segments))]
    out = [recommend.Params(segment=s, scope=scope) for s in segments for scope in SCOPES]
    out += [recommend.Params(segment=s, scope=scope, limit=1, w_group=0.5) for s in segments for scope in SCOPES[:2]]
    return out


def _sent(neo: Neo4jStore, params: recommend.Params, kept: list[dict[str, Any]] | None = None) -> list[str]:
    """The statements a recommendation sends; what FACTS answered is added to ``kept``."""
    sent: list[str] = []

    def execute(statement: str, parameters: Any) -> list[dict[str, Any]]:
        sent.append(statement)
        rows = neo.read(statement, parameters)
        if kept is not None and statement == recommend_kept.FACTS and rows[0]["kept"] is not None:
            kept.append(rows[0]["kept"])
        return rows

    recommend.QUERY.cypher(execute, params)
    return sent


def _fresh(neo: Neo4jStore) -> bool:
    (row,) = neo.read(f"RETURN {facts.FRESH} AS fresh")
    return bool(row["fresh"])


def _lineages(neo: Neo4jStore) -> dict[str, list[str]]:
    rows = neo.read(f"MATCH (f:{groups.LINEAGE}) RETURN f.enterprise AS e, f.ancestors AS ancestors, f.group AS g")
    for row in rows:
        assert row["g"] == (row["ancestors"][-1] if row["ancestors"] else row["e"])
    return {row["e"]: row["ancestors"] for row in rows}


def _check(memory: MemoryStore, neo: Neo4jStore) -> None:
    """Fresh kept groups: the lineages are the embedded store's chains, and every recommendation
    is read from them (one or two statements) with the embedded store's answer."""
    assert _fresh(neo)
    graph = memory.graph
    owned = ownership(graph)
    assert _lineages(neo) == {e: ancestors(graph, e) for e in owned.in_structure}
    assert_same(memory, neo, recommend.QUERY, _params())
    kept: list[dict[str, Any]] = []
    for params in _params():
        sent = _sent(neo, params, kept)
        assert sent[0] == recommend_kept.FACTS and len(sent) <= 2, (params, len(sent))
    # the server ranks the candidates and ships only those near the last listed (limit=1 above): the
    # answers are the embedded store's all the same
    assert any(len(got["candidates"]) < got["total"] for got in kept)


@pytest.fixture
def both(neo4j_store: Neo4jStore) -> Iterator[tuple[MemoryStore, Neo4jStore]]:
    yield from both_loaded(neo4j_store, SPEC)


def _write(memory: MemoryStore, neo: Neo4jStore, batch: Batch) -> None:
    memory.write(batch)
    neo.write(batch)


def test_recommend_reads_the_kept_groups_and_follows_every_write(both: tuple[MemoryStore, Neo4jStore]) -> None:
    memory, neo = both
    assert PLACES[4] == "region:外市"
    assert len(_sent(neo, _params()[0])) > 2  # written, not derived: from the graph
    assert_same(memory, neo, recommend.QUERY, _params())
    neo.save(Path("unused"))
    neo.wait_for_facts()
    _check(memory, neo)
    assert neo4j_contents(neo) == memory_contents(memory)  # the kept groups are not part of the graph
    assert neo.counts() == memory.counts()

    writes = [
        # 企业4 (a lone candidate) joins group B under 企业7; a new local enterprise under 企业3
        Batch(
            nodes=[Enterprise(name="企业9").to_record(PROV)],
            edges=[
                make_edge(EdgeKind.SUBSIDIARY_OF, "ent:企业4", "ent:企业7", provenance=PROV),
                make_edge(EdgeKind.SUBSIDIARY_OF, "ent:企业9", "ent:企业3", provenance=PROV),
                make_edge(EdgeKind.IN_SEGMENT, "ent:企业9", "seg:环节2", provenance=PROV),
                make_edge(EdgeKind.LOCATED_IN, "ent:企业9", "region:西区", provenance=PROV),
            ],
        ),
        # a second parent for 企业6 (the first by id wins) and a cycle through group A's top
        Batch(
            edges=[
                make_edge(EdgeKind.SUBSIDIARY_OF, "ent:企业6", "ent:企业2", provenance=PROV),
                make_edge(EdgeKind.SUBSIDIARY_OF, "ent:企业0", "ent:企业3", provenance=PROV),
            ]
        ),
    ]
    for batch in writes:
        _write(memory, neo, batch)
        assert not _fresh(neo)  # never served stale: answered from the graph, derived again after
        assert_same(memory, neo, recommend.QUERY, _params())
        neo.wait_for_facts()
        _check(memory, neo)

    # 项目5 is no longer active: its investor 企业5 is no longer present, group B loses a member here
    update = {"proj:项目5": {"status": ProjectStatus.TERMINATED.value}}
    memory.set_node_props(update)
    neo.set_node_props(update)
    assert not _fresh(neo)
    assert_same(memory, neo, recommend.QUERY, _params())
    neo.wait_for_facts()
    _check(memory, neo)
    assert neo4j_contents(neo) == memory_contents(memory)
