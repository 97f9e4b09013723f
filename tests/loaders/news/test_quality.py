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


def test_the_later_real_test_halves_are_unchanged_since_they_were_split() -> None:
    """Each round's test half was checksummed before the extractor was run on any of it (the second
    to sixth rounds' are development material since their misses were read; their checksums keep
    their history; the seventh to twelfth were scored once and are development material since; the
    thirteenth was scored once at round 12's merge and is development material from round 13; the
    fourteenth was scored twice at round 13's merge and is development material from round 14; the
    fifteenth was scored twice at round 14's merge and is development material from round 15; the sixteenth
    and seventeenth were scored twice each at round 15's merge and are development material from round 16; the
    eighteenth was scored twice at round 16's merge and is development material from round 17; the nineteenth
    was scored twice at round 17's merge and is development material from round 18; the twentieth and twenty-first
    were scored twice each at round 18's merge and are development material from round 19; the twenty-second was
    scored twice at round 19's merge and is development material from round 20; the twenty-third was scored twice
    at round 20's merge and is development material from round 21; the twenty-fourth was scored twice at round 21's
    merge and is development material from round 22; the twenty-fifth and twenty-sixth were scored twice each at
    round 22's merge and are development material from round 23; the twenty-seventh was scored twice at round 23's
    merge and is development material from round 24; the twenty-eighth was scored twice at round 24's merge and is
    development material from round 25; the twenty-ninth was scored twice at round 25's merge and is development
    material from round 26; later halves, real/test30 …, are not checked here: they need not exist)."""
    for half in [f"test{n}" for n in range(2, 30)]:  # test2 … test29
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


def test_the_real_text_set_cites_every_passage_and_keeps_its_split() -> None:
    """≥ 40 passages of published text from ≥ 10 publishers, each cited; the halves are the seeded splits."""
    sources = yaml.safe_load((REAL / "sources.yaml").read_text(encoding="utf-8"))
    split = yaml.safe_load((REAL / "split.yaml").read_text(encoding="utf-8"))
    halves = {
        "dev": split["dev"] + split["dev_added"] + split["dev_added_2"],
        "test": split["test"],
        "test2": split["test2"],
        "test3": split["test3"],
        "test4": split["test4"],
        "test5": split["test5"],
        "test6": split["test6"],
        "test7": split["test7"],
        "test8": split["test8"],
        "test9": split["test9"],
        "test10": split["test10"],
        "test11": split["test11"],
        "test12": split["test12"],
        "test13": split["test13"],
        "test14": split["test14"],
        "test15": split["test15"],
        "test16": split["test16"],
        "test17": split["test17"],
        "test18": split["test18"],
        "test19": split["test19"],
        "test20": split["test20"],
        "test21": split["test21"],
        "test22": split["test22"],
        "test23": split["test23"],
        "test24": split["test24"],
        "test25": split["test25"],
        "test26": split["test26"],
        "test27": split["test27"],
        "test28": split["test28"],
        "test29": split["test29"],
    }
    for half, members in halves.items():
        passages = sorted(p.stem for p in (REAL / half).glob("*.txt"))
        gold = yaml.safe_load((REAL / half / "gold.yaml").read_text(encoding="utf-8"))
        assert passages == sorted(members) == sorted(k.removesuffix(".txt") for k in gold)
    everyone = [key for members in halves.values() for key in members]
    assert len(set(everyone)) == len(everyone) and sorted(sources) == sorted(everyone)
    assert len(halves["test2"]) >= 30 and len(halves["test3"]) >= 30 and len(split["dev_added_2"]) >= 40
    assert len(halves["test4"]) >= 30 and len(halves["test5"]) >= 30 and len(halves["test6"]) >= 30
    assert len(halves["test7"]) >= 30 and len(halves["test8"]) >= 30 and len(halves["test9"]) >= 40
    assert len(halves["test10"]) >= 40 and len(halves["test11"]) >= 40 and len(halves["test12"]) >= 40
    assert len(halves["test13"]) >= 40 and len(halves["test14"]) >= 40 and len(halves["test15"]) >= 40
    assert len(halves["test16"]) >= 40 and len(halves["test17"]) >= 40 and len(halves["test18"]) >= 40
    assert len(halves["test19"]) >= 40 and len(halves["test20"]) >= 40 and len(halves["test21"]) >= 40
    assert len(halves["test22"]) >= 40 and len(halves["test23"]) >= 40
    assert len(halves["test24"]) >= 35  # the rules kept 35 pages of the twenty-first round's 25 look-ups
    assert len(halves["test25"]) >= 40
    assert len(halves["test26"]) >= 23  # the rules kept 23 pages of the second half's 25 look-ups (few places left)
    assert len(halves["test27"]) >= 40  # the city rule over the last ten halves: 40 pages from 23 of 25 look-ups
    assert len(halves["test28"]) >= 40  # the same rule over test18-test27: 40 pages from 22 of 25 look-ups
    assert len(halves["test29"]) >= 40  # the same rule over test19-test28: 40 pages from 22 of 25 look-ups
    for half in [f"test{n}" for n in range(3, 30)]:  # test3 … test29
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
)


def test_quality_on_the_seen_test_halves_stays_at_or_above_its_figure(dezhou: MemoryStore) -> None:
    """The first twenty-nine test halves became development material once their misses were read
    (extraction_eval/README.md) and are the learned labeller's training data; their figures are guarded like
    the development passages'. Later halves (real-test30, scored by the lead at merge) are not run here."""
    gazetteer = Gazetteer.from_store(dezhou)
    for half, pair_f1, name_recall in SEEN_TEST_HALVES:
        figures, skipped = evaluate(half, gazetteer)
        assert skipped == [], (half, skipped)
        assert figures["project+amount"].f1 >= pair_f1, (half, figures["project+amount"].f1)
        assert figures["project"].recall >= name_recall, (half, figures["project"].recall)
