"""The embedded store: idempotent merges, all-or-nothing batches, snapshots that refuse to lie."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest

from chainkg.queries import stats
from chainkg.schema import SCHEMA_VERSION
from chainkg.schema.kinds import EdgeKind, Stage
from chainkg.schema.models import Chain, Segment, Source, make_edge
from chainkg.schema.records import Batch, Provenance
from chainkg.store.memory import MemoryStore
from chainkg.store.protocol import GraphStore, StoreError
from chainkg.store.snapshot import FORMAT_VERSION, MAGIC, SnapshotError


def _batch() -> Batch:
    source = Source(name="测试来源", key="t-1", date="2024-01-01")
    prov = [Provenance(source.id, "测试")]
    chain = Chain(name="集成电路")
    seg = Segment(name="硅片", stage=Stage.UPSTREAM)
    return Batch(
        nodes=[source.to_record(), chain.to_record(prov), seg.to_record(prov)],
        edges=[make_edge(EdgeKind.PART_OF, seg.id, chain.id, provenance=prov)],
    )


def test_memory_store_satisfies_the_protocol() -> None:
    assert isinstance(MemoryStore(), GraphStore)


def test_write_twice_is_a_no_op() -> None:
    store = MemoryStore()
    first = store.write(_batch())
    assert (first.nodes_created, first.edges_created) == (3, 3)  # 2 CITES + PART_OF
    second = store.write(_batch())
    assert second.touched == 0
    assert store.counts().nodes == {"Chain": 1, "Segment": 1, "Source": 1}


def test_aliases_accumulate_across_writes() -> None:
    store = MemoryStore()
    store.write(_batch())
    prov = [Provenance("src:t-1")]
    store.write(Batch(nodes=[Segment(name="硅片", stage=Stage.UPSTREAM, aliases=["硅晶圆"]).to_record(prov)]))
    assert store.node("seg:硅片")["aliases"] == ["硅晶圆"]  # type: ignore[index]
    assert store.find_ids(Segment.kind, "硅晶圆") == ["seg:硅片"]


def test_bad_batch_changes_nothing() -> None:
    store = MemoryStore()
    store.write(_batch())
    before = nx.node_link_data(store.graph, edges="links")
    bad = Batch(
        nodes=[Segment(name="光刻胶", stage=Stage.UPSTREAM).to_record([Provenance("src:t-1")])],
        edges=[make_edge(EdgeKind.FEEDS, "seg:光刻胶", "seg:不存在")],
    )
    with pytest.raises(StoreError, match="does not exist"):
        store.write(bad)
    assert nx.node_link_data(store.graph, edges="links") == before


def test_edge_endpoint_kinds_are_enforced() -> None:
    store = MemoryStore()
    store.write(_batch())
    with pytest.raises(StoreError, match="cannot join"):
        store.write(Batch(edges=[make_edge(EdgeKind.FEEDS, "seg:硅片", "chain:集成电路")]))


def test_unknown_source_is_refused() -> None:
    store = MemoryStore()
    with pytest.raises(StoreError, match="unknown source"):
        store.write(Batch(nodes=[Chain(name="x").to_record([Provenance("src:nope")])]))


def test_snapshot_round_trip(dezhou: MemoryStore, tmp_path: Path) -> None:
    path = tmp_path / "g.snapshot"
    dezhou.save(path)
    restored = MemoryStore.open(path)
    assert nx.utils.graphs_equal(restored.graph, dezhou.graph)
    assert restored.run(stats.QUERY, stats.Params()) == dezhou.run(stats.QUERY, stats.Params())
    assert restored.find_ids(Segment.kind, "硅晶圆") == ["seg:硅片"]  # name index rebuilt


def _corrupt_variants(path: Path) -> dict[str, bytes]:
    data = path.read_bytes()
    flipped = bytearray(data)
    flipped[-100] ^= 0xFF
    return {
        "bit flip in payload": bytes(flipped),
        "truncated": data[: len(data) // 2],
        "bad magic": b"NOT-A-SNAPSHOT\n" + data[len(MAGIC) :],
        "garbled header": MAGIC + b"{not json\n" + data.split(b"\n", 2)[2],
        "empty": b"",
    }


@pytest.mark.parametrize("damage", ["bit flip in payload", "truncated", "bad magic", "garbled header", "empty"])
def test_corrupt_snapshot_is_detected(dezhou: MemoryStore, tmp_path: Path, damage: str) -> None:
    path = tmp_path / "g.snapshot"
    dezhou.save(path)
    path.write_bytes(_corrupt_variants(path)[damage])
    with pytest.raises(SnapshotError) as info:
        MemoryStore.open(path)
    assert info.value.reason == "corrupt"


def test_snapshot_of_another_schema_version_is_incompatible(dezhou: MemoryStore, tmp_path: Path) -> None:
    path = tmp_path / "g.snapshot"
    dezhou.save(path)
    data = path.read_bytes().replace(b'"schema": "1"', b'"schema": "0"', 1)
    path.write_bytes(data)
    with pytest.raises(SnapshotError) as info:
        MemoryStore.open(path)
    assert info.value.reason == "incompatible"


def test_snapshot_write_is_atomic(dezhou: MemoryStore, tmp_path: Path) -> None:
    path = tmp_path / "g.snapshot"
    dezhou.save(path)
    dezhou.save(path)
    assert sorted(os.listdir(tmp_path)) == ["g.snapshot"]  # no temp files left behind


def test_an_opened_snapshot_knows_its_counts_and_manifest_before_its_graph_is_built(
    dezhou: MemoryStore, tmp_path: Path
) -> None:
    path = tmp_path / "g.snapshot"
    dezhou.save(path)
    opened = MemoryStore.open(path)
    assert opened.counts() == dezhou.counts()  # from the header while the graph is built, or from the graph
    assert opened.manifest() == dezhou.manifest()
    graph = opened.graph  # waits for it
    assert nx.utils.graphs_equal(graph, dezhou.graph)
    u, v = next(iter(graph.edges()))
    assert graph._succ[u][v] is graph._pred[v][u]  # one key dict per pair, shared as networkx shares it
    assert graph._adj is graph._succ


def test_a_payload_that_is_no_graph_is_corrupt_when_it_is_built(tmp_path: Path) -> None:
    """The checksum matches (the writer wrote what it meant to), the content is not a chainkg graph:
    refused when the graph is needed, as corrupt."""
    import hashlib
    import json
    import pickle

    payload = pickle.dumps({"not": "a graph"})
    header = {
        "format": FORMAT_VERSION,
        "schema": SCHEMA_VERSION,
        "manifest": [],
        "counts": {"nodes": {}, "edges": {}},
        "payload_bytes": len(payload),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }
    path = tmp_path / "g.snapshot"
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + payload)
    opened = MemoryStore.open(path)
    with pytest.raises(SnapshotError) as info:
        opened.wait()
    assert info.value.reason == "corrupt"


def test_a_snapshot_keeps_no_view_the_graph_had_cached(dezhou: MemoryStore, tmp_path: Path) -> None:
    """networkx caches views on the instance (``graph.nodes``, ``.succ``); pickled in the head, each
    carried a whole table, read before the lazy open could start, and went stale after a write."""
    store = MemoryStore(dezhou.graph.copy(), dezhou.manifest())
    _ = store.graph.nodes, store.graph.succ, store.graph.pred, store.graph.adj  # cached on the instance
    path = tmp_path / "g.snapshot"
    store.save(path)
    graph = MemoryStore.open(path).graph
    assert set(vars(graph)) <= {"graph", "_node", "_adj", "_succ", "_pred", "__networkx_cache__"}
    graph.add_node("chain:新加的链", kind="Chain")
    assert "chain:新加的链" in graph.nodes and "chain:新加的链" in graph.succ
