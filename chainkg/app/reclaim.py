"""Freeing a replaced graph a slice at a time, so that no request waits while it is freed.

When a load through the API publishes a new graph, the old one is freed when its last reader lets
go of it. CPython frees a graph in one stretch of C that holds the interpreter lock: for the city
graph, half a million edge dicts, about a second of CPU on an idle core and 12–17 s on a busy one —
a stall of every request the server is answering (BENCHMARKS.md, the soak). :func:`reclaim` hands
the old graph to one background thread instead. The thread keeps it until nothing else refers to it
(requests that started on it finish on it, unchanged), then empties it a slice of
:data:`SLICE` entries at a time — its successor, predecessor and node dicts — pausing between slices
so the interpreter lock goes round: the same work, spread into steps of a few milliseconds.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

import networkx as nx

__all__ = ["SLICE", "pending", "reclaim", "reclaimed", "release_views"]

log = logging.getLogger(__name__)

#: Entries popped between two pauses.
SLICE = 2_000
#: Seconds between two looks at whether a handed-over graph is still referred to elsewhere.
POLL_S = 0.5

_lock = threading.Lock()
_queue: list[nx.MultiDiGraph[str]] = []
_thread: threading.Thread | None = None
_done = 0


def reclaim(graph: nx.MultiDiGraph[str]) -> None:
    """Free ``graph`` in the background once nothing else refers to it (see the module docstring).
    The caller must not use it afterwards; readers that hold it keep a whole graph until they let go."""
    global _thread
    with _lock:
        if any(g is graph for g in _queue):
            return
        _queue.append(graph)
        if _thread is None:
            _thread = threading.Thread(target=_run, name="chainkg-reclaim", daemon=True)
            _thread.start()


def pending(graph: nx.MultiDiGraph[str] | None = None) -> int:
    """Graphs handed over and not yet freed (1 or 0 for ``graph``: whether it is one of them)."""
    with _lock:
        return len(_queue) if graph is None else sum(g is graph for g in _queue)


def reclaimed() -> int:
    """Graphs freed so far by this process."""
    return _done


_TABLES = ("_succ", "_pred", "_node")


def _table_refs(graph: nx.MultiDiGraph[str]) -> tuple[int, ...]:
    return tuple(sys.getrefcount(getattr(graph, name)) for name in _TABLES)


def _first_free(items: list[Any], base: int, also: Callable[[Any], bool] = lambda _: True) -> Any:
    """The first item nothing but ``items`` (and this look) refers to and ``also`` accepts, or None."""
    for item in items:
        if sys.getrefcount(item) <= base and also(item):
            return item
    return None


#: What :func:`_first_free` counts for an item only its list holds (calibrated, not assumed).
_BASE = 0
_probe: list[Any] = [object()]
for _base in range(1, 10):
    if _first_free(_probe, _base) is not None:
        _BASE = _base
        break
#: What :func:`_table_refs` counts for the tables of a graph nothing else looks into.
_TABLE_BASE = _table_refs(nx.MultiDiGraph())
del _probe


def _free(graph: nx.MultiDiGraph[str]) -> bool:
    """Whether nothing outside the graph refers to its tables either (a view of its adjacency
    handed out without the graph would see them emptied)."""
    return _table_refs(graph) <= _TABLE_BASE


#: The views networkx caches on a graph instance (``G.out_edges`` …); each refers back to its graph.
_CACHED_VIEWS = sorted(
    {name for cls in nx.MultiDiGraph.__mro__ for name, v in vars(cls).items() if isinstance(v, cached_property)}
)


def release_views(graph: nx.MultiDiGraph[str]) -> None:
    """Drop the views networkx caches on ``graph`` (``graph.out_edges`` and the like): each refers back to
    the graph, so a replaced graph was a reference cycle that only a full garbage collection — seconds
    at city scale, and rare — freed, and the server's memory grew by a graph per load. Without them the
    old graph is freed as soon as the last request using it ends. Safe while requests still read it:
    networkx makes a view again when one is asked for."""
    for name in _CACHED_VIEWS:
        graph.__dict__.pop(name, None)


def _run() -> None:
    global _done, _thread
    while True:
        with _lock:
            if not _queue:
                _thread = None  # under the lock: the next reclaim starts a new thread
                return
            for queued in _queue:  # the views networkx caches on a graph refer to it: not readers
                release_views(queued)
            del queued
            graph = _first_free(_queue, _BASE, _free)
        if graph is None:
            time.sleep(POLL_S)
            continue
        try:
            _empty(graph)
        except Exception:
            log.exception("freeing a replaced graph in slices failed; it is freed at once instead")
        with _lock:
            _queue[:] = [g for g in _queue if g is not graph]
        del graph
        _done += 1


def _empty(graph: nx.MultiDiGraph[str]) -> None:
    for name in _TABLES:
        table: dict[Any, Any] = getattr(graph, name)
        while table:
            for _ in range(min(SLICE, len(table))):
                table.popitem()
            time.sleep(0)  # let the request threads have the interpreter
