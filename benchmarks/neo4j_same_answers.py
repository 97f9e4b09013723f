"""Whether Neo4j answers as the embedded store does on a big graph: drawn parameters of each case, JSON for JSON.

    .venv/bin/python -m benchmarks.neo4j_same_answers --uri bolt://… [--password …] [--preset city] [--seed 0]
                                                      [--only "recommend,explain"] [--draws 8]

The parity suites (``tests/neo4j/test_parity_*``) hold this on the Dezhou and generated graphs; this
holds it at benchmark scale, for a Cypher change that reads differently there. It loads the dataset
``benchmarks.run`` generated into the embedded store (about 10 s of CPU at city scale), draws each
case's parameters as :mod:`benchmarks.query_latency` does (another seed stream), runs both stores and
prints the calls whose answers (or errors) differ. The Neo4j server must hold the same dataset (for
instance the database ``benchmarks.neo4j_queries`` keeps).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import query_latency
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore


def _answer(store: Any, case: query_latency.QueryCase, params: Any) -> str:
    try:
        return str(store.run(case.query, params).model_dump_json())
    except Exception as exc:  # an error is an answer too: both stores must give the same one
        return f"error {type(exc).__name__}: {exc}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.neo4j_same_answers", description=__doc__.split("\n")[0])
    parser.add_argument("--uri", required=True)
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", default="chainkg-test-password")
    parser.add_argument("--preset", default="city")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default="", help="comma-separated case names (default: every case)")
    parser.add_argument("--draws", type=int, default=8)
    args = parser.parse_args(argv)

    dataset = Path(tempfile.gettempdir()) / "chainkg-bench" / f"{args.preset}-seed{args.seed}"
    memory = MemoryStore()
    with tempfile.TemporaryDirectory() as reports:
        run_load(memory, [dataset], default_loaders(), report_dir=Path(reports))
    neo = Neo4jStore(args.uri, args.user, args.password).connect()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    universe = query_latency.universe(memory)
    differences = 0
    try:
        for case in query_latency.CASES:
            if only and case.name not in only:
                continue
            rng = random.Random(f"same:{args.seed}:{case.name}")
            same = 0
            for _ in range(args.draws):
                params = case.params(universe, rng)
                a, b = _answer(memory, case, params), _answer(neo, case, params)
                if a == b:
                    same += 1
                else:
                    differences += 1
                    print(f"DIFFERENT {case.name}: {params.model_dump_json()}")
                    print(f"  embedded {a[:300]}\n  neo4j    {b[:300]}")
            print(f"{case.name}: {same}/{args.draws} identical", flush=True)
    finally:
        neo.close()
    print(f"differences: {differences}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
