"""Snapshot files: the embedded store's graph on disk, so ``serve`` starts without re-parsing inputs.

Format: a magic line, one JSON header line, then the payload. The header carries the format and
schema versions, the manifest of inputs the graph was built from, the counts, and the payload's
length and SHA-256. A snapshot is refused — never half-read — when the magic, header, versions,
length or checksum do not match; the checksum is verified before anything is unpickled, so a
truncated or bit-flipped file is detected rather than served.

The payload (format 2) is one pickle stream of many small pickles sharing one memo: a head (the
graph's own attributes and the number of chunks), then the node table, the successors and the
predecessors of the networkx graph in chunks of :data:`CHUNK` entries. Objects shared across chunks
(a key dict sits in both the successors and the predecessors; provenance lists and texts are shared
by many edges) stay shared. Why chunks: a province's graph is some hundred million objects and one
``pickle.loads`` of it holds the interpreter lock for half a minute. Read chunk by chunk
(:class:`PendingGraph`, in a background thread) it lets ``serve`` answer while the graph is being
built: everything that needs the graph waits for it, and what the header knows (counts, manifest)
is known at once.

Format 3 adds **kept answers** to the head: the answers of the calls a user makes first (the start
pages: each chain's gap analysis and map at the home city, the overview, the statistics — chosen by
the app, :mod:`chainkg.app.warmup`), computed from this very graph when it was saved, as JSON texts
keyed by query name and parameters, with a digest of the code that computed them. They are read
with the head, before :func:`open_snapshot` returns, so the store answers those calls at once while
the graph is built (:meth:`chainkg.store.memory.MemoryStore.run`); answers of other code (an
upgraded chainkg) are dropped, not served. Format 2 snapshots (no answers) are still read.

Snapshots are a local cache written by chainkg itself (like ``.pyc`` files): open only your own.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import mmap
import pickle
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import networkx as nx
from pydantic import BaseModel

from chainkg.schema import SCHEMA_VERSION
from chainkg.schema.kinds import NodeKind
from chainkg.store.files import atomic_write
from chainkg.store.gc_pause import gc_paused

if TYPE_CHECKING:
    from chainkg.store.protocol import Counts

__all__ = [
    "FORMAT_VERSION",
    "PendingGraph",
    "SnapshotError",
    "code_digest",
    "kept_key",
    "open_snapshot",
    "read_header",
    "read_snapshot",
    "write_snapshot",
]

MAGIC = b"CHAINKG-SNAPSHOT\n"
FORMAT_VERSION = 3
#: Formats this code reads: 2 is 3 without kept answers.
READABLE_FORMATS = (2, 3)
#: Kinds of the nodes whose attributes are also kept beside the answers (a province has a few thousand
#: of them): the ids those answers are asked with (chains, segments, places) are known to exist at once.
KEPT_NODE_KINDS = frozenset(k.value for k in (NodeKind.CHAIN, NodeKind.SEGMENT, NodeKind.REGION, NodeKind.PARK))
#: Entries of the node table, the successors or the predecessors per pickle of the payload.
CHUNK = 2_000
_HEAD = "chainkg-graph"
_TABLES = ("_node", "_succ", "_pred")


class SnapshotError(RuntimeError):
    """A snapshot that must not be served. ``reason`` is one of missing, corrupt, incompatible."""

    def __init__(self, path: Path, reason: str, detail: str):
        super().__init__(f"snapshot {path}: {reason}: {detail}")
        self.path = path
        self.reason = reason
        self.detail = detail


def kept_key(query: str, params: BaseModel) -> str:
    """The key of a kept answer: the query's name and its parameters as JSON."""
    return f"{query}\0{params.model_dump_json()}"


@functools.cache
def code_digest() -> str:
    """A digest of the chainkg package's source: kept answers are served only by the code that made them."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for file in sorted(root.rglob("*.py")):
        digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def write_snapshot(
    path: Path,
    graph: nx.MultiDiGraph[str],
    manifest: list[dict[str, Any]],
    counts: Counts,
    answers: dict[str, str] | None = None,
) -> None:
    """Write atomically (:func:`chainkg.store.files.atomic_write`), so a crash mid-write leaves the old
    snapshot intact. ``answers``: kept answers (:func:`kept_key` → the result's JSON) of this graph."""
    with gc_paused():  # the pickler's memo allocates a container per object; collecting meanwhile finds nothing
        table = graph.nodes
        nodes = {n: dict(a) for n, a in table.items() if a.get("kind") in KEPT_NODE_KINDS}
        payload = _dump_graph(graph, {"code": code_digest(), "answers": dict(answers or {}), "nodes": nodes})
    header = {
        "format": FORMAT_VERSION,
        "schema": SCHEMA_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "manifest": manifest,
        "counts": {"nodes": counts.nodes, "edges": counts.edges},
        "payload_bytes": len(payload),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }
    with atomic_write(path, "wb") as out:
        out.write(MAGIC)
        out.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
        out.write(payload)


def read_header(path: Path, check_version: bool = True) -> dict[str, Any]:
    """The header alone (cheap): versions, manifest and counts, validated for shape.

    With ``check_version=False`` the header of an older snapshot can still be read, so the graph
    can be rebuilt from the inputs it names.
    """
    header, _ = _split(path, want_payload=False, check_version=check_version)
    return header


def read_snapshot(path: Path) -> tuple[nx.MultiDiGraph[str], list[dict[str, Any]]]:
    """The graph and the manifest, read whole (:func:`open_snapshot` reads the graph in the background)."""
    pending = open_snapshot(path, background=False)
    return pending.result(), pending.header["manifest"]


def open_snapshot(path: Path, *, background: bool = True) -> PendingGraph:
    """Check a snapshot whole — magic, header, versions, length, checksum — and start building its
    graph (in a daemon thread with ``background``). Raises :class:`SnapshotError` for a snapshot that
    must not be served; the graph itself comes from :meth:`PendingGraph.result`."""
    header, payload = _split(path, want_payload=True)
    assert payload is not None
    try:
        if payload.size != header["payload_bytes"]:
            raise SnapshotError(
                path, "corrupt", f"payload is {payload.size} bytes, header says {header['payload_bytes']}"
            )
        if payload.sha256() != header["payload_sha256"]:
            raise SnapshotError(path, "corrupt", "payload checksum does not match its header")
    except BaseException:
        payload.close()
        raise
    return PendingGraph(path, header, payload, background)


class _Payload:
    """The payload mapped from the file, not read into memory: reading a province's 1.5 GiB into one
    bytes object costs 2.5 s of CPU before ``serve`` can be ready; the checksum and the unpickler read
    the mapping instead. Snapshots are replaced by rename (:func:`write_snapshot`), never rewritten
    in place, so the mapped file does not change under it."""

    def __init__(self, handle: BinaryIO, offset: int):
        self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self._offset = offset
        self.size = len(self._map) - offset

    def sha256(self) -> str:
        with memoryview(self._map) as whole, whole[self._offset :] as view:
            return hashlib.sha256(view).hexdigest()

    def reader(self) -> mmap.mmap:
        """The mapping as a file positioned at the payload (what :class:`pickle.Unpickler` reads)."""
        self._map.seek(self._offset)
        return self._map

    def close(self) -> None:
        self._map.close()


class PendingGraph:
    """A checked snapshot whose graph is being built; :meth:`result` waits for it. ``answers`` and
    ``nodes``: its kept answers and the attributes of its nodes of :data:`KEPT_NODE_KINDS` (empty for
    format 2, or when another version of the code made them), known at once.

    Unpickling can fail after the checksum matched only for a writer bug or a foreign file; that
    failure is a :class:`SnapshotError` (``corrupt``) raised by :meth:`result`.
    """

    def __init__(self, path: Path, header: dict[str, Any], payload: _Payload, background: bool):
        self.path = path
        self.header = header
        self.answers: dict[str, str] = {}
        self.nodes: dict[str, dict[str, Any]] = {}
        self._payload: _Payload | None = payload
        self._graph: nx.MultiDiGraph[str] | None = None
        self._error: SnapshotError | None = None
        self._done = threading.Event()
        self._unpickler = pickle.Unpickler(payload.reader())
        try:
            self._head = self._unpickler.load()  # small: the graph's attributes, the chunk counts, the answers
            kept = self._head[3] if isinstance(self._head, tuple) and len(self._head) == 4 else {}
            if isinstance(kept, dict) and kept.get("code") == code_digest():
                self.answers = dict(kept.get("answers") or {})
                self.nodes = dict(kept.get("nodes") or {})
        except Exception as exc:  # checksum matched: a writer bug or a foreign file; said when the graph is needed
            self._head = None
            self._error = SnapshotError(path, "corrupt", f"payload cannot be read: {exc}")
            self._unpickler = None  # type: ignore[assignment]
            payload.close()
            self._payload = None
            self._done.set()
            return
        if background:
            threading.Thread(target=self._build, name="chainkg-snapshot", daemon=True).start()
        else:
            self._build()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def result(self) -> nx.MultiDiGraph[str]:
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._graph is not None
        return self._graph

    def _build(self) -> None:
        try:
            with gc_paused():  # unpickling builds millions of containers; collecting meanwhile finds nothing
                self._graph = _load_graph(self.path, self._head, self._unpickler)
        except SnapshotError as exc:
            self._error = exc
        except Exception as exc:  # checksum matched, so this is a writer bug or a foreign file
            self._error = SnapshotError(self.path, "corrupt", f"payload cannot be read: {exc}")
        finally:
            self._head = None
            self._unpickler = None  # type: ignore[assignment]
            if self._payload is not None:
                self._payload.close()
            self._payload = None
            self._done.set()


def _dump_graph(graph: nx.MultiDiGraph[str], kept: dict[str, Any]) -> bytes:
    """The payload: a head (with the kept answers), then each table of the graph in chunks, all through
    one pickler (one memo)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    rest = {"graph": graph.graph}  # not the views networkx caches on the instance: see _load_graph
    tables = [list(getattr(graph, name).items()) for name in _TABLES]
    pickler.dump((_HEAD, rest, [-(-len(items) // CHUNK) for items in tables], kept))
    for items in tables:
        for start in range(0, len(items), CHUNK):
            pickler.dump(items[start : start + CHUNK])
    return buffer.getvalue()


def _load_graph(path: Path, head: Any, unpickler: pickle.Unpickler) -> nx.MultiDiGraph[str]:
    if not (isinstance(head, tuple) and len(head) in (3, 4) and head[0] == _HEAD):
        raise SnapshotError(path, "corrupt", "payload is not a chainkg graph")
    rest, chunks = head[1], head[2]
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    # Only the graph's attributes. Snapshots written before this rule also hold the views networkx had
    # cached on the instance (graph.nodes, .succ, …): each carried its own copy of a table into the head
    # — read before the lazy open could start, and stale after the first added node — so they are dropped.
    graph.graph.update(rest.get("graph") or {})
    for name, count in zip(_TABLES, chunks, strict=True):
        table: dict[Any, Any] = {}
        for _ in range(count):
            table.update(unpickler.load())  # between chunks other threads get the interpreter
        setattr(graph, name, table)
    attrs = graph.__dict__  # what networkx's _adj setter does: the successors, and no stale cached view
    attrs["_adj"] = attrs["_succ"]  # a MultiDiGraph's adjacency is its successors
    attrs.pop("adj", None)
    return graph


def _split(path: Path, want_payload: bool, check_version: bool = True) -> tuple[dict[str, Any], _Payload | None]:
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(MAGIC))
            if magic != MAGIC:
                raise SnapshotError(path, "corrupt", "not a chainkg snapshot (bad magic line)")
            line = handle.readline(1 << 26)
            payload = _Payload(handle, handle.tell()) if want_payload else None
    except FileNotFoundError as exc:
        raise SnapshotError(path, "missing", "no snapshot file") from exc
    except OSError as exc:
        raise SnapshotError(path, "corrupt", f"cannot read: {exc}") from exc
    try:
        return _header(path, line, check_version), payload
    except BaseException:
        if payload is not None:
            payload.close()
        raise


def _header(path: Path, line: bytes, check_version: bool) -> dict[str, Any]:
    try:
        header = json.loads(line)
        required = {"format", "schema", "manifest", "payload_bytes", "payload_sha256"}
        if not isinstance(header, dict) or not required <= header.keys():
            raise ValueError(f"header lacks {sorted(required - set(header))}")
    except ValueError as exc:
        raise SnapshotError(path, "corrupt", f"header unreadable: {exc}") from exc
    if check_version and (header["format"] not in READABLE_FORMATS or header["schema"] != SCHEMA_VERSION):
        raise SnapshotError(
            path,
            "incompatible",
            f"written as format {header['format']} schema {header['schema']}, "
            f"this chainkg reads formats {', '.join(map(str, READABLE_FORMATS))} schema {SCHEMA_VERSION}",
        )
    return header
