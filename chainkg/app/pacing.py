"""Background work in the serving process that leaves the interpreter to the requests.

The server answers reads on threads that share one interpreter lock (the GIL) with whatever else
runs in the process. A long stretch of Python work — copying a graph, applying a load's writes,
building indexes — takes the lock for up to the interpreter's switch interval (5 ms) each time a
request thread asks for it, and a request asks many times (event loop → worker thread → back), so
a read that takes 2 ms alone took tens of milliseconds while a load ran. Two measures:

- :class:`Pacer` — the work rests between small steps, as long as it last worked times
  ``(1 - duty) / duty``: at ``duty = 0.5`` it holds the lock at most half the time, in slices of a
  few milliseconds, so a read rarely waits behind it at all.
- :func:`fine_switching` — while background work runs, the switch interval drops to 0.5 ms, so a
  request that does ask for the lock waits at most that long (the interpreter's own default, 5 ms,
  is tuned for throughput, not latency). Nested uses share one setting; the old interval comes back
  when the last one ends.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["FINE_SWITCH_INTERVAL", "Pacer", "fine_switching", "paced"]

T = TypeVar("T")

#: Seconds between the interpreter's forced thread switches while background work runs.
FINE_SWITCH_INTERVAL = 0.0005

_lock = threading.Lock()
_users = 0
_saved: float | None = None


@contextmanager
def fine_switching() -> Iterator[None]:
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved, FINE_SWITCH_INTERVAL))
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _saved is not None:
                sys.setswitchinterval(_saved)


class Pacer:
    """Call :meth:`step` between units of work; it sleeps so the work keeps to ``duty`` of the time,
    resting once per ``slice_s`` of work."""

    def __init__(self, duty: float = 0.5, slice_s: float = 0.005):
        if not 0 < duty <= 1:
            raise ValueError("duty must lie in (0, 1]")
        self.duty = duty
        self.slice_s = slice_s
        self._since = time.perf_counter()
        self.rested = 0.0

    def step(self) -> None:
        if self.duty >= 1:
            return
        worked = time.perf_counter() - self._since
        if worked < self.slice_s:
            return
        rest = worked * (1 - self.duty) / self.duty
        time.sleep(rest)
        self.rested += rest
        self._since = time.perf_counter()


def paced(items: Iterable[T], pacer: Pacer) -> Iterator[T]:
    """``items``, with ``pacer.step()`` between them."""
    for item in items:
        yield item
        pacer.step()
