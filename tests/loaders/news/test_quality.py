"""The evaluation sets stay as they were written, and the extractor keeps the quality measured on them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from benchmarks.extraction import EVAL, evaluate
from chainkg.loaders.news.mentions import Gazetteer
from chainkg.store.memory import MemoryStore

REAL = EVAL / "real"


def _unchanged(checksums: str) -> None:
    for line in (EVAL / checksums).read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        assert hashlib.sha256((EVAL / name).read_bytes()).hexdigest() == digest, name


def test_the_held_out_set_is_unchanged_since_it_was_written() -> None:
    """Its articles and gold were checksummed before the extractor existed; editing them after
    seeing results would turn held-out figures into development figures."""
    _unchanged("heldout.sha256")


def test_the_real_test_half_is_unchanged_since_it_was_split() -> None:
    """The real-text test half was checksummed when it was added, before any extractor work on it."""
    _unchanged("real-test.sha256")
    listed = {line.split()[1] for line in (EVAL / "real-test.sha256").read_text(encoding="utf-8").splitlines()}
    assert listed == {f"real/test/{p.name}" for p in (REAL / "test").iterdir()}


def _numbered_halves() -> list[str]:
    """``test2`` … ``testN``: every numbered half of the split, in N's order."""
    split = yaml.safe_load((REAL / "split.yaml").read_text(encoding="utf-8"))
    return sorted((k for k in split if k.startswith("test") and k[4:].isdigit()), key=lambda k: int(k[4:]))


def test_the_later_real_test_halves_are_unchanged_since_they_were_split() -> None:
    """Each round's test half was checksummed before the extractor was run on any of it, and keeps its checksums
    after its misses were read (its history: extraction_eval/README.md); every folder of passages is a half of the
    split, and every half has its checksums."""
    halves = _numbered_halves()
    assert halves[:2] == ["test2", "test3"] and len(halves) >= 28
    folders = {p.name for p in REAL.iterdir() if p.is_dir() and p.name.startswith("test") and p.name[4:].isdigit()}
    assert folders == set(halves)
    for half in halves:
        _unchanged(f"real-{half}.sha256")
        listed = {line.split()[1] for line in (EVAL / f"real-{half}.sha256").read_text(encoding="utf-8").splitlines()}
        assert listed == {f"real/{half}/{p.name}" for p in (REAL / half).iterdir()}


def test_every_evaluation_article_has_gold_and_the_set_is_varied() -> None:
    articles = sorted(p.name for p in (EVAL / "heldout").iterdir() if p.name != "gold.yaml")
    gold = yaml.safe_load((EVAL / "heldout" / "gold.yaml").read_text(encoding="utf-8"))
    assert sorted(gold) == articles and len(articles) >= 10
    assert {Path(a).suffix for a in articles} == {".txt", ".html"}
    assert sum(1 for g in gold.values() if not g["projects"]) >= 2  # articles without projects
    assert sum(1 for g in gold.values() if g["aggregates"]) >= 3


#: halves the fixed procedure left short, with what it kept (extraction_eval/README.md gives why).
SHORT_HALVES = {
    "test24": 35,  # the rules kept 35 pages of the twenty-first round's 25 look-ups
    "test26": 23,  # the rules kept 23 pages of the second half's 25 look-ups (few places left)
}


def test_the_real_text_set_cites_every_passage_and_keeps_its_split() -> None:
    """≥ 40 passages of published text from ≥ 10 publishers, each cited; the halves are the seeded splits."""
    sources = yaml.safe_load((REAL / "sources.yaml").read_text(encoding="utf-8"))
    split = yaml.safe_load((REAL / "split.yaml").read_text(encoding="utf-8"))
    halves = {"dev": split["dev"] + split["dev_added"] + split["dev_added_2"], "test": split["test"]}
    halves |= {half: split[half] for half in _numbered_halves()}
    for half, members in halves.items():
        passages = sorted(p.stem for p in (REAL / half).glob("*.txt"))
        gold = yaml.safe_load((REAL / half / "gold.yaml").read_text(encoding="utf-8"))
        assert passages == sorted(members) == sorted(k.removesuffix(".txt") for k in gold)
    everyone = [key for members in halves.values() for key in members]
    assert len(set(everyone)) == len(everyone) and sorted(sources) == sorted(everyone)
    assert len(split["dev_added_2"]) >= 40
    for half in _numbered_halves():  # 30 passages a half to test8, 40 from test9, but where the rules ran out of pages
        assert len(halves[half]) >= SHORT_HALVES.get(half, 30 if int(half[4:]) <= 8 else 40), half
    for half in _numbered_halves()[1:]:  # test3 on
        fresh = [sources[k] for k in halves[half]]
        assert len({s["publisher"] for s in fresh if s["publisher"]}) >= 10 and len({s["genre"] for s in fresh}) >= 4
    assert len(sources) >= 40 and all(s["url"].startswith("http") for s in sources.values())
    assert len({s["publisher"] for s in sources.values() if s["publisher"]}) >= 10
    assert len({s["genre"] for s in sources.values()}) >= 5 and len({s["script"] for s in sources.values()}) == 3


def test_held_out_quality_stays_at_or_above_the_target(dezhou: MemoryStore) -> None:
    scores, skipped = evaluate("heldout", Gazetteer.from_store(dezhou))
    assert skipped == []
    assert scores["project+amount"].f1 >= 0.85
    assert scores["enterprise"].f1 >= 0.85


def test_real_text_development_quality_stays_at_or_above_the_target(dezhou: MemoryStore) -> None:
    """A regression guard on the passages the rules were developed on (their figures are optimistic;
    the fresh test half's are in docs/news.md and are not run here)."""
    gazetteer = Gazetteer.from_store(dezhou)
    first, skipped = evaluate("real-dev1", gazetteer)
    assert skipped == []
    assert first["project+amount"].f1 >= 0.95
    assert first["project"].recall >= 0.95
    second, skipped = evaluate("real-dev2", gazetteer)
    assert skipped == []
    assert second["project+amount"].f1 >= 0.85


#: the seen test halves' guarded figures: (set, (project, amount) F1 at least, project-name recall at least);
#: 0.0 where a half guards the pair F1 alone. Comments: the in-sample figures when the guard was set.
SEEN_TEST_HALVES: tuple[tuple[str, float, float], ...] = (
    ("real-test", 0.87, 0.0),
    ("real-test2", 0.87, 0.9),
    ("real-test3", 0.85, 0.87),
    ("real-test4", 0.73, 0.77),
    ("real-test5", 0.86, 0.87),
    ("real-test6", 0.9, 0.95),
    ("real-test7", 0.9, 0.97),
    ("real-test8", 0.9, 0.97),
    ("real-test9", 0.88, 0.94),  # in-sample since round 11: 0.90 · 0.96
    ("real-test10", 0.83, 0.8),  # in-sample since round 11: 0.85 · 0.83
    ("real-test11", 0.87, 0.89),  # in-sample since round 13: 0.89 · 0.91
    ("real-test12", 0.85, 0.79),  # in-sample since round 13: 0.87 · 0.81
    ("real-test13", 0.89, 0.97),  # in-sample since round 13: 0.91 · 1.00
    ("real-test14", 0.85, 0.97),  # in-sample since round 14: 0.87 · 0.99
    ("real-test15", 0.88, 0.97),  # in-sample since round 15: 0.90 · 0.99
    ("real-test16", 0.89, 0.98),  # in-sample since round 16: 0.91 · 1.00
    ("real-test17", 0.92, 0.96),  # in-sample since round 16: 0.94 · 0.98
    ("real-test18", 0.93, 0.97),  # in-sample since round 17: 0.95 · 0.99
    ("real-test19", 0.83, 0.96),  # in-sample since round 18: 0.85 · 0.98
    ("real-test20", 0.89, 0.97),  # in-sample since round 19: 0.91 · 0.99
    ("real-test21", 0.91, 0.96),  # in-sample since round 19: 0.93 · 0.98
    ("real-test22", 0.89, 0.95),  # in-sample since round 20: 0.91 · 0.97
    ("real-test23", 0.82, 0.97),  # in-sample since round 21: 0.84 · 0.99
    ("real-test24", 0.91, 0.95),  # in-sample since round 22: 0.93 · 0.97
    ("real-test25", 0.94, 0.97),  # in-sample since round 23: 0.96 · 0.99
    ("real-test26", 0.80, 0.98),  # in-sample since round 23: 0.82 · 1.00 (20 gold projects: a passage moves it)
    ("real-test27", 0.94, 0.94),  # in-sample since round 24: 0.96 · 0.96
    ("real-test28", 0.88, 0.97),  # in-sample since round 25: 0.90 · 0.99
    ("real-test29", 0.92, 0.89),  # in-sample since round 26: 0.94 · 0.91
    ("real-test30", 0.93, 0.98),  # in-sample since round 27: 0.95 · 1.00
    ("real-test31", 0.89, 0.98),  # in-sample since round 28: 0.91 · 1.00
)


def test_every_half_read_is_guarded_and_no_fresh_one_is() -> None:
    """A half becomes development material (and training data) in the round after the lead scored it fresh: from
    then on its figure is guarded here; the fresh ones (``NEVER_TRAINED``) are not run here."""
    from benchmarks.extraction_crf import NEVER_TRAINED

    read = {f"real-{half}" for half in _numbered_halves() if f"real/{half}" not in NEVER_TRAINED}
    guarded = [half for half, _, _ in SEEN_TEST_HALVES]
    assert len(guarded) == len(set(guarded)) and set(guarded) == {"real-test"} | read


def test_quality_on_the_seen_test_halves_stays_at_or_above_its_figure(dezhou: MemoryStore) -> None:
    """The test halves read after their fresh runs (extraction_eval/README.md) are the learned labeller's training
    data; their figures are guarded like the development passages'."""
    gazetteer = Gazetteer.from_store(dezhou)
    for half, pair_f1, name_recall in SEEN_TEST_HALVES:
        figures, skipped = evaluate(half, gazetteer)
        assert skipped == [], (half, skipped)
        assert figures["project+amount"].f1 >= pair_f1, (half, figures["project+amount"].f1)
        assert figures["project"].recall >= name_recall, (half, figures["project"].recall)
