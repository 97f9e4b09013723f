"""Rule names the sentence writes with 项目 after them (a part of :mod:`chainkg.loaders.news.labeller`).

The rules read a name written right before 项目 (晶科能源…签约光伏组件生产项目, 在北京经开区新建大宗气体站项目) and
the CRF, reading them as features, still drops some of them: out of fold, 84 of the names it misses are rule names.
Such a span is a name when it overlaps none the CRF labels, is not a kind (sector and generic words only), has at
least four characters, does not open on a time (25日上午…, 2025年…), and its 项目 is not a class's, a heading's or
an event's (…项目之一, …项目之最, …项目为主, …项目建设, …项目:, …项目签约仪式). The labeller keeps those its model
gives at least :data:`RULED_FLOOR`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = ["RULED_FLOOR", "ruled_projects"]

#: the lowest probability (of no character being O) at which a rule name written before 项目 is kept
RULED_FLOOR = 0.1
#: 项目 of a class (之一, 之最, 为主), of construction in general (项目建设), a heading's (项目:) or an event's
_NOT_ITS_OWN = re.compile(r"项目(?:之一|之最|建设|为主|[:：]|(?:合作)?签约仪式)")
#: a span that opens on a day or a year is a time adverbial's, not a name's start
_TIME = re.compile(r"\d{1,2}日|\d{4}年")


def ruled_projects(
    sentence: str,
    rule_spans: Sequence[tuple[int, int]],
    found: Sequence[tuple[int, int]],
    kind: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """The rule spans (项目 left out) written right before 项目 that no span in ``found`` overlaps, in order;
    not kinds (``kind``), not under four characters, not opening on a time, and not before a 项目 that is not its
    own (:data:`_NOT_ITS_OWN`)."""
    out: list[tuple[int, int]] = []
    for a, b in rule_spans:
        if sentence[b : b + 2] != "项目" or any(x < b and a < y for x, y in found):
            continue
        if b - a < 4 or kind(sentence[a:b]) or _NOT_ITS_OWN.match(sentence, b) or _TIME.match(sentence, a):
            continue
        out.append((a, b))
    return out
