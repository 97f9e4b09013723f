"""The embedded store's recommend latency on one dataset — for A/B runs of two commits.

``python -m benchmarks.recommend_latency DATASET [--repeats 400] [--warmup 20] [--seed 0]``

Loads DATASET (a dataset directory, e.g. the city preset ``benchmarks.run`` generates) into a new
MemoryStore, then times the ``recommend`` case of :mod:`benchmarks.query_latency` (a random segment
× a random scope per call, seeded). Prints one JSON row: the case's figures (ms), the load average
before and after, and this process's CPU time while timing. To compare two commits, run this file
from a checkout of each, alternately, on the same dataset (the machine's load is the main noise).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from benchmarks.query_latency import measure
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.store.memory import MemoryStore


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--repeats", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    store = MemoryStore()
    started = time.perf_counter()
    run_load(store, [args.dataset], default_loaders())
    loaded_s = time.perf_counter() - started
    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    (row,) = measure(store, repeats=args.repeats, seed=args.seed, warmup=args.warmup, only=["recommend"])
    row["cpu_s"] = round(time.process_time() - cpu, 1)
    row["load_avg"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    row["load_s"] = round(loaded_s, 1)
    print(json.dumps(row))


if __name__ == "__main__":
    main()
