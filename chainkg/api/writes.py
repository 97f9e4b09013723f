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
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, Field

from chainkg.api.errors import APIError
from chainkg.app.settings import Settings
from chainkg.app.state import publish
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import FILE_REJECTED, LoadReport, run_load
from chainkg.store.memory import MemoryStore
from chainkg.store.protocol import GraphStore

__all__ = ["LoadInput", "LoadSummary", "RejectRow", "Writer", "refused_whole", "resolve_load_path", "save_upload"]

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
    root = settings.load_dir.resolve()
    candidate = Path(text)
    target = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if not target.is_relative_to(root):
        raise APIError(
            403, "path_not_allowed", "path must lie inside the server's load directory", {"field": "path", "path": text}
        )
    if not target.exists():
        raise APIError(404, "not_found", f"no file or directory {text!r} in the load directory", {"field": "path"})
    return LoadInput(target, target.relative_to(root).as_posix() or ".")


_UNSAFE = re.compile(r"[^\w.\-]+")


def save_upload(settings: Settings, filename: str, stream: IO[bytes]) -> LoadInput:
    """Keep an uploaded file under ``<home>/uploads`` by content hash.

    The snapshot's manifest names every input, so the file must outlive the request; the hash in
    the name makes re-uploading the same file land on the same manifest entry (loads are
    idempotent), while two different files with the same name do not overwrite each other.
    """
    name = Path(filename.replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=settings.uploads_dir, suffix=suffix, delete=False) as out:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    part = Path(out.name)
    if not suffix or not any(loader.accepts(part) for loader in default_loaders()):
        part.unlink(missing_ok=True)
        raise APIError(
            422,
            "validation_error",
            f"file: {name!r} is not a type this server loads (.csv, .tsv, .txt or .xlsx)",
            {"field": "file", "filename": name},
        )
    stem = _UNSAFE.sub("_", Path(name).stem)[:80] or "upload"
    target = settings.uploads_dir / f"{digest.hexdigest()[:16]}-{stem}{suffix}"
    part.replace(target)
    return LoadInput(target, name)


class Writer:
    """Runs loads one at a time and publishes each one whole (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        """A load is running now."""
        return self._lock.locked()

    def load(self, state: Any, settings: Settings, source: LoadInput) -> LoadSummary:
        """Load ``source`` into the store on ``state`` (``app.state``) and return its report."""
        if not self._lock.acquire(blocking=False):
            raise APIError(
                409,
                "load_in_progress",
                "another load is running; retry when it has finished",
                headers={"Retry-After": str(settings.retry_after)},
            )
        try:
            current: GraphStore = state.store
            work = _writable(current)
            (report,) = run_load(
                work,
                [source.path],
                default_loaders(),
                report_dir=settings.reports_dir,
                batch_size=settings.batch_size,
            )
            if report.records_loaded:
                if isinstance(work, MemoryStore):
                    work.save(settings.snapshot_path)
                publish(state, work)  # the new graph starts with no indexes: they are built now
            return _summary(report, source, state.store)
        finally:
            self._lock.release()


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
