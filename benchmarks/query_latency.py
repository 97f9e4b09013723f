"""Query latency: p50/p99 of each query, over a spread of parameters drawn from the loaded graph.

This is the hook for the query half of issue 7. A query is benchmarked by adding a
:class:`QueryCase` to :data:`CASES`: its name, its module (the one ``store.run`` dispatches to) and
a function that draws one parameter set from the store and a seeded random generator — e.g. a
random chain for the gap analysis, a random segment and depth for upstream search — so the timings
cover the graph rather than one lucky node. :func:`measure` warms each case up once, then times
``repeats`` runs, each with freshly drawn parameters, and reports p50/p99/mean in milliseconds.

It runs inside ``benchmarks.workers open`` on the store restored from the snapshot. For Neo4j, the
same cases run against a Neo4j store once one can be opened from the benchmark (a ``--stores``
option in :mod:`benchmarks.run`); both stores answer ``store.run(module, params)``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from benchmarks.measure import percentiles
from queries import stats
from queries.store import GraphStore

__all__ = ["CASES", "QueryCase", "measure"]


@dataclass(frozen=True)
class QueryCase:
    name: str
    module: ModuleType
    params: Callable[[GraphStore, random.Random], BaseModel]
    repeats: int | None = None  # None: the run's default; a whole-graph query may take fewer


#: The queries timed; the chain-analysis queries join here as their modules land.
CASES: list[QueryCase] = [
    QueryCase("stats (whole graph)", stats, lambda store, rng: stats.Params(), repeats=5),
]


def measure(store: GraphStore, *, repeats: int = 50, seed: int = 0) -> list[dict[str, Any]]:
    """Time every case on ``store``; one row per case (ms)."""
    rng = random.Random(seed)
    rows = []
    for case in CASES:
        n = case.repeats or repeats
        store.run(case.module, case.params(store, rng))  # warm-up: caches, lazy imports
        samples = []
        for _ in range(n):
            params = case.params(store, rng)
            started = time.perf_counter()
            store.run(case.module, params)
            samples.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "query": case.name,
                "store": store.backend,
                "runs": n,
                **{f"{k}_ms": round(v, 3) for k, v in percentiles(samples).items()},
                "mean_ms": round(sum(samples) / n, 3),
            }
        )
    return rows
