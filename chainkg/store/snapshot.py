"""Snapshot files: the embedded store's graph on disk, so ``serve`` starts without re-parsing inputs.

Format: a magic line, one JSON header line, then the payload (a pickled networkx graph). The header
carries the format and schema versions, the manifest of inputs the graph was built from, the counts,
and the payload's length and SHA-256. A snapshot is refused — never half-read — when the magic,
header, versions, length or checksum do not match; the checksum is verified before anything is
unpickled, so a truncated or bit-flipped file is detected rather than served.

Snapshots are a local cache written by chainkg itself (like ``.pyc`` files): open only your own.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from chainkg.schema import SCHEMA_VERSION
from chainkg.store.files import atomic_write
from chainkg.store.gc_pause import gc_paused

if TYPE_CHECKING:
    from chainkg.store.protocol import Counts

__all__ = ["FORMAT_VERSION", "SnapshotError", "read_header", "read_snapshot", "write_snapshot"]

MAGIC = b"CHAINKG-SNAPSHOT\n"
FORMAT_VERSION = 1


class SnapshotError(RuntimeError):
    """A snapshot that must not be served. ``reason`` is one of missing, corrupt, incompatible."""

    def __init__(self, path: Path, reason: str, detail: str):
        super().__init__(f"snapshot {path}: {reason}: {detail}")
        self.path = path
        self.reason = reason
        self.detail = detail


def write_snapshot(path: Path, graph: nx.MultiDiGraph, manifest: list[dict[str, Any]], counts: Counts) -> None:
    """Write atomically (:func:`chainkg.store.files.atomic_write`), so a crash mid-write leaves the old
    snapshot intact."""
    with gc_paused():  # the pickler's memo allocates a container per object; collecting meanwhile finds nothing
        payload = pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL)
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


def read_snapshot(path: Path) -> tuple[nx.MultiDiGraph, list[dict[str, Any]]]:
    header, payload = _split(path, want_payload=True)
    assert payload is not None
    if len(payload) != header["payload_bytes"]:
        raise SnapshotError(path, "corrupt", f"payload is {len(payload)} bytes, header says {header['payload_bytes']}")
    if hashlib.sha256(payload).hexdigest() != header["payload_sha256"]:
        raise SnapshotError(path, "corrupt", "payload checksum does not match its header")
    try:
        with gc_paused():  # unpickling builds millions of containers; collecting meanwhile finds nothing
            graph = pickle.loads(payload)
    except Exception as exc:  # checksum matched, so this is a writer bug or a foreign file
        raise SnapshotError(path, "corrupt", f"payload cannot be read: {exc}") from exc
    if not isinstance(graph, nx.MultiDiGraph):
        raise SnapshotError(path, "corrupt", "payload is not a chainkg graph")
    return graph, header["manifest"]


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
