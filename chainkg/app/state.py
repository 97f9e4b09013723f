"""Opening the configured store, with the embedded store's snapshot as its memory between runs.

The embedded store lives in one process; its snapshot file is both what ``chainkg load`` leaves
behind for ``chainkg serve`` and the fast start for ``serve``. Beside the snapshot, a small
manifest file (``memory.snapshot.manifest.json``, written atomically before each snapshot) lists
every input the graph was built from, so the list survives a snapshot whose body or header is
damaged. Rules — nothing is ever lost:

- no snapshot and no manifest yet → build the graph from the bundled dataset and save a snapshot;
- no snapshot but a manifest (someone deleted the snapshot) → rebuilt from *every* input it lists;
- a snapshot whose inputs changed since (the hashes differ) → rebuilt from its inputs, never served;
- a damaged snapshot (truncated, bit-flipped, unreadable header) or one written by another schema
  version → **moved aside** (``memory.snapshot.corrupt-<time>``, kept and named in the log and in
  ``OpenedStore.reason``) and the graph rebuilt from every input its header — or, when the header
  is unreadable, its manifest file — lists;
- when no list of inputs can be read, or an input it names is gone, the start **fails** with a
  message saying what was set aside and what to run — it never falls back to the bundled data
  alone (a set-aside snapshot also blocks that fallback on the next start).

Anything that writes the state directory holds its write lock (:mod:`chainkg.app.lock`) meanwhile;
temporary files of interrupted writes are removed (:func:`tidy`) whenever the lock is taken at a
start. With ``CHAINKG_STORE=neo4j`` the graph lives in Neo4j instead: no snapshot, see :func:`open_neo4j`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chainkg.app.lock import StateBusy, StateLock
from chainkg.app.reclaim import reclaim, release_views
from chainkg.app.settings import Settings
from chainkg.app.warmup import kept_answers, start_warming
from chainkg.loaders import default_loaders, loader_named
from chainkg.loaders.pipeline import LoadReport, file_entry, run_load
from chainkg.store.files import atomic_write_text, remove_stale_temps
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import GraphStore, ManifestEntry, StoreError, StoreUnavailable
from chainkg.store.snapshot import SnapshotError, read_header

__all__ = [
    "OpenedStore",
    "SnapshotStamp",
    "StateError",
    "is_fresh",
    "neo4j_store",
    "open_neo4j",
    "open_store",
    "publish",
    "read_manifest_file",
    "rebuild",
    "refresh",
    "release_views",
    "save_store",
    "snapshot_stamp",
    "tidy",
]

log = logging.getLogger("chainkg.state")

#: Which snapshot file a process has in memory: (inode, size, mtime ns). Another process's save
#: replaces the file, so the stamp changes; see :func:`chainkg.api.writes.Writer`.
SnapshotStamp = tuple[int, int, int]

#: Uploads are written before the write lock is taken; their temporary files are left alone this long.
UPLOAD_TEMP_GRACE_SECONDS = 3600


class StateError(RuntimeError):
    """The store cannot be opened as configured; the message says what to do."""


@dataclass
class OpenedStore:
    store: GraphStore
    origin: str  # "snapshot" | "built" | "rebuilt" | "empty" | "neo4j"
    reason: str = ""
    reports: list[LoadReport] = field(default_factory=list)
    stamp: SnapshotStamp | None = None  # the snapshot file this store was read from or saved as
    set_aside: Path | None = None  # where a damaged snapshot was moved


def open_store(settings: Settings, *, bootstrap: bool = True, lock: StateLock | None = None) -> OpenedStore:
    """Open the configured store: the embedded one from its snapshot (building or rebuilding it when
    needed, see the module docstring), or Neo4j (:func:`open_neo4j`).

    Reading a good snapshot takes no lock. Building, rebuilding or setting a snapshot aside takes the
    state directory's write lock (waiting up to ``CHAINKG_LOCK_WAIT`` seconds) unless the caller
    passes the ``lock`` it already holds. Raises :class:`StateError` (with what to do) and
    :class:`chainkg.app.lock.StateBusy` when another process keeps the lock.
    """
    if settings.store == "neo4j":
        return open_neo4j(settings, bootstrap=bootstrap)
    if lock is not None and lock.held:
        tidy(settings)
    else:
        _tidy_if_free(settings)
    opened = _try_snapshot(settings, bootstrap)
    if isinstance(opened, OpenedStore):
        return opened
    with _writing(settings, lock, "rebuilding the graph from its inputs"):
        again = _try_snapshot(settings, bootstrap)  # another process may have repaired it while we waited
        if isinstance(again, OpenedStore):
            return again
        return _recover(settings, again)


def _try_snapshot(settings: Settings, bootstrap: bool) -> OpenedStore | SnapshotError | list[ManifestEntry]:
    """The snapshot if it can be served as it is; else why not: the error, or the stale manifest."""
    path = settings.snapshot_path
    stamp = snapshot_stamp(path)
    try:
        store = MemoryStore.open(path)
    except SnapshotError as exc:
        if exc.reason == "missing" and not bootstrap and not settings.manifest_path.exists():
            return OpenedStore(MemoryStore(), "empty", "no snapshot")
        return exc
    stale = [m for m in store.manifest() if not is_fresh(m)]
    if not stale:
        return OpenedStore(store, "snapshot", stamp=stamp)
    return store.manifest()


def _recover(settings: Settings, problem: SnapshotError | list[ManifestEntry]) -> OpenedStore:
    path = settings.snapshot_path
    tidy(settings)
    if isinstance(problem, list):  # stale: the snapshot is sound, its inputs changed
        stale = [m.path for m in problem if not is_fresh(m)]
        reason = "snapshot is stale: " + "; ".join(f"{p} changed" for p in stale)
        log.warning(reason)
        return _rebuilt(settings, problem, "rebuilt", reason)
    if problem.reason == "missing":
        listed = read_manifest_file(settings.manifest_path)
        if listed:
            reason = f"no snapshot at {path}, but its manifest lists {len(listed)} input(s); rebuilt from all of them"
            log.warning(reason)
            return _rebuilt(settings, listed, "rebuilt", reason)
        earlier = sorted(path.parent.glob(path.name + ".corrupt-*")) + sorted(
            path.parent.glob(path.name + ".incompatible-*")
        )
        if earlier:
            raise StateError(
                f"no snapshot at {path}, and {earlier[-1]} holds a damaged one set aside earlier whose inputs "
                "are unknown; refusing to start from the bundled data alone. Restore a backup "
                "(`chainkg backup --list`), or rebuild with `chainkg load --reset <inputs…>`"
            )
        entries = _bootstrap_entries(settings)
        reason = f"no snapshot at {path}; built from {_names(settings)}"
        log.warning(reason)
        return _rebuilt(settings, entries, "built", reason)
    aside = _set_aside(path, problem.reason)
    entries = _manifest_from_header(aside) or read_manifest_file(settings.manifest_path)
    what = f"snapshot unusable ({problem.reason}: {problem.detail}); moved aside to {aside}"
    if not entries:
        raise StateError(
            f"{what}, and neither its header nor {settings.manifest_path} says which inputs it was built "
            "from; refusing to start from the bundled data alone. Restore a backup (`chainkg backup --list`), "
            "or rebuild with `chainkg load --reset <inputs…>`"
        )
    reason = f"{what}; rebuilt from its {len(entries)} input(s)"
    log.warning(reason)
    opened = _rebuilt(settings, entries, "rebuilt", reason, what)
    opened.set_aside = aside
    return opened


def _rebuilt(
    settings: Settings, entries: list[ManifestEntry], origin: str, reason: str, context: str = ""
) -> OpenedStore:
    try:
        store, reports = rebuild(entries, settings)
    except StateError as exc:
        raise StateError(f"{context}; {exc}" if context else str(exc)) from exc
    stamp = save_store(store, settings)
    return OpenedStore(store, origin, reason, reports, stamp=stamp)


@contextmanager
def _writing(settings: Settings, lock: StateLock | None, doing: str) -> Iterator[None]:
    if lock is not None and lock.held:
        yield
        return
    own = StateLock(settings.home)
    own.acquire(doing, wait=settings.lock_wait)
    try:
        yield
    finally:
        own.release()


def save_store(store: GraphStore, settings: Settings) -> SnapshotStamp | None:
    """Persist the graph: for the embedded store, its manifest file, then its snapshot (both atomic);
    returns the new snapshot's stamp. Call it holding the write lock. Other stores keep their own."""
    if not isinstance(store, MemoryStore):
        store.save(settings.snapshot_path)
        return None
    manifest = {
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "snapshot": settings.snapshot_path.name,
        "manifest": [m.to_dict() for m in store.manifest()],
    }
    atomic_write_text(settings.manifest_path, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    store.save(settings.snapshot_path, answers=kept_answers(store))  # answered at once after a start
    return snapshot_stamp(settings.snapshot_path)


def snapshot_stamp(path: Path) -> SnapshotStamp | None:
    """(inode, size, mtime ns) of the snapshot file, None when there is none."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def read_manifest_file(path: Path) -> list[ManifestEntry]:
    """The inputs a manifest file lists ([] when it is missing or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [ManifestEntry.from_dict(m) for m in data["manifest"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def tidy(settings: Settings) -> list[Path]:
    """Remove temporary files of interrupted writes from the state directory (and uploads older than
    an hour that never finished arriving). Call it holding the write lock."""
    removed = remove_stale_temps(settings.home)
    removed += remove_stale_temps(settings.uploads_dir, older_than=UPLOAD_TEMP_GRACE_SECONDS)
    for path in removed:
        log.warning("removed %s, left by an interrupted write", path)
    return removed


def _tidy_if_free(settings: Settings) -> None:
    """:func:`tidy` when no other process is writing (its temporary files are live); never waits."""
    lock = StateLock(settings.home)
    try:
        lock.acquire("removing temporary files of interrupted writes")
    except (StateBusy, OSError):  # busy, or a read-only state directory: nothing to tidy now
        return
    try:
        tidy(settings)
    finally:
        lock.release()


def _set_aside(path: Path, reason: str) -> Path:
    """Move a snapshot that cannot be served out of the way, keeping it: ``<name>.<reason>-<time>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{reason}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{reason}-{stamp}-{n}")
    os.replace(path, target)
    log.warning("moved the unusable snapshot %s aside to %s", path, target)
    return target


def publish(state: Any, store: GraphStore, stamp: SnapshotStamp | None = None) -> None:
    """Make ``store`` the one an app serves (``state``: the app's ``app.state``) and start building
    its indexes in the background (:mod:`chainkg.app.warmup`): every store an app serves goes through
    here — the one it starts with and each one a load through the API swaps in. ``stamp`` names the
    snapshot file the store was read from or saved as (see :func:`refresh`)."""
    old = getattr(state, "store", None)
    state.store = store
    state.snapshot_stamp = stamp
    state.warming = start_warming(store)
    if (
        isinstance(old, MemoryStore)
        and old is not store
        and not (isinstance(store, MemoryStore) and old.graph is store.graph)
    ):
        release_views(old.graph)
        reclaim(old.graph)  # freed a slice at a time once its last reader lets go


def refresh(state: Any, settings: Settings, lock: StateLock | None = None) -> bool:
    """Serve the snapshot on disk if another process (``chainkg load``) replaced it since this app read
    or wrote it; True when a new graph was published. An app calls it before each of its own loads
    (holding the write lock, so it writes on top of the latest graph, never over it) and every few
    seconds, so its reads see the other process's load too."""
    current = getattr(state, "store", None)
    if not isinstance(current, MemoryStore) or settings.store != "memory":
        return False
    stamp = snapshot_stamp(settings.snapshot_path)
    if stamp is None or stamp == getattr(state, "snapshot_stamp", None):
        return False
    opened = open_store(settings, lock=lock)
    log.warning(
        "the snapshot %s was changed by another process; serving it (%s, %d nodes)",
        settings.snapshot_path,
        opened.origin,
        opened.store.counts().total_nodes,
    )
    publish(state, opened.store, opened.stamp)
    return True


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
            reason = f"the Neo4j graph at {store.uri} was empty; built from {_names(settings)}"
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
    """What a new store is built from: the configured datasets (``CHAINKG_DATASET``) in load order,
    then the policies that name their chains and places (``CHAINKG_POLICIES``)."""
    entries = [_dataset_entry(dataset) for dataset in settings.dataset]
    if settings.policies is not None and settings.policies.is_dir():
        entries.append(_dataset_entry(settings.policies))
    return entries


def _names(settings: Settings) -> str:
    folders = [*settings.dataset, *([settings.policies] if settings.policies is not None else [])]
    return ", ".join(str(d) for d in folders)


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
