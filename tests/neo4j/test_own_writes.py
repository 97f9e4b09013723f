"""Relationships at nodes the store created in earlier batches are created, not merged — and only when
nobody else has written since (chainkg/store/neo4j/own.py): same graph and counts as the MemoryStore,
a second write changes nothing, another writer in between makes the store merge, and the writers'
lock is taken before the last writer's token is read."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from chainkg.schema.kinds import EdgeKind, StoreLabel
from chainkg.schema.models import Enterprise, Source, make_edge
from chainkg.schema.records import Batch, Provenance
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j import statements as cy
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import StoreError, WriteResult
from tests.neo4j.contents import memory_contents, neo4j_contents

S1, S2 = Provenance("src:t-1", "甲"), Provenance("src:t-2", "乙", claims=(("registered_capital", 7),))
E1, E2, E3 = "ent:德州甲公司", "ent:德州乙公司", "ent:德州丙公司"


class CountingStore(Neo4jStore):
    """Counts the rows each kind of relationship statement was sent: ``create`` or ``merge``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: Counter[str] = Counter()

    def _run(self, tx: Any, statement: str, parameters: Any) -> list[dict[str, Any]]:
        if "]->(" in statement:  # a relationship statement (CITES included)
            self.sent["merge" if "MERGE (" in statement else "create"] += len(parameters["rows"])
        return super()._run(tx, statement, parameters)


@pytest.fixture
def counting(neo4j_server: Any, neo4j_store: Neo4jStore) -> Iterator[CountingStore]:
    """A store of its own (its own token) on the emptied test server."""
    neo4j_store.clear()
    store = CountingStore(neo4j_server.uri, *neo4j_server.auth, write_retry_seconds=3.0)
    try:
        yield store
    finally:
        store.close()
        neo4j_store.clear()


def _batches() -> list[Batch]:
    sources = [Source(name="来源一", key="t-1", date="2024-01-01"), Source(name="来源二", key="t-2", date="2024-02-01")]
    nodes = Batch(
        nodes=[
            *(s.to_record() for s in sources),
            *(Enterprise(name=n).to_record([S1]) for n in ("德州甲公司", "德州乙公司", "德州丙公司")),
        ]
    )
    links = Batch(  # a later batch: links at nodes created before, a node written again with a second source
        nodes=[Enterprise(name="德州丙公司", registered_capital=7).to_record([S2])],
        edges=[make_edge(EdgeKind.SUBSIDIARY_OF, E1, E2, {"stake_pct": 60}, [S1])],
    )
    again = Batch(  # the same edge from another source with another value, a new one, the same CITES twice
        nodes=[Enterprise(name="德州甲公司", aliases=["甲公司"]).to_record([S1])],
        edges=[
            make_edge(EdgeKind.SUBSIDIARY_OF, E1, E2, {"stake_pct": 70}, [S2]),
            make_edge(EdgeKind.SUBSIDIARY_OF, E3, E2, {"stake_pct": 10}, [S2]),
        ],
    )
    return [nodes, links, again]


def test_links_at_nodes_created_in_earlier_batches_are_created_and_repeats_merge_like_memory(
    counting: CountingStore, neo4j_server: Any
) -> None:
    batches, memory = _batches(), MemoryStore()
    expected = [memory.write(b) for b in batches]
    assert [counting.write(b) for b in batches] == expected
    assert neo4j_contents(counting) == memory_contents(memory)
    # created: 3 CITES of batch 1; batch 2's CITES 丙→来源二 and 甲→乙; batch 3's 丙→乙. Merged: batch 3's
    # 甲→来源一 (written in batch 1) and 甲→乙 (written in batch 2) — united, the later stake wins
    assert counting.sent == {"create": 6, "merge": 2}
    edge = neo4j_contents(counting)["edges"][(E1, E2, "SUBSIDIARY_OF")]
    assert edge["stake_pct"] == 70 and len(edge["provenance"]) == 2

    counting.sent.clear()  # written again: all merged, the same changes as on the MemoryStore (60, then 70)
    again = [memory.write(b) for b in batches]
    assert again[0] == WriteResult() and again[1].touched == again[2].touched == 1
    assert [counting.write(b) for b in batches] == again
    assert counting.sent == {"merge": 8}
    other = Neo4jStore(neo4j_server.uri, *neo4j_server.auth)  # a store that knows nothing: merges all
    try:
        assert [other.write(b) for b in batches] == [memory.write(b) for b in batches]
    finally:
        other.close()
    assert neo4j_contents(counting) == memory_contents(memory)


def test_another_writer_in_between_makes_the_store_merge(counting: CountingStore, neo4j_server: Any) -> None:
    nodes, _, _ = _batches()
    first = Batch(edges=[make_edge(EdgeKind.SUBSIDIARY_OF, E1, E2, {"stake_pct": 60}, [S1])])
    second = Batch(edges=[make_edge(EdgeKind.SUBSIDIARY_OF, E1, E2, {"stake_pct": 70}, [S2])])
    memory = MemoryStore()
    expected = [memory.write(b) for b in (nodes, first, second)]
    other = Neo4jStore(neo4j_server.uri, *neo4j_server.auth)
    try:
        got = [counting.write(nodes), other.write(first), counting.write(second)]
    finally:
        other.close()
    assert got == expected
    assert counting.sent == {"create": 3, "merge": 1}  # the CITES of batch 1; the edge after the other writer
    assert neo4j_contents(counting) == memory_contents(memory)


def test_a_node_deleted_or_replaced_meanwhile_refuses_the_batch(counting: CountingStore) -> None:
    """A node created by the store, then deleted behind its back: the store's element id for it is stale
    (and may name another node): the batch is refused, never written to another node or dropped."""
    nodes, _, _ = _batches()
    counting.write(nodes)
    counting._own.nodes[E2] = counting._own.nodes[E3]  # as if E2's element id were now E3's
    edge = Batch(edges=[make_edge(EdgeKind.SUBSIDIARY_OF, E1, E2, {"stake_pct": 60}, [S1])])
    with pytest.raises(StoreError, match="found no node to write to"):
        counting.write(edge)
    assert counting._own.nodes == {}  # a failure other than a refusal: the store forgets
    counting._driver.execute_query("MATCH (n:Entity {id: $id}) DETACH DELETE n", {"id": E2})
    with pytest.raises(StoreError, match="does not exist"):
        counting.write(edge)  # now looked up again: E2 is gone
    assert set(neo4j_contents(counting)["edges"]) == {(E1, "src:t-1", "CITES"), (E3, "src:t-1", "CITES")}


def test_the_writers_lock_is_taken_before_the_last_token_is_read(neo4j_store: Neo4jStore) -> None:
    """Two write transactions at once: the second waits for the first and reads the token it committed."""
    driver, parameters = neo4j_store._driver, {"id": "writer-lock-test"}
    seen: list[Any] = []
    with driver.session() as one, driver.session() as two:
        first = one.begin_transaction()
        first.run(cy.WRITER, {**parameters, "token": "first"}).consume()

        def second() -> None:
            with two.begin_transaction() as tx:
                seen.append(tx.run(cy.WRITER, {**parameters, "token": "second"}).single()["before"])  # type: ignore[index]
                tx.commit()

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive() and not seen  # waiting for the lock
        first.commit()
        thread.join(30)
    driver.execute_query(f"MATCH (w:{StoreLabel.META.value} {{id: $id}}) DELETE w", parameters)
    assert seen == ["first"]
