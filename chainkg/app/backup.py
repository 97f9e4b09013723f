"""Backup and restore: ``chainkg export``, ``chainkg backup``, ``chainkg restore``.

- **Export** (:func:`export_graph`) writes the whole graph — every node and edge with its properties,
  sources, evidence and claims — as a dataset directory (:mod:`chainkg.loaders.export`) that
  ``chainkg load`` reads back into the same graph on either store: a portable backup, and the way
  from the embedded store to Neo4j and back. Files are written atomically, the manifest last, so a
  half-written export is never mistaken for a whole one.
- **Backup** (:func:`make_backup`) keeps a copy of the current state under ``<home>/backups/<time>/``
  and deletes all but the newest ``keep``: for the embedded store the snapshot and its manifest (a
  hard link when the filesystem allows — the snapshot is only ever replaced, never changed in place,
  so the link is a consistent copy that costs no space until the next save), for Neo4j an export.
- **Restore** (:func:`restore_backup`) puts a backup back: a snapshot backup becomes the snapshot
  again once it has been read and checked (the current one is moved aside, kept); an export backup
  is loaded into an emptied store.

All three hold the state directory's write lock (:mod:`chainkg.app.lock`), so nothing is written
meanwhile; every restore is recorded in the audit log.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from chainkg.app.audit import Actor, input_of, record_load
from chainkg.app.loading import load_paths
from chainkg.app.lock import StateLock
from chainkg.app.settings import Settings
from chainkg.app.state import StateError, open_store, save_store
from chainkg.loaders.export import EDGES, EXPORT_FORMAT, EXPORT_MANIFEST, NODES
from chainkg.loaders.pipeline import LoadReport
from chainkg.queries import dump
from chainkg.schema import SCHEMA_VERSION
from chainkg.store.files import atomic_write, atomic_write_text
from chainkg.store.memory import MemoryStore
from chainkg.store.protocol import GraphStore
from chainkg.store.snapshot import SnapshotError

__all__ = ["Backup", "ExportSummary", "export_graph", "list_backups", "make_backup", "restore_backup"]

PAGE = 5000


@dataclass(frozen=True)
class ExportSummary:
    directory: Path
    nodes: int
    edges: int


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # "snapshot" | "export"
    created: str
    size: int


def export_graph(store: GraphStore, directory: Path) -> ExportSummary:
    """Write ``store``'s whole graph to ``directory`` (created; an earlier export there is replaced,
    any other content refused)."""
    if directory.exists() and any(directory.iterdir()) and not (directory / EXPORT_MANIFEST).exists():
        raise StateError(f"{directory} is not empty and holds no chainkg export; choose an empty directory")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / EXPORT_MANIFEST).unlink(missing_ok=True)  # an interrupted export is then never taken for whole
    nodes = edges = 0
    hashes: dict[str, str] = {}
    with atomic_write(directory / NODES, "wb") as node_out, atomic_write(directory / EDGES, "wb") as edge_out:
        node_hash, edge_hash = hashlib.sha256(), hashlib.sha256()
        after: str | None = None
        while True:
            page = store.run(dump.QUERY, dump.Params(after=after, limit=PAGE))
            for node in page.nodes:
                edge_rows = node.pop("edges")
                line = _line(node)
                node_out.write(line)
                node_hash.update(line)
                nodes += 1
                for edge in edge_rows:
                    row = {"kind": edge["kind"], "source": node["id"], **{k: edge[k] for k in ("target", "key")}}
                    row |= {"props": edge["props"], "provenance": edge["provenance"]}
                    line = _line(row)
                    edge_out.write(line)
                    edge_hash.update(line)
                    edges += 1
            if page.next_after is None:
                break
            after = page.next_after
        hashes = {NODES: node_hash.hexdigest(), EDGES: edge_hash.hexdigest()}
    manifest = {
        "format": EXPORT_FORMAT,
        "schema": SCHEMA_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "backend": store.backend,
        "counts": {"nodes": nodes, "edges": edges},
        "files": hashes,
        "inputs": [m.to_dict() for m in store.manifest()],
    }
    atomic_write_text(directory / EXPORT_MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return ExportSummary(directory, nodes, edges)


def _line(data: dict[str, object]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def make_backup(settings: Settings, *, keep: int, lock: StateLock | None = None) -> tuple[Backup, list[Path]]:
    """Back up the current state and keep only the newest ``keep`` backups; (the new one, the removed)."""
    own = lock is None or not lock.held
    held = StateLock(settings.home) if own else lock
    assert held is not None
    if own:
        held.acquire("backing up the graph", wait=settings.lock_wait)
    try:
        target = _new_backup_dir(settings)
        if settings.store == "neo4j":
            opened = open_store(settings, bootstrap=False, lock=held)
            try:
                export_graph(opened.store, target / "export")
            finally:
                opened.store.close()
        else:
            if not settings.snapshot_path.exists():
                raise StateError(f"there is no snapshot at {settings.snapshot_path} to back up")
            MemoryStore.open(settings.snapshot_path).wait()  # never back up a snapshot that cannot be read
            for source in (settings.snapshot_path, settings.manifest_path):
                if source.exists():
                    _link_or_copy(source, target / source.name)
        removed = _prune(settings, keep)
        return _describe(target), removed
    finally:
        if own:
            held.release()


def list_backups(settings: Settings) -> list[Backup]:
    """The backups under ``<home>/backups``, oldest first."""
    root = settings.home / "backups"
    if not root.is_dir():
        return []
    return [_describe(p) for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")]


def restore_backup(settings: Settings, name: str, actor: Actor) -> tuple[str, list[LoadReport]]:
    """Put the backup ``name`` (a directory under ``<home>/backups`` or a path) back; returns what
    happened and, for an export, its load reports."""
    path = Path(name)
    backup = path if path.is_dir() else settings.home / "backups" / name
    if not backup.is_dir():
        raise StateError(f"no backup {name!r}; `chainkg backup --list` shows them")
    lock = StateLock(settings.home)
    lock.acquire(f"restoring the backup {backup.name}", wait=settings.lock_wait)
    try:
        if (backup / "export" / EXPORT_MANIFEST).exists() or (backup / EXPORT_MANIFEST).exists():
            export = backup / "export" if (backup / "export").is_dir() else backup
            reports = load_paths(settings, [export], actor=actor, reset=True, action="restore", lock=lock)
            return f"loaded the export {export} into an emptied {settings.store} store", reports
        snapshot = backup / settings.snapshot_path.name
        try:
            restored = MemoryStore.open(snapshot).wait()  # the graph built, not only the file checked
        except SnapshotError as exc:
            raise StateError(f"the backup {backup} cannot be restored: {exc}") from exc
        aside = None
        if settings.snapshot_path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = settings.snapshot_path.with_name(f"{settings.snapshot_path.name}.replaced-{stamp}")
            os.replace(settings.snapshot_path, aside)
        save_store(restored, settings)
        counts = restored.counts()
        record_load(
            settings.home,
            actor,
            "restore",
            "ok",
            [input_of(backup.name, backup)],
            message=f"snapshot restored from {backup}" + (f"; the one it replaced is kept as {aside}" if aside else ""),
            graph=(counts.total_nodes, counts.total_edges),
        )
        return f"restored the snapshot of {backup}" + (
            f" (the previous one is kept as {aside.name})" if aside else ""
        ), []
    finally:
        lock.release()


def _new_backup_dir(settings: Settings) -> Path:
    root = settings.home / "backups"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target = root / stamp
    target.mkdir(parents=True)
    return target


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _prune(settings: Settings, keep: int) -> list[Path]:
    backups = list_backups(settings)
    doomed = [b.path for b in backups[: max(len(backups) - keep, 0)]]
    for path in doomed:
        shutil.rmtree(path)
    return doomed


def _describe(path: Path) -> Backup:
    kind = "export" if (path / "export").is_dir() else "snapshot"
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return Backup(path, kind, path.name, size)
