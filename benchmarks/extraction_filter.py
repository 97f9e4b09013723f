"""Does a learned candidate filter generalise better than the rules alone? Measured, not assumed.

    .venv/bin/python benchmarks/extraction_filter.py [--by subset|genre]

Every project candidate the extractor finds on the development material (the passages of
``benchmarks/extraction_cv.py``: real/dev and the first three test halves) is described by a few
features of how it was found (a name ending in 项目/工程/a facility head, a list item, a phase, an
amount labelled 总投资 or not, an investor, a stated or headline status, a graph node, a short or long
name, digits or Latin, a conjunction inside, more than one sentence of evidence) and labelled right
when its (project, amount) pair is right. A logistic regression (plain gradient descent with an L2
penalty, no dependency) is trained on all groups but one — subsets (the five gatherings, each from
other publishers and provinces) or genres — with the dropping threshold chosen on those groups, and
applied to the group left out: the held-out group's pair F1 with the filter is printed beside its
F1 without it. A filter worth shipping lifts the groups it was not trained on.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.extraction import EVAL, _money, _pair_projects, dezhou_gazetteer
from benchmarks.extraction_cv import passages
from chainkg.loaders.news.extract import extract
from chainkg.loaders.news.facilities import HEADS
from chainkg.loaders.news.facts import ProjectFact
from chainkg.loaders.news.pages import ArticleError
from chainkg.loaders.news.text import read_article

FEATURES = (
    "bias", "xiangmu", "gongcheng", "facility", "list", "phase", "amount", "total", "investor", "status_text",
    "status_headline", "node", "short", "long", "latin", "conjunction", "evidence2", "park",
)  # fmt: skip


def features(p: ProjectFact) -> list[float]:
    core = re.sub(r"(项目|工程)$", "", p.name)
    return [
        1.0,
        float(p.name.endswith("项目")),
        float(p.name.endswith("工程")),
        float(p.name.endswith(HEADS)),
        float(p.found_by == "list"),
        float(p.found_by == "phase"),
        float(p.amount is not None),
        float(p.labelled_total),
        float(bool(p.investors)),
        float(p.status_from == "text"),
        float(p.status_from == "headline"),
        float(bool(p.node_id)),
        float(len(core) <= 4),
        float(len(core) >= 16),
        float(bool(re.search(r"[A-Za-z0-9]", core))),
        float(bool(re.search(r"[、和与及]", core))),
        float(len(p.evidence) >= 2),
        float(p.park is not None),
    ]


def examples() -> tuple[list[tuple[str, str, list[float], bool]], dict[str, dict[str, int]]]:
    """(subset, genre, features, right) per candidate, and gold project counts per subset and genre."""
    gazetteer = dezhou_gazetteer()
    genres = yaml.safe_load((EVAL / "real" / "sources.yaml").read_text(encoding="utf-8"))
    out: list[tuple[str, str, list[float], bool]] = []
    gold_counts: dict[str, dict[str, int]] = {"subset": defaultdict(int), "genre": defaultdict(int)}
    for subset, key, path, gold in passages():
        genre = (genres.get(key.removesuffix(".txt")) or {}).get("genre", "unknown")
        gold_projects = gold.get("projects") or []
        gold_counts["subset"][subset] += len(gold_projects)
        gold_counts["genre"][genre] += len(gold_projects)
        try:
            projects = extract(read_article(path), gazetteer).projects
        except ArticleError:  # a poster-style page the reader refuses: no candidates
            projects = []
        pairs = {pi: gi for gi, pi in _pair_projects(gold_projects, projects).items()}
        for pi, p in enumerate(projects):
            right = pi in pairs and _money(gold_projects[pairs[pi]].get("amount")) == p.amount
            out.append((subset, genre, features(p), right))
    return out, gold_counts


def train(rows: list[tuple[list[float], bool]], l2: float = 0.01, steps: int = 400, rate: float = 0.5) -> list[float]:
    w = [0.0] * len(FEATURES)
    n = len(rows)
    for _ in range(steps):
        grad = [l2 * wi for wi in w]
        grad[0] = 0.0
        for x, y in rows:
            p = 1 / (1 + math.exp(-sum(wi * xi for wi, xi in zip(w, x, strict=True))))
            for i, xi in enumerate(x):
                grad[i] += (p - y) * xi / n
        w = [wi - rate * g for wi, g in zip(w, grad, strict=True)]
    return w


def prob(w: list[float], x: list[float]) -> float:
    return 1 / (1 + math.exp(-sum(wi * xi for wi, xi in zip(w, x, strict=True))))


def pair_f1(kept: list[bool], gold: int) -> float:
    tp = sum(kept)
    return 2 * tp / (len(kept) + gold) if tp else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--by", choices=("subset", "genre"), default="subset")
    args = parser.parse_args(argv)
    start, cpu = time.perf_counter(), time.process_time()
    rows, gold_counts = examples()
    column = 0 if args.by == "subset" else 1
    groups = sorted({r[column] for r in rows})
    print(f"{args.by:<24}{'cands':>6}{'gold':>6}{'F1 rules':>10}{'F1 +filter':>11}{'threshold':>10}")
    for held in groups:
        training = [(r[2], r[3]) for r in rows if r[column] != held]
        w = train(training)
        best = (0.0, -1.0)
        train_gold = sum(v for g, v in gold_counts[args.by].items() if g != held)
        for threshold in [t / 20 for t in range(0, 20)]:
            kept = [y for x, y in training if prob(w, x) >= threshold]
            best = max(best, (pair_f1(kept, train_gold), threshold))
        test = [(r[2], r[3]) for r in rows if r[column] == held]
        gold = gold_counts[args.by][held]
        before = pair_f1([y for _, y in test], gold)
        after = pair_f1([y for x, y in test if prob(w, x) >= best[1]], gold)
        print(f"{held:<24}{len(test):6d}{gold:6d}{before:10.3f}{after:11.3f}{best[1]:10.2f}")
    w = train([(r[2], r[3]) for r in rows])
    weights = ", ".join(f"{f} {v:+.2f}" for f, v in zip(FEATURES, w, strict=True))
    print(f"\nweights on all the development material: {weights}")
    print(f"{len(rows)} candidates, {time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
