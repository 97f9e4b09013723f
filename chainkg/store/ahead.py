"""Writing one batch while the caller prepares the next: one writer thread per store.

Why: a load alternates two kinds of work — the loader's (reading, validating, resolving names,
provenance, the next batch's plan and its encoding) and the database's (executing the batch). Done
in turn, each waits while the other runs; on a Neo4j load both sides cost about the same per record,
so in turn the wall time is their sum. :class:`WriteAhead` runs the store's ``write`` on a thread of
its own, so the loader goes on while the server executes the batch before; with Python's one
interpreter lock the two Python sides still take turns, but the thread mostly waits on the socket.

What stays as it was: batches commit in the order they were handed over, one at a time (at most one
being written while the next is prepared); each one's outcome — its counts or the store's refusal —
comes back with its :class:`~concurrent.futures.Future`, so the pipeline isolates the records of a
refused batch exactly as before (:meth:`chainkg.loaders.pipeline.LoadContext.flush`); and the
store's reads and other writes call :meth:`WriteAhead.wait` first, so they see the graph as if every
write had returned only once committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for

from chainkg.schema.records import Batch
from chainkg.store.protocol import WriteResult

__all__ = ["WriteAhead"]


class WriteAhead:
    """One writer thread that runs ``write`` for one batch at a time (see the module docstring).

    :meth:`submit` first waits until the batch before has finished (so at most one batch is in the
    server and one being prepared), then hands the new one over and returns its future. :meth:`wait`
    returns once nothing is being written: every read and every other write of the store calls it
    first, so they see the graph as if each write had returned only when committed. Called on the
    writer thread itself (a store method ``write`` calls), it returns at once.
    """

    def __init__(self, write: Callable[[Batch], WriteResult]):
        self._write = write
        self._executor: ThreadPoolExecutor | None = None
        self._last: Future[WriteResult] | None = None
        self._lock = threading.Lock()
        self._local = threading.local()

    def submit(self, batch: Batch) -> Future[WriteResult]:
        self.wait()
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chainkg-writer")
            self._last = self._executor.submit(self._on_writer, batch)
            return self._last

    def _on_writer(self, batch: Batch) -> WriteResult:
        self._local.writer = True
        return self._write(batch)

    def wait(self) -> None:
        if getattr(self._local, "writer", False):
            return
        last = self._last
        if last is not None:
            wait_for([last])

    def close(self) -> None:
        """Wait for the batch being written, then end the thread."""
        self.wait()
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
