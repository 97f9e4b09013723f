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

The hand-over of the interpreter lock (:func:`quick_handoffs`): the writer thread lets go of the lock
at every round trip to the server (a batch sends ten or so statements and a commit), and when the
answer comes it must take the lock back from the loader's thread, which holds it while it reads on.
Python makes a thread that wants the lock wait a whole *switch interval* (5 ms by default) before the
holder is asked to let go: up to 5 ms of an idle server per statement, and the same again each time
the loader's thread reads its input from disk while the writer holds the lock. A load that writes
ahead runs with a switch interval of :data:`HANDOFF` instead (BENCHMARKS.md §2, seventh round: the
same load, same server, 5 ms against 0.5 ms).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from contextlib import contextmanager

from chainkg.schema.records import Batch
from chainkg.store.protocol import WriteResult

__all__ = ["HANDOFF", "WriteAhead", "quick_handoffs"]

#: The interpreter's switch interval (seconds) while a load writes ahead; Python's default is 0.005.
HANDOFF = 0.0005

_handoffs_lock = threading.Lock()
_handoffs: list[float] = []  # the interval to restore, once per load inside quick_handoffs


@contextmanager
def quick_handoffs() -> Iterator[None]:
    """Run the block with a switch interval of at most :data:`HANDOFF` (see the module docstring);
    the interval before the outermost such block is restored when it ends (loads may overlap)."""
    with _handoffs_lock:
        _handoffs.append(sys.getswitchinterval())
        if len(_handoffs) == 1:
            sys.setswitchinterval(min(HANDOFF, _handoffs[0]))
    try:
        yield
    finally:
        with _handoffs_lock:
            before = _handoffs.pop()
            if not _handoffs:
                sys.setswitchinterval(before)


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
