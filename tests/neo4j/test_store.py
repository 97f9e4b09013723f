"""The Neo4j store on a real server: same graph as the MemoryStore, batch by batch, refusal by refusal."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from chainkg.app.settings import Settings
from chainkg.app.state import StateError, open_store
from chainkg.schema.kinds import EdgeKind, NodeKind, Stage
from chainkg.schema.models import Enterprise, Segment, Source, make_edge
from chainkg.schema.records import Batch, NodeRecord, Provenance
from chainkg.store.memory import _UNION_LISTS, MemoryStore
from chainkg.store.neo4j.ddl import GRAMS, NAMES_INDEX, REPLACED_INDEXES, key_grams, schema_statements
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import UNION_LISTS, GraphStore, ManifestEntry, StoreError, StoreUnavailable, WriteResult
from tests.neo4j.contents import memory_contents, neo4j_contents
from tests.queries.generated import records, specs


@pytest.fixture
def empty(neo4j_store: Neo4jStore) -> Neo4jStore:
    """The session store, emptied (modules after this one load their own graph)."""
    neo4j_store.clear()
    return neo4j_store


def _both(batches: list[Batch], neo: Neo4jStore) -> tuple[MemoryStore, list[WriteResult], list[WriteResult]]:
    memory = MemoryStore()
    return memory, [memory.write(b) for b in batches], [neo.write(b) for b in batches]


def _source_batch() -> Batch:
    source = Source(name="测试来源", key="t-1", date="2024-01-01")
    return Batch(nodes=[source.to_record()])


def test_neo4j_store_satisfies_the_protocol() -> None:
    store = Neo4jStore("bolt://127.0.0.1:9")  # no connection is made until used
    try:
        assert isinstance(store, GraphStore)
    finally:
        store.close()


def test_both_stores_accumulate_the_same_lists() -> None:
    assert tuple(UNION_LISTS) == tuple(_UNION_LISTS)


def test_schema_setup_is_idempotent_and_complete(neo4j_store: Neo4jStore) -> None:
    neo4j_store.ensure_schema()  # a second time: IF NOT EXISTS everywhere, nothing fails
    constraints = {r["name"]: r for r in neo4j_store.read("SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties")}
    for kind in NodeKind:
        assert any(c["labelsOrTypes"] == [kind.value] and c["properties"] == ["id"] for c in constraints.values()), kind
    indexes = {r["name"]: r for r in neo4j_store.read("SHOW INDEXES YIELD name, type, labelsOrTypes, properties")}
    assert indexes[NAMES_INDEX]["type"] == "FULLTEXT"
    assert set(indexes[NAMES_INDEX]["labelsOrTypes"]) == {k.value for k in NodeKind}
    assert indexes[NAMES_INDEX]["properties"] == ["keys", GRAMS]
    assert not set(REPLACED_INDEXES) & set(indexes)  # one full-text index: one Lucene document per node
    assert sum(r["type"] == "RANGE" and r["properties"] == ["name"] for r in indexes.values()) >= len(NodeKind)
    # every statement idempotent: creations IF NOT EXISTS, the drop of a replaced index IF EXISTS
    assert all(re.search(r"\bIF (NOT )?EXISTS\b", statement) for statement in schema_statements())


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs(max_segments=6), order_seed=st.integers(0, 1000))
def test_generated_graphs_are_stored_identically(empty: Neo4jStore, spec: object, order_seed: int) -> None:
    """The same records in the same shuffled small batches: the same graph, item by item, and the same
    created/changed counts — then writing everything again changes nothing on either side."""
    import random

    empty.clear()
    nodes, edges = records(spec)  # type: ignore[arg-type]
    rng = random.Random(order_seed)
    rest = nodes[1:]
    rng.shuffle(rest)
    rng.shuffle(edges)
    batches = [Batch(nodes=[nodes[0], *rest[:3]])]
    batches += [Batch(nodes=rest[i : i + 5]) for i in range(3, len(rest), 5)]
    batches += [Batch(edges=edges[i : i + 7]) for i in range(0, len(edges), 7)]
    memory, mem_results, neo_results = _both(batches, empty)
    assert neo_results == mem_results
    assert neo4j_contents(empty) == memory_contents(memory)
    again = empty.write(Batch(nodes=nodes, edges=edges))
    assert again == memory.write(Batch(nodes=nodes, edges=edges)) == WriteResult()


def test_repeats_within_one_batch_merge_in_order(empty: Neo4jStore) -> None:
    """A node, a CITES link and an edge written twice in one batch: merged onto the first occurrence,
    aliases accumulated, provenance united, counted as the MemoryStore counts them."""
    prov_a = [Provenance("src:t-1", "甲")]
    prov_b = [Provenance("src:t-1", "乙", claims=(("registered_capital", 5),))]
    first = Enterprise(name="德州甲公司", aliases=["甲公司"]).to_record(prov_a)
    second = Enterprise(name="德州甲公司", aliases=["甲厂", "甲公司"], registered_capital=5).to_record(prov_b)
    parent = Enterprise(name="德州集团").to_record(prov_a)
    batch = Batch(
        nodes=[*_source_batch().nodes, first, parent, second],
        edges=[
            make_edge(EdgeKind.SUBSIDIARY_OF, first.id, parent.id, {"stake_pct": 60}, prov_a),
            make_edge(EdgeKind.SUBSIDIARY_OF, first.id, parent.id, {"stake_pct": 70}, prov_b),
        ],
    )
    memory, mem_results, neo_results = _both([batch, batch], empty)
    assert neo_results == mem_results
    assert mem_results[0].nodes_changed == 1  # the repeat of 德州甲公司 changed it
    contents = neo4j_contents(empty)
    assert contents == memory_contents(memory)
    assert contents["nodes"][first.id]["aliases"] == ["甲公司", "甲厂"]
    assert len(contents["edges"][(first.id, parent.id, "SUBSIDIARY_OF")]["provenance"]) == 2


@pytest.mark.parametrize(
    "bad",
    [
        Batch(edges=[make_edge(EdgeKind.FEEDS, "seg:硅片", "seg:不存在")]),
        Batch(edges=[make_edge(EdgeKind.PART_OF, "seg:硅片", "seg:光刻胶")]),
        Batch(nodes=[Segment(name="光刻胶", stage=Stage.UPSTREAM).to_record([Provenance("src:没有")])]),
        Batch(nodes=[NodeRecord(NodeKind.CHAIN, "seg:冒充", {"name": "冒充"})]),
        Batch(edges=[make_edge(EdgeKind.FEEDS, "seg:硅片", "seg:光刻胶", provenance=[Provenance("src:没有")])]),
    ],
    ids=["unknown endpoint", "endpoint kind", "node cites unknown source", "id of another kind", "edge cites unknown"],
)
def test_a_refused_batch_leaves_nothing_and_says_why_like_memory(empty: Neo4jStore, bad: Batch) -> None:
    prov = [Provenance("src:t-1")]
    good = Batch(
        nodes=[
            *_source_batch().nodes,
            Segment(name="硅片", stage=Stage.UPSTREAM).to_record(prov),
            Segment(name="光刻胶", stage=Stage.UPSTREAM).to_record(prov),
        ]
    )
    memory, _, _ = _both([good], empty)
    # the bad records ride with good ones: none of those may land either
    mixed = Batch(nodes=[Segment(name="新环节", stage=Stage.MIDSTREAM).to_record(prov), *bad.nodes], edges=bad.edges)
    before = neo4j_contents(empty)
    with pytest.raises(StoreError) as memory_refusal:
        memory.write(mixed)
    with pytest.raises(StoreError) as neo4j_refusal:
        empty.write(mixed)
    assert not isinstance(neo4j_refusal.value, StoreUnavailable)
    assert str(neo4j_refusal.value) == str(memory_refusal.value)
    assert neo4j_contents(empty) == before == memory_contents(memory)


def test_set_node_props_overwrites_removes_and_refuses_unknown_ids(empty: Neo4jStore) -> None:
    prov = [Provenance("src:t-1")]
    batch = Batch(nodes=[*_source_batch().nodes, Enterprise(name="乙公司", stock_code="600001").to_record(prov)])
    memory, _, _ = _both([batch], empty)
    update = {"ent:乙公司": {"stock_code": None, "registered_capital": 100, "disputed": ["status"]}}
    memory.set_node_props(update)
    empty.set_node_props(update)
    assert neo4j_contents(empty) == memory_contents(memory)
    with pytest.raises(StoreError, match="unknown node 'ent:没有'"):
        empty.set_node_props({"ent:乙公司": {"registered_capital": 1}, "ent:没有": {"x": 1}})
    assert empty.node("ent:乙公司") == memory.node("ent:乙公司")  # all-or-nothing: the first update did not land


def test_empty_lists_are_set_in_several_transactions_when_there_are_many(
    empty: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk import's empty lists go in transactions of EMPTY_LISTS_PER_TX items (a province's
    2.0M nodes overran the server's transaction memory in one); every one of them is set."""
    import chainkg.store.neo4j.store as neo4j_store_module

    prov = [Provenance("src:t-1")]
    names = [f"企业{i}" for i in range(5)]
    enterprises = [Enterprise(name=n, aliases=[f"{n}简称"]).to_record(prov) for n in names]
    batch = Batch(nodes=[*_source_batch().nodes, *enterprises])
    memory, _, _ = _both([batch], empty)
    monkeypatch.setattr(neo4j_store_module, "EMPTY_LISTS_PER_TX", 2)
    transactions = 0
    real = empty.set_node_props

    def counting(updates: dict[str, dict[str, object]]) -> None:
        nonlocal transactions
        transactions += 1
        real(updates)

    monkeypatch.setattr(empty, "set_node_props", counting)
    empty.set_empty_lists([(f"ent:{n}", "aliases") for n in names])
    memory.set_node_props({f"ent:{n}": {"aliases": []} for n in names})
    assert transactions == 3  # 2 + 2 + 1
    assert neo4j_contents(empty) == memory_contents(memory)
    assert all((empty.node(f"ent:{n}") or {}).get("aliases") == [] for n in names)


def test_lookups_by_key_survive_every_lucene_operator(empty: Neo4jStore) -> None:
    """find_ids goes through the keyword full-text index; keys full of query syntax are still exact."""
    names = ['A+B-C&&D||E!(F){G}[H]^"I"~J*K?L:M\\N/O', "有研(北京)", "AND", "*", "有研"]
    prov = [Provenance("src:t-1")]
    batch = Batch(nodes=[*_source_batch().nodes, *(Enterprise(name=n).to_record(prov) for n in names)])
    memory, _, _ = _both([batch], empty)
    for record in batch.nodes:
        for key in record.props["keys"]:  # type: ignore[union-attr]
            assert empty.find_ids(record.kind, key) == memory.find_ids(record.kind, key) == [record.id]
    assert empty.find_ids(NodeKind.ENTERPRISE, "有") == memory.find_ids(NodeKind.ENTERPRISE, "有") == []
    assert empty.find_ids(NodeKind.SEGMENT, "有研") == []
    assert empty.find_ids(NodeKind.ENTERPRISE, "") == []
    for kind in NodeKind:
        assert empty.names(kind) == memory.names(kind)


def test_grams_are_kept_with_the_keys_derived_for_older_databases_and_never_read_back(empty: Neo4jStore) -> None:
    """Search's bigram index: every write keeps ``grams`` = the bigrams of the node's keys (the union
    when keys accumulate); a database written before them gets them when the store connects; no read
    shows them; search finds the same on both stores."""
    from chainkg.queries import search

    prov = [Provenance("src:t-1")]
    first = Enterprise(name="有研新材料", aliases=["有研"]).to_record(prov)
    batch = Batch(nodes=[*_source_batch().nodes, first, Enterprise(name="北方华创").to_record(prov)])
    memory, _, _ = _both([batch], empty)
    again = Enterprise(name="有研新材料", aliases=["有研稀土"]).to_record(prov)
    memory.write(Batch(nodes=[again]))
    empty.write(Batch(nodes=[again]))

    def grams() -> dict[str, list[str]]:
        rows = empty.read(f"MATCH (n:Enterprise) RETURN n.id AS id, n.{GRAMS} AS grams, n.keys AS keys")
        assert all(sorted(r["grams"]) == key_grams(r["keys"]) for r in rows)
        return {r["id"]: sorted(r["grams"]) for r in rows}

    written = grams()
    assert "稀土" in written[first.id]
    assert GRAMS not in (empty.node(first.id) or {}) and empty.node(first.id) == memory.node(first.id)
    labels = "|".join(kind.value for kind in NodeKind)
    with empty._driver.session() as session:  # as a database written before the grams: keys indexed alone
        session.run(f"MATCH (n) REMOVE n.{GRAMS}").consume()
        session.run(f"DROP INDEX {NAMES_INDEX}").consume()
        session.run(f"CREATE FULLTEXT INDEX chainkg_keys FOR (n:{labels}) ON EACH [n.keys]").consume()
    empty.connect()
    assert grams() == written
    names = {r["name"] for r in empty.read("SHOW INDEXES YIELD name")}
    assert NAMES_INDEX in names and "chainkg_keys" not in names  # brought to the one index on connect
    for text in ("有研", "研新材", "有研稀", "华创", "北方华"):
        params = search.Params(text=text)
        assert empty.run(search.QUERY, params) == memory.run(search.QUERY, params), text


def test_manifest_keeps_one_entry_per_input(empty: Neo4jStore) -> None:
    first = ManifestEntry("dataset", "/data/a", "1" * 64, 10, 1, (("x", 1),))
    replaced = ManifestEntry("dataset", "/data/a", "2" * 64, 11, 2)
    other = ManifestEntry("registry", "/data/b.csv", "3" * 64, 12, 3)
    for entry in (first, other, replaced):
        empty.record_input(entry)
    assert empty.manifest() == [other, replaced]
    assert empty.counts().total_nodes == 0  # the bookkeeping node is not part of the graph


def test_clear_leaves_nodes_that_are_not_chainkg_s(empty: Neo4jStore) -> None:
    empty.write(_source_batch())
    empty._driver.execute_query("CREATE (:Visitor {name: 'someone else'})")
    try:
        empty.clear()
        assert empty.counts().total_nodes == 0
        assert empty.read("MATCH (v:Visitor) RETURN count(v) AS n") == [{"n": 1}]
    finally:
        empty._driver.execute_query("MATCH (v:Visitor) DELETE v")


def test_an_unreachable_server_is_unavailable_not_an_error() -> None:
    from tools.neo4j_server import free_port

    store = Neo4jStore(f"bolt://127.0.0.1:{free_port()}", "neo4j", "x", read_retry_seconds=0, write_retry_seconds=0)
    try:
        with pytest.raises(StoreUnavailable, match="is unavailable while connecting"):
            store.connect()
        with pytest.raises(StoreUnavailable, match="unavailable while reading"):
            store.counts()
        with pytest.raises(StoreUnavailable, match=r"while writing batch \d+ \(1 nodes, 0 edges"):
            store.write(_source_batch())
    finally:
        store.close()


def test_wrong_credentials_are_a_store_error_naming_the_settings(neo4j_server: object) -> None:
    store = Neo4jStore(neo4j_server.uri, "neo4j", "not-the-password")  # type: ignore[attr-defined]
    try:
        with pytest.raises(StoreError, match="CHAINKG_NEO4J_PASSWORD") as refused:
            store.connect()
        assert not isinstance(refused.value, StoreUnavailable)
    finally:
        store.close()


def test_open_store_connects_and_fills_an_empty_graph_once(
    neo4j_server: object, empty: Neo4jStore, dezhou: MemoryStore, tmp_path: object
) -> None:
    """``CHAINKG_STORE=neo4j``: no snapshot; an empty graph gets the bundled data, a full one is kept."""
    uri, (user, password) = neo4j_server.uri, neo4j_server.auth  # type: ignore[attr-defined]
    config = Settings(store="neo4j", home=tmp_path, neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    config = config.model_copy(update={"policies": None})  # the dataset alone, as the ``dezhou`` fixture holds it
    opened = open_store(config)
    try:
        assert (opened.origin, opened.store.backend) == ("built", "neo4j")
        assert [report.rejects for report in opened.reports] == [[], []]  # data/dezhou, then data/national
        assert opened.store.counts() == dezhou.counts()
    finally:
        opened.store.close()
    again = open_store(config)
    try:
        assert (again.origin, again.reason, again.reports) == ("neo4j", "", [])
        assert again.store.manifest() == dezhou.manifest()
    finally:
        again.store.close()
    assert not config.snapshot_path.exists()
    with pytest.raises(StateError, match="CHAINKG_NEO4J_PASSWORD"):
        open_store(config.model_copy(update={"neo4j_password": SecretStr("wrong")}))
