"""Recall@10 of ``chainkg recommend`` against published lists of a segment's leaders.

``python -m benchmarks.leader_recall [--half dev|test|all] [--json]``

The lists are in ``benchmarks/leader_eval/lists.yaml`` (where each comes from, and which half it
belongs to). For each list: the bundled graph (``data/dezhou`` then ``data/national``, as
``./scripts/serve.sh`` serves it) is asked ``recommend(segment, limit=10)`` at the default scope
(Dezhou); a listed company is **found** when one of the ten candidates is it — its name or an alias
equals one of the list's spellings (``match``, else the listed name), compared after
:func:`~chainkg.schema.normalize.normalize_name`. *Group-tolerant* also counts a candidate whose
SUBSIDIARY_OF ancestor is the listed company (the list names 中国宝武, the graph recommends its
listed 宝钢股份). recall@10 of a list = found / listed; the figure is the mean over the lists of a
half. Also reported, to tell missing data from ranking: how many listed companies the graph places
in the segment at all (any rank), and how many it holds as nodes anywhere.

A measuring tool, not a test: the published lists are not part of the data, and the test half is
never used to change it (see the YAML's header).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.paths import BUNDLED_DATASETS
from chainkg.queries import recommend
from chainkg.queries.groups import ancestors
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.normalize import normalize_name
from chainkg.store.memory import MemoryStore

LISTS = Path(__file__).resolve().parent / "leader_eval" / "lists.yaml"


def _spellings(leader: dict[str, Any]) -> set[str]:
    return {normalize_name(str(s)) for s in leader.get("match") or [leader["name"]]}


def _keys(attrs: dict[str, Any]) -> set[str]:
    return {normalize_name(n) for n in [attrs["name"], *(attrs.get("aliases") or [])]}


def evaluate(store: MemoryStore, entry: dict[str, Any]) -> dict[str, Any]:
    """One list's figures (see the module docstring)."""
    graph = store.graph
    segment = f"seg:{entry['segment']}"
    result = store.run(recommend.QUERY, recommend.Params(segment=segment, limit=10))
    top = [c.enterprise.id for c in result.candidates]
    in_segment = {u for u, _, k in graph.in_edges(segment, data="kind") if k == EdgeKind.IN_SEGMENT.value}
    enterprises = [n for n, a in graph.nodes(data=True) if a["kind"] == NodeKind.ENTERPRISE.value]
    rows = []
    for leader in entry["leaders"]:
        names = _spellings(leader)

        def matches(node: str, names: set[str] = names) -> bool:
            return bool(_keys(graph.nodes[node]) & names)

        strict = next((n for n in top if matches(n)), None)
        grouped = strict or next((n for n in top if any(matches(a) for a in ancestors(graph, n))), None)
        rows.append(
            {
                "name": leader["name"],
                "found": strict,
                "found_in_group": grouped,
                "in_segment": sorted(n for n in in_segment if matches(n)),
                "in_graph": sorted(n for n in enterprises if matches(n)),
            }
        )
    n = len(rows)
    return {
        "segment": entry["segment"],
        "half": entry["half"],
        "list": entry["list"],
        "url": entry["url"],
        "recall@10": sum(bool(r["found"]) for r in rows) / n,
        "recall@10_group": sum(bool(r["found_in_group"]) for r in rows) / n,
        "placed_in_segment": sum(bool(r["in_segment"]) for r in rows) / n,
        "in_graph": sum(bool(r["in_graph"]) for r in rows) / n,
        "top10": [c.enterprise.name for c in result.candidates],
        "leaders": rows,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--json", action="store_true", help="every list's rows, as JSON")
    args = parser.parse_args(argv)
    entries = [e for e in yaml.safe_load(LISTS.read_text("utf-8")) if args.half in ("all", e["half"])]
    store = MemoryStore()
    reports = run_load(store, list(BUNDLED_DATASETS), default_loaders())
    assert all(not r.rejects for r in reports), "the bundled data loads with rejects"
    results = [evaluate(store, e) for e in entries]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    for r in results:
        print(
            f"{r['half']:4} {r['segment']:8} recall@10 {r['recall@10']:.2f} (group-tolerant "
            f"{r['recall@10_group']:.2f}); placed in the segment {r['placed_in_segment']:.2f}; "
            f"in the graph {r['in_graph']:.2f}"
        )
    for half in sorted({r["half"] for r in results}):
        mine = [r for r in results if r["half"] == half]
        mean = sum(r["recall@10"] for r in mine) / len(mine)
        group = sum(r["recall@10_group"] for r in mine) / len(mine)
        print(f"{half}: mean recall@10 {mean:.2f} (group-tolerant {group:.2f}) over {len(mine)} lists")


if __name__ == "__main__":
    main()
