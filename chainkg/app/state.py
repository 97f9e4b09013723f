"""Opening the configured store, with the embedded store's snapshot as its memory between runs.

The embedded store lives in one process; its snapshot file is both what ``chainkg load`` leaves
behind for ``chainkg serve`` and the fast start for ``serve``. Rules:

- no snapshot yet → build the graph from the bundled dataset and save a snapshot;
- a snapshot whose inputs changed since (the manifest's hashes differ), or which was written by
  another schema version, or is corrupt → rebuilt from its inputs, never served;
- a stale snapshot whose inputs are gone cannot be rebuilt faithfully → a clear error, not a guess.

With ``CHAINKG_STORE=neo4j`` the graph lives in Neo4j instead: no snapshot, see :func:`open_neo4j`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainkg.app.settings import Settings
from chainkg.app.warmup import start_warming
from chainkg.loaders import default_loaders, loader_named
from chainkg.loaders.pipeline import LoadReport, file_entry, run_load
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import GraphStore, ManifestEntry, StoreError, StoreUnavailable
from chainkg.store.snapshot import SnapshotError, read_header

__all__ = ["OpenedStore", "StateError", "is_fresh", "neo4j_store", "open_neo4j", "open_store", "publish", "rebuild"]

log = logging.getLogger("chainkg.state")


class StateError(RuntimeError):
    """The store cannot be opened as configured; the message says what to do."""


@dataclass
class OpenedStore:
    store: GraphStore
    origin: str  # "snapshot" | "built" | "rebuilt" | "empty" | "neo4j"
    reason: str = ""
    reports: list[LoadReport] = field(default_factory=list)


def open_store(settings: Settings, *, bootstrap: bool = True) -> OpenedStore:
    """Open the configured store: the embedded one from its snapshot (building or rebuilding it when
    needed), or Neo4j (:func:`open_neo4j`)."""
    if settings.store == "neo4j":
        return open_neo4j(settings, bootstrap=bootstrap)
    path = settings.snapshot_path
    try:
        store = MemoryStore.open(path)
    except SnapshotError as exc:
        if exc.reason == "missing":
            if not bootstrap:
                return OpenedStore(MemoryStore(), "empty", "no snapshot")
            entries = _bootstrap_entries(settings)
            reason = f"no snapshot at {path}; built from {settings.dataset}"
        else:
            entries = _manifest_from_header(path) or _bootstrap_entries(settings)
            reason = f"snapshot unusable ({exc.reason}: {exc.detail}); rebuilt from its inputs"
        log.warning(reason)
        store, reports = rebuild(entries, settings)
        store.save(path)
        return OpenedStore(store, "built" if exc.reason == "missing" else "rebuilt", reason, reports)
    stale = [m for m in store.manifest() if not is_fresh(m)]
    if not stale:
        return OpenedStore(store, "snapshot")
    reason = "snapshot is stale: " + "; ".join(f"{m.path} changed" for m in stale)
    log.warning(reason)
    store, reports = rebuild(store.manifest(), settings)
    store.save(path)
    return OpenedStore(store, "rebuilt", reason, reports)


def publish(state: Any, store: GraphStore) -> None:
    """Make ``store`` the one an app serves (``state``: the app's ``app.state``) and start building
    its indexes in the background (:mod:`chainkg.app.warmup`): every store an app serves goes through
    here — the one it starts with and each one a load through the API swaps in."""
    state.store = store
    state.warming = start_warming(store)


def open_neo4j(settings: Settings, *, bootstrap: bool = True) -> OpenedStore:
    """Connect to Neo4j (``CHAINKG_NEO4J_*``) and make sure its schema exists; no snapshot is involved.

    Neo4j keeps the graph itself, so nothing is rebuilt: an input that changed since it was loaded is
    only reported (load it again to update the graph). An empty graph is filled from the bundled
    dataset when ``bootstrap`` is set, as the embedded store is on its first start. Raises
    :class:`StoreUnavailable` when the server cannot be reached (retrying later may work) and
    :class:`StateError` when it refuses the connection (credentials, database name).
    """
    store = neo4j_store(settings)
    try:
        store.connect()
        if bootstrap and store.counts().total_nodes == 0:
            reports = []
            for entry in _bootstrap_entries(settings):
                reports += run_load(
                    store,
                    [Path(entry.path)],
                    [loader_named(entry.loader)],
                    report_dir=settings.reports_dir,
                    batch_size=settings.batch_size,
                )
            reason = f"the Neo4j graph at {store.uri} was empty; built from {settings.dataset}"
            log.warning(reason)
            return OpenedStore(store, "built", reason, reports)
        stale = [m for m in store.manifest() if not is_fresh(m)]
    except StoreUnavailable:
        store.close()
        raise
    except StoreError as exc:
        store.close()
        raise StateError(str(exc)) from exc
    reason = "; ".join(f"{m.path} changed since it was loaded (load it again to update the graph)" for m in stale)
    if reason:
        log.warning(reason)
    return OpenedStore(store, "neo4j", reason)


def neo4j_store(settings: Settings) -> Neo4jStore:
    """A store for ``CHAINKG_NEO4J_*``; not connected yet (see :meth:`Neo4jStore.connect`). The store
    takes plain arguments: settings are the app's business, not the store floor's."""
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password is not None else None
    return Neo4jStore(
        settings.neo4j_uri,
        settings.neo4j_user,
        password,
        settings.neo4j_database,
        batch_size=settings.batch_size,
        write_retry_seconds=settings.neo4j_write_retry_seconds,
        read_retry_seconds=settings.neo4j_read_retry_seconds,
    )


def rebuild(entries: list[ManifestEntry], settings: Settings) -> tuple[MemoryStore, list[LoadReport]]:
    """Replay the inputs, in their original order, into a new embedded store."""
    missing = [m.path for m in entries if not Path(m.path).exists()]
    if missing:
        raise StateError(
            "cannot rebuild the graph: input(s) " + ", ".join(missing) + " no longer exist; "
            "run `chainkg load --reset <inputs…>` with the inputs you want"
        )
    store = MemoryStore()
    reports: list[LoadReport] = []
    for entry in entries:
        reports += run_load(
            store,
            [Path(entry.path)],
            [loader_named(entry.loader)],
            report_dir=settings.reports_dir,
            batch_size=settings.batch_size,
        )
    return store, reports


def is_fresh(entry: ManifestEntry) -> bool:
    """True when the input still has the content it had when loaded (size+mtime, else hash)."""
    path = Path(entry.path)
    if not path.exists():
        return False
    loader = loader_named(entry.loader)
    files = list(loader.inputs(path))
    size = sum(f.stat().st_size for f in files)
    mtime = max((f.stat().st_mtime_ns for f in files), default=0)
    if size == entry.size and mtime == entry.mtime_ns:
        return True
    return file_entry(entry.loader, path, files).sha256 == entry.sha256


def _bootstrap_entries(settings: Settings) -> list[ManifestEntry]:
    """What a new store is built from: the dataset, then the policies that name its chains and places."""
    entries = [_dataset_entry(settings.dataset)]
    if settings.policies is not None and settings.policies.is_dir():
        entries.append(_dataset_entry(settings.policies))
    return entries


def _dataset_entry(dataset: Path) -> ManifestEntry:
    loader = next((ld for ld in default_loaders() if ld.accepts(dataset)), None)
    if loader is None:
        raise StateError(f"bundled dataset {dataset} is missing or not a dataset directory (no sources.yaml)")
    return file_entry(loader.name, dataset, list(loader.inputs(dataset)))


def _manifest_from_header(path: Path) -> list[ManifestEntry]:
    try:
        return [ManifestEntry.from_dict(m) for m in read_header(path, check_version=False)["manifest"]]
    except (SnapshotError, KeyError, TypeError, ValueError):
        return []
