"""Reading back what ``chainkg export`` wrote: the whole graph, every property, source and claim.

An export directory holds ``chainkg-export.json`` (format, schema version, counts, the SHA-256 of
each data file, the manifest of the graph it came from), ``nodes.jsonl`` (one node per line: id,
kind, properties, and its sources with evidence, claims and certainty) and ``edges.jsonl`` (one edge
per line: kind, source, target, key, properties, provenance). Records are written to the store as
they were stored — no name resolution, no defaults, no re-derivation — so loading an export into an
empty store, embedded or Neo4j, gives the graph that was exported (``tests/app/test_backup.py``
checks it on both). Sources are written first, then the other nodes, then the edges, so every
reference exists when it is written.

A data file whose hash differs from the one recorded (a damaged or edited export) rejects the whole
export rather than loading part of it; so does an export written by another schema version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chainkg.loaders.pipeline import FileRejected, LoadContext, RecordError
from chainkg.schema import SCHEMA_VERSION
from chainkg.schema.kinds import Certainty, EdgeKind, NodeKind
from chainkg.schema.records import Batch, EdgeRecord, NodeRecord, Provenance

__all__ = ["EXPORT_FORMAT", "EXPORT_MANIFEST", "ExportLoader", "edge_record", "node_record"]

EXPORT_MANIFEST = "chainkg-export.json"
EXPORT_FORMAT = "chainkg-export/1"
NODES = "nodes.jsonl"
EDGES = "edges.jsonl"


class ExportLoader:
    name = "export"
    #: Nodes are written as they were stored, derived fields (a project's status, its timelines)
    #: included, so the load pipeline derives nothing again (chainkg.loaders.lifecycle).
    writes_as_stored = True

    def accepts(self, path: Path) -> bool:
        return path.is_dir() and (path / EXPORT_MANIFEST).is_file()

    def inputs(self, path: Path) -> Iterator[Path]:
        for name in (EXPORT_MANIFEST, NODES, EDGES):
            if (path / name).exists():
                yield path / name

    def estimate(self, path: Path) -> int | None:
        try:
            counts = json.loads((path / EXPORT_MANIFEST).read_text(encoding="utf-8"))["counts"]
            return int(counts["nodes"]) + int(counts["edges"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def load(self, path: Path, ctx: LoadContext) -> None:
        manifest = self._manifest(path)
        ctx.start_file(path, self.estimate(path))
        nodes, edges = path / NODES, path / EDGES
        for file in (nodes, edges):
            expected = manifest["files"].get(file.name)
            if not file.exists() or _sha256(file) != expected:
                raise FileRejected(f"{file.name} is missing or does not match the hash in {EXPORT_MANIFEST}: damaged")
        # Sources first (every other node cites them), then the rest, then the edges between them.
        for sources_only in (True, False):
            for line, data in _lines(nodes, ctx):
                if (data.get("kind") == NodeKind.SOURCE.value) != sources_only:
                    continue
                ctx.read()
                try:
                    record = node_record(data)
                except (KeyError, TypeError, ValueError) as exc:
                    ctx.reject(str(nodes), line, RecordError("", f"not an exported node: {exc}", str(data)[:200]))
                    continue
                ctx.accept(Batch(nodes=[record]), str(nodes), line)
            ctx.flush()
        for line, data in _lines(edges, ctx):
            ctx.read()
            try:
                edge = edge_record(data)
            except (KeyError, TypeError, ValueError) as exc:
                ctx.reject(str(edges), line, RecordError("", f"not an exported edge: {exc}", str(data)[:200]))
                continue
            ctx.accept(Batch(edges=[edge]), str(edges), line)

    @staticmethod
    def _manifest(path: Path) -> dict[str, Any]:
        try:
            manifest = json.loads((path / EXPORT_MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise FileRejected(f"{EXPORT_MANIFEST} cannot be read: {exc}") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
            raise FileRejected(f"{EXPORT_MANIFEST} is not a {EXPORT_FORMAT} manifest")
        if manifest.get("schema") != SCHEMA_VERSION:
            raise FileRejected(
                f"the export was written by schema {manifest.get('schema')}; this chainkg reads schema {SCHEMA_VERSION}"
            )
        if not isinstance(manifest.get("files"), dict):
            raise FileRejected(f"{EXPORT_MANIFEST} lists no data files")
        return manifest


def node_record(data: dict[str, Any]) -> NodeRecord:
    provenance = [
        Provenance(
            source=c["source"],
            evidence=c.get("evidence") or "",
            claims=tuple(sorted((c.get("claims") or {}).items())),
            certainty=Certainty(c.get("certainty") or Certainty.STATED.value),
        )
        for c in data.get("cites", [])
    ]
    return NodeRecord(NodeKind(data["kind"]), str(data["id"]), dict(data["props"]), provenance)


def edge_record(data: dict[str, Any]) -> EdgeRecord:
    provenance = [Provenance.from_json(text) for text in data.get("provenance", [])]
    return EdgeRecord(
        EdgeKind(data["kind"]),
        str(data["source"]),
        str(data["target"]),
        str(data["key"]),
        dict(data["props"]),
        provenance,
    )


def _lines(path: Path, ctx: LoadContext) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except ValueError as exc:
                ctx.reject(str(path), number, RecordError("", f"invalid JSON: {exc}", text[:200]))
                continue
            if not isinstance(data, dict):
                ctx.reject(str(path), number, RecordError("", "not a JSON object", text[:200]))
                continue
            yield number, data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
