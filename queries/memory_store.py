"""The embedded store: the whole graph in one networkx MultiDiGraph, zero set-up.

Layout (the networkx twins of every query rely on it):

- node attributes: ``kind`` (a :class:`NodeKind` value) plus the record's properties;
- edge key: :func:`graph_schema.ids.edge_key`; edge attributes: ``kind`` (an :class:`EdgeKind`
  value), the properties, and ``provenance`` — a sorted list of JSON texts, one per source;
- node provenance: CITES edges node → Source with ``evidence``, ``claims`` (JSON) and ``certainty``.

Neo4j holds exactly the same shape, so the two stores can be compared item by item.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import networkx as nx
from pydantic import BaseModel

from graph_schema.ids import edge_key, kind_of_id
from graph_schema.kinds import EDGE_ENDPOINTS, EdgeKind, NodeKind
from graph_schema.records import Batch, EdgeRecord, NodeRecord, Provenance
from queries.snapshot import read_snapshot, write_snapshot
from queries.store import ClaimRow, Counts, ManifestEntry, StoreError, WriteResult

__all__ = ["MemoryStore"]

#: List properties that accumulate across loads instead of being replaced (aliases from a registry
#: and from the curated data both stay).
_UNION_LISTS = ("aliases", "keys")


class MemoryStore:
    backend = "memory"

    def __init__(self, graph: nx.MultiDiGraph | None = None, manifest: list[ManifestEntry] | None = None):
        self.graph: nx.MultiDiGraph = graph if graph is not None else nx.MultiDiGraph()
        self._manifest: list[ManifestEntry] = list(manifest or [])
        self._keys: dict[str, dict[str, set[str]]] = {}
        self._rebuild_index()

    # --- persistence -----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> MemoryStore:
        """Restore from a snapshot; raises :class:`queries.snapshot.SnapshotError` if unusable."""
        graph, manifest = read_snapshot(path)
        return cls(graph, [ManifestEntry.from_dict(m) for m in manifest])

    def save(self, path: Path) -> None:
        write_snapshot(path, self.graph, [m.to_dict() for m in self._manifest], self.counts())

    def close(self) -> None:
        """Nothing to release; present for the protocol."""

    # --- writing ---------------------------------------------------------------------------

    def write(self, batch: Batch) -> WriteResult:
        self._check_batch(batch)
        self._bump()
        result = WriteResult()
        graph = self.graph
        for record in batch.nodes:
            self._merge_node(record, result)
        for record in batch.nodes:
            for prov in _merge_provenance(record.provenance):
                attrs = {
                    "kind": EdgeKind.CITES.value,
                    "evidence": prov.evidence,
                    "claims": json.dumps(dict(prov.claims), ensure_ascii=False, sort_keys=True),
                    "certainty": prov.certainty.value,
                }
                key = edge_key(EdgeKind.CITES)
                existing = graph.get_edge_data(record.id, prov.source, key)
                if existing is None:
                    graph.add_edge(record.id, prov.source, key=key, **attrs)
                    result.edges_created += 1
                elif existing != attrs:
                    existing.clear()
                    existing.update(attrs)
                    result.edges_changed += 1
        for edge in batch.edges:
            self._merge_edge(edge, result)
        return result

    def _check_batch(self, batch: Batch) -> None:
        """Refuse the whole batch before touching the graph, so a bad batch leaves no half."""
        pending = {n.id for n in batch.nodes}
        for node in batch.nodes:
            if kind_of_id(node.id) is not node.kind:
                raise StoreError(f"node {node.id!r} has kind {node.kind.value} but its id says otherwise")
            existing = self.graph.nodes.get(node.id)
            if existing is not None and existing["kind"] != node.kind.value:
                raise StoreError(f"node {node.id!r} exists as {existing['kind']}, not {node.kind.value}")
            for prov in node.provenance:
                if prov.source not in self.graph and prov.source not in pending:
                    raise StoreError(f"node {node.id!r} cites unknown source {prov.source!r}")
        for edge in batch.edges:
            sources, targets = EDGE_ENDPOINTS[edge.kind]
            for end, allowed in ((edge.source, sources), (edge.target, targets)):
                if end not in self.graph and end not in pending:
                    raise StoreError(
                        f"{edge.kind.value} edge {edge.source!r} → {edge.target!r}: {end!r} does not exist"
                    )
                if kind_of_id(end) not in allowed:
                    raise StoreError(
                        f"{edge.kind.value} edge cannot join {edge.source!r} → {edge.target!r} "
                        f"(allowed: {sorted(k.value for k in sources)} → {sorted(k.value for k in targets)})"
                    )
            for prov in edge.provenance:
                if prov.source not in self.graph and prov.source not in pending:
                    raise StoreError(
                        f"{edge.kind.value} edge {edge.source!r} → {edge.target!r} cites unknown source {prov.source!r}"
                    )

    def _merge_node(self, record: NodeRecord, result: WriteResult) -> None:
        graph = self.graph
        attrs = graph.nodes.get(record.id)
        if attrs is None:
            graph.add_node(
                record.id, kind=record.kind.value, **{k: v for k, v in record.props.items() if v is not None}
            )
            self._index(record.id, record.kind.value, record.props.get("keys"))
            result.nodes_created += 1
            return
        before = dict(attrs)
        for name, value in record.props.items():
            if value is None:
                continue
            if name in _UNION_LISTS and isinstance(value, list):
                old = attrs.get(name) or []
                attrs[name] = old + [v for v in value if v not in old]
            else:
                attrs[name] = value
        if attrs != before:
            self._index(record.id, record.kind.value, attrs.get("keys"))
            result.nodes_changed += 1

    def _merge_edge(self, edge: EdgeRecord, result: WriteResult) -> None:
        existing = self.graph.get_edge_data(edge.source, edge.target, edge.key)
        provenance = sorted({p.to_json() for p in edge.provenance})
        if existing is None:
            attrs = {"kind": edge.kind.value, **edge.props}
            attrs["provenance"] = provenance
            self.graph.add_edge(edge.source, edge.target, key=edge.key, **attrs)
            result.edges_created += 1
            return
        before = dict(existing)
        existing.update(edge.props)
        existing["provenance"] = sorted(set(existing.get("provenance", [])) | set(provenance))
        if existing != before:
            result.edges_changed += 1

    def set_node_props(self, updates: dict[str, dict[str, Any]]) -> None:
        self._bump()
        for node_id, props in updates.items():
            attrs = self.graph.nodes.get(node_id)
            if attrs is None:
                raise StoreError(f"cannot update unknown node {node_id!r}")
            for name, value in props.items():
                if value is None:
                    attrs.pop(name, None)
                else:
                    attrs[name] = value

    def record_input(self, entry: ManifestEntry) -> None:
        self._manifest = [m for m in self._manifest if (m.loader, m.path) != (entry.loader, entry.path)]
        self._manifest.append(entry)

    def _bump(self) -> None:
        """Count mutations, so derived indexes (:mod:`queries.nx_index`) know when to rebuild."""
        self.graph.graph["version"] = self.graph.graph.get("version", 0) + 1

    def clear(self) -> None:
        self.graph = nx.MultiDiGraph()
        self._manifest = []
        self._keys = {}

    # --- reading ---------------------------------------------------------------------------

    def run(self, query: ModuleType, params: BaseModel) -> BaseModel:
        return query.run_networkx(self.graph, params)

    def counts(self) -> Counts:
        nodes = Counter(kind for _, kind in self.graph.nodes(data="kind"))
        edges = Counter(kind for _, _, kind in self.graph.edges(data="kind"))
        return Counts(dict(sorted(nodes.items())), dict(sorted(edges.items())))

    def edge_count(self, kind: EdgeKind) -> int:
        return sum(1 for _, _, k in self.graph.edges(data="kind") if k == kind.value)

    def node(self, node_id: str) -> dict[str, Any] | None:
        attrs = self.graph.nodes.get(node_id)
        return dict(attrs) if attrs is not None else None

    def find_ids(self, kind: NodeKind, key: str) -> list[str]:
        return sorted(self._keys.get(kind.value, {}).get(key, ()))

    def names(self, kind: NodeKind) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, ids in self._keys.get(kind.value, {}).items():
            out[key] = min(ids)
        return out

    def claims(self, node_ids: list[str]) -> list[ClaimRow]:
        rows: list[ClaimRow] = []
        graph = self.graph
        for node_id in node_ids:
            if node_id not in graph:
                continue
            for _, source, attrs in graph.out_edges(node_id, data=True):
                if attrs.get("kind") != EdgeKind.CITES.value:
                    continue
                src = graph.nodes[source]
                prov = Provenance(
                    source=source,
                    evidence=attrs.get("evidence", ""),
                    claims=tuple(sorted(json.loads(attrs.get("claims") or "{}").items())),
                )
                rows.append(ClaimRow(node_id, prov, src.get("date"), int(src.get("authority", 0))))
        return rows

    def manifest(self) -> list[ManifestEntry]:
        return list(self._manifest)

    # --- name index ------------------------------------------------------------------------

    def _rebuild_index(self) -> None:
        self._keys = {}
        for node_id, attrs in self.graph.nodes(data=True):
            self._index(node_id, attrs["kind"], attrs.get("keys"))

    def _index(self, node_id: str, kind: str, keys: Any) -> None:
        table = self._keys.setdefault(kind, {})
        for key in keys or ():
            table.setdefault(key, set()).add(node_id)


def _merge_provenance(provenance: list[Provenance]) -> list[Provenance]:
    """One CITES edge per source: several entries from the same source are folded together."""
    by_source: dict[str, Provenance] = {}
    for prov in provenance:
        old = by_source.get(prov.source)
        if old is None:
            by_source[prov.source] = prov
            continue
        evidence = "；".join(e for e in dict.fromkeys([old.evidence, prov.evidence]) if e)
        claims = tuple(sorted({**dict(old.claims), **dict(prov.claims)}.items()))
        certainty = min(old.certainty, prov.certainty, key=lambda c: c != c.STATED)
        by_source[prov.source] = Provenance(prov.source, evidence, claims, certainty)
    return [by_source[s] for s in sorted(by_source)]
