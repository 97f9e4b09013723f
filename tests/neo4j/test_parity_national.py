"""Parity on the bundled graph (the Dezhou dataset, then the national one): both stores hold the
same graph — the national records' exchange and listing notes, the IN_SEGMENT links' rank, certainty
and basis, the head-office regions — and recommend the same candidates for every segment, with the
same leadership, region ties, 以商招商 siblings, reasons and paths."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chainkg.queries import entity, recommend, search
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.schema.kinds import EnterpriseKind, NodeKind
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.nx_index import nodes_of_kind
from tests.conftest import load_dataset
from tests.neo4j.contents import memory_contents, neo4j_contents
from tests.neo4j.parity import assert_same

Stores = tuple[MemoryStore, Neo4jStore]


@pytest.fixture(scope="module")
def stores(neo4j_store: Neo4jStore) -> Iterator[Stores]:
    memory = MemoryStore()
    memory_report = load_dataset(memory)
    neo4j_store.clear()
    neo4j_report = load_dataset(neo4j_store)
    assert neo4j_report.rejects == memory_report.rejects == []
    assert neo4j_report.write == memory_report.write
    yield memory, neo4j_store


def test_the_same_graph(stores: Stores) -> None:
    memory, neo = stores
    assert neo4j_contents(neo) == memory_contents(memory)


def test_recommend_for_every_segment(stores: Stores) -> None:
    memory, neo = stores
    segments = list(nodes_of_kind(memory.graph, NodeKind.SEGMENT))
    params = [recommend.Params(segment=s, limit=10) for s in segments]
    params += [
        recommend.Params(segment=s, scope=scope, limit=5, w_group=w, w_region=10 - w)
        for s in segments[::9]
        for scope, w in (("region:临邑县", 0), ("park:天衢新区集成电路关键材料基地", 10), ("region:北京市", 5))
    ]
    assert assert_same(memory, neo, recommend.QUERY, params) == len(params)


def test_national_nodes_read_the_same(stores: Stores) -> None:
    memory, neo = stores
    enterprises = sorted(nodes_of_kind(memory.graph, NodeKind.ENTERPRISE))
    assert assert_same(memory, neo, entity.QUERY, [entity.Params(id=e) for e in enterprises[::40]]) > 20
    texts = ["中芯", "国药控股", "华为", "宁德时代", "600426", "中国电子科技集团", "Tate"]
    assert assert_same(memory, neo, search.QUERY, [search.Params(text=t) for t in texts]) == len(texts)
    kinds = [EnterpriseKind.CENTRAL_SOE_GROUP, EnterpriseKind.FOREIGN]
    params = [listing_enterprises.Params(kind=k, limit=200) for k in kinds]
    params.append(listing_enterprises.Params(segment="seg:光刻胶", limit=50))
    assert assert_same(memory, neo, listing_enterprises.QUERY, params) == len(params)
