"""Fit and check the calibration of project confidence (``chainkg/loaders/news/confidence.py``).

    .venv/bin/python benchmarks/calibration.py      # fit on the development material, print it
    .venv/bin/python benchmarks/calibration.py --check real-dev [--check real-test]   # reliability
    .venv/bin/python benchmarks/calibration.py --holdout   # fit on four development subsets, check on the fifth

A project candidate is right when its (project, amount) pair is right under the rules of
``benchmarks/extraction.py``. Fitting groups the development half's candidates by raw score
(:func:`chainkg.loaders.news.confidence.raw_score`) into bands of at least ``--min-band`` candidates,
takes the share right in each band (add-one smoothed), and pools neighbouring bands until a higher
score never means a lower share. ``--check`` prints the reliability table of the calibrated
confidence: per confidence value (band), how many candidates and the share right.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.extraction import EVAL, SETS, SUBSETS, _money, _pair_projects, article_path, dezhou_gazetteer
from chainkg.loaders.news import confidence
from chainkg.loaders.news.loader import extract_file
from chainkg.schema.money import Money


def outcomes(set_name: str) -> list[tuple[float, bool]]:
    """(confidence, right) of every project candidate of a set."""
    gazetteer = dezhou_gazetteer()
    gold_all = yaml.safe_load((EVAL / SETS[set_name] / "gold.yaml").read_text(encoding="utf-8"))
    out: list[tuple[float, bool]] = []
    for key, gold in gold_all.items():
        if set_name in SUBSETS and not key.startswith(SUBSETS[set_name]):
            continue
        result = extract_file(article_path(set_name, key), gazetteer)
        projects = [c for c in result.candidates if c.kind == "project"]
        gold_projects = (gold or {}).get("projects") or []
        pairs = {pi: gi for gi, pi in _pair_projects(gold_projects, projects).items()}
        for pi, p in enumerate(projects):
            right = False
            if pi in pairs:
                money = Money(p.total_investment, p.currency) if p.total_investment is not None and p.currency else None
                right = _money(gold_projects[pairs[pi]].get("amount")) == money
            out.append((p.confidence, right))
    return out


def fit(points: list[tuple[float, bool]], min_band: int) -> list[tuple[float, float]]:
    points = sorted(points)
    bands: list[list[tuple[float, bool]]] = []
    for score, right in points:
        if bands and (len(bands[-1]) < min_band or bands[-1][-1][0] == score):
            bands[-1].append((score, right))
        else:
            bands.append([(score, right)])
    if len(bands) > 1 and len(bands[-1]) < min_band:
        bands[-2].extend(bands.pop())
    blocks = [[b[0][0], sum(r for _, r in b) + 1, len(b) + 2] for b in bands]  # low, right+1, n+2
    merged = True
    while merged:  # pool adjacent violators
        merged = False
        for i in range(len(blocks) - 1):
            if blocks[i][1] / blocks[i][2] > blocks[i + 1][1] / blocks[i + 1][2]:
                blocks[i][1] += blocks[i + 1][1]
                blocks[i][2] += blocks[i + 1][2]
                del blocks[i + 1]
                merged = True
                break
    return [(0.0 if i == 0 else low, round(right / n, 2)) for i, (low, right, n) in enumerate(blocks)]


def reliability(points: list[tuple[float, bool]]) -> list[str]:
    """One row per confidence value the calibration gives (its bands), with how many were right."""
    rows = ["| confidence | candidates | share right |", "| --- | --- | --- |"]
    for value in sorted({c for c, _ in points}):
        band = [r for c, r in points if c == value]
        rows.append(f"| {value:.2f} | {len(band)} | {sum(band) / len(band):.2f} ({sum(band)}/{len(band)}) |")
    total = [r for _, r in points]
    rows.append(f"| all | {len(total)} | {sum(total) / len(total):.2f} ({sum(total)}/{len(total)}) |")
    return rows


def holdout(subsets: list[str], min_band: int) -> int:
    """Leave one development subset out: fit the bands on the others, read the reliability on it."""
    table = confidence.CALIBRATION
    confidence.CALIBRATION = ()
    try:
        raw = {name: outcomes(name) for name in subsets}
    finally:
        confidence.CALIBRATION = table
    for held in subsets:
        fitted = tuple(fit([p for name in subsets if name != held for p in raw[name]], min_band))
        points = [(confidence.calibrated(score, fitted), right) for score, right in raw[held]]
        print(f"\n{held} (bands fitted on the other subsets: {fitted})")
        print("\n".join(reliability(points)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="append", choices=list(SETS), help="print the reliability table")
    parser.add_argument("--min-band", type=int, default=12, help="fewest candidates per raw-score band")
    parser.add_argument(
        "--fit-on",
        nargs="+",
        default=["real-dev1", "real-dev2", "real-test", "real-test2", "real-test3", "real-test4"],
        choices=list(SETS),
        help="development sets to fit on",
    )
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="fit on all development subsets but one and print the reliability on the one left out, for each",
    )
    args = parser.parse_args(argv)
    if args.holdout:
        return holdout(args.fit_on, args.min_band)
    if args.check:
        for set_name in args.check:
            print(f"\n{set_name}")
            print("\n".join(reliability(outcomes(set_name))))
        return 0
    table = confidence.CALIBRATION
    confidence.CALIBRATION = ()  # confidence = raw score while fitting
    try:
        points = [point for set_name in args.fit_on for point in outcomes(set_name)]
    finally:
        confidence.CALIBRATION = table
    print(f"{len(points)} project candidates on {' + '.join(args.fit_on)}, {sum(r for _, r in points)} right")
    print("\n".join(reliability(points)).replace("confidence", "raw score"))
    print("CALIBRATION: tuple[tuple[float, float], ...] = (")
    for low, share in fit(points, args.min_band):
        print(f"    ({low}, {share}),")
    print(")")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
