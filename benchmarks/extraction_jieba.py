"""Would a Chinese segmenter help the news extractor? The measurement behind the decision in docs/news.md.

    .venv/bin/pip install jieba==0.42.1      # not a dependency of chainkg; only for this measurement
    .venv/bin/python benchmarks/extraction_jieba.py [--groups]

jieba (its dictionary and POS model ship inside the package; nothing is downloaded) is tried in the
two places a segmenter could serve the rule-based extractor, on the development sets only:

- ``boundary``: a project name starts after the last verb, preposition, conjunction, particle,
  adverb or pronoun jieba finds before 项目 (instead of the stop-word lists); ``narrow`` takes the
  later of that start and the extractor's own;
- ``generic``: a name made only of common dictionary words (frequency ≥ 10,000; no person, place,
  organisation, other proper noun, number or Latin token) is dropped as generic.

Prints project F1, recall and (project, amount) F1 per set and mode, and the time taken.

``--groups`` (fifth round) measures jieba's POS where the remaining precision errors are — clause
phrases ending in 项目 (…询问企业项目, 精心筛选项目) — by the held-out-group proxy of
``benchmarks/extraction_cv.py``: a project candidate whose name (without 项目) ends in a word jieba
tags as a verb (``final``), or holds one of two characters or more (``any``), is dropped; pair F1 and
name recall per development subset, with and without the filter.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jieba
import jieba.posseg as pseg

import benchmarks.extraction as bench
import benchmarks.extraction_cv as cv
from chainkg.loaders.news import extract as extractor
from chainkg.loaders.news import names
from chainkg.loaders.news.mentions import NameMention

_CUT = {"v", "p", "c", "uj", "ul", "ug", "uz", "d", "r", "f", "vd"}
_PROPER = {"nr", "ns", "nt", "nz", "eng", "m"}
_ORIGINAL = names.find_projects
_EXTRACT = cv.extract_file


def _jieba_start(text: str, head: int) -> int:
    clause = max(text.rfind(c, 0, head) for c in ",;。:!?、") + 1
    position = last = clause
    for word, flag in pseg.cut(text[clause:head]):
        position += len(word)
        if flag in _CUT and position <= head - 2:
            last = position
    return last


def _boundary(narrow: bool):  # type: ignore[no-untyped-def]
    def find(text: str, *, boundaries: frozenset[int], protected: tuple[tuple[int, int], ...]) -> list[NameMention]:
        out = []
        for mention in _ORIGINAL(text, boundaries=boundaries, protected=protected):
            head = mention.end - 2
            start = _jieba_start(text, head)
            start = max(start, mention.start) if narrow else start
            if not mention.phase and start != mention.start and head - start >= 2:
                mention = NameMention(start, mention.end, text[start : mention.end], mention.kind)
            out.append(mention)
        return out

    return find


def _generic(text: str, *, boundaries: frozenset[int], protected: tuple[tuple[int, int], ...]) -> list[NameMention]:
    def common(core: str) -> bool:
        return all(jieba.dt.FREQ.get(w, 0) >= 10_000 and f not in _PROPER for w, f in pseg.cut(core))

    found = _ORIGINAL(text, boundaries=boundaries, protected=protected)
    return [m for m in found if m.phase or not common(m.text.removesuffix("项目"))]


def _verb_filter(mode: str):  # type: ignore[no-untyped-def]
    def verb(name: str) -> bool:
        words = list(pseg.cut(name.removesuffix("项目")))
        if mode == "final":
            return bool(words) and words[-1].flag == "v"
        return any(w.flag == "v" and len(w.word) >= 2 for w in words)

    def extract(path, gazetteer):  # type: ignore[no-untyped-def]
        result = _EXTRACT(path, gazetteer)
        kept = [c for c in result.candidates if not (c.kind == "project" and verb(c.name))]
        return result.model_copy(update={"candidates": kept})

    return extract


def groups() -> int:
    jieba.setLogLevel(60)
    for mode in ("none", "final", "any"):
        cv.extract_file = _EXTRACT if mode == "none" else _verb_filter(mode)
        table = cv.table(cv.run(), "subset")
        print(f"{mode:6}" + "".join(f"  {g} {f1:.3f}/{r:.3f}" for g, (f1, r, _) in table.items()))
    cv.extract_file = _EXTRACT
    return 0


def main() -> int:
    if "--groups" in sys.argv[1:]:
        return groups()
    jieba.setLogLevel(60)
    started = time.time()
    jieba.initialize()
    print(f"jieba {jieba.__version__}: dictionary loaded in {time.time() - started:.1f} s")
    gazetteer = bench.dezhou_gazetteer()
    modes = {"none": _ORIGINAL, "boundary": _boundary(False), "narrow": _boundary(True), "generic": _generic}
    for mode, finder in modes.items():
        extractor.find_projects = finder  # type: ignore[assignment]
        started = time.time()
        for set_name in ("dev", "heldout", "real-dev"):
            scores, _ = bench.evaluate(set_name, gazetteer)
            project, pair = scores["project"], scores["project+amount"]
            print(f"{mode:9} {set_name:9} project F1 {project.f1:.2f} R {project.recall:.2f}  pair F1 {pair.f1:.2f}")
        print(f"{mode:9} {time.time() - started:.1f} s")
    extractor.find_projects = _ORIGINAL
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
