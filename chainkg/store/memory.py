"""The embedded store: the whole graph in one networkx MultiDiGraph, zero set-up.

Layout (the networkx twins of every query rely on it):

- node attributes: ``kind`` (a :class:`NodeKind` value) plus the record's properties;
- edge key: :func:`chainkg.schema.ids.edge_key`; edge attributes: ``kind`` (an :class:`EdgeKind`
  value), the properties, and ``provenance`` — a sorted list of JSON texts, one per source (a
  value: edges with the same sources may share one list, so replace it, never change it in place);
- node provenance: CITES edges node → Source with ``evidence``, ``claims`` (JSON) and ``certainty``.

Neo4j holds exactly the same shape, so the two stores can be compared item by item.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from chainkg.schema.ids import edge_key, kind_of_id
from chainkg.schema.kinds import EDGE_ENDPOINTS, EdgeKind, NodeKind
from chainkg.schema.records import Batch, EdgeRecord, NodeRecord, Provenance
from chainkg.store.gc_pause import gc_paused
from chainkg.store.nx_index import kind_counts
from chainkg.store.protocol import (
    ClaimRow,
    Counts,
    ManifestEntry,
    ParamsT,
    QueryForms,
    ResultT,
    StoreError,
    WriteResult,
)
from chainkg.store.provenance import claims_json, merge_provenance, provenance_json
from chainkg.store.snapshot import read_snapshot, write_snapshot

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
        """Restore from a snapshot; raises :class:`chainkg.store.snapshot.SnapshotError` if unusable."""
        with gc_paused():  # the graph and its name index are millions of long-lived objects
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
        for record in batch.nodes:
            self._merge_node(record, result)
        adjacency = _Adjacency(self.graph)
        key = edge_key(EdgeKind.CITES)
        for record in batch.nodes:
            for prov in merge_provenance(record.provenance):
                attrs = {
                    "kind": _CITES,
                    "evidence": prov.evidence,
                    "claims": claims_json(prov.claims),
                    "certainty": prov.certainty.value,
                }
                existing = adjacency.get(record.id, prov.source, key)
                if existing is None:
                    adjacency.add(record.id, prov.source, key, attrs)
                    result.edges_created += 1
                elif existing != attrs:
                    existing.clear()
                    existing.update(attrs)
                    result.edges_changed += 1
        self._merge_edges(batch.edges, result, adjacency)
        adjacency.done()
        return result

    def _check_batch(self, batch: Batch) -> None:
        """Refuse the whole batch before touching the graph, so a bad batch leaves no half."""
        # Runs for both ends of every edge written, so lookups are hoisted and ids known to exist
        # are remembered for the batch; the checks and their messages are unchanged.
        graph = self.graph
        nodes = graph.nodes
        exists = graph._node if type(graph) is nx.MultiDiGraph else graph  # a dict answers `in` faster
        pending = {n.id for n in batch.nodes}
        known: dict[str, NodeKind] = {}  # id → kind, for ids already found to exist
        cited: set[str] = set()  # cited sources already found to exist
        for node in batch.nodes:
            if _kind_of(node.id) is not node.kind:
                raise StoreError(f"node {node.id!r} has kind {node.kind.value} but its id says otherwise")
            existing = nodes.get(node.id)
            if existing is not None and existing["kind"] != node.kind.value:
                raise StoreError(f"node {node.id!r} exists as {existing['kind']}, not {node.kind.value}")
            for prov in node.provenance:
                if prov.source not in cited:
                    if prov.source not in exists and prov.source not in pending:
                        raise StoreError(f"node {node.id!r} cites unknown source {prov.source!r}")
                    cited.add(prov.source)
        for edge in batch.edges:
            sources, targets = EDGE_ENDPOINTS[edge.kind]
            for end, allowed in ((edge.source, sources), (edge.target, targets)):
                end_kind = known.get(end)
                if end_kind is None:
                    if end not in exists and end not in pending:
                        raise StoreError(
                            f"{edge.kind.value} edge {edge.source!r} → {edge.target!r}: {end!r} does not exist"
                        )
                    end_kind = known[end] = _kind_of(end)
                if end_kind not in allowed:
                    raise StoreError(
                        f"{edge.kind.value} edge cannot join {edge.source!r} → {edge.target!r} "
                        f"(allowed: {sorted(k.value for k in sources)} → {sorted(k.value for k in targets)})"
                    )
            for prov in edge.provenance:
                if prov.source in cited:
                    continue
                if prov.source not in known and prov.source not in exists and prov.source not in pending:
                    raise StoreError(
                        f"{edge.kind.value} edge {edge.source!r} → {edge.target!r} cites unknown source {prov.source!r}"
                    )
                cited.add(prov.source)

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

    def _merge_edges(self, edges: list[EdgeRecord], result: WriteResult, adjacency: _Adjacency) -> None:
        # One loop with its lookups hoisted: this runs for every edge of a load. A record's edges
        # arrive together and cite the same Provenance object, so its text is reused while it lasts.
        get, add = adjacency.get, adjacency.add
        last: Provenance | None = None
        last_texts: list[str] = []
        for edge in edges:
            existing = get(edge.source, edge.target, edge.key)
            prov = edge.provenance
            if len(prov) == 1 and prov[0] is last:
                provenance = last_texts
            elif len(prov) == 1:
                last = prov[0]
                provenance = last_texts = _shared_list([provenance_json(last)])
            else:
                provenance = _shared_list(sorted({provenance_json(p) for p in prov}))
            if existing is None:
                attrs = {"kind": _EDGE_VALUE[edge.kind], **edge.props}
                attrs["provenance"] = provenance
                add(edge.source, edge.target, edge.key, attrs)
                result.edges_created += 1
                continue
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
        """Count mutations, so derived indexes (:mod:`chainkg.store.nx_index`) know when to rebuild."""
        self.graph.graph["version"] = self.graph.graph.get("version", 0) + 1

    def clear(self) -> None:
        self.graph = nx.MultiDiGraph()
        self._manifest = []
        self._keys = {}

    # --- reading ---------------------------------------------------------------------------

    def run(self, query: QueryForms[ParamsT, ResultT], params: ParamsT) -> ResultT:
        return query.networkx(self.graph, params)

    def counts(self) -> Counts:
        nodes, edges = kind_counts(self.graph)  # once per graph version
        return Counts(dict(nodes), dict(edges))

    def edge_count(self, kind: EdgeKind) -> int:
        return sum(1 for _, _, k in self.graph.edges(data="kind") if k == kind.value)

    def node(self, node_id: str) -> dict[str, Any] | None:
        attrs = self.graph.nodes.get(node_id)
        return dict(attrs) if attrs is not None else None

    def nodes(self, node_ids: list[str]) -> dict[str, dict[str, Any]]:
        table = self.graph._node
        return {n: dict(table[n]) for n in node_ids if n in table}

    def find_ids(self, kind: NodeKind, key: str) -> list[str]:
        return sorted(self._keys.get(kind.value, {}).get(key, ()))

    def names(self, kind: NodeKind) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, ids in self._keys.get(kind.value, {}).items():
            out[key] = min(ids)
        return out

    def claims(self, node_ids: list[str]) -> list[ClaimRow]:
        rows: list[ClaimRow] = []
        succ, table = self.graph._succ, self.graph._node  # the adjacency itself: loads ask for thousands
        cites = _CITES
        for node_id in node_ids:
            out = succ.get(node_id)
            if out is None:
                continue
            for source, keydict in out.items():
                for attrs in keydict.values():
                    if attrs.get("kind") != cites:
                        continue
                    src = table[source]
                    text = attrs.get("claims") or "{}"
                    prov = Provenance(
                        source=source,
                        evidence=attrs.get("evidence", ""),
                        claims=() if text == "{}" else tuple(sorted(json.loads(text).items())),
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


class _Adjacency:
    """Edge lookup and insertion for a batch whose endpoints are known to exist (checked first).

    ``MultiDiGraph.add_edge`` re-checks both nodes, builds a kwargs dict and clears networkx's cache
    on every call — a fifth of a large load. For a plain MultiDiGraph this writes the very same
    adjacency (``succ[u][v][key] = attrs``, the key dict shared with ``pred[v][u]``) directly and
    clears the cache once per batch; any other graph class goes through the public API.
    """

    __slots__ = ("direct", "graph", "pred", "succ")

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph
        self.direct = type(graph) is nx.MultiDiGraph
        self.succ: dict[str, dict[str, dict[str, dict[str, Any]]]] = graph._succ
        self.pred: dict[str, dict[str, dict[str, dict[str, Any]]]] = graph._pred

    def get(self, u: str, v: str, key: str) -> dict[str, Any] | None:
        keydict = self.succ[u].get(v)
        return None if keydict is None else keydict.get(key)

    def add(self, u: str, v: str, key: str, attrs: dict[str, Any]) -> None:
        if not self.direct:
            self.graph.add_edge(u, v, key=key, **attrs)
            return
        keydict = self.succ[u].get(v)
        if keydict is None:
            keydict = self.succ[u][v] = {}
            self.pred[v][u] = keydict
        keydict[key] = attrs

    def done(self) -> None:
        cache = getattr(self.graph, "__networkx_cache__", None)
        if cache:
            cache.clear()


_CITES = EdgeKind.CITES.value
_EDGE_VALUE = {kind: kind.value for kind in EdgeKind}  # an enum's .value is a slow descriptor
_KIND_OF_PREFIX = {kind.prefix: kind for kind in NodeKind}


def _kind_of(node_id: str) -> NodeKind:
    """:func:`kind_of_id` with the common case inline; a malformed id still raises its ValueError."""
    prefix, _, rest = node_id.partition(":")
    kind = _KIND_OF_PREFIX.get(prefix)
    if kind is None or not rest:
        return kind_of_id(node_id)
    return kind


_LISTS_MAX = 100_000
_lists: dict[tuple[str, ...], list[str]] = {}


def _shared_list(texts: list[str]) -> list[str]:
    """One list object per distinct provenance: most edges of a load cite the same few sources,
    and a list per edge was a tenth of the graph's memory. Provenance lists are values — replaced,
    never changed in place (``graph.copy()`` shares them between copies too)."""
    key = tuple(texts)
    shared = _lists.get(key)
    if shared is None:
        if len(_lists) >= _LISTS_MAX:
            _lists.clear()
        shared = _lists[key] = texts
    return shared
