"""Does a learned sequence labeller carry to unseen text better than the rules? Measured, not assumed.

    .venv/bin/python benchmarks/extraction_crf.py loro [--variants crf-chars,crf+rules,crf+rules-oos] [--only dev2]
    .venv/bin/python benchmarks/extraction_crf.py train [--variant crf+rules-oos]    # writes the shipped model
    .venv/bin/python benchmarks/extraction_crf.py fresh --set real-testN              # a fresh half, once

The labeller is :mod:`chainkg.loaders.news.labeller` (a character CRF, python-crfsuite, over each sentence; its
labels come from the gold names of the development passages, found in the text as the reader normalises it).
Its rule features need the rule extractor's project candidates of every passage, written beforehand per commit
to ``<rules>/dump-<sha>.json`` (``--rules``, default ``/tmp/h62-rules``) by ``benchmarks/extraction_rules_dump.py``
from a copy of that commit (``git archive <sha> chainkg data | tar -x -C <rules>/<sha>``); ``cur`` is this
checkout's rules (a copy of HEAD), over the real passages, the written development set and the seeds.

``loro`` is leave-one-round-out: for each gathering k (dev1, dev2, test1, test2 …: ``extraction_cv.SUBSETS``, each
from other publishers and places) the CRF is trained on the other gatherings (and the written set, never left out) and
scored on k. The rules cannot be un-written, so they are compared **as they stood before k was seen** — the commit of
k's first run (``UNSEEN_RULES``); the held-out gathering's rule features come from that same commit. Variants:
``rules`` (that commit's candidates alone), ``crf-chars`` (no rule features), ``crf+rules`` (trained on this
checkout's rule output, in-sample), ``crf+rules-oos`` (trained on each training gathering's output of the rules that
had not seen it: rule output as unreliable as on new text; the shipped variant). It prints the reliability of the
labeller's probability out of fold and the ``LEARNED_CALIBRATION`` table fitted from it. ``train`` writes
:data:`~chainkg.loaders.news.labeller.MODEL` and its training data's checksums; ``fresh`` trains on all the
development gatherings and scores a fresh half (with ``dump-fresh.json``: this checkout's rules on it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.calibration import fit  # noqa: E402
from benchmarks.extraction import EVAL, _money, _pair_projects, seeds_dir  # noqa: E402
from benchmarks.extraction_cv import NEVER_TRAINED, SUBSETS  # noqa: E402
from chainkg.loaders.news.labeller import MODEL, MODEL_INFO, RuleName, features, label, mark, rule_marks, sentences  # noqa: E402
from chainkg.loaders.news.text import read_article  # noqa: E402
from chainkg.schema.money import Money  # noqa: E402

#: gathering → (folder, key prefixes): the real gatherings (extraction_cv's table), and the written set
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    **SUBSETS,
    "written": ("dev", ("d", "seeds/")),  # the written development set and the seed articles: always trained on
}
#: the gatherings of real text, each left out once
ROUNDS = tuple(g for g in GROUPS if g != "written")
assert not any(folder.startswith(NEVER_TRAINED) for folder, _ in GROUPS.values())


def fresh_groups(set_name: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The one gathering ``fresh`` scores: ``real-testN`` → every passage of ``real/testN`` (none of :data:`ROUNDS`)."""
    folder = "real/" + set_name.removeprefix("real-")
    if not set_name.startswith("real-test") or any(f == folder for f, _ in GROUPS.values()):
        raise SystemExit(f"--set {set_name}: not a fresh half (the development gatherings are {', '.join(ROUNDS)})")
    return {set_name: (folder, ("",))}


#: the commit whose rules had not seen a gathering: the one its first run used (extraction_eval/README.md)
UNSEEN_RULES = {
    "dev1": "2cae946",
    "test1": "2cae946",
    "dev2": "12ac441",
    "test2": "06edf27",
    "test3": "ca03816",
    "test4": "30f3dac",
    "test5": "4e29659",
    "test6": "d76a0fe",
    "test7": "d76a0fe",  # its first run (fce3c2a) used d76a0fe's rules: no rule changed between
    "test8": "a8dadb1",  # the rules of round 8, which scored it (92a5e94 merged; no rule changed up to a8dadb1)
    "test9": "8d93dd8",  # the rules of round 9, which scored it (h27-news merged at 8d93dd8)
    "test10": "8d93dd8",  # round 9's rules scored it too (the control run; no rule changed up to a10df57)
    "test11": "ec593c7",  # the rules of round 11, which scored it (h29-news merged; lead19 ec593c7)
    "test12": "ec593c7",  # round 11's rules scored it too (the eleventh round's second fresh half)
    "test13": "ec593c7",  # round 11's rules scored it (the control run; no rule changed up to 7c1e28f)
    "test14": "93f2b14",  # the rules of round 13, which scored it (h31-news merged; no rule changed up to dfe5d24)
    "test15": "01a173c",  # the rules of round 14, which scored it (h32-news merged; no rule changed up to b43975b)
    "test16": "e719413",  # round 14's rules scored it (the control run; round 15's e04d605 has the same rules)
    "test17": "db2b72f",  # round 14's rules scored it (the control run; round 15's e04d605 has the same rules)
    "test18": "1722b8d",  # round 14's rules scored it (the control run; round 16's 751184f scored it again)
    "test19": "7aa4054",  # round 16's rules (= round 14's) scored it (the control run; round 17's c63fadb again)
    "test20": "a7cbfc6",  # round 17's rules (= round 14's) scored it (the control run, logged 1989cc1; round 18 again)
    "test21": "a7cbfc6",  # round 17's rules scored it too (the eighteenth round's second fresh half, the same runs)
    "test22": "9698ea0",  # round 18's rules (= round 14's) scored it (the control run, logged 4b365f8; round 19 again)
    "test23": "ad8b007",  # round 19's rules scored it (the control run, logged 330d1da; round 20 again)
    "test24": "d6e16f7",  # round 20's rules scored it (the control run, logged 55f4d85; round 21 again)
    "test25": "a4c11da",  # round 21's rules scored it (the control run, logged 5d26391; round 22 again)
    "test26": "4e7c489",  # round 21's rules (= a4c11da's) scored it (the control run, logged 85a74ed; round 22 again)
    "test27": "7717ac2",  # round 22's rules scored it (the control run, logged 9236e81; round 23 again)
    "test28": "d8c33bc",  # round 23's rules scored it (the control run, logged 7931c19; round 24 again)
    "test29": "5f49727",  # round 24's rules scored it (the control run, logged 39f2b85; round 25 again)
    "test30": "c994663",  # round 25's rules scored it (the control run, logged 74f32d3; round 26 again)
    "test31": "c1dd25e",  # round 26's rules scored it (the control run, logged c1dd25e; round 27 again)
    "written": "cur",  # the rules were written on these from the start: no commit had not seen them
}
#: the CRF's training parameters (python-crfsuite, L-BFGS)
PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}
Rules = dict[str, list[RuleName]]


@dataclass
class Passage:
    group: str
    key: str
    path: Path
    gold: list[dict[str, Any]]
    paragraphs: tuple[str, ...] = ()


def load(groups: dict[str, tuple[str, tuple[str, ...]]], fresh: bool = False) -> list[Passage]:
    """The passages of ``groups`` with their gold; a folder of :data:`NEVER_TRAINED` only when ``fresh``."""
    out = []
    for group, (folder, prefixes) in groups.items():
        if folder.startswith(NEVER_TRAINED) and not fresh:
            raise ValueError(f"{folder} is never read as development material")
        gold_all = yaml.safe_load((EVAL / folder / "gold.yaml").read_text(encoding="utf-8")) or {}
        for key, gold in gold_all.items():
            if not key.startswith(prefixes):
                continue
            path = seeds_dir() / key.removeprefix("seeds/") if key.startswith("seeds/") else EVAL / folder / key
            if not path.exists():
                continue
            try:
                paragraphs = read_article(path).paragraphs
            except Exception:  # an unreadable passage has no sentences; its gold counts as missed
                paragraphs = ()
            out.append(Passage(group, key, path, (gold or {}).get("projects") or [], paragraphs))
    return out


def sequences(p: Passage, rules: list[RuleName] | None) -> list[tuple[list[list[str]], list[str]]]:
    """(features, gold labels) of each sentence of a passage."""
    gold_names = [[g["name"], *g.get("aliases", [])] for g in p.gold]
    out = []
    for s in sentences(p.paragraphs):
        rule_tags, priced = rule_marks(s, rules) if rules is not None else (None, set())
        out.append((features(s, rule_tags, priced), mark(s, gold_names)))
    return out


def as_candidates(found: list[Any], rules: list[RuleName] | None) -> list[dict[str, Any]]:
    """Labelled names as candidates (a matched rule project's names become aliases)."""
    out = []
    for f in found:
        aliases = list(rules[f.rule].names) if rules is not None and f.rule is not None else []
        out.append({"name": f.name, "aliases": aliases, "money": f.amount, "p": f.probability})
    return out


def score(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> tuple[list[int], list[bool]]:
    """([pair tp, fp, fn, names found, gold names], right or not per prediction) by benchmarks/extraction.py."""
    cands = [SimpleNamespace(name=c["name"], aliases=c["aliases"]) for c in predicted]
    pairs = _pair_projects(gold, cands)
    right = [False] * len(cands)
    for gi, pi in pairs.items():
        right[pi] = _money(gold[gi].get("amount")) == predicted[pi]["money"]
    tp = sum(right)
    return [tp, len(cands) - tp, len(gold) - tp, len(pairs), len(gold)], right


def train(data: list[tuple[list[list[str]], list[str]]], path: Path) -> Any:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in data:
        trainer.append(xseq, yseq)
    trainer.set_params(PARAMS)
    trainer.train(str(path))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return tagger


def dump(rules_dir: Path, sha: str) -> Rules:
    """A commit's rule projects per passage (absolute path → names and amount)."""
    raw = json.loads((rules_dir / f"dump-{sha}.json").read_text(encoding="utf-8"))
    out: Rules = {}
    for k, cands in raw.items():
        path = str((REPO / k).resolve()) if not Path(k).is_absolute() else k
        out[path] = [
            RuleName(
                (c["name"], *c["aliases"]),
                Money(c["amount"], c["currency"]) if c["amount"] is not None and c["currency"] else None,
            )
            for c in cands
        ]
    return out


def _rules_of(table: Rules, p: Passage) -> list[RuleName]:
    return table.get(str(p.path.resolve()), [])


VARIANTS = ("rules", "crf-chars", "crf+rules", "crf+rules-oos")


def models(
    train_set: list[Passage], cur: Rules, unseen: dict[str, Rules], tmp: Path, variants: tuple[str, ...] = VARIANTS
) -> dict[str, Any]:
    """The three CRFs: characters alone; rule features as this checkout's rules give them on the training
    passages (in-sample: rules tuned on those passages); rule features from the rules that had not seen
    each training passage's gathering (out-of-sample, as the rules will be on new text)."""
    taggers = {}
    for variant in variants[1:]:
        data = []
        for p in train_set:
            rules = {"crf-chars": None, "crf+rules": _rules_of(cur, p)}.get(variant, _rules_of(unseen[p.group], p))
            data += sequences(p, rules)
        taggers[variant] = train(data, tmp / f"{variant}.crfsuite")
    return taggers


def evaluate(
    taggers: dict[str, Any], test_set: list[Passage], held: Rules, points: dict[str, list[tuple[float, bool]]]
) -> dict[str, list[int]]:
    """Counts per variant on test_set: [pair tp, fp, fn, names found, gold names]; (probability, right) of
    every labelled name in ``points``."""
    counts: dict[str, list[int]] = {v: [0] * 5 for v in ("rules", *taggers)}
    for p in test_set:
        rules = _rules_of(held, p)
        predicted = {
            "rules": [{"name": r.names[0], "aliases": list(r.names[1:]), "money": r.amount, "p": 1.0} for r in rules]
        }
        for variant in taggers:
            given = None if variant == "crf-chars" else rules
            predicted[variant] = as_candidates(label(p.paragraphs, given, taggers[variant]), given)
        for variant, cands in predicted.items():
            c, right = score(p.gold, cands)
            counts[variant] = [a + b for a, b in zip(counts[variant], c, strict=True)]
            points.setdefault(variant, []).extend((x["p"], r) for x, r in zip(cands, right, strict=True))
    return counts


def _line(name: str, c: list[int]) -> str:
    tp, fp, fn, found, gold = c
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return (
        f"{name:<14}{prec:7.3f}{rec:7.3f}{f1:7.3f}{found / gold if gold else 1:8.3f}   ({tp}/{fp}/{fn}; {found}/{gold})"
    )


#: bands of the labeller's probability for the reliability table and the calibration
EDGES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)


def reliability(points: list[tuple[float, bool]]) -> None:
    """Share right per band of the labelled names' probability."""
    for low, high in zip(EDGES, (*EDGES[1:], 1.01), strict=True):
        band = [r for p, r in points if low <= p < high]
        if band:
            print(
                f"    p in [{low:.2f}, {min(high, 1.0):.2f}): {len(band):4d} names, {sum(band) / len(band):.2f} right"
            )


def checksums(passages: list[Passage]) -> dict[str, str]:
    out = {}
    for folder in sorted({str(p.path.parent.relative_to(EVAL)) for p in passages if not p.key.startswith("seeds/")}):
        out[f"{folder}/gold.yaml"] = hashlib.sha256((EVAL / folder / "gold.yaml").read_bytes()).hexdigest()
    for p in passages:
        name = p.key if p.key.startswith("seeds/") else str(p.path.relative_to(EVAL))
        out[name] = hashlib.sha256(p.path.read_bytes()).hexdigest()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("loro", "train", "fresh"))
    parser.add_argument("--rules", type=Path, default=Path("/tmp/h62-rules"))
    parser.add_argument("--only", default="", help="comma-separated gatherings to leave out (loro)")
    parser.add_argument("--set", default="", help="the fresh half ``fresh`` scores (real-testN), named on purpose")
    parser.add_argument("--variant", default="crf+rules-oos", choices=VARIANTS[1:], help="the model train writes")
    parser.add_argument("--json", type=Path, help="write the counts and (probability, right) points here")
    parser.add_argument("--variants", default=",".join(VARIANTS[1:]), help="comma-separated models to train")
    args = parser.parse_args(argv)
    start, cpu = time.perf_counter(), time.process_time()
    passages = load(GROUPS)
    cur = dump(args.rules, "cur")
    unseen = {g: cur if sha == "cur" else dump(args.rules, sha) for g, sha in UNSEEN_RULES.items()}
    variants = ("rules", *args.variants.split(","))
    results: dict[str, dict[str, list[int]]] = {}
    points: dict[str, list[tuple[float, bool]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.mode == "loro":
            left_out = [g for g in ROUNDS if not args.only or g in args.only.split(",")]
            for group in left_out:
                taggers = models([p for p in passages if p.group != group], cur, unseen, Path(tmp), variants)
                test_set = [p for p in passages if p.group == group]
                results[group] = evaluate(taggers, test_set, unseen[group], points)
                print(f"\n{group} left out (rules at {UNSEEN_RULES[group]})         P      R     F1  name R")
                for variant, c in results[group].items():
                    print("  " + _line(variant, c))
                sys.stdout.flush()
            total: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
            for counts in results.values():
                for variant, c in counts.items():
                    total[variant] = [a + b for a, b in zip(total[variant], c, strict=True)]
            print("\nall gatherings, each left out once                   P      R     F1  name R")
            for variant, c in total.items():
                print("  " + _line(variant, c))
            for variant in variants[1:]:
                print(f"\n  reliability of {variant}'s name probability, out of fold:")
                reliability(points[variant])
            banded = [(max(e for e in EDGES if e <= p), r) for p, r in points["crf+rules-oos"]]
            print(f"\n  LEARNED_CALIBRATION (crf+rules-oos, out of fold): {tuple(fit(banded, 12))}")
        elif args.mode == "train":
            data = []
            for p in passages:
                rules = {"crf-chars": None, "crf+rules": _rules_of(cur, p)}.get(
                    args.variant, _rules_of(unseen[p.group], p)
                )
                data += sequences(p, rules)
            train(data, MODEL)
            info = {
                "variant": args.variant,
                "params": PARAMS,
                "rules": UNSEEN_RULES if args.variant == "crf+rules-oos" else "this checkout",
                "passages": len(passages),
                "sentences": len(data),
                "data_sha256": checksums(passages),
            }
            MODEL_INFO.write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print(f"{MODEL} ({MODEL.stat().st_size} bytes) from {len(passages)} passages, {len(data)} sentences")
        else:
            fresh = load(fresh_groups(args.set), fresh=True)
            taggers = models(passages, cur, unseen, Path(tmp), variants)
            results[args.set] = evaluate(taggers, fresh, dump(args.rules, "fresh"), points)
            print(f"\n{args.set} (trained on all {len(passages)} development passages)      P      R     F1  name R")
            for variant, c in results[args.set].items():
                print("  " + _line(variant, c))
            for variant in variants[1:]:
                print(f"\n  reliability of {variant}'s name probability:")
                reliability(points[variant])
    print(f"\n{time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU")
    if args.json:
        args.json.write_text(json.dumps({"counts": results, "points": points}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
