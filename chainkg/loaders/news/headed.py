"""Items of a list the labeller names one of that end on a work's or a facility's head: the other items of the list,
written whole between its marks (渝万高铁、渝西高铁重庆段、成达万高铁、万达直线高速、开万梁高速等 — the model names the
second), are names of the same kind. The heads are the lexicon's, not the instances': a facility's
(:data:`~chainkg.loaders.news.facilities.HEADS`) and a work named by its kind (:data:`WORK_HEADS`); not 中心, which as
often names a project's own parts (运营结算中心、订单生产中心; 展示中心、信息中心). Not an item inside brackets (a
project's parts: …项目(一期建设…、220KV变电站、…)), one holding a conjunction (two items), nor the items of a list
that its trailer says are one project's (集…为一体; …等八大功能区; …等主要功能). The labeller
(:func:`~chainkg.loaders.news.labeller.label`) passes its own item and lead-in patterns and what is no name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from chainkg.loaders.news.facilities import HEADS

__all__ = ["WORK_HEADS", "headed_items"]

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
_ONE_PROJECTS = re.compile(r"[^,;。!?]{0,20}?(?:为一体|等[^,;。!?]{0,6}功能|等[\d一二三四五六七八九十两几]+大|功能区)")
_CONJUNCTION = re.compile(r"及|和|与")


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
