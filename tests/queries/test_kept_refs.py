"""``kept_refs``: node references made once per graph version, and made again after any write."""

from __future__ import annotations

import networkx as nx

from chainkg.queries.common import kept_refs, node_ref
from chainkg.schema.kinds import NodeKind
from chainkg.store.memory import MemoryStore


def test_a_reference_is_made_once_per_graph_version_and_again_after_a_write() -> None:
    store = MemoryStore()
    graph: nx.MultiDiGraph[str] = store.graph
    graph.add_node("ent:甲公司", kind=NodeKind.ENTERPRISE.value, name="甲公司")
    first = kept_refs(graph)("ent:甲公司")
    assert first == node_ref(graph, "ent:甲公司")
    assert kept_refs(graph)("ent:甲公司") is first, "kept, not made again"

    store.set_node_props({"ent:甲公司": {"name": "甲股份公司"}})  # a write: a new graph version
    renamed = kept_refs(graph)("ent:甲公司")
    assert renamed.name == "甲股份公司" and first.name == "甲公司"
