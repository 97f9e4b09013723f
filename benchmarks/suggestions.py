""" "Did you mean": how long a not-found answer takes to find the closest names, and whether they help.

    .venv/bin/python -m benchmarks.suggestions DATASET_OR_SNAPSHOT [--samples 30] [--seed 0]
                                               [--neo4j bolt://127.0.0.1:7687 [--load]]

An unknown id (``ent:`` + an enterprise's name with one character replaced) asked of the entity
detail query — the widest case: every kind may match — must come back as ``not_found`` with the
closest names. For ``--samples`` such ids drawn from the graph's enterprises (the same ids for the
same seed and graph) this prints the first call (the embedded store builds its name index then),
p50 and max of the others in ms, and how often the misspelt enterprise is among the suggestions.

The graph comes from a dataset directory (``chainkg generate DIR --preset city``; loaded into a new
embedded store, then saved as ``DIR.snapshot`` so later runs open it in seconds) or a snapshot file.
``--neo4j URI`` runs the same ids on a Neo4j server instead (``--load``: load the dataset into it first).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from benchmarks.measure import percentiles
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.queries import entity
from chainkg.queries.errors import NotFound
from chainkg.schema.kinds import NodeKind
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.nx_index import nodes_of_kind
from chainkg.store.protocol import GraphStore

__all__ = ["main", "misspelt_ids"]

_REPLACEMENTS = "的一是在不了有和人这中大为上个国我以要他"


def misspelt_ids(graph_store: MemoryStore, samples: int, seed: int) -> list[tuple[str, str]]:
    """(enterprise id, ``ent:`` + its name with one character replaced) for ``samples`` enterprises
    (most generated enterprises have a credit-code id: a person would type the name)."""
    rng = random.Random(seed)
    graph = graph_store.graph
    enterprises = sorted(nodes_of_kind(graph, NodeKind.ENTERPRISE))
    out = []
    for node in rng.sample(enterprises, samples):
        name = graph.nodes[node]["name"]
        i = rng.randrange(len(name))
        out.append((node, "ent:" + name[:i] + rng.choice(_REPLACEMENTS) + name[i + 1 :]))
    return [(node, typo) for node, typo in out if graph_store.node(typo) is None]


def _memory(path: Path) -> MemoryStore:
    if path.is_file():
        return MemoryStore.open(path)
    snapshot = path.with_name(path.name + ".snapshot")
    if snapshot.exists():
        return MemoryStore.open(snapshot)
    store = MemoryStore()
    run_load(store, [path], default_loaders())
    store.save(snapshot)
    return MemoryStore.open(snapshot)  # as `serve` would have it: indexes not built yet


def measure(store: GraphStore, cases: list[tuple[str, str]]) -> dict[str, float]:
    times, found = [], 0
    for node, typo in cases:
        started = time.perf_counter()
        try:
            store.run(entity.QUERY, entity.Params(id=typo))
        except NotFound as exc:
            found += node in [s["id"] for s in exc.suggestions]
        else:
            raise AssertionError(f"{typo} was found")
        times.append((time.perf_counter() - started) * 1000)
    rest = percentiles(times[1:])
    return {"first_ms": times[0], "p50_ms": rest["p50"], "max_ms": max(times[1:]), "hit_rate": found / len(cases)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suggestions", description=__doc__.split("\n\n")[0])
    parser.add_argument("graph", type=Path, help="dataset directory or embedded-store snapshot")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--neo4j", help="bolt URI of a Neo4j server to run the same ids on")
    parser.add_argument("--load", action="store_true", help="with --neo4j: load the dataset into it first")
    args = parser.parse_args(argv)
    memory = _memory(args.graph)
    cases = misspelt_ids(memory, args.samples, args.seed)
    store: GraphStore = memory
    if args.neo4j:
        neo4j = Neo4jStore(args.neo4j).connect()
        if args.load:
            neo4j.clear()
            run_load(neo4j, [args.graph], default_loaders())
        store = neo4j
    try:
        figures = measure(store, cases)
    finally:
        store.close()
    print(
        f"{store.backend}, {memory.counts().total_nodes} nodes, {len(cases)} misspelt ids: first "
        f"{figures['first_ms']:.0f} ms, p50 {figures['p50_ms']:.1f} ms, max {figures['max_ms']:.1f} ms; "
        f"the enterprise meant is suggested for {figures['hit_rate']:.0%}"
    )


if __name__ == "__main__":
    main()
