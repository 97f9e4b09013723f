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

Snapshots are a local cache written by chainkg itself (like ``.pyc`` files): open only your own.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from chainkg.schema import SCHEMA_VERSION
from chainkg.store.files import atomic_write
from chainkg.store.gc_pause import gc_paused

if TYPE_CHECKING:
    from chainkg.store.protocol import Counts

__all__ = [
    "FORMAT_VERSION",
    "PendingGraph",
    "SnapshotError",
    "open_snapshot",
    "read_header",
    "read_snapshot",
    "write_snapshot",
]

MAGIC = b"CHAINKG-SNAPSHOT\n"
FORMAT_VERSION = 2
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


def write_snapshot(path: Path, graph: nx.MultiDiGraph[str], manifest: list[dict[str, Any]], counts: Counts) -> None:
    """Write atomically (:func:`chainkg.store.files.atomic_write`), so a crash mid-write leaves the old
    snapshot intact."""
    with gc_paused():  # the pickler's memo allocates a container per object; collecting meanwhile finds nothing
        payload = _dump_graph(graph)
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
    if len(payload) != header["payload_bytes"]:
        raise SnapshotError(path, "corrupt", f"payload is {len(payload)} bytes, header says {header['payload_bytes']}")
    if hashlib.sha256(payload).hexdigest() != header["payload_sha256"]:
        raise SnapshotError(path, "corrupt", "payload checksum does not match its header")
    return PendingGraph(path, header, payload, background)


class PendingGraph:
    """A checked snapshot whose graph is being built; :meth:`result` waits for it.

    Unpickling can fail after the checksum matched only for a writer bug or a foreign file; that
    failure is a :class:`SnapshotError` (``corrupt``) raised by :meth:`result`.
    """

    def __init__(self, path: Path, header: dict[str, Any], payload: bytes, background: bool):
        self.path = path
        self.header = header
        self._payload: bytes | None = payload
        self._graph: nx.MultiDiGraph[str] | None = None
        self._error: SnapshotError | None = None
        self._done = threading.Event()
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
                self._graph = _load_graph(self.path, self._payload or b"")
        except SnapshotError as exc:
            self._error = exc
        except Exception as exc:  # checksum matched, so this is a writer bug or a foreign file
            self._error = SnapshotError(self.path, "corrupt", f"payload cannot be read: {exc}")
        finally:
            self._payload = None
            self._done.set()


def _dump_graph(graph: nx.MultiDiGraph[str]) -> bytes:
    """The payload: a head, then each table of the graph in chunks, all through one pickler (one memo)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    rest = {k: v for k, v in graph.__dict__.items() if k not in (*_TABLES, "_adj")}
    tables = [list(getattr(graph, name).items()) for name in _TABLES]
    pickler.dump((_HEAD, rest, [-(-len(items) // CHUNK) for items in tables]))
    for items in tables:
        for start in range(0, len(items), CHUNK):
            pickler.dump(items[start : start + CHUNK])
    return buffer.getvalue()


def _load_graph(path: Path, payload: bytes) -> nx.MultiDiGraph[str]:
    unpickler = pickle.Unpickler(io.BytesIO(payload))
    head = unpickler.load()
    if not (isinstance(head, tuple) and len(head) == 3 and head[0] == _HEAD):
        raise SnapshotError(path, "corrupt", "payload is not a chainkg graph")
    _, rest, chunks = head
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.__dict__.update(rest)
    for name, count in zip(_TABLES, chunks, strict=True):
        table: dict[Any, Any] = {}
        for _ in range(count):
            table.update(unpickler.load())  # between chunks other threads get the interpreter
        setattr(graph, name, table)
    attrs = graph.__dict__  # what networkx's _adj setter does: the successors, and no stale cached view
    attrs["_adj"] = attrs["_succ"]  # a MultiDiGraph's adjacency is its successors
    attrs.pop("adj", None)
    return graph


def _split(path: Path, want_payload: bool, check_version: bool = True) -> tuple[dict[str, Any], bytes | None]:
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(MAGIC))
            if magic != MAGIC:
                raise SnapshotError(path, "corrupt", "not a chainkg snapshot (bad magic line)")
            line = handle.readline(1 << 26)
            payload = handle.read() if want_payload else None
    except FileNotFoundError as exc:
        raise SnapshotError(path, "missing", "no snapshot file") from exc
    except OSError as exc:
        raise SnapshotError(path, "corrupt", f"cannot read: {exc}") from exc
    try:
        header = json.loads(line)
        required = {"format", "schema", "manifest", "payload_bytes", "payload_sha256"}
        if not isinstance(header, dict) or not required <= header.keys():
            raise ValueError(f"header lacks {sorted(required - set(header))}")
    except ValueError as exc:
        raise SnapshotError(path, "corrupt", f"header unreadable: {exc}") from exc
    if check_version and (header["format"] != FORMAT_VERSION or header["schema"] != SCHEMA_VERSION):
        raise SnapshotError(
            path,
            "incompatible",
            f"written as format {header['format']} schema {header['schema']}, "
            f"this chainkg reads format {FORMAT_VERSION} schema {SCHEMA_VERSION}",
        )
    return header, payload
