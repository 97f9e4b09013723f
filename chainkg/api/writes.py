"""Loads through the API (``POST /api/v1/loads``): one at a time, never visible half-done.

Concurrency — serialise writers, copy-and-swap the embedded store:

- A load takes the write lock without waiting. A second load meanwhile is answered 409
  ``load_in_progress`` with ``Retry-After`` instead of holding a connection for as long as the
  first one takes.
- For the embedded store the load runs on a *copy* of the graph; once it has finished and the
  snapshot is saved, ``app.state.store`` is pointed at the copy in one assignment. Reads never
  wait, and every request — which takes the store reference once, at its start — sees the graph
  either before or after the whole load, never a half-written batch. If the load or the save
  fails, the served graph is untouched.
- Why not a readers–writer lock: reads are milliseconds, but a 20 MB registry upload takes seconds
  to load, and a lock would stall every read for that long. The price of copy-and-swap is memory
  for a second graph while a load runs, and the copy's time (a fraction of the load's own).
- The copy is :meth:`networkx.MultiDiGraph.copy`: new node, edge and graph attribute dicts, the
  values in them shared. That is enough because :class:`MemoryStore` never mutates a stored value
  in place — it assigns new lists and values into the (copied) dicts — and
  ``tests/app/test_api_loads.py`` checks that the old graph is unchanged after a load that enriches
  an existing node.
- Other stores (Neo4j) are written in place, under the same lock; there each batch is its own
  transaction, so a read sees whole batches.

Across processes — the state directory's write lock (:mod:`chainkg.app.lock`):

- A load also takes the lock ``chainkg load`` takes, without waiting: while a command-line load
  runs, the API answers 409 naming it. Holding the lock, the writer first re-reads a snapshot that
  another process replaced since this server read or wrote it (:func:`chainkg.app.state.refresh`),
  so the load lands on top of that graph instead of saving over it.

Big loads (inputs of ``CHAINKG_LOAD_WORKER_BYTES`` or more) run in a worker process, so the reads
keep their latency meanwhile (:mod:`chainkg.app.load_worker`); the new graph's indexes are built
before it is published, so the first reads after a load do not wait for them either.

Uploads are kept only when they were loaded: the snapshot's manifest names each loaded file, and a
rebuild reads it again. An upload that loads nothing (refused, rejected, or a load that failed) is
deleted at once. Every load — done, rejected or refused — is written to the audit log
(:mod:`chainkg.app.audit`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, Field

from chainkg.api.errors import APIError
from chainkg.app.audit import Actor, Outcome, input_of, record_load
from chainkg.app.load_worker import WorkerFailed, input_bytes, load_in_worker, load_in_worker_neo4j
from chainkg.app.lock import StateBusy, StateLock
from chainkg.app.pacing import fine_switching
from chainkg.app.settings import Settings
from chainkg.app.state import open_store, publish, refresh, save_store, snapshot_stamp
from chainkg.app.warmup import warm
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import FILE_REJECTED, LoadReport, run_load
from chainkg.store.files import TEMP_SUFFIX
from chainkg.store.gc_pause import gc_paused
from chainkg.store.memory import MemoryStore
from chainkg.store.protocol import GraphStore

__all__ = ["LoadInput", "LoadSummary", "RejectRow", "Writer", "refused_whole", "resolve_load_path", "save_upload"]

log = logging.getLogger("chainkg.api")

#: Reject rows returned in one response; the full report is always written to the server's reports dir.
MAX_REJECT_ROWS = 10_000


class RejectRow(BaseModel):
    """One line of the reject report / 拒绝报告的一行."""

    file: str = Field(description="the input file, as the client named it")
    row: int = Field(description="CSV/Excel row (header = 1) or YAML line; 0 = the file as a whole")
    field: str
    value: str
    reason: str
    action: str = Field(description="row rejected, field ignored or file rejected")


class LoadSummary(BaseModel):
    """What a load did / 导入结果."""

    input: str = Field(description="the uploaded file name or the dataset path given")
    loader: str = Field(description="the loader that read it (dataset, registry, …)")
    records_read: int
    records_loaded: int
    rows_rejected: int
    files_rejected: int
    nodes_created: int
    nodes_changed: int
    edges_created: int
    edges_changed: int
    seconds: float
    rejects: list[RejectRow] = Field(description=f"the reject report (at most {MAX_REJECT_ROWS} rows)")
    rejects_total: int = Field(description="lines in the full reject report")
    graph_nodes: int = Field(description="nodes in the graph after the load")
    graph_edges: int = Field(description="edges in the graph after the load")


@dataclass(frozen=True)
class LoadInput:
    """A file or dataset on the server, with the name the client knows it by."""

    path: Path
    display: str
    uploaded: bool = False  # an upload kept under <home>/uploads: deleted again unless it was loaded


def resolve_load_path(settings: Settings, text: str) -> LoadInput:
    """A client's dataset path, only if it lies inside ``CHAINKG_LOAD_DIR`` (symlinks resolved)."""
    if settings.load_dir is None:
        raise APIError(
            403,
            "path_not_allowed",
            "loading server-side paths is disabled; the operator enables it by setting CHAINKG_LOAD_DIR "
            "(or upload the file instead)",
            {"field": "path"},
        )
    if any(ord(c) < 32 or c == "\x7f" for c in text):
        raise APIError(
            422,
            "validation_error",
            "path: must not contain control characters (NUL, newline, …)",
            {"field": "path"},
        )
    root = settings.load_dir.resolve()
    candidate = Path(text)
    try:
        target = (candidate if candidate.is_absolute() else root / candidate).resolve()
    except (OSError, ValueError) as exc:
        raise APIError(422, "validation_error", f"path: not a usable path ({exc})", {"field": "path"}) from exc
    if not target.is_relative_to(root):
        raise APIError(
            403, "path_not_allowed", "path must lie inside the server's load directory", {"field": "path", "path": text}
        )
    try:
        exists = target.exists()
    except OSError as exc:  # e.g. a name longer than the filesystem allows
        raise APIError(422, "validation_error", f"path: not a usable path ({exc.strerror})", {"field": "path"}) from exc
    if not exists:
        raise APIError(404, "not_found", f"no file or directory {text!r} in the load directory", {"field": "path"})
    return LoadInput(target, target.relative_to(root).as_posix() or ".")


_UNSAFE = re.compile(r"[^\w.\-]+")
#: What an upload may be: the registry loader's files (a dataset directory cannot be uploaded).
UPLOAD_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")


def save_upload(settings: Settings, filename: str, stream: IO[bytes]) -> LoadInput:
    """Keep an uploaded file under ``<home>/uploads`` by content hash.

    The snapshot's manifest names every input, so a loaded file must outlive the request; the hash
    in the name makes re-uploading the same file land on the same manifest entry (loads are
    idempotent), while two different files with the same name do not overwrite each other. The
    bytes arrive in a temporary file (``.upload-….tmp``, removed at the next start if the server
    dies meanwhile); :meth:`Writer.load` deletes the upload again unless it was loaded.
    """
    name = Path(filename.replace("\\", "/").replace("\x00", "")).name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise APIError(
            422,
            "validation_error",
            f"file: {name!r} is not a type this server loads (.csv, .tsv, .txt or .xlsx)",
            {"field": "file", "filename": name},
        )
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    part = settings.uploads_dir / f".upload-{secrets.token_hex(8)}{TEMP_SUFFIX}"
    try:
        with part.open("xb") as out:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        stem = _UNSAFE.sub("_", Path(name).stem)[:80] or "upload"
        target = settings.uploads_dir / f"{digest.hexdigest()[:16]}-{stem}{suffix}"
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return LoadInput(target, name, uploaded=True)


class Writer:
    """Runs loads one at a time and publishes each one whole (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loading = False  # the lock is held by a load (not by a refresh's moment of publishing)

    @property
    def busy(self) -> bool:
        """A load is running now."""
        return self._lock.locked()

    def _begin(self) -> bool:
        """Take the lock for a load: at once, or after a refresh's publish (an instant); False when
        another load holds it."""
        if not self._lock.acquire(blocking=False) and (self._loading or not self._lock.acquire(timeout=5)):
            return False
        self._loading = True
        return True

    def _end(self) -> None:
        self._loading = False
        self._lock.release()

    def load(self, state: Any, settings: Settings, source: LoadInput, actor: Actor) -> LoadSummary:
        """Load ``source`` into the store on ``state`` (``app.state``) and return its report."""
        started = time.perf_counter()
        entry = input_of(source.display, source.path)
        if not self._begin():
            self._discard(state, source)
            message = "another load is running on this server; retry when it has finished"
            record_load(settings.home, actor, "load", "refused", [entry], message=message)
            raise APIError(409, "load_in_progress", message, headers={"Retry-After": str(settings.retry_after)})
        file_lock = StateLock(settings.home)
        try:
            try:
                file_lock.acquire(f"API load of {source.display} by {actor.name}")
            except StateBusy as exc:
                self._discard(state, source)
                record_load(settings.home, actor, "load", "refused", [entry], message=str(exc))
                raise APIError(
                    409,
                    "load_in_progress",
                    str(exc),
                    {"holder": {k: v for k, v in exc.holder.items() if k in ("pid", "command", "doing", "since")}},
                    headers={"Retry-After": str(settings.retry_after)},
                ) from exc
            try:
                summary, report = self._load_locked(state, settings, source, file_lock)
            except Exception as exc:
                self._discard(state, source)
                record_load(settings.home, actor, "load", "failed", [entry], message=f"{type(exc).__name__}: {exc}")
                raise
            loaded = [m for m in state.store.manifest() if Path(m.path) == source.path.resolve()]
            if loaded:
                entry = input_of(source.display, source.path, report.loader, loaded[-1].sha256)
            else:
                entry = input_of(source.display, source.path, report.loader)
            self._discard(state, source)
            outcome: Outcome = "ok" if report.records_loaded else "rejected"
            reason = summary.rejects[0].reason if outcome == "rejected" and summary.rejects else ""
            record_load(
                settings.home,
                actor,
                "load",
                outcome,
                [entry],
                [report],
                message=reason,
                seconds=time.perf_counter() - started,
                graph=(summary.graph_nodes, summary.graph_edges),
            )
            return summary
        finally:
            file_lock.release()
            self._end()

    def _load_locked(
        self, state: Any, settings: Settings, source: LoadInput, file_lock: StateLock
    ) -> tuple[LoadSummary, LoadReport]:
        refresh(state, settings, file_lock)  # another process's load lands first: we write on top of it
        current: GraphStore = state.store
        if settings.store == "neo4j" and input_bytes(source.path) >= settings.load_worker_bytes:
            try:
                report = load_in_worker_neo4j(settings, source.path)
            except WorkerFailed as exc:
                log.warning("%s; loading %s in the server process instead", exc, source.display)
            else:
                return _summary(report, source, current), report
        if self._in_worker(state, settings, source, current):
            assert isinstance(current, MemoryStore)
            try:
                done = load_in_worker(settings, source.path, current, state.snapshot_stamp)
            except WorkerFailed as exc:
                log.warning("%s; loading %s in the server process instead", exc, source.display)
            else:
                if done.store is not None:
                    with fine_switching(), gc_paused():
                        warm(done.store)  # the new graph's indexes, before the first read needs them
                    publish(state, done.store, done.stamp)
                return _summary(done.report, source, state.store), done.report
        work = _writable(current)
        (report,) = run_load(
            work,
            [source.path],
            default_loaders(),
            report_dir=settings.reports_dir,
            batch_size=settings.batch_size,
        )
        if report.records_loaded:
            stamp = save_store(work, settings)
            publish(state, work, stamp)  # the new graph starts with no indexes: they are built now
        return _summary(report, source, state.store), report

    @staticmethod
    def _in_worker(state: Any, settings: Settings, source: LoadInput, current: GraphStore) -> bool:
        """Big inputs into the embedded store load in a worker process (:mod:`chainkg.app.load_worker`),
        when the served graph is the snapshot on disk (the worker starts from it)."""
        if not isinstance(current, MemoryStore) or settings.store != "memory":
            return False
        stamp = getattr(state, "snapshot_stamp", None)
        if stamp is None or stamp != snapshot_stamp(settings.snapshot_path):
            return False
        return input_bytes(source.path) >= settings.load_worker_bytes

    def refresh(self, state: Any, settings: Settings) -> bool:
        """Serve a snapshot another process saved (the server's watcher calls this); True when one was
        published. The snapshot is read outside the writer's lock, so a load is never refused
        because of it, and published only if no load of this server published meanwhile (a load
        refreshes first itself: :func:`chainkg.app.state.refresh`)."""
        if self.busy or not isinstance(getattr(state, "store", None), MemoryStore) or settings.store != "memory":
            return False
        known = getattr(state, "snapshot_stamp", None)
        stamp = snapshot_stamp(settings.snapshot_path)
        if stamp is None or stamp == known:
            return False
        opened = open_store(settings)
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if getattr(state, "snapshot_stamp", None) != known:
                return False
            log.warning("the snapshot %s was changed by another process; serving it", settings.snapshot_path)
            publish(state, opened.store, opened.stamp)
            return True
        finally:
            self._lock.release()

    @staticmethod
    def _discard(state: Any, source: LoadInput) -> None:
        """Delete an upload the graph does not name (kept only for successful loads)."""
        if not source.uploaded:
            return
        store: GraphStore | None = getattr(state, "store", None)
        named = store is not None and any(Path(m.path) == source.path.resolve() for m in store.manifest())
        if not named:
            source.path.unlink(missing_ok=True)


def _writable(store: GraphStore) -> GraphStore:
    if isinstance(store, MemoryStore):
        return MemoryStore(store.graph.copy(), store.manifest())
    return store


def _summary(report: LoadReport, source: LoadInput, store: GraphStore) -> LoadSummary:
    def shown(file: str) -> str:
        path = Path(file)
        if path == source.path:
            return source.display
        if path.is_relative_to(source.path):
            return (Path(source.display) / path.relative_to(source.path)).as_posix()
        return path.name

    counts = store.counts()
    w = report.write
    return LoadSummary(
        input=source.display,
        loader=report.loader,
        records_read=report.records_read,
        records_loaded=report.records_loaded,
        rows_rejected=report.rows_rejected,
        files_rejected=report.files_rejected,
        nodes_created=w.nodes_created,
        nodes_changed=w.nodes_changed,
        edges_created=w.edges_created,
        edges_changed=w.edges_changed,
        seconds=round(report.seconds, 3),
        rejects=[
            RejectRow(file=shown(r.file), row=r.row, field=r.field, value=r.value, reason=r.reason, action=r.action)
            for r in report.rejects[:MAX_REJECT_ROWS]
        ],
        rejects_total=len(report.rejects),
        graph_nodes=counts.total_nodes,
        graph_edges=counts.total_edges,
    )


def refused_whole(summary: LoadSummary) -> bool:
    """Nothing was loaded because the input itself was refused (unreadable, empty, wrong shape)."""
    return summary.records_loaded == 0 and any(r.action == FILE_REJECTED for r in summary.rejects)
