"""Enumerations of projects in one unit of text, parsed by their structure.

Investment news lists projects far more often than it names them one per sentence::

    投资300亿元的温泉小镇、50亿元的齐河众创工业园以及乐唯电动汽车项目…等签约落户
    基础设施配套项目5个:分别是位于鲁北高新区的A、B、C项目,位于经济开发区的D项目,…,总投资32.29亿元

An **enumeration** is a run of items coordinated by 、 (and 以及, and 和 before the last item), continued
over commas after a header (分别是, 包括), ending at its trailer (等N个项目). Its items are projects when the
structure says so — a trailer ``等[N个][类别]项目``, ``N个…项目`` or ``等一批…的…项目`` after the last item, a
header after a mention of 项目, an item ending in 项目/工程, or an item priced in the list — and not when
a trailer says they are something else (等产业, 等领域, 等功能区). Items need not end in 项目: 温泉小镇,
齐河大地自然博物馆群 and 80万吨甲醇深加工 are projects because of where they stand.

Each item keeps what is written inside it: an amount written before it (``投资25亿元的A``, aligned by
position, never shifted to the neighbour) and a place (``位于X的A``). An amount written once before
the whole list, when a count after the list covers every item (``总投资36亿元的A、B和C三个项目``),
is the group's, not the first item's; so is an amount in the clause right after a list of several
items (``…E项目,总投资32.29亿元``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from chainkg.loaders.news import clauses as cl
from chainkg.loaders.news import lexicon as lex
from chainkg.loaders.news.clauses import count_value, merge_quantities, split_and, split_clauses, split_items, top_level
from chainkg.loaders.news.mentions import AmountMention, NameMention, scan_left
from chainkg.loaders.news.names import is_generic, is_sector_phrase, is_thin
from chainkg.schema.kinds import NodeKind

__all__ = ["Enumeration", "Item", "count_value", "find_enumerations", "top_level"]

_GROUP_PRICE = re.compile(
    r"^[,;]?(?:(?:这|以上|上述)?(?:\d+|[一二两三四五六七八九十]+)个项目)?(?:共|合计|共计|累计)?(?:计划)?"
    r"总投资(?:额)?(?:约|达|为)?"
)
_PRICE_LABEL = re.compile(r"(?:(?:计划|拟|意向)?总?投资(?:额|总额)?(?:约|达|为|超过?|逾|近)?)$")
_RESPECTIVELY = re.compile(r"分别(?:计划|拟|意向)?(?:总)?(?:投资|为|是|约|达)(?:额)?(?:约|为)?")
_OTHER_TRAILER = re.compile(
    r"^等(?:地|[^,;。!?:、项]{0,8}?(?:领域|产业|行业|方向|板块|国家|城市|企业|单位|部门|功能区|区域|内容))(?!性?项目|园|基地|化)"
)
_HEADER = re.compile(r"(分别是|分别为|分别有|主要有|主要包括|其中包括|包括|即)[:]?$")
#: Words that end the lead-in of a list (the first item starts after them), besides the project stops.
_LEAD_WORDS = (
    *("有", "分别", "涉及", "奠基", "投产", "建成", "主要", "分别就", "就", "共", "同时", "首批"),
    *("项目中", "工程中", "实事中", "项目里"),  # 22个重大产业项目中A、B等14个项目
    *("涵盖", "包含", "涉及", "覆盖"),
    *("并与", "还与", "也与", "又与", "另与", "均与"),  # 并与A、B等6个项目签署: the party, then the items
)
_PRICE_PREFIX = re.compile(r"^(?:(?:计划|拟|意向)?总?投资(?:额|总额)?(?:约|达|为|超过?|逾|近)?)?$")
_PLACE_PREFIX = re.compile(r"^(?:位于|落户|选址|坐落于|地处)(?P<place>[^的,;。]{2,20})的")
_PREDICATE = re.compile(
    r"等|(?:\d+|[一二两三四五六七八九十]+)[余多]?个|正在|已经|已|将|均|全部|都|成功|顺利|相继|集中|现场|分别|"
    r"签约|签订|落户|落地|开工|奠基|投产|竣工|建成|下线|运营|开业|达成|入驻|在建|续建|建设|加快|推进"
)
_NOT_A_NAME_START = (
    *(w for w in lex.PROJECT_STOPS if w != "的"),
    "以上",
    "左右",
    "人民币",
    "用于",
    "主要",
    "占地",
    "其中",
)
_NAME_VERBS = re.compile(r"实施|推动|加快|围绕|开展|坚持|培育|形成|实现|完成|举行|表示|介绍|促进|带动|助力")
_ITEM_VERBS = re.compile(r"实施|推动|加快|围绕|开展|坚持|培育|形成|实现|完成|举行|表示|介绍|发展|提升|促进|带动|助力")


@dataclass(frozen=True)
class Item:
    """One listed project: its name, the amount written in the item, and the place it is 位于."""

    mention: NameMention
    amount: AmountMention | None = None
    place: tuple[int, int] | None = None
    labelled_total: bool = False
    lead_start: int | None = None  # start of the item's chunk (A与B签订的…), where its investors may stand


@dataclass(frozen=True)
class Enumeration:
    items: tuple[Item, ...]
    lead: int  # where the text before the first item (its lead-in verb, 签约…) starts
    start: int  # start of the first item, with its price or place prefix
    end: int  # end of the last item
    predicate: int  # where the predicate after the list (and its trailer) starts
    count: int | None  # N of 等N个项目 / 项目N个, when stated
    group_amount: AmountMention | None  # an amount of the whole list (an aggregate, not an item's)
    typed_by: str  # "trailer" | "header" | "named" | "priced"


def find_enumerations(
    text: str,
    amounts: list[AmountMention],
    companies: Sequence[NameMention] = (),
) -> list[Enumeration]:
    """Every enumeration of projects in ``text`` (see the module docstring)."""
    top = top_level(text)
    clauses = split_clauses(text, top)
    out: list[Enumeration] = []
    ci = 0
    while ci < len(clauses):
        found = _enumeration(text, top, clauses, ci, amounts, companies)
        if found is None:
            ci += 1
            continue
        enumeration, next_ci = found
        out.append(enumeration)
        ci = max(next_ci, ci + 1)
    return out


def _enumeration(
    text: str,
    top: list[bool],
    clauses: list[tuple[int, int]],
    ci: int,
    amounts: list[AmountMention],
    companies: Sequence[NameMention],
) -> tuple[Enumeration, int] | None:
    cs, ce = clauses[ci]
    chunks = split_items(text, cs, ce, top)
    header_before = _header_before(text, clauses, ci)
    has_trailer = bool(cl.ANY_TRAILER.search(text[cs:ce]))
    if len(chunks) < 2 and not has_trailer and not header_before:
        return None
    for k, (s, e) in enumerate(chunks[:-1]):  # 等一大批投资强度大、投资额度高的…项目: 、 inside the trailer
        at = text.find("等", s, e)
        described = _DESCRIBED_TRAILER.match(text[at:ce]) if at >= 0 else None
        if described and _described_projects(described["mid"]):
            chunks = [*chunks[:k], (s, ce)]
            break
        trailer = cl.TRAILER.match(text[at:e]) if at >= 0 and k else None
        if trailer and trailer["count"] and _project_trailer(trailer):
            chunks = chunks[: k + 1]  # A、B等6个项目签署协议、意向书: the list ends at its trailer
            break
    # the last item ends at the trailer or the predicate
    name_end, predicate, count, head_word, trailer_kind = _last_item_end(text, *chunks[-1], len(chunks) == 1)
    if trailer_kind == "other":
        return None
    if not _PRICE_REST.fullmatch(text, name_end, chunks[-1][1]):  # (…改造工程总投资68亿元: its price)
        chunks[-1] = (chunks[-1][0], name_end)
    # the first item: after the header or lead-in, keeping a price prefix
    first_s, first_e = chunks[0]
    header_at = _header_in(text, first_s, first_e)
    protected = tuple((c.start, c.end) for c in companies)
    item_start = header_at if header_at is not None else _first_item_start(text, first_s, first_e, amounts, protected)
    if item_start is None and len(chunks) > 2:
        chunks = chunks[1:]  # the first chunk holds no name (开发区 、…): the list starts after it
    elif item_start is None:
        return None
    else:
        chunks[0] = (item_start, first_e)
    groups = [chunks]
    next_ci = ci + 1
    # "A,B、C,以及D等一批项目": a list whose last clause opens with 以及 reaches back over the clauses
    # before it while they read as items
    if trailer_kind == "project" and text.startswith(("以及", "和", "及"), cs):
        cj = ci - 1
        while cj >= 0 and text[clauses[cj][1]] == "," and _reads_as_items(text, *clauses[cj], amounts):
            groups.insert(0, split_items(text, *clauses[cj], top))
            cj -= 1
    # a header (分别是/包括) reaches over the following clauses while they read as items
    header = header_at is not None or header_before
    if header and predicate >= ce - 1 and count is None and trailer_kind != "project":
        cj = ci + 1
        while cj < len(clauses):
            s2, e2 = clauses[cj]
            if text[s2 - 1] not in ",;" or not _reads_as_items(text, s2, e2, amounts):
                break
            more = split_items(text, s2, e2, top)
            name_end2, predicate2, count2, head2, kind2 = _last_item_end(text, *more[-1])
            if kind2 == "other":
                break
            more[-1] = (more[-1][0], name_end2)
            groups.append(more)
            predicate, count, head_word = predicate2, count2 or count, head_word or head2
            if kind2 == "project":
                trailer_kind = "project"
            next_ci = cj + 1
            cj += 1
            if predicate2 < e2:
                break
    spans: list[tuple[int, int]] = []
    several = sum(len(g) for g in groups) >= 2 or len(groups) >= 2 or count == 2
    for group in groups:
        spans.extend(group[:-1])
        spans.extend(split_and(text, *group[-1], top) if several else [group[-1]])
    spans = merge_quantities(text, spans)
    items = [i for i in (_item(text, s, e, amounts) for s, e in spans) if i is not None]
    if not items:
        return None
    named = sum(1 for i in items if i.mention.text.endswith(("项目", "工程")))
    priced = sum(1 for i in items if i.amount is not None)
    window = text[clauses[ci - 1][0] if ci and header_before else cs : items[0].mention.start]
    if trailer_kind == "project":
        typed_by = "trailer"
    elif header and ("项目" in window or named):
        typed_by = "header"
    elif len(items) >= 2 and priced and all(i.amount or i.mention.text.endswith(("项目", "工程")) for i in items):
        typed_by = "priced"
    elif named >= 2 and named * 2 >= len(items):
        typed_by = "named"
    elif _headed(items) and _facilities_predicated(text, cs, items):
        typed_by = "named"  # A产业园、B中心、C总部等…落户: facilities named in a list with a project's predicate
    else:
        return None
    if typed_by in ("named", "priced") or _INVESTED_BY.match(text, items[-1].mention.end):
        # the list is of names, or of who invests (中煤集团、国电集团等央企投资建设的…): companies alone
        # are investors, not projects
        items = [i for i in items if not _is_company(i.mention, companies)]
    items = [i for i in items if _name_like(i.mention.text)]
    kinds = [_kind(i, companies) for i in items]
    if sum(kinds) * 2 > len(items):  # a list of sectors (交通能源、机械、汽车…等合作项目): its sector items go
        items = [i for i, kind in zip(items, kinds, strict=True) if not kind]
    items = [i for i in items if not _thin(i, companies)]  # 谋新项目、盯大项目、攻慢项目: no names at all
    if not items or (len(items) < 2 and typed_by not in ("trailer", "header")):
        return None
    group_amount = None
    if priced == 1 and items[0].amount is not None and count is not None and count == len(items) and len(items) > 1:
        group_amount = items[0].amount  # 总投资36亿元的A、B和C三个项目: the three together
        items[0] = Item(items[0].mention, None, items[0].place, False, items[0].lead_start)
    respective = _respective_amounts(text, predicate, amounts, len(items)) if not priced else None
    if respective is not None:  # …A、B、C3个项目,…分别投资20亿元、15亿元、10亿元
        items = [Item(i.mention, a, i.place, False, i.lead_start) for i, a in zip(items, respective, strict=True)]
    after = _group_amount_after(text, predicate, amounts) if len(items) >= 2 and not priced else None
    group_amount = group_amount or after
    first_start = min(spans[0][0], items[0].mention.start)
    lead = 0 if typed_by == "header" else cs  # 集中开工的9个项目,…,包括A、B: the items share the sentence's status
    enumeration = Enumeration(
        tuple(items), lead, first_start, items[-1].mention.end, predicate, count, group_amount, typed_by
    )
    return enumeration, next_ci


def _respective_amounts(
    text: str, predicate: int, amounts: list[AmountMention], count: int
) -> list[AmountMention] | None:
    """分别投资20亿元、15亿元、10亿元 after a list of as many items: the amounts in the items' order."""
    end = text.find("。", predicate)
    match = _RESPECTIVELY.search(text, predicate, end if end >= 0 else len(text))
    if not match or count < 2:
        return None
    run: list[AmountMention] = []
    position = match.end()
    for amount in sorted((a for a in amounts if a.start >= position), key=lambda a: a.start):
        if text[position : amount.start].strip() not in ("", "、", "和", "及", ",", "约"):
            break
        run.append(amount)
        position = amount.end
    return run if len(run) == count else None


def _group_amount_after(text: str, predicate: int, amounts: list[AmountMention]) -> AmountMention | None:
    """…D项目,E项目,总投资32.29亿元: the clause right after a list of several items prices the list."""
    rest = text[predicate:]
    match = _GROUP_PRICE.match(rest)
    if not match or match.end() == 0:
        return None
    position = predicate + match.end()
    return next((a for a in amounts if a.start == position), None)


def _header_before(text: str, clauses: list[tuple[int, int]], ci: int) -> bool:
    """The clause before ends in a header (这5个项目分别是:), so this clause starts with items."""
    if ci == 0:
        return False
    ps, pe = clauses[ci - 1]
    return (text[pe : pe + 1] == ":" and bool(_HEADER.search(text[ps:pe]))) or (
        text[pe : pe + 1] == ":" and "项目" in text[ps:pe] and bool(re.search(rf"{cl.COUNT_WORD}$", text[ps:pe]))
    )


def _header_in(text: str, start: int, end: int) -> int | None:
    """End of a header word (包括, 分别是) inside the first chunk, where the first item starts."""
    best = None
    for match in re.finditer(r"分别是|分别为|分别有|主要有|主要包括|其中包括|包括", text[start:end]):
        best = start + match.end()
    if best is not None and text[best : best + 1] == ":":
        best += 1
    return best if best is not None and end - best >= 2 else None


def _first_item_start(
    text: str, start: int, end: int, amounts: list[AmountMention], protected: tuple[tuple[int, int], ...]
) -> int | None:
    """The first item ends the first chunk: keep a price prefix (投资300亿元的A), drop the lead-in
    (签约A…, 现场查看了A…, 其中包括A…): the item starts after the last word that cannot be in a name."""
    priced = [a for a in amounts if start <= a.start and a.end < end and _prices_name(text, a)]
    if priced:
        amount = priced[-1]
        label = _PRICE_LABEL.search(text[start : amount.start])
        return start + label.start() if label else amount.start
    after = [a for a in amounts if start < a.start and a.end == end and a.label == "invest"]
    label = _PRICE_AFTER.search(text, start, after[0].start) if after else None
    name_end = label.start() if label else end  # A总投资153亿元、…: the name ends at its price's label
    stops = (*(w for w in lex.PROJECT_STOPS if w != "项目"), *_LEAD_WORDS)
    item = scan_left(text, name_end, stops, protected=protected)
    item = max(item, start)
    return item if name_end - item >= 2 else None


def _last_item_end(text: str, start: int, end: int, single: bool = False) -> tuple[int, int, int | None, bool, str]:
    """(end of the last item's name, start of the predicate, count, head word, trailer kind).

    The trailer kind is "project" (等19个项目, 三个…项目, 等…案), "other" (等产业) or "" (none). The
    name ends at the trailer, at its own 项目/工程, or — when it has neither — at the predicate. A
    ``single`` item needs 等 (A等14个项目): 本次集中开工6个项目 lists nothing."""
    for i in range(start + 2, end + 1):
        rest = text[i:end]
        if rest.startswith("等"):
            if _OTHER_TRAILER.match(rest):
                return i, i, None, False, "other"
            trailer = cl.TRAILER.match(rest)
            if trailer and _project_trailer(trailer):
                return i, i + trailer.end(), _trailer_count(trailer), False, "project"
            if trailer and _SECTOR_TRAILER.search(trailer["mid"] or ""):
                return i, i, None, False, "other"
            described = _DESCRIBED_TRAILER.match(rest)  # 等一大批投资强度大、…的战略性新兴产业项目
            if described and _described_projects(described["mid"]):
                return i, i + described.end(), None, False, "project"
            return i, i, None, False, ""
        trailer = cl.TRAILER.match(rest)
        pair = trailer and trailer["count"] and cl.PAIR.search(text, start, i) and _trailer_count(trailer) == 2
        if single and not pair:
            trailer = None  # only A和B两个…项目 names two items without 等
        if trailer and trailer["count"] and _project_trailer(trailer):
            return i, i + trailer.end(), _trailer_count(trailer), False, "project"
        head = re.match(r"项目|工程(?!师|公司|局|院|学|机械|有限)", rest)
        if head:
            name_end = i + head.end()
            after = text[name_end:end]
            trailer = cl.TRAILER.match(after)
            if trailer and (trailer["etc"] or trailer["count"]) and _project_trailer(trailer):
                return name_end, name_end + trailer.end(), _trailer_count(trailer), True, "project"
            if _OTHER_TRAILER.match(after):
                return name_end, name_end, None, True, "other"
            return name_end, name_end, None, True, ""
    if re.search(r"(行业|产业|领域|板块)$", text[start:end]):
        return end, end, None, False, "other"
    for i in range(start + 2, end):
        if _PREDICATE.match(text, i):
            return i, i, None, False, ""
    return end, end, None, False, ""


def _project_trailer(trailer: re.Match[str]) -> bool:
    mid = trailer["mid"] or ""
    if not mid:
        return True
    if trailer["count"] or trailer["count2"]:  # 等高校院所签订科创类项目4个: the list is who signed
        return not re.search(r"[,;。]|签订|签约|签署|合作|共建|携手", mid)
    return (is_generic(mid) or is_sector_phrase(mid)) and not _SECTOR_TRAILER.search(mid)


_DESCRIBED_TRAILER = re.compile(r"^等(?:一大?批|一系列|多个|众多)?[^,;。!?:]{0,40}的(?P<mid>[^,;。!?:、的]{0,10}?)项目")


def _described_projects(mid: str) -> bool:
    return not mid or ((is_generic(mid) or is_sector_phrase(mid)) and not _SECTOR_TRAILER.search(mid))


#: Words in a trailer that make its items sectors (等领域, 等新兴产业); …产业项目, …产业园项目 are projects.
_SECTOR_TRAILER = re.compile(r"领域|行业|方向|板块|类$|产业(?!园|基地|化|性|$)")
#: Heads of names of facilities (a list of them with a project's predicate is a list of projects).
_FACILITY_HEAD = re.compile(
    r"(项目|工程|基地|产业园|工业园|科技园|物流园|创业园|生态园|园区|中心|总部|工厂|生产线|物流城|科技城|生态城|商城|"
    r"综合体|小镇|度假村|度假区|博物馆群?|医院|学校|公学|大桥|公路|铁路|水库|灌区|电站|电厂|风电场|码头|乐园|广场)"
    r"(?:\([^)]*\))?$"
)
#: Words that make a clause about projects: signed, settled, started, built, producing.
_PREDICATE_WORD = re.compile(
    r"签约|签订|签署|落户|落地|引进|开工|动工|奠基|投产|竣工|建成|开业|运营|启动|在建|续建|入驻"
)


def _headed(items: list[Item]) -> bool:
    heads = sum(1 for i in items if _FACILITY_HEAD.search(i.mention.text))
    return len(items) >= 2 and heads * 2 > len(items)


def _facilities_predicated(text: str, clause_start: int, items: list[Item]) -> bool:
    """The clause says the listed facilities are signed, settled, started or built: a predicate right
    after the list (…中心等项目陆续开工, …总部等一批企业落户南京) or a signing verb right before it."""
    end = items[-1].mention.end
    stop = re.search(r"[,;。!?:]", text[end:])
    after = text[end : end + stop.start() if stop else len(text)]
    lead = text[clause_start : items[0].mention.start]
    if "于一体" in after or lead.endswith("集"):
        return False  # 集主题乐园、五星级酒店…于一体: the parts of one project
    return bool(_PREDICATE_WORD.search(after) or re.search(r"(签约|签订|签署|引进|引入|落户)了?$", lead))


def _trailer_count(trailer: re.Match[str]) -> int | None:
    return count_value(trailer["count"] or trailer["count2"] or "")


def _reads_as_items(text: str, start: int, end: int, amounts: list[AmountMention]) -> bool:
    piece = text[start:end]
    if len(piece) > 60 or _ITEM_VERBS.search(piece) or lex.INVEST_LABELS.search(piece[:6] + "x"):
        return False
    if any(start <= a.start < end and not text.startswith("的", a.end) for a in amounts):
        return False
    return not re.match(r"^(总投资|计划|预计|年内|建成|其中|目前|将|已|共|合计|涉及|主要)", piece)


#: After a list of companies, what makes them the investors of what follows.
_INVESTED_BY = re.compile(r"等[^,;。!?]{0,6}?(?:投资|出资|建设|承建|参与|合作)")
#: The label of a price written right after a listed name (…泉州段总投资153亿元).
_PRICE_AFTER = re.compile(r"(?<!的)(?:总投资|计划投资|投资)(?:额|金额)?(?:约|达|超)?$")
#: All that follows the last item's name in its clause is its price (…改造工程总投资68亿元).
_PRICE_REST = re.compile(r"(?:总投资|计划投资|投资)(?:额|金额)?(?:约|达|超)?\d+(?:\.\d+)?[万亿]?元")
#: What joins a price to the name it prices: 投资8亿元的A, 投资13.7亿元建设的A.
_PRICE_LINK = re.compile(r"(?:建设|兴建|新建|建)?的")


def _prices_name(text: str, amount: AmountMention) -> bool:
    """An amount written right before a name prices it: 投资8亿元的A, 签订的12亿元A项目 (not 投资10亿元建设A)."""
    if _PRICE_LINK.match(text, amount.end):
        return True
    rest = text[amount.end :]
    return bool(re.match(r"[\u4e00-\u9fffA-Za-z]", rest)) and not rest.startswith(_NOT_A_NAME_START)


def _item(text: str, start: int, end: int, amounts: list[AmountMention]) -> Item | None:
    while start < end and text[start] in " 和及与":
        start += 1
    lead_word = re.match(r"还有|还|也有|另有", text[start:end])
    if lead_word and end - start - lead_word.end() >= 2:
        start += lead_word.end()  # …等,还有中煤集团、国电集团…: a clause word, not part of the name
    chunk_start = start
    amount = None
    labelled = False
    priced = [a for a in amounts if start <= a.start and a.end < end and _prices_name(text, a)]
    if priced:  # the amount written in the item is the item's; words before it are a lead-in (A与B签订的)
        amount = priced[-1]
        labelled = "总投资" in text[max(start, amount.start - 6) : amount.start]
        link = _PRICE_LINK.match(text, amount.end)
        start = link.end() if link else amount.end
    if amount is None:  # A总投资153亿元、B总投资80亿元: the price written after each name in the list
        after = [a for a in amounts if start < a.start and a.end == end and a.label == "invest"]
        label = _PRICE_AFTER.search(text, start, after[0].start) if after else None
        if label and label.start() - start >= 4:
            amount, labelled = after[0], "总投资" in label.group(0)
            end = label.start()
    place = None
    located = _PLACE_PREFIX.match(text[start:end])
    if located:
        place = (start + located.start("place"), start + located.end("place"))
        start += located.end()
    name = text[start:end].strip()
    if not name:
        return None
    mention = NameMention(start, start + len(name), name, NodeKind.PROJECT)
    return Item(mention, amount, place, labelled, chunk_start)


def _kind(item: Item, companies: Sequence[NameMention]) -> bool:
    """交通能源、机械、汽车…等各方面合作项目: an item naming a sector, not one project (unless it is
    priced in the list or a company stands in it)."""
    if item.amount is not None or not is_sector_phrase(re.sub(r"(项目|工程)$", "", item.mention.text)):
        return False
    lead = item.mention.start if item.lead_start is None else item.lead_start
    return not any(lead <= c.start and c.end <= item.mention.end for c in companies)


def _thin(item: Item, companies: Sequence[NameMention]) -> bool:
    """合同项目、攻慢项目: an item whose name holds nothing that names (:func:`is_thin`), not priced in the
    list and with no company in it (格力, with no 项目, is a name on its own)."""
    core = re.sub(r"(项目|工程)$", "", item.mention.text)
    if core == item.mention.text or not is_thin(core) or item.amount is not None:
        return False
    lead = item.mention.start if item.lead_start is None else item.lead_start
    return not any(lead <= c.start and c.end <= item.mention.end for c in companies)


def _is_company(mention: NameMention, companies: Sequence[NameMention]) -> bool:
    return any(c.start <= mention.start and mention.end <= c.end + 0 and c.legal for c in companies) or any(
        c.start == mention.start and c.end == mention.end for c in companies
    )


def _name_like(name: str) -> bool:
    core = name.removesuffix("项目")
    if re.search(rf"项目{cl.COUNT_WORD}$", name):
        return False  # 先进制造业项目58个: a category counted
    if re.match(cl.COUNT_WORD, core):
        return False  # 6个公路基金项目: a category with a count
    if re.search(r"(有|是|为|在|了|共|新增|先后|分别)$", core):
        return False  # 沙洋县先后有(28个项目): a clause before a count, not an item
    if not 2 <= len(core) <= 40 or is_generic(core):
        return False
    if re.search(r"[,;。!?]|\.{3}|…|项目公司$|\d[万亿]?[美港]?元", core) or re.fullmatch(r"[\d.%]+", core):
        return False  # (智能路灯项目公司: a company formed for a project; 外资项目投资总额在1000万美元以上)
    return not _NAME_VERBS.search(core) or bool(_FACILITY_HEAD.search(core))  # …产业促进展示中心
