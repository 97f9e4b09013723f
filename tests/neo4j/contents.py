"""Everything a store holds, in one comparable shape: for checking that two stores hold the same graph.

Both sides become ``{"nodes": {id: props with kind}, "edges": {(source, target, key): props with
kind}, "manifest": [...]}``; list values stay in their stored order (``provenance`` is stored
sorted by both stores, ``aliases``/``keys`` in merge order), so the comparison is exact.
"""

from __future__ import annotations

from typing import Any

from chainkg.schema.kinds import StoreLabel
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.ddl import DERIVED
from chainkg.store.neo4j.store import Neo4jStore

_ENTITY = StoreLabel.ENTITY.value


def memory_contents(store: MemoryStore) -> dict[str, Any]:
    graph = store.graph
    return {
        "nodes": {node: dict(attrs) for node, attrs in graph.nodes(data=True)},
        "edges": {(u, v, k): dict(attrs) for u, v, k, attrs in graph.edges(keys=True, data=True)},
        "manifest": [m.to_dict() for m in store.manifest()],
    }


def neo4j_contents(store: Neo4jStore) -> dict[str, Any]:
    nodes = {}
    for row in store.read(
        f"MATCH (n:{_ENTITY}) RETURN n.id AS id, [l IN labels(n) WHERE l <> '{_ENTITY}'] AS kinds, "
        "properties(n) AS props"
    ):
        (kind,) = row["kinds"]
        props = {k: v for k, v in row["props"].items() if k not in DERIVED}  # the store's own, for its indexes
        del props["id"]
        nodes[row["id"]] = {"kind": kind, **props}
    edges = {}
    for row in store.read(
        f"MATCH (a:{_ENTITY})-[r]->(b:{_ENTITY}) RETURN a.id AS a, b.id AS b, type(r) AS kind, properties(r) AS props"
    ):
        props = dict(row["props"])
        key = props.pop("key")
        edges[(row["a"], row["b"], key)] = {"kind": row["kind"], **props}
    return {"nodes": nodes, "edges": edges, "manifest": [m.to_dict() for m in store.manifest()]}
