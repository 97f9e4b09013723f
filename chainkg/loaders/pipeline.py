"""The shared load pipeline: validate each record, keep every good one, report every bad one.

Every loader produces, per input record, either a :class:`Batch` of validated nodes and edges or a
:class:`RecordError`. The pipeline

- writes good records to the store in batches (idempotent merges, so loading twice changes nothing);
- collects rejects (file, row, field, reason) and writes them as a CSV report users open in Excel;
- keeps going after any bad record: one bad row never costs a good one;
- shows a progress bar on long loads when attached to a terminal;
- after writing, re-resolves conflicting claims (:mod:`chainkg.schema.conflicts`) on touched nodes
  and derives touched projects' status events and current status (:mod:`chainkg.loaders.lifecycle`);
- records the input in the store's manifest so a stale snapshot can be detected later.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from chainkg.loaders.lifecycle import LifecycleFacts, derive_lifecycle
from chainkg.schema.conflicts import Claim, resolve_claims
from chainkg.schema.kinds import NodeKind
from chainkg.schema.normalize import normalize_name
from chainkg.schema.records import Batch
from chainkg.store.ahead import quick_handoffs
from chainkg.store.files import atomic_write, spreadsheet_safe
from chainkg.store.gc_pause import gc_paused
from chainkg.store.protocol import (
    GraphStore,
    ManifestEntry,
    StoreError,
    StoreUnavailable,
    WriteResult,
    WritesAhead,
)

__all__ = [
    "CONFLICT_KEPT",
    "FIELD_IGNORED",
    "FILE_REJECTED",
    "ROW_REJECTED",
    "FileRejected",
    "LoadContext",
    "LoadReport",
    "Loader",
    "RecordError",
    "Reject",
    "Resolver",
    "file_entry",
    "run_load",
    "write_reject_report",
]

log = logging.getLogger("chainkg.load")

ROW_REJECTED = "row rejected"
_NORMALIZED_MAX = 100_000
_NOTHING: Callable[[], None] = lambda: None  # noqa: E731
FIELD_IGNORED = "field ignored"
FILE_REJECTED = "file rejected"
#: Two values for one fact, both kept as claims of their sources (the node shows the winner).
CONFLICT_KEPT = "conflict kept"


@dataclass(frozen=True)
class Reject:
    """One line of the reject report. ``row`` is what the user sees: the CSV/Excel row number (the
    header is row 1) or the YAML line where the record starts; 0 means the file as a whole."""

    file: str
    row: int
    field: str
    reason: str
    action: str = ROW_REJECTED
    value: str = ""


class RecordError(Exception):
    """Raised by a loader for a record that cannot be kept; names the field at fault."""

    def __init__(self, field_name: str, reason: str, value: Any = ""):
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason
        self.value = "" if value is None else str(value)[:200]


class FileRejected(Exception):
    """A whole input that cannot be read at all (unknown encoding, missing name column, …)."""

    def __init__(self, reason: str, field_name: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.field = field_name


@dataclass
class LoadReport:
    loader: str
    files: list[str] = field(default_factory=list)
    records_read: int = 0
    records_loaded: int = 0
    rejects: list[Reject] = field(default_factory=list)
    write: WriteResult = field(default_factory=WriteResult)
    report_path: Path | None = None
    seconds: float = 0.0

    @property
    def rows_rejected(self) -> int:
        return len({(r.file, r.row) for r in self.rejects if r.action == ROW_REJECTED})

    @property
    def files_rejected(self) -> int:
        return sum(1 for r in self.rejects if r.action == FILE_REJECTED)

    def summary(self) -> str:
        w = self.write
        return (
            f"{self.loader}: {self.records_loaded}/{self.records_read} records loaded, "
            f"{self.rows_rejected} rejected, {len(self.rejects)} report lines; "
            f"nodes +{w.nodes_created} ~{w.nodes_changed}, edges +{w.edges_created} ~{w.edges_changed} "
            f"in {self.seconds:.2f}s"
        )


class Resolver:
    """Names → ids, looking first at what this load has produced, then at the store.

    Lookups go through :func:`normalize_name`, so a reference written in traditional characters or
    with full-width brackets finds the node. Small kinds are fetched from the store in bulk once;
    enterprises and projects are looked up per name (with a cache), so a million-row registry does
    not pull every enterprise name into memory.
    """

    _BULK = frozenset(
        {NodeKind.CHAIN, NodeKind.SEGMENT, NodeKind.REGION, NodeKind.PARK, NodeKind.SOURCE, NodeKind.CHAIN_OFFICE}
    )

    def __init__(self, store: GraphStore):
        self.store = store
        self._normalized: dict[str, str] = {}
        self._pending: dict[NodeKind, dict[str, str]] = {}
        self._bulk: dict[NodeKind, dict[str, str]] = {}
        self._cache: dict[tuple[NodeKind, str], str | None] = {}
        self.props: dict[str, dict[str, Any]] = {}
        #: Called before the Resolver asks the store: the load's batch being written ahead is settled
        #: first, so an answer never depends on whether that batch has committed yet.
        self.before_read: Callable[[], None] = _NOTHING

    def add(self, kind: NodeKind, node_id: str, keys: Iterable[str], props: dict[str, Any] | None = None) -> None:
        table = self._pending.setdefault(kind, {})
        for key in keys:
            table.setdefault(key, node_id)
        if props is not None:
            self.props[node_id] = props

    def resolve(self, kind: NodeKind, name: str) -> str | None:
        key = self._normalized.get(name) if type(name) is str else None  # the common case, inline
        if key is None:
            key = self._key(name)
        if not key:
            return None
        pending = self._pending.get(kind)
        found = pending.get(key) if pending is not None else None
        if found:
            return found
        if kind in self._BULK:
            if kind not in self._bulk:
                self.before_read()
                self._bulk[kind] = self.store.names(kind)
            return self._bulk[kind].get(key)
        cache_key = (kind, key)
        if cache_key not in self._cache:
            self.before_read()
            ids = self.store.find_ids(kind, key)
            self._cache[cache_key] = ids[0] if ids else None
        return self._cache[cache_key]

    def _key(self, name: Any) -> str:
        """:func:`normalize_name`, remembered: a load names the same segments, regions, parks and
        sources thousands of times, and normalising (NFKC, OpenCC) costs more than the lookup. (A
        hand-written file may hold anything where a name belongs: normalize_name says why it is not one.)"""
        if not isinstance(name, str):
            return normalize_name(name)
        key = self._normalized.get(name)
        if key is None:
            if len(self._normalized) >= _NORMALIZED_MAX:
                self._normalized.clear()  # bounded: a registry of a million distinct names must not grow it
            key = self._normalized[name] = normalize_name(name)
        return key

    def keys(self, kind: NodeKind) -> dict[str, str]:
        """All known key → id of a small kind (store and pending), for fuzzy matching."""
        if kind not in self._bulk:
            self.before_read()
            self._bulk[kind] = self.store.names(kind)
        return {**self._bulk[kind], **self._pending.get(kind, {})}

    def node_props(self, node_id: str) -> dict[str, Any] | None:
        if node_id in self.props:
            return self.props[node_id]
        self.before_read()
        return self.store.node(node_id)


class LoadContext:
    """What a loader needs while reading one input: where to send records and rejects."""

    def __init__(self, store: GraphStore, report: LoadReport, batch_size: int, progress: Progress | None):
        self.store = store
        self.report = report
        self.resolver = Resolver(store)
        self.resolver.before_read = self.settle
        self._writing: tuple[list[tuple[str, int, Batch]], Future[WriteResult]] | None = None
        self.batch_size = batch_size
        self._pending: list[tuple[str, int, Batch]] = []
        self._pending_size = 0
        self._progress = progress
        self._task: Any = None
        self.claimed_nodes: set[str] = set()
        self.lifecycle = LifecycleFacts()
        #: False for a loader that writes nodes exactly as a store held them (an export): their
        #: derived fields come with them, and nothing is derived again.
        self.derive = True

    # loaders call these -------------------------------------------------------------------

    def accept(self, batch: Batch, file: str, row: int, *, count: bool = True) -> None:
        """Queue validated nodes/edges; written with the next full batch.

        ``count=False`` for the second half of a record already counted (its links), or for
        supporting nodes such as the Source a file creates for itself.
        """
        if count:
            self.report.records_loaded += 1
        for node in batch.nodes:
            if node.kind is NodeKind.PROJECT and self.derive:
                self.lifecycle.take(node)  # its status is derived from its events after the load
            elif node.kind is NodeKind.PROJECT_EVENT:
                if self.derive:
                    self.lifecycle.touch(str(node.props["project"]))
                if node.props.get("status") is not None:
                    continue  # a status event's claims are resolved with the lifecycle, not here
            if any(p.claims for p in node.provenance):
                self.claimed_nodes.add(node.id)
        self._pending.append((file, row, batch))
        self._pending_size += len(batch)
        if self._pending_size >= self.batch_size:
            self._send()

    def reject(self, file: str, row: int, error: RecordError, action: str = ROW_REJECTED) -> None:
        self.report.rejects.append(Reject(file, row, error.field, error.reason, action, error.value))

    def note(self, file: str, row: int, field_name: str, reason: str, value: Any = "") -> None:
        """A field dropped from an otherwise good record."""
        text = "" if value is None else str(value)[:200]
        self.report.rejects.append(Reject(file, row, field_name, reason, FIELD_IGNORED, text))

    def read(self, n: int = 1) -> None:
        self.report.records_read += n
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, n)

    def start_file(self, path: Path, total: int | None) -> None:
        self.report.files.append(str(path))
        if self._progress is not None:
            self._task = self._progress.add_task(path.name, total=total)

    def flush(self) -> None:
        """Write queued records as one batch and wait until written; if the store refuses it, isolate
        the bad records.

        A refused batch leaves the store untouched, so retrying record by record loses nothing and
        turns the culprit into a reject. An unreachable store is not a data problem: it propagates.
        """
        self._send()
        self.settle()

    def _send(self) -> None:
        """:meth:`flush` without the wait, for a full batch: a store that writes ahead
        (:class:`~chainkg.store.protocol.WritesAhead`) gets the batch and returns at once, so the
        loader reads on while it is written. Its outcome is taken (and a refusal isolated, in order)
        before the next batch is sent, before the Resolver next asks the store, and at every
        :meth:`flush` (:meth:`settle`)."""
        self.settle()
        if not self._pending:
            return
        pending, self._pending, self._pending_size = self._pending, [], 0
        combined = Batch()
        for _, _, batch in pending:
            combined.extend(batch)
        if isinstance(self.store, WritesAhead):
            self._writing = (pending, self.store.write_ahead(combined))
            return
        try:
            self.report.write.add(self.store.write(combined))
        except StoreUnavailable:
            raise
        except StoreError:
            self._isolate(pending)

    def settle(self) -> None:
        """Take the outcome of the batch being written ahead, if any (see :meth:`flush`)."""
        if self._writing is None:
            return
        pending, outcome = self._writing
        self._writing = None
        try:
            self.report.write.add(outcome.result())
        except StoreUnavailable:
            raise
        except StoreError:
            self._isolate(pending)

    def _isolate(self, pending: list[tuple[str, int, Batch]]) -> None:
        for file, row, batch in pending:
            try:
                self.report.write.add(self.store.write(batch))
            except StoreUnavailable:
                raise
            except StoreError as exc:
                self.report.records_loaded -= 1
                self.reject(file, row, RecordError("", f"store refused the record: {exc}"))


class Loader(Protocol):
    """One kind of input. ``load`` reads ``path`` and hands each record to ``ctx``."""

    name: str

    def accepts(self, path: Path) -> bool: ...

    def estimate(self, path: Path) -> int | None:
        """Record count for the progress bar, if cheap to know."""

    def load(self, path: Path, ctx: LoadContext) -> None: ...

    def inputs(self, path: Path) -> Iterator[Path]:
        """The files behind ``path`` whose change makes the loaded graph stale."""


def file_entry(loader: str, path: Path, files: Iterable[Path], options: dict[str, Any] | None = None) -> ManifestEntry:
    """Manifest entry for an input; a directory's hash covers its files' names and contents."""
    digest = hashlib.sha256()
    size = 0
    mtime = 0
    for file in sorted(files):
        stat = file.stat()
        size += stat.st_size
        mtime = max(mtime, stat.st_mtime_ns)
        inside = path.is_dir() and file.is_relative_to(path)
        digest.update(str(file.relative_to(path) if inside else file.name).encode())
        digest.update(b"\0")
        with file.open("rb") as handle:
            for chunk in iter(partial(handle.read, 1 << 20), b""):
                digest.update(chunk)
    return ManifestEntry(
        loader, str(path.resolve()), digest.hexdigest(), size, mtime, tuple(sorted((options or {}).items()))
    )


def write_reject_report(path: Path, rejects: list[Reject]) -> None:
    """CSV with a BOM, so Excel on a Chinese desktop opens it in the right encoding; every cell
    spreadsheet-safe (:func:`chainkg.store.files.spreadsheet_safe`: a value such as ``=HYPERLINK(…)``
    from a hostile input is shown as text, never run as a formula); written atomically."""
    with atomic_write(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["file", "row", "field", "value", "reason", "action"])
        for r in rejects:
            writer.writerow([spreadsheet_safe(c) for c in (r.file, r.row, r.field, r.value, r.reason, r.action)])


def reconcile_claims(store: GraphStore, node_ids: set[str]) -> None:
    """Set each claimed field of the nodes to the winner among all sources now in the store."""
    if not node_ids:
        return
    rows = store.claims(sorted(node_ids))
    by_node: dict[str, list[Claim]] = {}
    for row in rows:
        for name, value in row.provenance.claims:
            by_node.setdefault(row.node_id, []).append(
                Claim(name, value, row.provenance.source, row.source_date, row.source_authority)
            )
    updates: dict[str, dict[str, Any]] = {}
    found = store.nodes(sorted(by_node))  # one read per thousand nodes, not one per node
    for node_id, claims in by_node.items():
        props = found.get(node_id) or {}
        curated = set(props.get("curated_fields") or [])
        winners, disputed = resolve_claims([c for c in claims if c.field not in curated])
        update: dict[str, Any] = {k: v for k, v in winners.items() if props.get(k) != v}
        all_disputed = sorted(set(disputed) | set(_disputed_curated(claims, props, curated)))
        if (props.get("disputed") or []) != all_disputed:
            update["disputed"] = all_disputed or None
        if update:
            updates[node_id] = update
    if updates:
        store.set_node_props(updates)


def _disputed_curated(claims: list[Claim], props: dict[str, Any], curated: set[str]) -> list[str]:
    """A curated field is disputed when some source claims a value other than the curator's."""
    return sorted({c.field for c in claims if c.field in curated and props.get(c.field) != c.value})


def run_load(
    store: GraphStore,
    paths: list[Path],
    loaders: list[Loader],
    *,
    report_dir: Path | None = None,
    batch_size: int = 1000,
    progress: bool = False,
    console: Console | None = None,
) -> list[LoadReport]:
    """Load each path with the first loader that accepts it. Never raises for bad input. (A load only adds
    live objects: the collector is paused; writing ahead passes the interpreter lock to and fro: quick_handoffs.)"""
    with gc_paused(), quick_handoffs() if isinstance(store, WritesAhead) else nullcontext():
        return [_load_one(store, path, loaders, report_dir, batch_size, progress, console) for path in paths]


def _load_one(
    store: GraphStore,
    path: Path,
    loaders: list[Loader],
    report_dir: Path | None,
    batch_size: int,
    progress: bool,
    console: Console | None,
) -> LoadReport:
    """Load one input with the first loader that accepts it."""
    loader = next((ld for ld in loaders if ld.accepts(path)), None)
    report = LoadReport(loader=loader.name if loader else "none")
    started = time.perf_counter()
    if loader is None:
        report.files.append(str(path))
        reason = (
            "no such file or directory"
            if not path.exists()
            else "not a dataset directory (sources.yaml or sources.jsonl), .csv/.tsv/.txt or .xlsx file"
        )
        report.rejects.append(Reject(str(path), 0, "", reason, FILE_REJECTED))
    else:
        bar = _progress(console) if progress else None
        ctx = LoadContext(store, report, batch_size, bar)
        ctx.derive = not getattr(loader, "writes_as_stored", False)
        try:
            if bar is not None:
                bar.start()
            try:
                loader.load(path, ctx)
            except FileRejected as exc:
                report.rejects.append(Reject(str(path), 0, exc.field, exc.reason, FILE_REJECTED))
            except StoreError:
                raise
            except (RecursionError, MemoryError, OSError, ValueError, TypeError, KeyError, IndexError) as exc:
                # A reader that broke on an input nobody foresaw: the input is refused and named, the load
                # goes on with the next one, and the traceback goes to the log for whoever fixes the reader.
                log.exception("reading %s failed", path)
                reason = f"the file could not be read ({type(exc).__name__}: {str(exc)[:200]})"
                report.rejects.append(Reject(str(path), 0, "", reason, FILE_REJECTED))
            ctx.flush()
        finally:
            if bar is not None:
                bar.stop()
        reconcile_claims(store, ctx.claimed_nodes)
        report.write.add(derive_lifecycle(store, ctx.lifecycle))
        if report.records_loaded:
            store.record_input(file_entry(loader.name, path, list(loader.inputs(path))))
    report.seconds = time.perf_counter() - started
    if report_dir is not None:
        stem = path.name if path.name else "input"
        report.report_path = report_dir / f"{stem}.rejects.csv"
        write_reject_report(report.report_path, report.rejects)
    return report


def _progress(console: Console | None) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=True,
        disable=not (console or Console(stderr=True)).is_terminal,
    )
