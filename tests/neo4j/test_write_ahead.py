"""The Neo4j store's write path: loads written ahead (the server writes a batch while the pipeline
prepares the next) and relationships matched by their ends' element ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chainkg.schema.kinds import EdgeKind, Stage
from chainkg.schema.models import Segment, Source, make_edge
from chainkg.schema.records import Batch, Provenance
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j import statements as cy
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import StoreError, WritesAhead
from tests.loaders.test_write_ahead import load_records, records_with_refusals
from tests.neo4j.contents import memory_contents, neo4j_contents


def test_a_load_written_ahead_refuses_the_same_records_and_stores_the_same_graph(
    neo4j_store: Neo4jStore, tmp_path: Path
) -> None:
    neo4j_store.clear()
    assert isinstance(neo4j_store, WritesAhead)
    memory = MemoryStore()
    expected, report = load_records(memory, tmp_path), load_records(neo4j_store, tmp_path)
    assert len(expected.rejects) == 2
    assert (report.records_loaded, report.write, report.rejects) == (
        expected.records_loaded,
        expected.write,
        expected.rejects,
    )
    assert neo4j_contents(neo4j_store) == memory_contents(memory)
    again = load_records(neo4j_store, tmp_path)
    assert again.rejects == expected.rejects and again.write.touched == 0  # loading twice changes nothing
    assert len(records_with_refusals()) == report.records_read


class DeletingStore(Neo4jStore):
    """Deletes a node in a transaction of its own just before the batch's first relationship statement."""

    victim = ""

    def _run(self, tx: Any, statement: str, parameters: Any) -> list[dict[str, Any]]:
        if self.victim and statement == cy.create_edges(EdgeKind.FEEDS):
            self._driver.execute_query(
                "MATCH (n:Entity {id: $id}) DETACH DELETE n", {"id": self.victim}, database_=self.database
            )
            self.victim = ""
        return super()._run(tx, statement, parameters)


def test_a_relationship_whose_end_was_deleted_meanwhile_refuses_the_batch(
    neo4j_server: Any, neo4j_store: Neo4jStore
) -> None:
    """The relationship statements match their ends by element id: an end gone by then (another
    transaction deleted it after the batch read it) is a refusal of the whole batch, never a silently
    missing relationship."""
    neo4j_store.clear()
    prov = [Provenance("src:t-1")]
    source = Source(name="测试来源", key="t-1", date="2024-01-01").to_record()
    old = Segment(name="旧环节", stage=Stage.UPSTREAM).to_record(prov)
    neo4j_store.write(Batch(nodes=[source, old]))
    new = Segment(name="新环节", stage=Stage.MIDSTREAM).to_record(prov)
    store = DeletingStore(neo4j_server.uri, *neo4j_server.auth, write_retry_seconds=1.0)
    store.victim = old.id
    try:
        with pytest.raises(StoreError, match="found no node to write to") as refusal:
            store.write(Batch(nodes=[new], edges=[make_edge(EdgeKind.FEEDS, old.id, new.id, provenance=prov)]))
        assert "nothing of the batch was written" in str(refusal.value)
        assert store.node(new.id) is None and store.node(old.id) is None
        assert store.node(source.id) is not None
    finally:
        store.close()
