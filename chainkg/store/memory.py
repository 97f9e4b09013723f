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

from chainkg.schema.ids import edge_key
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.records import Batch, EdgeRecord, NodeRecord, Provenance
from chainkg.store.checks import check_batch
from chainkg.store.gc_pause import gc_paused
from chainkg.store.graph_tables import node_table, pred_table, succ_table
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
from chainkg.store.snapshot import PendingGraph, kept_key, open_snapshot, write_snapshot

__all__ = ["MemoryStore"]

#: List properties that accumulate across loads instead of being replaced (aliases from a registry
#: and from the curated data both stay).
_UNION_LISTS = ("aliases", "keys")


class MemoryStore:
    backend = "memory"

    def __init__(self, graph: nx.MultiDiGraph[str] | None = None, manifest: list[ManifestEntry] | None = None):
        self._graph: nx.MultiDiGraph[str] = graph if graph is not None else nx.MultiDiGraph()
        self._pending: PendingGraph | None = None
        self._header_counts: Counts | None = None
        self._manifest: list[ManifestEntry] = list(manifest or [])
        self._keys_built: dict[str, dict[str, set[str]]] | None = None
        #: Kept answers of the opened snapshot (:mod:`chainkg.store.snapshot`) and the graph version they
        #: hold for: served while the graph is built, and after until the first write changes it.
        self._answers: dict[str, str] = {}
        self._kept_nodes: dict[str, dict[str, Any]] = {}
        self._opened_version: int | None = None

    @property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The networkx graph; right after :meth:`open` this waits until the snapshot's graph is built."""
        pending = self._pending  # read once: another thread may clear it meanwhile
        if pending is not None:
            graph = pending.result()  # raises SnapshotError if it cannot be built
            if self._opened_version is None:
                self._opened_version = graph.graph.get("version", 0)
            self._graph, self._pending = graph, None
            return graph
        return self._graph

    @graph.setter
    def graph(self, value: nx.MultiDiGraph[str]) -> None:
        self._pending = None
        self._graph = value
        self._answers, self._kept_nodes, self._opened_version = {}, {}, None

    @property
    def building(self) -> bool:
        """Whether the graph of the opened snapshot is still being built (kept answers and counts are
        served meanwhile; everything else waits for it)."""
        pending = self._pending
        return pending is not None and not pending.done

    def _as_opened(self) -> bool:
        """Whether the graph is still the snapshot's as it was saved: being built, or built and unchanged."""
        pending = self._pending
        if pending is not None and not pending.done:
            return True
        if self._opened_version is None and pending is None:
            return False  # not opened from a snapshot
        return bool(self.graph.graph.get("version", 0) == self._opened_version)

    # --- persistence -----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> MemoryStore:
        """Restore from a snapshot; raises :class:`chainkg.store.snapshot.SnapshotError` if unusable.

        The whole file is checked (versions, length, checksum) before this returns; the graph is then
        built in the background (:class:`~chainkg.store.snapshot.PendingGraph`): the manifest and the
        counts are known at once, and anything that needs the graph waits for it.
        """
        pending = open_snapshot(path)
        store = cls(manifest=[ManifestEntry.from_dict(m) for m in pending.header["manifest"]])
        store._pending = pending
        store._answers, store._kept_nodes = pending.answers, pending.nodes
        counts = pending.header.get("counts") or {}
        store._header_counts = Counts(dict(counts.get("nodes", {})), dict(counts.get("edges", {})))
        return store

    def wait(self) -> MemoryStore:
        """Wait until the graph is built (after :meth:`open`); returns ``self``."""
        _ = self.graph
        return self

    def save(self, path: Path, answers: dict[str, str] | None = None) -> None:
        """Write the snapshot; ``answers`` (:func:`~chainkg.store.snapshot.kept_key` → result JSON, of
        this graph) are kept in it and served by a store opened from it while its graph is built."""
        write_snapshot(path, self.graph, [m.to_dict() for m in self._manifest], self.counts(), answers)

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
        stored = node_table(self.graph) if type(self.graph) is nx.MultiDiGraph else self.graph.nodes

        def stored_kind(node_id: str) -> str | None:
            attrs = stored.get(node_id)
            return None if attrs is None else attrs["kind"]

        check_batch(batch, stored_kind)

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
        self._keys_built = {}

    # --- reading ---------------------------------------------------------------------------

    def run(self, query: QueryForms[ParamsT, ResultT], params: ParamsT) -> ResultT:
        if self._answers and self._as_opened():
            kept = self._answers.get(kept_key(query.name, params))
            result_type = getattr(query, "result", None)
            if kept is not None and result_type is not None:
                answer: ResultT = result_type.model_validate_json(kept)
                return answer
        return query.networkx(self.graph, params)

    def counts(self) -> Counts:
        if self._header_counts is not None and self._as_opened():  # the counts it was saved with
            return Counts(dict(self._header_counts.nodes), dict(self._header_counts.edges))
        nodes, edges = kind_counts(self.graph)  # once per graph version
        return Counts(dict(nodes), dict(edges))

    def edge_count(self, kind: EdgeKind) -> int:
        return sum(1 for _, _, k in self.graph.edges(data="kind", default="") if k == kind.value)

    def node(self, node_id: str) -> dict[str, Any] | None:
        kept = self._kept_nodes.get(node_id) if self._kept_nodes else None
        if kept is not None and self._as_opened():  # a chain, segment or place: known before the graph is built
            return dict(kept)
        attrs = self.graph.nodes.get(node_id)
        return dict(attrs) if attrs is not None else None

    def nodes(self, node_ids: list[str]) -> dict[str, dict[str, Any]]:
        table = node_table(self.graph)
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
        succ, table = succ_table(self.graph), node_table(self.graph)  # the adjacency itself: loads ask for thousands
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

    @property
    def _keys(self) -> dict[str, dict[str, set[str]]]:
        """kind → key → ids: built on first use (name lookups are for loaders; ``serve`` rarely needs it)."""
        if self._keys_built is None:
            keys: dict[str, dict[str, set[str]]] = {}
            with gc_paused():
                for node_id, attrs in self.graph.nodes(data=True):
                    table = keys.setdefault(attrs["kind"], {})
                    for key in attrs.get("keys") or ():
                        table.setdefault(key, set()).add(node_id)
            self._keys_built = keys
        return self._keys_built

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

    def __init__(self, graph: nx.MultiDiGraph[str]):
        self.graph = graph
        self.direct = type(graph) is nx.MultiDiGraph
        self.succ: dict[str, dict[str, dict[str, dict[str, Any]]]] = succ_table(graph)
        self.pred: dict[str, dict[str, dict[str, dict[str, Any]]]] = pred_table(graph)

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
