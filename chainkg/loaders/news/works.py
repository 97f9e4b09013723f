"""Works and facilities named by place and kind, without 项目, that a project's predicate follows (a part of
:mod:`chainkg.loaders.news.labeller`).

Transport and city works and facilities are often named as what is built, never as a 项目, and the labeller, trained
mostly on names ending in 项目, leaves many of them (新疆依吞布拉克至若羌高速公路建成通车, 沙公高速即将通车,
引汉济渭工程正式通水, smart合资公司全球总部正式落户). Such a name is read from its **kind** at its end — a
facility's head (:data:`~chainkg.loaders.news.facilities.HEADS`: 产业园, 基地, 中心, 总部, 大桥, 电站 …), a work's
kind (高速公路, 铁路, 机场, 通道 …) or 工程 — walking left to the word that cannot be part of it, and kept only when
the clause makes it a project **by structure**: a project's predicate follows it right after its name (建成, 通车,
开工, 竣工, 投产, 启用, 落户, 启动建设 …, adverbs such as 已, 正式, 即将 between). A name that says only its kind (a
generic or sector core: 研发中心, 物流园), that opens on a determiner, an ordinal or a count (该中心, 第二期, 一批),
or holds a part of a plant (车间, 厂房, 主体) is none; a name an investment is written for right before it
(投资23亿元的临沧机场高速公路) is left to the model and the rules, which find those already (reading them here too
added nothing on the leave-one-round-out folds, ``docs/news.md``, the fifteenth round).
"""

from __future__ import annotations

import re

from chainkg.loaders.news import lexicon as lex
from chainkg.loaders.news.facilities import HEADS
from chainkg.loaders.news.mentions import scan_left
from chainkg.loaders.news.names import is_generic, is_sector_phrase

__all__ = ["predicated_works"]

#: works named by their kind (transport, water and power works), besides the facility heads
_WORKS = (
    "客专", "高铁", "城际铁路", "铁路", "轨道交通", "地铁", "隧道", "大道", "快速路", "高速公路", "高速", "公路",
    "连接线", "立交", "机场", "码头", "港区", "管廊", "通道", "大桥", "水库", "电站", "电厂", "工程",
)  # fmt: skip
_KIND_END = re.compile("|".join(sorted({*HEADS, *_WORKS}, key=len, reverse=True)))
#: a project's predicate right after the name (adverbs and a date's 于… between)
_PREDICATE = re.compile(
    r"(?:项目)?(?:已|正式|顺利|成功|全面|全线|即将|将|已经|正在|先后|相继|均|也|日前|近日|于[^,;。!?]{1,10}?)*"
    r"(?:开工|动工|建成|通车|竣工|投产|启用|完工|开业|运营|试运营|落户|签约|贯通|通水|封顶|奠基|启动建设|加快建设"
    r"|投入使用|投入运营|开建)"
)
#: an investment written for the name right before it (left to the model and the rules)
_PRICED_BEFORE = re.compile(r"投资[^,;。!?]{0,8}?[\d百千两一二三四五六七八九十][^,;。!?]{0,6}?[亿万]元?的$")
#: words that end the text to the left of such a name, besides a project name's (:data:`lexicon.PROJECT_STOPS`)
_STOPS = (*lex.PROJECT_STOPS, "建成", "开建", "启用", "和", "及", "与", "随着", "涵盖", "实现", "通过", "涉及")
#: a name that is none: a determiner, an ordinal, a count or a scope first; a part of a plant inside
_NOT_A_NAME = re.compile(
    r"^(?:该|此|本|这|其|各|新[建增开]|首个|一个|一批|多个|\d|第|前期|次|[一二三四五六]期|[一二三四五六七八九十]级"
    r"|全市|全省|全县|全区|重点|重大)|车间|厂房|主体"
)


def predicated_works(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each work or facility of ``sentence`` named by its kind that a project's predicate follows."""
    out: list[tuple[int, int]] = []
    for match in _KIND_END.finditer(sentence):
        end = match.end()
        if sentence.startswith("项目", end) or not _PREDICATE.match(sentence, end):
            continue  # …产业园项目 is a project name of its own; 中心城区, 基地建设 are other words
        start = scan_left(sentence, match.start(), _STOPS)
        core = sentence[start : match.start()]
        if not 4 <= end - start <= 30 or _NOT_A_NAME.search(sentence[start:end]) or len(core) < 2:
            continue
        if is_generic(core) or is_sector_phrase(core, facilities=True):
            continue
        if not _PRICED_BEFORE.search(sentence[max(0, start - 20) : start]):
            out.append((start, end))
    return out
