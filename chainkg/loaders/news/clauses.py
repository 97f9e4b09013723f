"""The clause-level structure of a unit of text that enumerations are parsed on: which positions are
outside brackets and quotes, the clauses between top-level punctuation, the chunks between top-level
、/以及 (and 和 before a last item), the quantities and activities that continue the previous chunk
rather than start an item, and the value of a count word (19个, 三个, 十二项).
"""

from __future__ import annotations

import re

__all__ = [
    "ANY_TRAILER",
    "COUNT_WORD",
    "PAIR",
    "TRAILER",
    "count_value",
    "merge_quantities",
    "split_and",
    "split_clauses",
    "split_items",
    "top_level",
]

_OPEN, _CLOSE = "(“「《‘[", ")”」》’]"
COUNT_WORD = r"(?:\d+|[一二两三四五六七八九十百]+)[余多]?(?:个|项|宗|件|案)"
#: the 、 of 市、县 inside a trailer (等9个市、县重点项目) joins two administrative levels, not two items
LEVEL_MARK = r"(?<=[省市县区])、(?=[市县区镇乡村])"
#: "等3个高速公路项目", "等项目29个", "三个重大招商引资项目", "等约22案": the trailer after a list.
TRAILER = re.compile(
    rf"^(?P<etc>等)?(?:约)?(?P<count>{COUNT_WORD})?(?P<mid>(?:[^,;。!?:、]|{LEVEL_MARK}){{0,12}}?)(?P<head>项目|案)"
    rf"(?P<count2>{COUNT_WORD})?"
)
#: Trailers that say the list is of something else (sectors, places, functions).
ANY_TRAILER = re.compile(
    rf"等(?:[^,;。!?:、]|{LEVEL_MARK}){{0,14}}?(项目|案)|{COUNT_WORD}(?:[^,;。!?:、]|{LEVEL_MARK}){{0,10}}项目"
)
#: A和B两个…项目: two names joined by 和/与/及 before a count of two.
PAIR = re.compile(r"[^、,;。]{2}[和与及][^、,;。]{2}")
_CLAUSE_PUNCT = ",;。!?:"
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_QUANTITY_START = re.compile(r"\d+(?:\.\d+)?万?(?:吨|台|套|件|辆|锭|平方米|千瓦|kW|MW|GW|GWh)")
#: Verbs an item's name cannot hold (提升改造, 发展中心 can be names; 推动…, 实现… are clauses).


def count_value(text: str) -> int | None:
    """19 for 19个, 3 for 三个, 12 for 十二项; None when there is no number."""
    match = re.match(r"(\d+)", text)
    if match:
        return int(match.group(1))
    digits = re.match(r"[一二两三四五六七八九十百]+", text)
    if not digits:
        return None
    word, value, current = digits.group(0), 0, 0
    for char in word:
        if char == "十":
            value += (current or 1) * 10
            current = 0
        elif char == "百":
            value += (current or 1) * 100
            current = 0
        else:
            current = _CN_DIGITS[char]
    return value + current


def top_level(text: str) -> list[bool]:
    """For each position, whether it is outside brackets and quotes (a 、 inside 《…》 separates nothing)."""
    out: list[bool] = []
    depth = 0
    for char in text:
        if char in _OPEN:
            depth += 1
            out.append(False)
        elif char in _CLOSE:
            depth = max(0, depth - 1)
            out.append(False)
        elif char == '"':
            out.append(False)
        else:
            out.append(depth == 0)
    return out


#: An ellipsis (…… or ......) ends a clause: what comes after it is not the list's next item.
_ELLIPSIS = re.compile(r"\.{3,}|…+")
#: 市、县 (and 省、市, 县、乡): two administrative levels, each one character, joined by 、.
_LEVELS = re.compile(r"[省市县区]、[市县区镇乡村](?![\u4e00-\u9fff]{0,1}[县区市镇乡村])")


def split_clauses(text: str, top: list[bool]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    dots = {i for m in _ELLIPSIS.finditer(text) for i in range(m.start(), m.end())}
    for i, char in enumerate(text):
        if (char in _CLAUSE_PUNCT or i in dots) and top[i]:
            out.append((start, i))
            start = i + 1
    out.append((start, len(text)))
    return [(s, e) for s, e in out if e > s]


def split_items(text: str, start: int, end: int, top: list[bool]) -> list[tuple[int, int]]:
    """Chunks of text[start:end] between top-level 、 and 以及."""
    chunks: list[tuple[int, int]] = []
    s = i = start
    while i < end:
        if text[i] == "、" and top[i] and _LEVELS.fullmatch(text[i - 1 : i + 2]):
            i += 1  # 等9个市、县重点项目, 省、市重点项目: administrative levels coordinated, one phrase
        elif text[i] == "、" and top[i]:
            chunks.append((s, i))
            s = i = i + 1
        elif text.startswith("以及", i) and top[i] and i > s:
            chunks.append((s, i))
            s = i = i + 2
        else:
            i += 1
    chunks.append((s, end))
    out = []
    for s, e in chunks:  # 开发区 、新材料国际产业园、 镁锂合金…: spaces around 、 are not part of a name
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((s, e))
    return out


def split_and(text: str, start: int, end: int, top: list[bool]) -> list[tuple[int, int]]:
    """A、B和C: the last chunk of a list holds two items when 和 joins two names."""
    piece = text[start:end]
    cut = piece.rfind("和")
    named_before = len(re.split(r"元的?", piece[:cut])[-1]) >= 2  # 投资5亿元的通|和农副产品…: 通和 is one name
    place = re.match(r"[县区市镇乡村]", piece[cut + 1 : cut + 2])  # 西和县…: 和 inside a place's name
    if cut >= 2 and len(piece) - cut - 1 >= 2 and top[start + cut] and named_before and not place:
        return [(start, start + cut), (start + cut + 1, end)]
    return [(start, end)]


#: A chunk that is only a price (投资7亿元): it belongs to the chunk after it, not an item of its own.
_PRICE_ONLY = re.compile(r"(?:计划|总)?投资(?:额)?(?:约|达|超)?\d+(?:\.\d+)?[万亿]?元")

_ACTIVITY = r"(?:研发|生产|销售|加工|制造|运营|服务|应用|推广|仓储|物流|贸易|检测|维修|回收|利用)+"


def merge_quantities(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """年产10万吨二甲苯、6万吨间苯二甲酸项目 is one project making two products, not two projects."""
    out: list[tuple[int, int]] = []
    price: int | None = None
    for s, e in spans:
        if price is not None:  # 投资7亿元、年产整车10万辆的A: the price and the size both describe A
            s, price = price, None
        if _PRICE_ONLY.fullmatch(text, s, e):
            price = s
            continue
        if out and _QUANTITY_START.match(text, s) and re.search(r"年产", text[out[-1][0] : out[-1][1]][:4]):
            out[-1] = (out[-1][0], e)
        elif out and re.fullmatch(_ACTIVITY, text[s:e].removesuffix("项目")):
            out[-1] = (out[-1][0], e)  # …铝箱体研发、生产、销售项目: activities of one name, not items
        else:
            out.append((s, e))
    if price is not None:
        out.append((price, spans[-1][1]))
    return out
