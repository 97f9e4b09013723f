"""Amounts aligned by position on a labelled name (a part of :mod:`chainkg.loaders.news.labeller`).

The rules give a project the amount their own reading of the sentence gives it, and in lists they are often off by
one (they cut a name after its company and give it the next item's figure). A name the labeller finds takes the
investment written right before it (an attribute of it may stand between: 总投资1.58亿元、占地52.3亩的…), else right
after it with only its label between, else — when it is the only name of its sentence — the one investment its
sentence or the next gives (:func:`lone_amount`); never its list's, a batch's, a band's bound, nor a rules' amount its
sentence writes only as one of those (:func:`_not_its_own`), nor one figure the rules gave two names joined by a
conjunction (:func:`group_figure`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, ClassVar, Protocol, TypeVar

from chainkg.loaders.news.lexicon import COUNT_DIGIT
from chainkg.loaders.news.mentions import AmountMention, find_amounts
from chainkg.schema.money import Money

__all__ = ["amount_of", "group_figure", "later_amount", "lone_amount", "respective"]

_FILLER_BEFORE = re.compile(r"(的|建设的|建设|建)?")
#: an attribute of the name between its investment and it (总投资1.58亿元、占地52.3亩的A项目)
_ATTRIBUTE_BETWEEN = re.compile(r"、[^,;。、:“”]{1,16}的[“\"]?")
_LABEL_BETWEEN = re.compile(
    r"(项目|工程)?、?(计划总投资|总投资额|投资总额|总投资|计划投资|投资额|投资)(约|近|达|为|超过?|逾)*"
)
_COUNT_AFTER = re.compile(rf"的?{COUNT_DIGIT}+[个项批]")
_COUNTED_LIST = re.compile(rf"(?:项目|工程)?(?:、[^、,;:。]{{2,40}}?)+等{COUNT_DIGIT}+[个项]")
#: the lead-in a next sentence may open with before it names its subject (其中, 据悉, 同时 …)
_LEAD_IN = r"(?:其中|据了解|据悉|同时|目前)?,?"
#: the next sentence opens on the project it follows (该项目…; 项目投资共计…; 该装置…; in a quote: “项目总投资…)
_ANAPHOR = re.compile(r"[“\"「]?" + _LEAD_IN + r"(?:该|本|此|这个)?(?:项目|装置|工程)")
#: a name that is the subject of 是 (…刨花板项目是…的核心项目之一), after at most a short lead-in (据了解,) and a quote
_SUBJECT_OF_IS = re.compile(r"(?:项目|工程)?[”\"」]?(?:是|系)")
_SUBJECT_LEAD = re.compile(r"(?:[^,;。]{0,6},)?[“\"「]?")
#: the next sentence opens on a determiner and the name's own head (…交易中心项目建设也同时启动。该中心总占地…)
_OWN_HEAD = re.compile(
    _LEAD_IN + r"(?:该|这一?|此)"
    r"(产业园|园区|中心|基地|大桥|电站|电厂|水库|小镇|综合体|工厂|总部|乐园|产业城|物流城|科技城)"
)
#: a count of projects right before an amount in its clause (签约项目26个,总投资401亿元): the figure is the count's
_COUNT_BEFORE = re.compile(rf"{COUNT_DIGIT}+[个项批](?:[^,;。]{{0,3}}|,[^,;。]{{0,6}})$")
#: words that make a figure a sum (共, 合计, 达 …); not 达 after an investment's own label (签约金额达20亿元)
_SUM_BEFORE = re.compile(r"(共|合计|累计|(?<!金额)(?<!资额)(?<!投资)达|总额)$")
#: a name that is an item of a list (A、B; A和B)
_IN_LIST = re.compile(r"(项目|工程)?[、和及与]")
#: a figure that is a band's bound (10亿元以下, 5亿元以上, 3000万元以内)
_BOUND_AFTER = re.compile(r"(?:及)?(?:以下|以上|以内|之间)")
#: a figure a count of projects follows in its clause (总投资78.25亿元的石嘴山秋季29个重点项目): the batch's
_BATCH_AFTER = re.compile(rf"的[^,;。、]{{0,10}}?{COUNT_DIGIT}+[个项批]")


def _not_its_own(sentence: str, money: Money) -> bool:
    """The rules' amount of a name is, as its sentence writes it, none of a single project's: every mention of it is a
    band's bound (投资10亿元以下5亿元以上的…), a threshold, or a count's, a batch's or a sum's figure (…29个重点项目;
    签约项目26个,总投资401亿元; 共…). False when the sentence does not write it (the rules read it in another)."""
    mentions = [a for a in find_amounts(sentence) if a.money == money]
    return bool(mentions) and all(
        a.label == "threshold" or _BOUND_AFTER.match(sentence, a.end) or _of_a_group(sentence, a) for a in mentions
    )


def _of_a_group(sentence: str, a: AmountMention) -> bool:
    """The figure ``a`` is a count's, a batch's or a sum's as its sentence writes it (…29个重点项目;
    签约项目26个,总投资…; 共…), not one project's."""
    return bool(
        _COUNT_AFTER.match(sentence, a.end)
        or _BATCH_AFTER.match(sentence, a.end)
        or _COUNT_BEFORE.search(sentence[max(0, a.start - 12) : a.start])
        or _SUM_BEFORE.search(sentence[max(0, a.start - 3) : a.start])
    )


def _a_lists(sentence: str, end: int, a: AmountMention) -> bool:
    """An amount after a name that is its list's, not the name's: the list's trailer stands between
    (A、B等总投资109.6亿元的15个项目), or a count of projects follows it (…总投资55.7亿元的7个…项目, …总投资78.25亿元的
    石嘴山秋季29个重点项目)."""
    return "等" in sentence[end : a.start] or bool(
        _COUNT_AFTER.match(sentence, a.end) or _BATCH_AFTER.match(sentence, a.end)
    )


def _amount_after(sentence: str, end: int) -> AmountMention | None:
    """The investment written after a name in its clause (…E产业园,总投资32亿元), not its list's."""
    for a in find_amounts(sentence):
        if a.label == "invest" and 0 <= a.start - end <= 16 and not re.search(r"[。;、]", sentence[end : a.start]):
            return None if _a_lists(sentence, end, a) else a
    return None


def _list_amount(sentence: str, start: int, end: int) -> AmountMention | None:
    """The amount written before a name that heads a counted list with no other price in it: the list's, not the
    name's (投资136.6亿元的宏达新材、晶盛二期等21个产业项目)."""
    before = _amount_before(sentence, start)
    counted = _COUNTED_LIST.match(sentence, end)
    if before is None or counted is None or any(end <= a.start < counted.end() for a in find_amounts(sentence)):
        return None
    return before


def _amount_before(sentence: str, start: int) -> AmountMention | None:
    """The investment written right before a name, a filler word at most between (总投资5亿元的<name>); in a list
    that an investment opened, also a bare amount after the list's separator (投资45亿元的A、22亿元的<name>)."""
    amounts = find_amounts(sentence)
    for k, a in enumerate(amounts):
        between = sentence[a.end : start]
        attribute = (
            _ATTRIBUTE_BETWEEN.fullmatch(between)
            and not _COUNT_BEFORE.search(between)
            and not any(a.end <= b.start < start for b in amounts)
        )
        if not (0 <= start - a.end <= 4 and _FILLER_BEFORE.fullmatch(between)) and not attribute:
            continue
        listed = sentence[a.start - 1 : a.start] in ("、", ",") and any(b.label == "invest" for b in amounts[:k])
        if a.label == "invest" or (a.label == "none" and listed):
            return a
    return None


def _amount_right_after(sentence: str, end: int) -> AmountMention | None:
    """The investment right after a name, only its label between (X项目总投资13亿元; A、总投资27亿元)."""
    for a in find_amounts(sentence):
        if a.label == "invest" and a.start >= end and _LABEL_BETWEEN.fullmatch(sentence[end : a.start]):
            return None if _a_lists(sentence, end, a) else a
    return None


def amount_of(
    sentence: str, start: int, end: int, matched: bool, rule_amount: Money | None
) -> tuple[Money | None, str | None]:
    """A labelled name's amount, aligned by position on its span: the one written right before it, whatever the
    rules gave (in 总投资6亿元的A公司B项目,总投资5亿元的C公司D项目 the rules, cutting B and D after the companies,
    give each the amount after it); else a matched rule project's, or, when the rules priced it none, one right
    after it with only its label between (giving it any nearby amount took aggregate figures: they read those and
    other measures); else, for a name only the labeller finds, one right after it with only its label between
    (A、总投资27亿元,B、总投资82亿元), or else written after it in its clause. None when the
    amount before the name is its counted list's (:func:`_list_amount`), also where the rules gave it that one. With
    the amount as written when it was aligned here (None: the rules')."""
    listed = _list_amount(sentence, start, end)
    found = None if listed else _amount_before(sentence, start)
    if found is None and not matched:
        found = None if listed else _amount_right_after(sentence, end) or _amount_after(sentence, end)
    elif found is None:
        if rule_amount is not None and not _not_its_own(sentence, rule_amount):
            return (None, None) if listed and listed.money == rule_amount else (rule_amount, None)
        found = None if listed else _amount_right_after(sentence, end)
    return (found.money, found.text) if found is not None else (None, None)


def _own_investments(sentence: str, start: int = 0) -> list[AmountMention]:
    """The investments of a sentence from ``start`` that are no list's, count's or sum's."""
    amounts = find_amounts(sentence)
    return [a for a in amounts if a.label == "invest" and a.start >= start and not _of_a_group(sentence, a)]


def group_figure(sentence: str, first_end: int, second_start: int, money: Money | None) -> bool:
    """Two names the rules gave one figure, joined by a conjunction only (A和B, A、B), in a sentence that writes the
    figure once: it is the group's, neither's (东宝集团投入10亿元,实施了人胰岛素三期工程和东宝科技园项目)."""
    return (
        _IN_LIST.fullmatch(sentence[first_end:second_start]) is not None
        and sum(a.money == money for a in find_amounts(sentence)) == 1
    )


def lone_amount(sentence: str, end: int, alone: bool, following: str | None) -> AmountMention | None:
    """The investment of a name no position gave one, when it is the only name of its sentence: the one investment
    written after it in its sentence (…海棠湖文旅小镇项目位于…,占地约366亩,耗资近20亿元), or else the one its
    next sentence gives when that opens on the project, before any other name (「…改扩建工程」上周五展开…;
    该项目总投资412.9亿元; …交易中心项目…。该中心…总投资6亿元). ``alone``: no other name in the sentence;
    ``following``: the next sentence up to the first name it gives (None: there is none). Not for an item of a
    list, nor a list's, a count's or a sum's figure."""
    if not alone or _IN_LIST.match(sentence, end):
        return None
    own = _own_investments(sentence, end)
    if len(own) == 1 and not _a_lists(sentence, end, own[0]):
        return own[0]
    if following is not None and (_ANAPHOR.match(following) or _opens_on_its_head(sentence[:end], following)):
        later = _own_investments(following)
        return later[0] if len(later) == 1 else None
    return None


def a_topic(sentence: str, start: int, end: int, others: list[int]) -> bool:
    """The name at ``start``–``end`` opens its sentence as the subject of 是 and every other name of it (``others``:
    their starts) comes after: they say what it is (…刨花板项目是普洱市“林浆纸·林板家具一体化项目”的核心项目之一),
    so the name is the sentence's one project for its investment (:func:`lone_amount`'s ``alone``)."""
    return (
        bool(others)
        and min(others) > end
        and _SUBJECT_OF_IS.match(sentence, end) is not None
        and _SUBJECT_LEAD.fullmatch(sentence[:start]) is not None
    )


def _opens_on_its_head(before: str, following: str) -> bool:
    """``following`` opens on a determiner and the head the name ending ``before`` ends on (该中心 after
    …交易中心项目)."""
    head = _OWN_HEAD.match(following)
    return head is not None and re.sub(r"(?:项目|工程)$", "", before).endswith(head.group(1))


def later_amount(rest: list[str]) -> AmountMention | None:
    """The investment of a lone name that neither its sentence nor the next gives: the first of ``rest`` (the later
    sentences of its paragraph, up to the next that names a project) that opens on the project gives it, when it gives
    one alone (…易址扩建项目,位于…。工程总用地面积255.5亩…。该项目总投资17.55亿元)."""
    for sentence in rest:
        if _ANAPHOR.match(sentence):
            own = _own_investments(sentence)
            return own[0] if len(own) == 1 else None
    return None


class _Priced(Protocol):
    """What :func:`respective` reads of a labelled name and replaces in it: a dataclass with an amount."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def amount(self) -> Money | None: ...


_T = TypeVar("_T", bound=_Priced)
#: the word that gives a list's figures in its names' order (A项目、B项目,总投资分别为105亿元、96亿元)
_RESPECTIVELY = re.compile(r"分别(?:为|是|达|约|投资)*(?:约)?")
#: what stands between two figures of such a list (105亿元、96亿元; 3250万元和1358.55万元)
_FIGURES_JOIN = re.compile(r"[、,和及与]约?")


def _figures_from(sentence: str, at: int) -> list[AmountMention]:
    """The figures written from ``at`` on, one after another, joined by 、 or 和 only (105亿元、96亿元)."""
    run: list[AmountMention] = []
    for a in find_amounts(sentence):
        if a.start < at:
            continue
        gap = sentence[(run[-1].end if run else at) : a.start]
        if gap and not (run and _FIGURES_JOIN.fullmatch(gap)):
            break
        run.append(a)
    return run


def respective_amounts(sentence: str, spans: list[tuple[int, int]]) -> list[AmountMention] | None:
    """The figures 分别 gives, one per name, in the names' order (``spans``: the names of the sentence, in order; two
    at least): after the last name, in its clause, an investment's 分别(为) opens as many figures as there are names,
    joined by 、 or 和 only (A项目、B项目,总投资分别为105亿元、96亿元); or they stand right before the first name, its
    的 between (总投资分别为11亿元、6亿元的A项目和B项目). None otherwise (not 年产值分别为…)."""
    if len(spans) < 2:
        return None
    clause = re.split(r"[。;]", sentence[spans[-1][1] :], maxsplit=1)[0]
    marker = _RESPECTIVELY.search(clause)
    if marker is not None and "投资" in clause[: marker.end()]:
        run = _figures_from(sentence, spans[-1][1] + marker.end())
        return run if len(run) == len(spans) else None
    head = re.split(r"[。;,]", sentence[: spans[0][0]])[-1]
    marker = _RESPECTIVELY.search(head)
    if marker is None or "投资" not in head[: marker.end()]:
        return None
    run = _figures_from(sentence, spans[0][0] - len(head) + marker.end())
    fits = len(run) == len(spans) and re.fullmatch(r"的?", sentence[run[-1].end : spans[0][0]])
    return run if fits else None


def respective(found: list[_T], mentions: list[tuple[int, str, int, int]]) -> list[_T]:
    """Names of one sentence that 分别 prices in order (:func:`respective_amounts`) take those figures, where no
    position gave them one. ``found``: the labelled names (``amount``, ``amount_text``); ``mentions``: the index
    into ``found``, the sentence, the span, of each naming."""
    for sentence in dict.fromkeys(s for _, s, _, _ in mentions):
        named = sorted((a, b, k) for k, s, a, b in mentions if s == sentence)
        if len({k for _, _, k in named}) != len(named):
            continue
        amounts = respective_amounts(sentence, [(a, b) for a, b, _ in named])
        before = amounts is not None and len(amounts) > 0 and amounts[-1].end <= named[0][0]
        for (_, _, k), a in zip(named, amounts or (), strict=False):
            f = found[k]
            if f.amount is None or before:
                found[k] = replace(f, amount=a.money, amount_text=a.text)
    return found
