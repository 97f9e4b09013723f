"""A learned labeller of project names: a character CRF over each sentence, reading the rules as features.

The rules of :mod:`chainkg.loaders.news.extract` were written on the development passages and carry
poorly to text of other kinds (``docs/news.md``: each fresh half scored 0.66–0.85 pair F1). This module
keeps them as *evidence* and lets a statistical sequence labeller decide which spans of a sentence are
project names: a linear-chain CRF (python-crfsuite) labels each character B (a name starts), I (inside a
name) or O. Its features are the character and its neighbours (±2), the two bigrams through it, the
classes of the three characters (Han, digit, Latin, punctuation), whether a facility head word
(:data:`chainkg.loaders.news.facilities.HEADS`) or a work named by its kind (高铁, 隧道, 大道 …) ends on it,
or 项目 follows it, whether sector or generic words cover it, the marks that delimit its item (before and after
it: where it stands in an enumeration), and where the rules put a project name (B/I of a rule name, and whether
the rules priced it). The items of one enumeration are of one kind (:func:`sibling_items`, :func:`coordinated`;
those ending on a work's or a facility's head: :func:`~chainkg.loaders.news.headed.headed_items`), and a list's
trailer can say what its items are (:func:`typed_items`); what a project's 主要建设 or 建设内容 leads in are its parts,
a span holding a clause's own words (出席, 签署 …) a fragment of the sentence, what a copula says the sentence's
opening name is (A是…的B,) its description, and what a route's words lead in its clause (东起, 衔接, 可到达 …) a point
of the route: none is a name.

A labelled name's amount is aligned by position on its span (:mod:`chainkg.loaders.news.positions`): the investment
written right before it, else the rule project's it matches, else one right after it, else — for the only name of its
sentence — the one its sentence or the next gives, or a later sentence of its paragraph that opens on the project
(该项目总投资…); never its list's. The model is
trained on the gold names of the development passages by ``benchmarks/extraction_crf.py train`` and shipped as
:data:`MODEL` (its training data's checksums beside it in :data:`MODEL_INFO`); leave-one-round-out figures and the
calibration of :attr:`Labelled.probability` are in ``docs/news.md``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from chainkg.loaders.news.facilities import HEADS
from chainkg.loaders.news.headed import WORK_HEADS, headed_items, predicated_works
from chainkg.loaders.news.lexicon import COUNT_DIGITS, GENERIC_PROJECT_WORDS, LIST_VERBS, SECTOR_WORDS
from chainkg.loaders.news.positions import a_topic, amount_of, group_figure, later_amount, lone_amount, respective
from chainkg.loaders.news.text import list_line
from chainkg.loaders.news.trailers import a_place, not_a_project
from chainkg.schema.money import Money
from chainkg.schema.normalize import normalize_name

__all__ = [
    "MODEL",
    "MODEL_INFO",
    "Labelled",
    "RuleName",
    "coordinated",
    "features",
    "label",
    "listed_lines",
    "mark",
    "matches",
    "rule_marks",
    "same_project",
    "sentences",
    "spans",
    "tagger",
    "typed_items",
]

MODEL = Path(__file__).with_name("labeller_model.crfsuite")
MODEL_INFO = Path(__file__).with_name("labeller_model.json")

_SENTENCE = re.compile(r"[^。!?;\n]+[。!?;]?")
_HEAD_END = re.compile("|".join(sorted(HEADS, key=len, reverse=True)))
_WORK_END = WORK_HEADS  # works named by their kind (赣深高铁, 黄土坡隧道, 长江大道 …)
#: the marks that delimit an item of an enumeration or a clause; 等 when a count or a kind follows (…等56个项目)
_DELIM = re.compile(rf"[、,;:。()!?]|等(?=[{COUNT_DIGITS}数多百千]|一批|项目|重点|重大)")
_SECTOR = re.compile("|".join(w for w in (*SECTOR_WORDS, *GENERIC_PROJECT_WORDS) if len(w) >= 2))
_KIND = re.compile(f"(?:{'|'.join(re.escape(w) for w in (*SECTOR_WORDS, *GENERIC_PROJECT_WORDS))})+")
_CLAUSE = re.compile(r"[^,;:。!?]+")
#: an item of a list as written: no amount, no 项目 inside; 项目 at its end left out (the last one: before its 等)
_ITEM = re.compile(r"((?:(?!项目|[\d.]+[万亿]?[美欧日港]?元).){2,30}?)(?:项目|工程)?(?:$|(?=等))")
#: what leads a list in before its first item: a header word or a list verb (包括A、B; 实施A、B等…)
_LEAD_IN = re.compile(r"分别是|分别为|分别有|主要有|主要包括|其中包括|包括|" + LIST_VERBS.pattern)
#: a trailer that says a list's items are projects (A、B、C等一批省重点项目; …等商贸流通项目3个; …等铁路项目),
#: not places, people, sectors or a project's components (…等地的, …等领导, …等领域项目, …等项目组成)
_TRAILER = re.compile(
    rf"等(?!地|省|市|县|国|领导|人)(?:一批|[{COUNT_DIGITS}数多]+[个项家批])?"
    r"(?![^,;:。、!?]{0,6}?(?:领域|行业|方面|环节))[^,;:。、!?]{0,12}?(?:项目|工程)(?!组成|构成)"
)
#: what leads a list typed by its trailer in (as :data:`_LEAD_IN`, and 启动A、B…; 既有A、B…)
_TYPED_LEAD_IN = re.compile(_LEAD_IN.pattern + r"|启动|开建|开工|建成|落地|引进|既有|也有|还有")
#: what coordinates two names (A项目和B项目)
_AND = re.compile(r"(?:项目|工程)?(?:和|及|以及|与)")
#: the labeller's least probability for an item named by its list's trailer alone (its marginal of not being O)
TYPED_FLOOR = 0.1
#: what leads in a project's own parts (项目主要建设A、B; 建设内容包括A、B; 配套建设A; 规划建设A、B等五大主题片区):
#: the names after it, up to the next comma or sentence mark, are components, not projects
_PARTS = re.compile(r"(?:主要建设|建设内容|配套建设|规划建设|拟建设|将建设)[^。;,；，\[\]]*$")
#: a clause's own words inside a labelled span (副县长…出席仪式并见证, 西部机场集团签署宝鸡机场, 还有中煤集团,
#: 由…联合…): a fragment of the sentence, not a name
_CLAUSE_IN_NAME = re.compile(r"出席|见证|抢抓|引荐|协助|签署|举行|主要生产|^(?:还有|努力|做|由|拟建|在|将|已)")
#: words of a route's description: what follows them in their clause is a point or a line of the route
_ROUTE = re.compile(r"起自|起于|止于|[东西南北]起|途经|衔接|贯穿|可到达|直达")
_LIST_HEADING = re.compile(r"(项目|工程).{0,4}(一览|名单|清单|列表|如下)表?$")
_NUMBERING = re.compile(r"\s*(\d{1,2}[.、]|[(][一二三四五六七八九十\d]{1,3}[)]|[一二三四五六七八九十]{1,3}、)?\s*")


@dataclass(frozen=True)
class RuleName:
    """A project the rules found: its name and other names, and whether they gave it an amount."""

    names: tuple[str, ...]
    amount: Money | None = None


@dataclass(frozen=True)
class Labelled:
    """A name the labeller found: where, how sure, the rule project it matches, and its amount."""

    name: str
    sentence: str
    start: int
    end: int
    probability: float  # the lowest marginal probability of the span's labels
    rule: int | None  # index into the rule names it matches
    amount: Money | None
    amount_text: str | None = None  # the amount as written, when aligned by position (not the rules')


def sentences(paragraphs: Sequence[str]) -> list[str]:
    """The sentences of an article's paragraphs (cut after 。!?; and at line ends)."""
    return [m.group(0) for p in paragraphs for m in _SENTENCE.finditer(p) if m.group(0).strip()]


def _forms(names: Sequence[str]) -> list[str]:
    forms = {n.removesuffix("项目") for n in names if n and len(n.removesuffix("项目")) >= 2}
    return sorted(forms, key=len, reverse=True)


def mark(sentence: str, names: Sequence[Sequence[str]]) -> list[str]:
    """B/I/O of each character for the given names (each a list of forms, 项目 left out), longest
    first, never overlapping; every occurrence is marked."""
    tags = ["O"] * len(sentence)
    for forms in sorted((_forms(n) for n in names), key=lambda f: -max((len(x) for x in f), default=0)):
        for form in forms:
            start = sentence.find(form)
            while start >= 0:
                end = start + len(form)
                if all(t == "O" for t in tags[start:end]):
                    tags[start] = "B"
                    tags[start + 1 : end] = ["I"] * (end - start - 1)
                start = sentence.find(form, end)
    return tags


def rule_marks(sentence: str, rules: Sequence[RuleName]) -> tuple[list[str], set[int]]:
    """Where the rules' project names lie in a sentence, and which characters belong to a priced one."""
    tags = mark(sentence, [r.names for r in rules])
    priced = mark(sentence, [r.names for r in rules if r.amount is not None])
    return tags, {i for i, t in enumerate(priced) if t != "O"}


def _char_class(c: str) -> str:
    if c.isdigit():
        return "D"
    if c.isascii() and c.isalpha():
        return "L"
    if "\u3400" <= c <= "\u9fff":
        return "H"
    return "P"


def features(sentence: str, rule_tags: Sequence[str] | None, priced: set[int]) -> list[list[str]]:
    """The CRF's features of each character (``rule_tags`` None: the characters alone)."""
    heads_end = {m.end() - 1 for m in _HEAD_END.finditer(sentence)}
    works_end = {m.end() - 1 for m in _WORK_END.finditer(sentence)}
    sector = {i for m in _SECTOR.finditer(sentence) for i in range(m.start(), m.end())}
    delims = [(m.start(), m.group(0)) for m in _DELIM.finditer(sentence)]
    before, after = ["^"] * len(sentence), ["$"] * len(sentence)
    for (a, mark_a), (b, _) in zip([(-1, "^"), *delims], [*delims, (len(sentence), "$")], strict=True):
        mark_b = sentence[b] if b < len(sentence) else "$"
        for i in range(a + 1, b):
            before[i], after[i] = mark_a[:1], mark_b
    padded = "^^" + sentence + "$$"
    out = []
    for i, c in enumerate(sentence):
        j = i + 2
        f = [
            "b",
            f"c={c}",
            f"c-1={padded[j - 1]}",
            f"c+1={padded[j + 1]}",
            f"c-2={padded[j - 2]}",
            f"c+2={padded[j + 2]}",
            f"b-={padded[j - 1]}{c}",
            f"b+={c}{padded[j + 1]}",
            f"t={_char_class(c)}{_char_class(padded[j - 1])}{_char_class(padded[j + 1])}",
        ]
        if i in heads_end:
            f.append("head_end")
        if i in works_end:
            f.append("work_end")
        if i in sector:
            f.append("sector")
        f += [f"pd={before[i]}", f"nd={after[i]}", f"pnd={before[i]}{after[i]}"]
        if padded[j + 1 : j + 3] == "项目":
            f.append("before_xm")
        if rule_tags is not None:
            prev = rule_tags[i - 1] if i else "O"
            nxt = rule_tags[i + 1] if i + 1 < len(rule_tags) else "O"
            f += [f"r={rule_tags[i]}", f"r-1={prev}", f"r+1={nxt}", f"r={rule_tags[i]}|c={c}"]
            if i in priced:
                f.append("r_priced")
        out.append(f)
    return out


def spans(tags: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of each labelled name of two characters or more."""
    found: list[tuple[int, int]] = []
    start: int | None = None
    for i, t in enumerate([*tags, "O"]):
        if t in ("B", "O") and start is not None:
            found.append((start, i))
            start = None
        if t == "B" or (t == "I" and start is None):
            start = i
    return [(a, b) for a, b in found if b - a >= 2]


def _key(name: str) -> str:
    return normalize_name(name).removesuffix("项目")


def matches(name: str, forms: Sequence[str]) -> bool:
    """The same project by the evaluation's rule: equal names (项目 left out), or one holding the other
    when the shorter has four characters or more."""
    k = _key(name)
    for form in forms:
        f = _key(form)
        if f == k or (min(len(f), len(k)) >= 4 and (f in k or k in f)):
            return True
    return False


def _in_order(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def same_project(name: str, other: str) -> bool:
    """One project named twice: the evaluation's rule (:func:`matches`), or both names begin and end alike (two
    characters each) and one's characters stand in order in the other's, with words left out of the middle
    (哈尔滨冷链物流中心 · 哈尔滨大连港冷链物流中心; 光科检测项目 · 光科第三方检测项目)."""
    if matches(name, [other]):
        return True
    a, b = sorted((_key(name), _key(other)), key=len)
    return len(a) >= 4 and a[:2] == b[:2] and a[-2:] == b[-2:] and _in_order(a[2:-2], b[2:-2])


def listed_lines(paragraphs: Sequence[str]) -> set[int]:
    """The paragraphs that are items of a list with one project per line: short lines without a clause mark right
    under a heading line that lists projects (部分重大开工项目一览, 签约项目名单如下)."""
    items: set[int] = set()
    heading = False
    for k, paragraph in enumerate(paragraphs):
        bare = list_line(paragraph)
        if bare and (heading or k - 1 in items):
            items.add(k)
            heading = False
        else:
            heading = bare and bool(_LIST_HEADING.search(paragraph))
    return items


def sibling_items(sentence: str, rule_tags: Sequence[str], found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Items of an enumeration (、 between items, in one clause) that the labeller does not name while it names
    another: the items of one list are of one kind (经开区徐工矿山机械、泉山鑫科机器人等56个项目 — the model kept the
    second and dropped the first, after the clause's verb). An item is a rule name that ends where its item ends (at
    、, the clause's end, or 等/和/及 after it); when the labeller names two items or more and at least half of them,
    also an item as written between two 、, before the 等 that closes the list (…、贾汪潘安湖奥特莱斯购物中心、
    徐州方特乐园等), or after the list's lead-in (包括A、…; 实施A、…), 项目 left out. Kinds are not names
    (:func:`_kind`), nor an item that holds an amount or 项目."""
    out: list[tuple[int, int]] = []
    rule_spans = spans(rule_tags)
    for clause in _CLAUSE.finditer(sentence):
        if "、" not in clause.group(0):
            continue
        bounds, start = [], clause.start()
        for m in re.finditer("、", clause.group(0)):
            bounds.append((start, clause.start() + m.start()))
            start = clause.start() + m.end()
        bounds.append((start, clause.end()))
        items: list[tuple[bool, tuple[int, int] | None, tuple[int, int] | None]] = []
        for k, (lo, hi) in enumerate(bounds):
            inside = [(a, b) for a, b in rule_spans if lo <= a and b <= hi]
            ends = [(a, b) for a, b in inside if b == hi or re.match(r"(项目|工程)?(等|和|及)", sentence[b:hi])]
            written = _ITEM.fullmatch(sentence[lo:hi])
            if k == len(bounds) - 1:  # the last item: only when 等 closes it
                written = _ITEM.match(sentence[lo:hi])
                written = written if written and sentence[lo + written.end() : lo + written.end() + 1] == "等" else None
            if k == 0:  # the first item: after the list's lead-in (包括A、…; 实施A、…), four characters at least
                leads = list(_LEAD_IN.finditer(sentence, lo, hi))
                first = leads[-1].end() if leads else hi
                written = _ITEM.fullmatch(sentence[first:hi])
                whole = (first, first + len(written.group(1))) if written and len(written.group(1)) >= 4 else None
            else:
                whole = (lo, lo + len(written.group(1))) if written else None
            items.append((any(a < hi and lo < b for a, b in found), ends[-1] if ends else None, whole))
        named = sum(1 for labelled, _, _ in items if labelled)
        if not any(labelled and (rule or whole) for labelled, rule, whole in items):
            continue
        for labelled, rule, whole in items:
            span = rule or (whole if named >= 2 and 2 * named >= len(items) else None)
            if span and not labelled and not _kind(sentence[span[0] : span[1]]):
                out.append(span)
    return out


def coordinated(sentence: str, rule_tags: Sequence[str], found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Rule names coordinated with a name the labeller finds by 和, 及, 以及 or 与 (环保型电子节能灯项目和环保型氨纶
    项目): the two sides of a coordination are of one kind. Not kinds (:func:`_kind`)."""
    out: list[tuple[int, int]] = []
    for a, b in spans(rule_tags):
        if any(x < b and a < y for x, y in found):
            continue
        beside = (sentence[y:a] if y <= a else sentence[b:x] if b <= x else "" for x, y in found)
        if any(_AND.fullmatch(between) for between in beside) and not _kind(sentence[a:b]):
            out.append((a, b))
    return out


def typed_items(sentence: str, rule_tags: Sequence[str], found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The items of an enumeration that its trailer says are projects (坤泰、哈焊所、欣盛等一批省重点项目;
    深圳欣缤纷时代、横店影视、步步高等商贸流通项目3个), named by the labeller or not: each item as written (the first
    after the list's lead-in, or from the clause's start when it is short), else the rule name that ends where it
    ends. Two characters suffice (a company's short name); kinds (sector and generic words only), items holding an
    amount or 项目, and items the labeller names are not returned. :func:`label` keeps those the model gives at least
    :data:`TYPED_FLOOR`."""
    out: list[tuple[int, int]] = []
    rule_spans = spans(rule_tags)
    for clause in _CLAUSE.finditer(sentence):
        if "、" not in clause.group(0):
            continue
        cuts = [clause.start() + m.start() for m in re.finditer("、", clause.group(0))]
        bounds = list(zip([clause.start(), *(c + 1 for c in cuts)], [*cuts, clause.end()], strict=True))
        last = _ITEM.match(sentence, bounds[-1][0], bounds[-1][1])
        if last is None or not _TRAILER.match(sentence, last.end()):
            continue
        for k, (lo, hi) in enumerate(bounds):
            if k == 0:
                leads = list(_TYPED_LEAD_IN.finditer(sentence, lo, hi))
                short = (lo == 0 or sentence[lo - 1] in ",;:。") and hi - lo <= 12
                lo = leads[-1].end() if leads else lo if short else hi
            written = _ITEM.match(sentence, lo, hi) if k == len(bounds) - 1 else _ITEM.fullmatch(sentence, lo, hi)
            ends = [(a, b) for a, b in rule_spans if lo <= a and b <= hi and sentence[b:hi] in ("", "项目", "工程")]
            span = (lo, lo + len(written.group(1))) if written else ends[-1] if ends else None
            if span is None or any(a < span[1] and span[0] < b for a, b in found):
                continue
            if span[1] - span[0] >= 2 and not _KIND.fullmatch(sentence[span[0] : span[1]]):
                out.append(span)
    return out


#: a copula right after a sentence's opening name, or at the start of one of its later clauses (A是…; A…,也是…)
_COPULA = re.compile(r"(?:项目|工程)?(?:[^。;!?]*,)?(?:也|还|更|又|则)?是")
#: the end of a clause right after a description (…新建过江通道项目。 …重要的南北畅通工程,)
_CLAUSE_END = re.compile(r"(?:项目|工程)?(?:之一)?(?:[,。;!?]|$)")


def _described(sentence: str, subject_end: int, a: int, b: int) -> bool:
    """The span ``a:b`` describes the name the sentence opens on (ending at ``subject_end``): a copula follows that
    name and the span ends the copula's clause (合江长江公路大桥是…《…规划》中长江干线新建过江通道项目。)."""
    return _COPULA.match(sentence[subject_end:a]) is not None and _CLAUSE_END.match(sentence, b) is not None


def _kind(name: str) -> bool:
    """A kind, not a name: under four characters, or made only of sector and generic words (新材料, 算力服务)."""
    return len(name) < 4 or _KIND.fullmatch(name) is not None


def _no_name(name: str) -> bool:
    return _kind(name) or _CLAUSE_IN_NAME.search(name) is not None


def label(paragraphs: Sequence[str], rules: Sequence[RuleName] | None, model: Any) -> list[Labelled]:
    """The project names of an article by the labeller, merged by name, in order, with amounts; a line of a list
    with one project per line (:func:`listed_lines`) is a name whether or not the model labels it (its probability
    then the lowest of its characters' probability of not being O).

    ``rules`` None labels from the characters alone (a model trained that way)."""
    out: list[Labelled] = []
    mentions: list[tuple[int, str, int, int]] = []  # (index into out, sentence, start, end) of every naming
    items = listed_lines(paragraphs)

    def add(sentence: str, a: int, b: int, probability: float) -> None:
        name = sentence[a:b]
        if _PARTS.search(sentence[:a]) or _CLAUSE_IN_NAME.search(name) or not_a_project(sentence, b):
            return  # a project's component (:data:`_PARTS`, …等子项目), a clause's fragment, a class's kind
        before = re.split(r"[,;:]", sentence[:a])[-1]  # the name's clause up to it
        if _ROUTE.search(name) or _ROUTE.search(before) or a_place(before, sentence, b):
            return  # a point or a line of a route's description (东起X, 衔接Y, 可到达Z; 起自…, 止于…), a place (位于X)
        if any(s == sentence and x == 0 and _described(sentence, y, a, b) for _, s, x, y in mentions):
            return  # what the sentence's opening name is (A是…的B,): its description, not a name
        index = next((k for k, r in enumerate(rules or ()) if matches(name, r.names)), None)
        rule = rules[index] if rules is not None and index is not None else None
        amount, text = amount_of(sentence, a, b, rule is not None, rule.amount if rule else None)
        seen = next((k for k, o in enumerate(out) if same_project(name, o.name)), None)
        mentions.append((len(out) if seen is None else seen, sentence, a, b))
        if seen is None:
            out.append(Labelled(name, sentence, a, b, round(probability, 4), index, amount, text))
        elif out[seen].amount is None and amount is not None:
            out[seen] = replace(out[seen], amount=amount, amount_text=text)  # named again, priced this time

    for k, paragraph in enumerate(paragraphs):
        for sentence in sentences([paragraph]):
            rule_tags, priced = rule_marks(sentence, rules) if rules is not None else (None, set())
            tags = model.tag(features(sentence, rule_tags, priced))
            found = spans(tags)
            for a, b in found:
                add(sentence, a, b, min(model.marginal(tags[i], i) for i in range(a, b)))
            siblings = sibling_items(sentence, rule_tags, found) if rule_tags is not None else []
            if rule_tags is not None:
                siblings += [s for s in coordinated(sentence, rule_tags, found) if s not in siblings]
                headed = headed_items(sentence, found, _ITEM, _TYPED_LEAD_IN, _no_name)
                headed += predicated_works(sentence, found, _no_name)
                siblings += [s for s in headed if s not in siblings]
            for a, b in siblings:
                add(sentence, a, b, min(1.0 - model.marginal("O", i) for i in range(a, b)))
            for a, b in typed_items(sentence, rule_tags, found) if rule_tags is not None else ():
                probability = min(1.0 - model.marginal("O", i) for i in range(a, b))
                if probability >= TYPED_FLOOR:
                    add(sentence, a, b, probability)
            if k in items and not found:
                a = len(_NUMBERING.match(sentence)[0])  # type: ignore[index]
                b = len(sentence.rstrip())
                if b - a >= 2:
                    add(sentence, a, b, min(1.0 - model.marginal("O", i) for i in range(a, b)))
    ruled = [(k, o) for k, o in enumerate(out) if o.amount is not None and o.amount_text is None]  # the rules'
    shared = {
        k
        for i, x in ruled
        for j, y in ruled
        if x.sentence == y.sentence and x.end <= y.start and x.amount == y.amount
        if group_figure(x.sentence, x.end, y.start, x.amount)
        for k in (i, j)
    }
    for k in shared:
        out[k] = replace(out[k], amount=None)  # one figure the rules gave two names joined by a conjunction
    order = [(k, s) for k, paragraph in enumerate(paragraphs) for s in sentences([paragraph])]
    return _priced_alone(respective(out, mentions), order, mentions)


def _priced_alone(
    found: list[Labelled], order: list[tuple[int, str]], mentions: list[tuple[int, str, int, int]]
) -> list[Labelled]:
    """Each unpriced name that is the only one of its sentence (or its topic: ``positions.a_topic``) takes the
    investment its sentence, or the next one, gives it alone (``positions.lone_amount``). Every sentence naming it
    counts, in order (a project named in a ceremony's sentence and again in an announcement's; ``mentions``: the index
    into ``found``, the sentence, the span, of each naming), and of a next sentence that names projects only what it
    says before the first (该项目计划总投资约2.1亿元,将建设…,并续建渔光互补光伏项目). When the next sentence names none
    and gives it nothing, the later sentences of its paragraph up to the next that names a project are read
    (``positions.later_amount``: 该项目总投资… in the name's own paragraph). ``order``: sentences, by paragraph."""
    texts = [s for _, s in order]
    named = {s for _, s, _, _ in mentions}
    for k, f in enumerate(found):
        if f.amount is not None:
            continue
        for _, sentence, start, end in (m for m in mentions if m[0] == k):
            others = [a for j, s, a, _ in mentions if s == sentence and j != k]
            alone = not others or a_topic(sentence, start, end, others)
            at = texts.index(sentence) if sentence in texts else len(texts)
            following = texts[at + 1] if at + 1 < len(texts) else None
            starts = [a for _, s, a, _ in mentions if s == following]
            if following is not None and starts:  # only what it says before its first name
                following = following[: min(starts)]
            amount = lone_amount(sentence, end, alone, following)
            if amount is None and alone and following is not None and not starts:
                rest = []
                for paragraph, later in order[at + 2 :]:
                    if paragraph != order[at][0] or later in named:
                        break
                    rest.append(later)
                amount = later_amount(rest)
            if amount is not None:
                found[k] = replace(f, amount=amount.money, amount_text=amount.text)
                break
    return found


_PER_THREAD = threading.local()


def tagger() -> Any:
    """The shipped model, opened once per thread: a tagger keeps the sequence it tagged last (``marginal``
    reads it), so two threads extracting at once must not share one."""
    model = getattr(_PER_THREAD, "model", None)
    if model is None:
        import pycrfsuite

        model = pycrfsuite.Tagger()
        model.open(str(MODEL))
        _PER_THREAD.model = model
    return model
