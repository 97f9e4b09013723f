"""Per-subset and per-genre figures of the news extractor on the development material, and the
change between two runs of it — to tell structure from tuning.

    .venv/bin/python benchmarks/extraction_cv.py [--save runs/a.json] [--compare runs/a.json] [--verbose]

The development material is every real passage read so far: ``real/dev`` (first round ``p``/``q``, second
round ``r``), and the test halves (``real/test``, ``test2`` …) read after their runs. The fresh halves and the
written held-out set (:data:`NEVER_TRAINED`) are never read here: :data:`SUBSETS` names every folder that is
read. Each passage is scored once (the rules of ``benchmarks/extraction.py``) and the counts are summed per
**subset** (each gathering from other publishers and places) and per **genre** (``real/sources.yaml``). A rule
that lifts the subset it was written on and drops the others is fitted to that subset; one that generalises lifts
(or keeps) the subsets it was not written on. ``--compare`` prints, per subset and genre, the pair F1 and name
recall of a saved run beside this one, and the passages whose pair counts changed. The learned labeller was
trained on all of these passages, so with it (the default) the figures are in-sample; ``--rules-only`` scores the
rules alone, and ``benchmarks/extraction_crf.py loro`` gives the out-of-sample figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.extraction import EVAL, FIELDS, SETS, Score, dezhou_gazetteer, score_file
from benchmarks.extraction import SUBSETS as DEV_ROUNDS
from chainkg.loaders.news.loader import extract_file

#: folders never read as development material (never trained on nor left out): the written held-out set, and the
#: fresh test halves gathered after the last round's data step (``real/test32``, ``real/test33`` …: scored once by the
#: lead; the folder need not exist here). A half leaves this list in the round that reads it, and joins :data:`SUBSETS`.
NEVER_TRAINED = ("heldout", "real/test32", "real/test33", "real/test34")


def _subsets() -> dict[str, tuple[str, tuple[str, ...]]]:
    """subset → (folder, key prefixes): ``real/dev``'s two gatherings (``benchmarks/extraction.py``'s ``real-dev1`` and
    ``real-dev2``), then ``real/test`` as ``test1`` and every numbered half of its ``SETS`` (``test2`` … in N's order)
    whose folder is not in :data:`NEVER_TRAINED`, each with the letters of its passage ids in ``real/split.yaml``."""
    split = yaml.safe_load((EVAL / "real" / "split.yaml").read_text(encoding="utf-8"))
    out = {"dev1": ("real/dev", DEV_ROUNDS["real-dev1"]), "dev2": ("real/dev", DEV_ROUNDS["real-dev2"])}
    for name, folder in SETS.items():
        if name.startswith("real-test") and folder not in NEVER_TRAINED:
            half = folder.removeprefix("real/")
            prefixes = sorted({key.rstrip("0123456789") for key in split[half]})
            out["test1" if half == "test" else half] = (folder, tuple(prefixes))
    return out


#: subset → (folder, key prefixes): every folder read here (:func:`_subsets`)
SUBSETS = _subsets()


def passages() -> list[tuple[str, str, Path, dict[str, Any]]]:
    """(subset, key, path, gold) of every development passage."""
    out = []
    for subset, (folder, prefixes) in SUBSETS.items():
        gold_all = yaml.safe_load((EVAL / folder / "gold.yaml").read_text(encoding="utf-8"))
        for key, gold in gold_all.items():
            if key.startswith(prefixes):
                out.append((subset, key, EVAL / folder / key, gold or {}))
    return out


def run(learned: bool = True) -> dict[str, dict[str, Any]]:
    """Per passage: pair and project counts, and the notes of misses."""
    gazetteer = dezhou_gazetteer()
    genres = yaml.safe_load((EVAL / "real" / "sources.yaml").read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for subset, key, path, gold in passages():
        scores = {name: Score() for name in FIELDS}
        score_file(gold, extract_file(path, gazetteer, learned), scores, key)
        pair, project = scores["project+amount"], scores["project"]
        out[f"{subset}/{key}"] = {
            "subset": subset,
            "genre": (genres.get(key.removesuffix(".txt")) or {}).get("genre", "unknown"),
            "pair": [pair.tp, pair.fp, pair.fn],
            "project": [project.tp, project.fp, project.fn],
            "notes": project.misses + pair.misses,
        }
    return out


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def table(result: dict[str, dict[str, Any]], by: str) -> dict[str, tuple[float, float, int]]:
    """group → (pair F1, name recall, passages)."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    for r in result.values():
        for group in (r[by], "all"):
            s = sums[group]
            for i, v in enumerate(r["pair"] + r["project"]):
                s[i] += v
            s[6] += 1
    return {g: (_f1(*s[:3]), s[3] / (s[3] + s[5]) if s[3] + s[5] else 1.0, s[6]) for g, s in sorted(sums.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--rules-only", action="store_true", help="the rules' projects, without the learned labeller")
    args = parser.parse_args(argv)
    start, cpu = time.perf_counter(), time.process_time()
    result = run(not args.rules_only)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    base = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else None
    for by in ("subset", "genre"):
        now = table(result, by)
        was = table(base, by) if base else {}
        print(f"\n{by:<24}{'n':>4}{'pair F1':>9}{'name R':>8}" + (f"{'was F1':>9}{'was R':>8}" if base else ""))
        for group, (f1, recall, n) in now.items():
            line = f"{group:<24}{n:4d}{f1:9.3f}{recall:8.3f}"
            if base and group in was:
                line += f"{was[group][0]:9.3f}{was[group][1]:8.3f}"
            print(line)
    if base:
        print("\npassages whose (project, amount) counts changed (tp, fp, fn):")
        for key, r in result.items():
            if key in base and base[key]["pair"] != r["pair"]:
                print(f"  {key:<20} {base[key]['pair']} → {r['pair']}")
    if args.verbose:
        for r in result.values():
            for note in r["notes"]:
                print(f"  {r['subset']}: {note}")
    print(f"\n{len(result)} passages, {wall:.1f} s wall, {cpu:.1f} s CPU")
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
