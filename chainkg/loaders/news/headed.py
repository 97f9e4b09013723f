"""Items of a list the labeller names one of that end on a work's or a facility's head: the other items of the list,
written whole between its marks (渝万高铁、渝西高铁重庆段、成达万高铁、万达直线高速、开万梁高速等 — the model names the
second), are names of the same kind. The heads are the lexicon's, not the instances': a facility's
(:data:`~chainkg.loaders.news.facilities.HEADS`) and a work named by its kind (:data:`WORK_HEADS`); not 中心, which as
often names a project's own parts (运营结算中心、订单生产中心; 展示中心、信息中心). Not an item inside brackets (a
project's parts: …项目(一期建设…、220KV变电站、…)), one holding a conjunction (two items), nor the items of a list
that its trailer says are one project's (集…为一体; …等八大功能区; …等主要功能). The labeller
(:func:`~chainkg.loaders.news.labeller.label`) passes its own item and lead-in patterns and what is no name.

Works named by their kind that open a clause or a list's item with their own progress right after
(成昆铁路扩能改造竣工、成贵高铁云南段建成通车; 兰坪通用机场施工进入收尾阶段; 保山到泸水高速公路已于…开工), and
the items of a list that are such works written whole before the item that carries the predicate
(斜拉山隧道、珠角拉山隧道顺利贯通), are names too (:func:`predicated_works`): the labeller names none of them, as a
single mention or in a list it names nothing of. Only a work's head (:data:`WORK_HEADS`, with a section 云南段 or
扩建 after it), not a facility's: a facility opening its clause is as often a project's part (第一期种植基地) or an
anaphor (该度假区).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from chainkg.loaders.news.facilities import HEADS
from chainkg.loaders.news.lexicon import COUNT_DIGIT

__all__ = ["WORK_HEADS", "headed_items", "predicated_works"]

#: works named by their kind (transport and city works): 郑徐客专, 赣深高铁, 黄土坡隧道, 长江大道, …连接线
WORK_HEADS = re.compile(
    r"客专|高铁|城际铁路|铁路|轨道交通|地铁|隧道|大道|快速路|高速公路|高速|公路|连接线|立交|机场|码头|港区|管廊|片区"
)
_HEADED = re.compile(
    "(?:" + "|".join(h for h in sorted(HEADS, key=len, reverse=True) if not h.endswith("中心")) + "|"
    f"{WORK_HEADS.pattern})$"
)
_CLAUSE = re.compile(r"[^,;:。!?]+")
#: the rest of a list from its last item on, when it says the items are one project's (集…为一体, 等八大功能区)
_ONE_PROJECTS = re.compile(rf"[^,;。!?]{{0,20}}?(?:为一体|等[^,;。!?]{{0,6}}功能|等{COUNT_DIGIT}+大|功能区)")
_CONJUNCTION = re.compile(r"及|和|与")
#: a work named by its kind, with a section or a works' kind after its head (成贵高铁云南段, 成昆铁路扩能改造)
_WORK_NAME = re.compile(rf"(?:{WORK_HEADS.pattern})(?:[^\W\d]{{1,4}}段)?(?:扩能改造|改扩建|扩建|改造|一期|二期)?$")
#: a work's progress right after its name (竣工, 建成通车, 主体工程完工, 施工进入…), or a date before it (已于…开工)
_PROGRESS = re.compile(
    r"(?:已|已经|正式|全面|顺利|将|预计|计划|即将|基本|有望)?"
    r"(?:建成通车|通车|竣工|开工建设|开工|贯通|建成投产|建成|投产|完工|主体工程完工|具备通车条件|施工进入|正式通车)"
    r"|(?:已于|将于|于|预计于|计划于)[^,;:。!?、]{1,12}?(?:建成通车|通车|竣工|开工|建成|完工|投产|投用|贯通)"
)
#: what may open a clause before the work's name (time, a report's connective, the work's length)
_OPENER = re.compile(r"(?:目前|今年|年内|计划年内|预计年内|此外|同时|其中|另外|全长[\d.]+公里的)?")
_SEGMENT = re.compile(r"[^,;:。!?、]+")
#: not in a work's name: an amount, a clause's 的, two items joined, a place's 在
_NOT_IN_WORK = re.compile(r"[\d.]+[万亿]|的|及|和|与|在")


def headed_items(
    sentence: str,
    found: Sequence[tuple[int, int]],
    item: re.Pattern[str],
    lead_in: re.Pattern[str],
    no_name: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """The items of each enumeration of ``sentence`` (、 between items, in one clause) that end on a head while the
    labeller names (``found``) another item and not them: each as written whole (``item``'s first group), the first
    after the list's lead-in (``lead_in``), the last only before the 等 that closes the list (or the sentence)."""
    out: list[tuple[int, int]] = []
    for clause in _CLAUSE.finditer(sentence):
        if "、" not in clause.group(0):
            continue
        cuts = [clause.start() + m.start() for m in re.finditer("、", clause.group(0))]
        bounds = list(zip([clause.start(), *(c + 1 for c in cuts)], [*cuts, clause.end()], strict=True))
        if _ONE_PROJECTS.match(sentence, bounds[-1][0]):
            continue
        written: list[tuple[int, int] | None] = []
        for k, (lo, hi) in enumerate(bounds):
            if k == 0:
                leads = list(lead_in.finditer(sentence, lo, hi))
                lo = leads[-1].end() if leads else hi
            last = k == len(bounds) - 1
            w = item.match(sentence, lo, hi) if last else item.fullmatch(sentence, lo, hi)
            closed = w is not None and (not last or sentence[w.end() : w.end() + 1] in ("等", ""))
            written.append((lo, lo + len(w.group(1))) if w and closed else None)
        named = [any(a < hi and lo < b for a, b in found) for lo, hi in bounds]
        if not any(named):
            continue
        for span, labelled in zip(written, named, strict=True):
            if span is None or labelled:
                continue
            name = sentence[span[0] : span[1]]
            if sentence[: span[0]].count("(") > sentence[: span[0]].count(")") or _CONJUNCTION.search(name):
                continue  # inside a bracket (a project's parts), or two items joined
            if _HEADED.search(name) and not no_name(name):
                out.append(span)
    return out


def predicated_works(
    sentence: str, found: Sequence[tuple[int, int]], no_name: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """Works named by their kind (:data:`_WORK_NAME`) that open a clause or a list's item with their progress right
    after (:data:`_PROGRESS`), and the items of a list written whole as such works before an item that does; none
    the labeller names (``found``) or overlaps, none that is no name (``no_name``)."""
    out: list[tuple[int, int]] = []

    def work(lo: int, hi: int) -> bool:
        name = sentence[lo:hi]
        return 4 <= hi - lo <= 20 and _WORK_NAME.search(name) is not None and not _NOT_IN_WORK.search(name)

    def free(lo: int, hi: int) -> bool:
        return not any(a < hi and lo < b for a, b in found) and (lo, hi) not in out

    for clause in _CLAUSE.finditer(sentence):  # 斜拉山隧道、珠角拉山隧道顺利贯通: the items before the predicated one
        cuts = [clause.start() + m.start() for m in re.finditer("、", clause.group(0))]
        bounds = list(zip([clause.start(), *(c + 1 for c in cuts)], [*cuts, clause.end()], strict=True))
        run: list[tuple[int, int]] = []
        for k, (lo, hi) in enumerate(bounds):
            lo = _OPENER.match(sentence, lo).end() if k == 0 else lo  # type: ignore[union-attr]
            if k < len(bounds) - 1 and work(lo, hi) and not no_name(sentence[lo:hi]):
                run.append((lo, hi))
                continue
            if run and any(work(lo, b) and _PROGRESS.match(sentence, b) for b in range(lo + 4, min(hi, lo + 20) + 1)):
                out += [s for s in run if free(*s)]
            run = []
    for segment in _SEGMENT.finditer(sentence):  # 成昆铁路扩能改造竣工, 兰坪通用机场施工进入收尾阶段
        lo = _OPENER.match(sentence, segment.start()).end()  # type: ignore[union-attr]
        for b in range(lo + 4, min(segment.end(), lo + 20) + 1):
            if not _WORK_NAME.search(sentence[lo:b]) or not _PROGRESS.match(sentence, b):
                continue
            if work(lo, b) and not no_name(sentence[lo:b]) and free(lo, b):
                out.append((lo, b))
            break
    return out
