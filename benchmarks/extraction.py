"""Precision, recall and F1 of the news extractor, per field, on annotated articles.

    .venv/bin/python benchmarks/extraction.py
        [--set dev|heldout|real-dev|real-dev1|real-dev2|real-test|real-test2 … real-testN|all]
        [--verbose] [--json] [--rules-only]

Four sets live in ``benchmarks/extraction_eval/`` (rules of annotation in its README):

- ``dev``: three articles written for tuning plus the five seed articles (read from
  ``$CHAINKG_SEEDS`` or the workplace's ``shared/seeds``); the extractor was tuned on these.
- ``heldout``: fourteen articles written, annotated and checksummed (``heldout.sha256``) before the
  extractor existed, and not used for tuning.
- ``real-dev``, ``real-test``, ``real-test2`` … ``real-testN``: cited passages of real published news
  (``real/sources.yaml``; every ``real/testN`` folder with a gold file is a set). ``real-dev`` is the development
  half (tuned on; ``real-dev1`` and ``real-dev2`` are its first and second round's passages). Each test half was
  gathered fresh for a round and scored by the lead at that round's merge; from the next round on its misses are
  read and it is development material (and the learned labeller's training data). The halves
  ``benchmarks/extraction_cv.py`` lists in ``NEVER_TRAINED`` are the fresh ones: run only on purpose, and every
  run logged in ``extraction_eval/README.md`` (where each half's procedure and history are).
  ``all`` runs every set but the test halves.

``--rules-only`` scores the rules' own project candidates, without the learned labeller
(``chainkg/loaders/news/learned.py``): the extractor as it stood before the seventh round.

What is scored is what ``chainkg extract`` outputs (the candidates), against a graph holding the
bundled Dezhou dataset, so names resolve as they would for a user. Matching rules:

- a predicted project matches a gold one when a name or alias of each, normalised and without a
  trailing 项目, is equal, or one contains the other and the shorter has at least four characters;
  each gold project matches at most one prediction;
- **project+amount** scores (project, amount) pairs: a pair is right when the project matches and
  the amounts (base unit and currency) are equal, a missing amount equal only to a missing amount;
  an unmatched prediction is a false positive, an unmatched gold project a false negative;
- **status** and **dates** score (project, value) pairs for matched projects and count predictions
  for unmatched projects as false positives; gold projects without a status or date are not scored;
- **enterprise**, **park** and **region** names match on any equal normalised form (name or alias);
- **relation** scores (subsidiary, parent) pairs, **investor** and **project→park** links score
  (project, enterprise/park) pairs, **aggregate** scores the money figures of aggregate statements.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from chainkg.loaders import default_loaders  # noqa: E402
from chainkg.loaders.news.candidates import FileResult  # noqa: E402
from chainkg.loaders.news.loader import extract_file  # noqa: E402
from chainkg.loaders.news.mentions import Gazetteer  # noqa: E402
from chainkg.loaders.pipeline import run_load  # noqa: E402
from chainkg.schema.money import Money, parse_amount  # noqa: E402
from chainkg.schema.normalize import normalize_name  # noqa: E402
from chainkg.store.memory import MemoryStore  # noqa: E402

EVAL = REPO / "benchmarks" / "extraction_eval"
FIELDS = (
    "project",
    "project+amount",
    "status",
    "dates",
    "enterprise",
    "relation",
    "investor",
    "project→park",
    "park",
    "region",
    "aggregate",
)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, tp: int, fp: int, fn: int, notes: list[str] | None = None) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn
        self.misses.extend(notes or [])

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def seeds_dir() -> Path:
    for candidate in (os.environ.get("CHAINKG_SEEDS", ""), REPO.parent / "shared" / "seeds", "/work/shared/seeds"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return REPO.parent / "shared" / "seeds"


def dezhou_gazetteer() -> Gazetteer:
    store = MemoryStore()
    run_load(store, [REPO / "data" / "dezhou"], default_loaders())
    return Gazetteer.from_store(store)


#: The sets with a name of their own; every ``real/testN`` folder is ``real-testN`` as well (:func:`_numbered`).
NAMED = {
    "dev": "dev",
    "heldout": "heldout",
    "real-dev": "real/dev",
    "real-dev1": "real/dev",
    "real-dev2": "real/dev",
    "real-test": "real/test",
}


def _numbered() -> dict[str, str]:
    """``real-testN`` → ``real/testN`` for every numbered test half that has its gold, in N's order (each half's
    procedure, runs and history are in ``extraction_eval/README.md``)."""
    found = (p for p in (EVAL / "real").glob("test*") if p.name[4:].isdigit() and (p / "gold.yaml").is_file())
    return {f"real-{p.name}": f"real/{p.name}" for p in sorted(found, key=lambda p: int(p.name[4:]))}


SETS = {**NAMED, **_numbered()}
#: Parts of the real development half: the first round's passages (p…, q…) and the second round's (r…).
SUBSETS = {"real-dev1": ("p", "q"), "real-dev2": ("r",)}


def article_path(set_name: str, key: str) -> Path:
    if key.startswith("seeds/"):
        return seeds_dir() / key.removeprefix("seeds/")
    return EVAL / SETS[set_name] / key


# --- matching ---------------------------------------------------------------------------------


def _key(name: str) -> str:
    return normalize_name(name).removesuffix("项目")


def _forms(names: list[str]) -> set[str]:
    return {_key(n) for n in names if n}


def _project_match(gold: set[str], predicted: set[str]) -> int:
    """2 for an equal form, 1 for containment (shorter ≥ 4 characters), 0 for none."""
    if gold & predicted:
        return 2
    for g in gold:
        for p in predicted:
            if min(len(g), len(p)) >= 4 and (g in p or p in g):
                return 1
    return 0


def _money(value: Any) -> Money | None:
    return None if value is None else parse_amount(value)


def _pair_projects(gold: list[dict[str, Any]], predicted: list[Any]) -> dict[int, int]:
    """gold index → predicted index, equal forms first, then containment."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for level in (2, 1):
        for gi, g in enumerate(gold):
            if gi in pairs:
                continue
            g_forms = _forms([g["name"], *g.get("aliases", [])])
            for pi, p in enumerate(predicted):
                if pi in used:
                    continue
                if _project_match(g_forms, _forms([p.name, *p.aliases])) == level:
                    pairs[gi] = pi
                    used.add(pi)
                    break
    return pairs


def _name_match(gold: list[list[str]], predicted: list[list[str]]) -> dict[int, int]:
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for gi, g in enumerate(gold):
        g_forms = _forms(g)
        for pi, p in enumerate(predicted):
            if pi not in used and g_forms & _forms(p):
                pairs[gi] = pi
                used.add(pi)
                break
    return pairs


def score_file(gold: dict[str, Any], result: FileResult, scores: dict[str, Score], label: str) -> None:
    candidates = result.candidates
    projects = [c for c in candidates if c.kind == "project"]
    enterprises = [c for c in candidates if c.kind == "enterprise"]
    parks = [c for c in candidates if c.kind == "park"]
    relations = [c for c in candidates if c.kind == "relation"]
    aggregates = [c for c in candidates if c.kind == "aggregate"]
    gold_projects = gold.get("projects") or []

    # projects and (project, amount)
    pairs = _pair_projects(gold_projects, projects)
    scores["project"].add(
        len(pairs),
        len(projects) - len(pairs),
        len(gold_projects) - len(pairs),
        [f"{label}: missed project {g['name']}" for gi, g in enumerate(gold_projects) if gi not in pairs]
        + [f"{label}: extra project {p.name}" for pi, p in enumerate(projects) if pi not in pairs.values()],
    )
    right = 0
    notes = []
    for gi, pi in pairs.items():
        g_money, p = _money(gold_projects[gi].get("amount")), projects[pi]
        p_money = Money(p.total_investment, p.currency) if p.total_investment is not None and p.currency else None
        if g_money == p_money:
            right += 1
        else:
            notes.append(f"{label}: {gold_projects[gi]['name']} amount {g_money} ≠ {p_money}")
    scores["project+amount"].add(right, len(projects) - right, len(gold_projects) - right, notes)

    # status and dates of matched projects
    by_pred = {pi: gi for gi, pi in pairs.items()}
    status, dates = Score(), Score()
    for pi, p in enumerate(projects):
        g = gold_projects[by_pred[pi]] if pi in by_pred else {}
        if p.status is not None and (pi not in by_pred or g.get("status")):
            if g.get("status") == (p.status.value if p.status else None):
                status.tp += 1
            else:
                status.fp += 1
                status.misses.append(f"{label}: {p.name} status {p.status.value} (gold {g.get('status')})")
        for name, value in p.dates.items():
            if pi not in by_pred or name not in g:
                dates.fp += 1
                dates.misses.append(f"{label}: {p.name} extra {name} {value}")
            elif str(g[name]) == value:
                dates.tp += 1
            else:
                dates.fp += 1
                dates.misses.append(f"{label}: {p.name} {name} {value} (gold {g[name]})")
    status.fn = sum(1 for g in gold_projects if g.get("status")) - status.tp
    date_fields = ("signed_date", "start_date", "construction_date", "production_date", "planned_production_date")
    dates.fn = sum(1 for g in gold_projects for f in date_fields if f in g) - dates.tp
    for gi, g in enumerate(gold_projects):
        predicted_dates = projects[pairs[gi]].dates if gi in pairs else {}
        dates.misses += [
            f"{label}: {g['name']} missed {f} {g[f]}"
            for f in date_fields
            if f in g and predicted_dates.get(f) != str(g[f])
        ]
    for name, score in (("status", status), ("dates", dates)):
        scores[name].add(score.tp, score.fp, score.fn, score.misses)

    # enterprises
    gold_ents = [[e["name"], *e.get("aliases", [])] for e in gold.get("enterprises") or []]
    pred_ents = [[e.name, *e.aliases] for e in enterprises]
    ent_pairs = _name_match(gold_ents, pred_ents)
    scores["enterprise"].add(
        len(ent_pairs),
        len(pred_ents) - len(ent_pairs),
        len(gold_ents) - len(ent_pairs),
        [f"{label}: missed enterprise {g[0]}" for gi, g in enumerate(gold_ents) if gi not in ent_pairs]
        + [f"{label}: extra enterprise {p[0]}" for pi, p in enumerate(pred_ents) if pi not in ent_pairs.values()],
    )
    forms_of: dict[str, set[str]] = {}
    for e in enterprises:
        forms_of[e.name] = _forms([e.name, *e.aliases])

    def ent_forms(name: str) -> set[str]:
        return forms_of.get(name, _forms([name]))

    # relations
    gold_rel = [(g[0], g[1]) for g in gold.get("relations") or []]
    gold_ent_forms = {g[0]: _forms(g) for g in gold_ents}
    matched = 0
    rel_notes = []
    for r in relations:
        child, parent = ent_forms(r.child.name), ent_forms(r.parent.name)
        hit = next(
            (
                g
                for g in gold_rel
                if gold_ent_forms.get(g[0], _forms([g[0]])) & child
                and gold_ent_forms.get(g[1], _forms([g[1]])) & parent
            ),
            None,
        )
        if hit:
            matched += 1
            gold_rel.remove(hit)
        else:
            rel_notes.append(f"{label}: extra relation {r.child.name} → {r.parent.name}")
    rel_notes += [f"{label}: missed relation {c} → {p}" for c, p in gold_rel]
    scores["relation"].add(matched, len(relations) - matched, len(gold_rel), rel_notes)

    # links: investors and parks of matched projects
    canonical = {c.node_id: c.node_name for c in parks if c.node_id and c.node_name}
    for field_name, gold_of, pred_of in (
        ("investor", lambda g: g.get("investors") or [], lambda p: [i.name for i in p.investors]),
        ("project→park", lambda g: [g["park"]] if g.get("park") else [], lambda p: _park_forms(p, canonical)),
    ):
        tp = fp = fn = 0
        link_notes = []
        for pi, p in enumerate(projects):
            gold_links = gold_of(gold_projects[by_pred[pi]]) if pi in by_pred else []
            remaining = list(gold_links)
            for link in pred_of(p):
                forms = (
                    ent_forms(link) if field_name == "investor" else _forms(link if isinstance(link, list) else [link])
                )
                hit = next((g for g in remaining if _forms([g, *_gold_aliases(gold, g)]) & forms), None)
                if hit is not None:
                    tp += 1
                    remaining.remove(hit)
                else:
                    fp += 1
                    shown = link if isinstance(link, str) else link[0]
                    link_notes.append(f"{label}: extra {field_name} {p.name} → {shown}")
            fn += len(remaining)
            link_notes += [f"{label}: missed {field_name} {p.name} → {g}" for g in remaining]
        fn += sum(len(gold_of(g)) for gi, g in enumerate(gold_projects) if gi not in pairs)
        scores[field_name].add(tp, fp, fn, link_notes)

    # parks and regions
    for field_name, gold_names, predicted in (
        ("park", gold.get("parks") or [], [[c.name, *([c.node_name] if c.node_name else [])] for c in parks]),
        ("region", gold.get("regions") or [], [[r.name] for r in result.regions]),
    ):
        gold_forms = [[g] if isinstance(g, str) else [g["name"], *g.get("aliases", [])] for g in gold_names]
        place_pairs = _name_match(gold_forms, predicted)
        scores[field_name].add(
            len(place_pairs),
            len(predicted) - len(place_pairs),
            len(gold_names) - len(place_pairs),
            [f"{label}: missed {field_name} {g[0]}" for gi, g in enumerate(gold_forms) if gi not in place_pairs]
            + [
                f"{label}: extra {field_name} {p[0]}"
                for pi, p in enumerate(predicted)
                if pi not in place_pairs.values()
            ],
        )

    # aggregates (by money figure)
    gold_aggs = [_money(a["amount"]) for a in gold.get("aggregates") or []]
    pred_aggs = [
        Money(a.total_investment, a.currency) for a in aggregates if a.total_investment is not None and a.currency
    ]
    agg_tp = 0
    remaining_aggs = list(gold_aggs)
    for money in pred_aggs:
        if money in remaining_aggs:
            remaining_aggs.remove(money)
            agg_tp += 1
    scores["aggregate"].add(
        agg_tp,
        len(pred_aggs) - agg_tp,
        len(gold_aggs) - agg_tp,
        [f"{label}: missed aggregate {m}" for m in remaining_aggs],
    )


def _park_forms(candidate: Any, canonical: dict[str, str]) -> list[list[str]]:
    if not candidate.park:
        return []
    forms = [candidate.park.name]
    if candidate.park.node_id in canonical:
        forms.append(canonical[candidate.park.node_id])
    return [forms]


def _gold_aliases(gold: dict[str, Any], name: str) -> list[str]:
    for e in gold.get("enterprises") or []:
        if e["name"] == name:
            return list(e.get("aliases", []))
    return []


def evaluate(set_name: str, gazetteer: Gazetteer, learned: bool = True) -> tuple[dict[str, Score], list[str]]:
    gold_file = EVAL / SETS[set_name] / "gold.yaml"
    annotations: dict[str, Any] = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
    scores = {name: Score() for name in FIELDS}
    skipped: list[str] = []
    for key, gold in annotations.items():
        if set_name in SUBSETS and not key.startswith(SUBSETS[set_name]):
            continue
        path = article_path(set_name, key)
        if not path.exists():
            skipped.append(key)
            continue
        result = extract_file(path, gazetteer, learned)
        score_file(gold or {}, result, scores, key)
    return scores, skipped


def _title(set_name: str) -> str:
    """What a set is, as the report heads it."""
    named = {
        "dev": "development (tuned on: d01–d03 + seeds)",
        "heldout": "held-out (written before the extractor; first-run figures in extraction_eval/README.md)",
        "real-dev": "real text, development half (tuned on)",
        "real-dev1": "real text, development half, first round's passages (p…, q…; tuned on)",
        "real-dev2": "real text, development half, second round's passages (r…; tuned on)",
        "real-test": "real text, first test half (seen: its misses were read; now a second development set)",
    }
    if set_name in named:
        return named[set_name]
    from benchmarks.extraction_cv import NEVER_TRAINED  # imports this module: read when a report is printed

    number = set_name.removeprefix("real-test")
    if SETS[set_name].startswith(NEVER_TRAINED):
        return f"real text, test half {number} (fresh: never trained on; run only on purpose, and logged)"
    return f"real text, test half {number} (scored when fresh, then read: development material)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=(*SETS, "all"), default="all")
    parser.add_argument("--verbose", action="store_true", help="list every miss and extra")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--rules-only", action="store_true", help="the rules' projects, without the learned labeller")
    args = parser.parse_args(argv)
    gazetteer = dezhou_gazetteer()
    sets = ("dev", "heldout", "real-dev") if args.set == "all" else (args.set,)
    report: dict[str, Any] = {}
    for set_name in sets:
        scores, skipped = evaluate(set_name, gazetteer, not args.rules_only)
        report[set_name] = {
            name: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}
            for name, s in scores.items()
        }
        if args.json:
            continue
        title = _title(set_name)
        print(f"\n{title}" + (f" — skipped, not found: {', '.join(skipped)}" if skipped else ""))
        print(f"{'field':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>5}{'fn':>5}")
        for name, s in scores.items():
            print(f"{name:<16}{s.precision:7.2f}{s.recall:7.2f}{s.f1:7.2f}{s.tp:6d}{s.fp:5d}{s.fn:5d}")
        if args.verbose:
            grouped: dict[str, list[str]] = defaultdict(list)
            for name, s in scores.items():
                grouped[name].extend(s.misses)
            for name, misses in grouped.items():
                for miss in misses:
                    print(f"  [{name}] {miss}")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
