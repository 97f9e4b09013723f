"""How long a replaced graph's freeing holds up other threads: at once against a slice at a time.

    .venv/bin/python -m benchmarks.reclaim [--edges 500000] [--repeats 3]

Builds a graph shaped like the city's (``--edges`` edges between a tenth as many nodes, each with a
small attribute dict), and while a second thread ticks every millisecond, frees it (a) the way
CPython does when the last reference goes — ``del`` in the thread that drops it — and (b) through
:func:`chainkg.app.reclaim.reclaim`. Prints the ticker's longest wait (the stall a request would
have seen), the freeing's wall time, and the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from typing import Any

import networkx as nx

from chainkg.app import reclaim


def _graph(edges: int) -> nx.MultiDiGraph[str]:
    nodes = max(edges // 10, 1)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for i in range(nodes):
        graph.add_node(f"ent:{i}", kind="Enterprise", name=f"企业{i}", keys=[f"企业{i}"])
    for j in range(edges):
        graph.add_edge(f"ent:{j % nodes}", f"ent:{(j * 7919) % nodes}", kind="SUPPLIES", provenance=["src:a"])
    return graph


def _at_once(box: list[nx.MultiDiGraph[str]]) -> None:
    box.clear()  # the last reference: CPython frees it here, in this thread


def _in_slices(box: list[nx.MultiDiGraph[str]]) -> None:
    done = reclaim.reclaimed()
    reclaim.reclaim(box.pop())
    while reclaim.reclaimed() == done:
        time.sleep(0.005)


def _stall(free: Any, box: list[nx.MultiDiGraph[str]]) -> tuple[float, float]:
    """(longest ms a 1 ms ticker waited, seconds the freeing took) while ``free(box)`` frees the
    graph in ``box``."""
    longest = 0.0
    stop = threading.Event()

    def tick() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            longest = max(longest, (now - last) * 1000)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.05)
    started = time.perf_counter()
    free(box)
    took = time.perf_counter() - started
    time.sleep(0.05)
    stop.set()
    ticker.join()
    return longest, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edges", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for _ in range(args.repeats):
        at_once = _stall(_at_once, [_graph(args.edges)])
        in_slices = _stall(_in_slices, [_graph(args.edges)])
        print(
            f"{args.edges:,} edges: at once — longest wait {at_once[0]:,.0f} ms ({at_once[1]:.2f} s); "
            f"in slices — longest wait {in_slices[0]:,.0f} ms ({in_slices[1]:.2f} s)"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
