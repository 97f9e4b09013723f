"""Big loads in a worker process, so the server's reads keep their latency while one runs.

A load in the serving process competes with every read for the interpreter lock: parsing, name
normalisation and validation are Python and took the lock in 5 ms slices, so while a 200,000-row
registry loaded, reads slowed about 35× (p95 56 ms) and stalled for seconds while the snapshot was
pickled. So a load of an input of at least ``CHAINKG_LOAD_WORKER_BYTES`` (256 KiB) runs in a
**worker process** (spawned: a fresh interpreter, no lock shared with the server):

1. The worker opens the snapshot the server serves (the caller holds the state directory's write
   lock and has checked that the server's graph *is* that snapshot: same stamp), runs the normal
   pipeline on it, saves the new snapshot and its manifest, and writes every change it made to the
   store — each ``write(batch)``, ``set_node_props`` and ``record_input``, in order — to an operations
   file, with the load report.
2. Meanwhile the server copies its own graph for the swap (:func:`paced_copy`, a few milliseconds at
   a time, resting as long in between: :mod:`chainkg.app.pacing`).
3. The server then applies the worker's operations to that copy, paced the same way. The same
   operations on the same graph give the same graph: the result equals the snapshot the worker
   saved (checked by node and edge counts and the manifest; if they ever differed, the saved snapshot
   is opened instead). No parsing, validation or pickling happens in the serving process, and the
   cyclic collector is paused meanwhile (a full pass over the graph would hold the lock for seconds).

The caller (:class:`chainkg.api.writes.Writer`) warms the new graph's indexes, then publishes it
whole, as for any load. On Neo4j the worker writes to the server directly
(:func:`load_in_worker_neo4j`): there the graph is not in the serving process at all. If the
worker cannot run (or dies), the load runs in the server process instead, as before, and the log
says why.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import secrets
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import networkx as nx

from chainkg.app.pacing import Pacer, fine_switching, paced
from chainkg.app.settings import Settings
from chainkg.app.state import SnapshotStamp, neo4j_store, save_store, snapshot_stamp
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import LoadReport, run_load
from chainkg.schema.records import Batch
from chainkg.store.files import TEMP_SUFFIX
from chainkg.store.gc_pause import gc_paused
from chainkg.store.memory import MemoryStore
from chainkg.store.protocol import Counts, ManifestEntry, StoreError, WriteResult

__all__ = ["WorkerFailed", "WorkerLoad", "input_bytes", "load_in_worker", "load_in_worker_neo4j", "paced_copy"]

log = logging.getLogger("chainkg.load")

#: Share of the time the server's part of a worker load may hold the interpreter.
DUTY = 0.5


class WorkerFailed(RuntimeError):
    """The worker process could not do the load (it did not start, died, or raised)."""


@dataclass
class WorkerLoad:
    report: LoadReport
    store: MemoryStore | None  # the new graph (None when nothing was loaded)
    stamp: SnapshotStamp | None
    seconds_worker: float
    seconds_replay: float


def input_bytes(path: Path) -> int:
    """Size of a file, or of every file under a directory."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def load_in_worker(settings: Settings, path: Path, current: MemoryStore, stamp: SnapshotStamp) -> WorkerLoad:
    """Load ``path`` in a worker process and return the new graph (see the module docstring). The
    caller holds the write lock, and ``current`` is the snapshot with ``stamp``."""
    token = secrets.token_hex(6)
    ops_path = settings.home / f".load-{token}.ops{TEMP_SUFFIX}"
    result_path = settings.home / f".load-{token}.result{TEMP_SUFFIX}"
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_worker_main,
        args=(settings, str(path), stamp, str(ops_path), str(result_path)),
        name="chainkg-load-worker",
        daemon=True,
    )
    started = time.perf_counter()
    try:
        try:
            process.start()
        except OSError as exc:
            raise WorkerFailed(f"the worker process could not start: {exc}") from exc
        pacer = Pacer(DUTY)
        copy_started = time.perf_counter()
        # The collector paused too: a full pass over a graph of millions of objects holds the lock for
        # seconds, and copying or replaying only adds live objects (chainkg.store.gc_pause).
        with fine_switching(), gc_paused():
            work = paced_copy(current, pacer)
        copy_seconds = time.perf_counter() - copy_started
        while process.is_alive():  # waiting costs the server nothing: no lock is held here
            process.join(timeout=0.2)
        worker_seconds = time.perf_counter() - started
        result = _read_result(result_path, process.exitcode)
        report: LoadReport = result["report"]
        if not report.records_loaded:
            return WorkerLoad(report, None, result["stamp"], worker_seconds, 0.0)
        replay_started = time.perf_counter()
        with fine_switching(), gc_paused():
            _replay(work, ops_path, pacer)
        replay_seconds = time.perf_counter() - replay_started
        new_stamp: SnapshotStamp | None = result["stamp"]
        counts: Counts = result["counts"]
        same = (work.graph.number_of_nodes(), work.graph.number_of_edges()) == (counts.total_nodes, counts.total_edges)
        if not same or [m.to_dict() for m in work.manifest()] != result["manifest"]:
            log.error("the replayed graph differs from the worker's; serving the snapshot it saved instead")
            work = MemoryStore.open(settings.snapshot_path)
            new_stamp = snapshot_stamp(settings.snapshot_path)
        log.info(
            "worker load of %s: %.1f s in the worker; in the server %.1f s copying and %.1f s replaying "
            "(%.1f s of both resting)",
            path,
            worker_seconds,
            copy_seconds,
            replay_seconds,
            pacer.rested,
        )
        return WorkerLoad(report, work, new_stamp, worker_seconds, replay_seconds)
    finally:
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
        ops_path.unlink(missing_ok=True)
        result_path.unlink(missing_ok=True)


def load_in_worker_neo4j(settings: Settings, path: Path) -> LoadReport:
    """Load ``path`` into the Neo4j graph from a worker process: the server keeps only the waiting (the
    graph lives in Neo4j, so there is nothing to copy or replay here)."""
    token = secrets.token_hex(6)
    result_path = settings.home / f".load-{token}.result{TEMP_SUFFIX}"
    process = multiprocessing.get_context("spawn").Process(
        target=_worker_main,
        args=(settings, str(path), None, "", str(result_path)),
        name="chainkg-load-worker",
        daemon=True,
    )
    try:
        try:
            process.start()
        except OSError as exc:
            raise WorkerFailed(f"the worker process could not start: {exc}") from exc
        while process.is_alive():
            process.join(timeout=0.2)
        report: LoadReport = _read_result(result_path, process.exitcode)["report"]
        return report
    finally:
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
        result_path.unlink(missing_ok=True)


def paced_copy(store: MemoryStore, pacer: Pacer) -> MemoryStore:
    """What ``MemoryStore(store.graph.copy(), store.manifest())`` makes — new node, edge and graph
    attribute dicts, the values in them shared — built a few milliseconds at a time."""
    graph = store.graph
    copy = graph.__class__()
    copy.graph.update(graph.graph)
    copy.add_nodes_from(paced(((n, d.copy()) for n, d in graph.nodes(data=True)), pacer))
    edges = ((u, v, key, data.copy()) for u, v, key, data in graph.edges(keys=True, data=True))
    copy.add_edges_from(cast(Any, paced(edges, pacer)))  # (u, v, key, data): the stubs know only 2- and 3-tuples
    pacer.step()
    return MemoryStore(copy, store.manifest())


def _replay(store: MemoryStore, ops_path: Path, pacer: Pacer) -> None:
    for op, argument in _operations(ops_path):
        if op == "write":
            store.write(argument)
        elif op == "props":
            store.set_node_props(argument)
        elif op == "input":
            store.record_input(argument)
        else:  # pragma: no cover - the worker writes only these
            raise WorkerFailed(f"unknown operation {op!r} in {ops_path}")
        pacer.step()


def _operations(path: Path) -> Iterator[tuple[str, Any]]:
    with path.open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


def _read_result(path: Path, exitcode: int | None) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            result: dict[str, Any] = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError) as exc:
        raise WorkerFailed(f"the worker process ended (exit code {exitcode}) without a result") from exc
    if "store_error" in result:  # the store refused or went away: the same answer as in-process
        raise result["store_error"]
    if "error" in result:
        raise WorkerFailed(f"the worker process failed: {result['error']}")
    return result


# --- in the worker process -------------------------------------------------------------------


class _RecordingStore(MemoryStore):
    """A MemoryStore that also writes every change made to it to an operations file."""

    def __init__(self, graph: nx.MultiDiGraph[str], manifest: list[ManifestEntry], sink: IO[bytes]):
        super().__init__(graph, manifest)
        self._sink = sink

    def _record(self, op: str, argument: Any) -> None:
        pickle.dump((op, argument), self._sink, protocol=pickle.HIGHEST_PROTOCOL)

    def write(self, batch: Batch) -> WriteResult:
        result = super().write(batch)  # raises before changing anything: then there is nothing to record
        self._record("write", batch)
        return result

    def set_node_props(self, updates: dict[str, dict[str, Any]]) -> None:
        super().set_node_props(updates)
        self._record("props", updates)

    def record_input(self, entry: ManifestEntry) -> None:
        super().record_input(entry)
        self._record("input", entry)


def _worker_main(settings: Settings, path: str, stamp: SnapshotStamp | None, ops_path: str, result_path: str) -> None:
    result: dict[str, Any]
    try:
        if settings.store == "neo4j":
            result = {"report": _neo4j_load(settings, Path(path))}
            with open(result_path, "wb") as out:
                pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
            return
        if snapshot_stamp(settings.snapshot_path) != stamp:
            raise WorkerFailed("the snapshot changed before the worker read it")
        opened = MemoryStore.open(settings.snapshot_path)
        with open(ops_path, "wb") as sink:
            store = _RecordingStore(opened.graph, opened.manifest(), sink)
            (report,) = run_load(
                store,
                [Path(path)],
                default_loaders(),
                report_dir=settings.reports_dir,
                batch_size=settings.batch_size,
            )
            sink.flush()
            os.fsync(sink.fileno())
        new_stamp = save_store(store, settings) if report.records_loaded else stamp
        counts: Counts = store.counts()
        manifest = [m.to_dict() for m in store.manifest()]
        result = {"report": report, "stamp": new_stamp, "counts": counts, "manifest": manifest}
    except BaseException as exc:
        result = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        if isinstance(exc, StoreError):
            result["store_error"] = exc
    with open(result_path, "wb") as out:
        pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)


def _neo4j_load(settings: Settings, path: Path) -> LoadReport:
    store = neo4j_store(settings).connect()
    try:
        (report,) = run_load(
            store, [path], default_loaders(), report_dir=settings.reports_dir, batch_size=settings.batch_size
        )
        return report
    finally:
        store.close()
