"""Projects named without 项目 in running prose: a facility's name next to a project's predicate.

A project is often named by what is built, not as a 项目: 齐河中华饮食文化小镇试运营, 拟投资20亿元建设远景
低碳产业园, 投资百亿的中国—东盟(广西)智能电动车产业基地落户崇左. Such a name is found from its
**head** (产业园, 基地, 中心, 总部, 物流城, 小镇, 综合体, 大桥 …, :data:`HEADS`) by walking left to
the word that cannot be part of it, like a name ending in 项目. It is a project only when the clause
says so — by **structure**, not by the words of the name:

- a project's predicate follows it in its clause (落户, 签约, 开工建设, 投产, 试运营, 竣工 …), possibly
  after a place (在平遥县工业新区开工建设); or
- a verb that makes it the object of an investment stands right before it (签约, 引进, 投资…建设, 新建,
  开工建设, 拟兴建的), or an amount written for it (投资20亿元的…); or
- its clause describes it as the investment (X产业园规划面积约2200亩,项目总投资20亿元), or gives its
  total investment right after its name (其中金霞微型显示产业园总投资30亿元).

And the name must say which one: a specifier before the head that is not generic (重点, 一批 …),
not a sector alone (物流园区, 文化旅游中心 without a brand), not a company (该中心 …), and a park
the graph knows stays a park.
"""

from __future__ import annotations

import re

from chainkg.loaders.news import lexicon as lex
from chainkg.loaders.news.mentions import Gazetteer, NameMention, scan_left
from chainkg.loaders.news.names import is_generic, is_sector_phrase
from chainkg.schema.kinds import NodeKind

__all__ = ["HEADS", "find_facility_projects"]

#: Heads of facility names, longest first (a name ending in one of them may be a project).
HEADS: tuple[str, ...] = (
    "产业基地", "生产基地", "产业园区", "产业园", "工业园", "科技园", "物流园", "创业园", "生态园", "文化园",
    "基地", "研究中心", "中心", "总部", "工厂", "物流城", "科技城", "生态城", "商城", "综合体",
    "小镇", "度假村", "度假区", "博物馆群", "博物馆", "大桥", "水库", "灌区", "电站", "电厂", "风电场",
    "乐园", "商业广场", "产业城", "智算中心",
)  # fmt: skip
_HEAD = re.compile("|".join(sorted(HEADS, key=len, reverse=True)))
#: A project's predicate after its name, within the clause (在…开工建设 allows a place between).
_AFTER = re.compile(
    r"^(?:\([^)]*\))?(?:项目)?(?:[,]?(?:已|正式|顺利|成功|全面|集中|先后|相继|日前|近日|将|于))*"
    r"(?:在[^,;。!?]{2,14}?)?(?:正式|顺利|成功|全面)?"
    r"(?:落户|签约|签订|开工|动工|奠基|投产|试运营|试生产|开业|竣工|建成|启动建设|开工建设|加快建设|正式运营|投入运营)"
)
#: Words right before the name that make it the object of an investment.
_BEFORE = re.compile(
    r"(?:(?:签约|签订|签署|引进|引入|新建|开工建设|落户|投建|扩建)了?|投资[^,;。!?]{0,10}?(?:建设|扩建)|在[^,;。!?]{2,16}?建设"
    r"|(?:拟|计划)(?:兴建|新建|建设)的)$"
)
#: A facility described as the investment: X产业园规划面积约2200亩,项目总投资20亿元.
_DESCRIBED = re.compile(
    r"^(?:规划面积|规划用地|总占地|占地面积?|总面积)[^。;!?]{0,30}?,(?:该)?项目(?:计划|预计)?总投资"
)
#: An amount written for it right after its name: 其中金霞微型显示产业园总投资30亿元.
_PRICED_AFTER = re.compile(r"^(?:\([^)]*\))?(?:项目)?(?:计划|预计)?总投资(?:额)?(?:约|达|为|超过?|逾|近)?\d")
_PRICED = re.compile(r"(?:投资|总投资)[^,;。!?]{0,8}?(?:\d|百|千)[^,;。!?]{0,6}?[亿万]元?的$")
#: Words of a name that say it is part of a project or a generic place (研发中心主体, 该中心).
_NOT_A_NAME = re.compile(
    r"^(?:该|此|本|这|其|各|新|首个|一个|一批|多个|\d+个|[一二三四五六]期)|主体|车间|厂房|[万千百]\S{0,2}级"
)


def find_facility_projects(
    text: str,
    gazetteer: Gazetteer,
    *,
    boundaries: frozenset[int],
    protected: tuple[tuple[int, int], ...],
    taken: list[tuple[int, int]],
) -> list[NameMention]:
    """Facility names in ``text`` that its clauses make projects; ``taken`` spans (names found
    otherwise: projects, companies, lists) are not read again."""
    out: list[NameMention] = []
    for match in _HEAD.finditer(text):
        end = match.end()
        word_goes_on = bool(re.match(r"[\u4e00-\u9fff]", text[end : end + 1] or "x"))
        predicate = _AFTER.match(text[end:]) or _DESCRIBED.match(text[end:]) or _PRICED_AFTER.match(text[end:])
        if text.startswith("项目", end) or (word_goes_on and not predicate):
            continue  # …产业园项目 is found as a project; 中心城区, 基地建设 are other words
        start = scan_left(text, match.start(), lex.PROJECT_STOPS, boundaries=boundaries, protected=protected)
        core = text[start : match.start()]
        if len(core) < 2 or any(s < end and start < e for s, e in taken):
            continue
        if is_generic(core) or is_sector_phrase(core) or _NOT_A_NAME.search(text[start:end]):
            continue
        name = text[start:end]
        if text[end : end + 1] == "、" or text[start - 1 : start] == "、" or "规划" in text[max(0, start - 6) : start]:
            continue  # 规划建设A中心、B中心…: the parts of one project, or a list (read as a list)
        if gazetteer.resolve(NodeKind.PARK, name) or gazetteer.resolve(NodeKind.REGION, name):
            continue  # a park the graph knows stays a park
        before = text[max(0, start - 20) : start]
        if predicate or _BEFORE.search(before) or _PRICED.search(before):
            out.append(NameMention(start, end, name, NodeKind.PROJECT))
    return out
