"""Names in one unit of article text: enterprises, parks and projects, found from their ends.

Names have no spaces around them in Chinese, so a name is found from its end (a company suffix, a
park suffix, 项目 or 工程) by walking left (:func:`chainkg.loaders.news.mentions.scan_left`) until a
word that cannot be part of it, punctuation, or a known boundary. :func:`is_generic` tells a name
from a phrase that names no particular project (重点项目, 两大重点项目, 齐河项目建设).
"""

from __future__ import annotations

import re

from chainkg.loaders.news import lexicon as lex
from chainkg.loaders.news.mentions import Gazetteer, NameMention, scan_left
from chainkg.schema.kinds import NodeKind
from chainkg.schema.normalize import normalize_name

__all__ = [
    "find_enterprises",
    "find_parks",
    "find_projects",
    "is_generic",
    "is_sector_phrase",
    "is_thin",
    "stands_alone",
]

_GENERIC_CORE = re.compile(
    r"^(上市|控股|全资|该|本|此|这|那|其|各|每|我|贵|某|一家|多家|几家|数家|\d*[余多]?家)$|^.{0,2}[子分母孙]$"
)
_QUANTITY = re.compile(r"\d+[余多]?[家个]")
#: Stop words that cannot end a name right before a bare 集团/公司 (控股集团 and 投资集团 are names).
_ADJACENT_STOPS = tuple(w for w in lex.NAME_STOPS if w not in lex.INDUSTRY_WORDS)
_PHASE = re.compile(r"^[一二三四五六]期$")
_PROJECT_HEAD = re.compile(
    r"项目|工程(?!项目|师|公司|局|院|学|机械|有限|建设|技术|管理|咨询|园|区)|(?:(?<=[A-Z]{3})|(?<=开发))案"
)
_PART_OF_WORK = re.compile(r"的|之|等|建设|工作|量|主体")
#: Parts or sizes of the works (桩基施工|工程, …厂房|工程, 二层主体|工程, 一期), not a project's name.
_WORK_SIZE = re.compile(
    r"(?:施工|厂房|主体|附属|土建|装修|安装|配套)$|\d+(?:\.\d+)?万?平方米|[十百]大|主体|[一二三四五六]期$|^(?:目前|正在|已)"
)
#: Verbs before X工程 that make it a campaign (大力开展招才引智工程), not works being built.
_CAMPAIGN_VERB = re.compile(r"(开展|实施|启动|推进|打造|推动|深化|落实)$")
_QUANTITY_NAME = re.compile(r"(?:年产)?\d+(?:\.\d+)?万?(?:吨|台|套|件|辆|锭|千瓦|kW|MW|GW)")
_NOT_A_PROJECT_AFTER = re.compile(
    r"^(?:\d{4}年度?)?(?:第[一二三四五六七八九十\d]+批)?集中(?:签约|开工|推介|观摩|招商)(?:活动|仪式|大会)|^(?:合作)?(?:洽谈|对接|推介|签约|交流)[^,;。]{0,4}?[会]|"
    r"^之一|^\(第|^(部|办|组|库|经理|管理|负责人|推进会|推介会|洽谈会|签约会|观摩|表彰|名单|工作|建设年|化|招商|区(?!域)|总部|公司)"
)
_LIST_LEAD_IN = re.compile(r"^.*?(?:了|的|包括|其中)(?=.{2})")
_FUNCTION_STOPS = tuple(w for w in lex.PROJECT_STOPS if w not in lex.PROJECT_NOUN_STOPS)
_ADVERB_START = re.compile(r"^[刚正已将曾又再还都就才便均亦]")
_YEAR_TOKEN = re.compile(
    r"\d+(?:\.\d+)?|[一二三四]季度|季度|上半年|下半年|年度|年|个|余|多|上半|下半|[\u4e00-\u9fff]{1,3}[省市县](?!域|场)|[省市县区]委|[省市县区]?政府"
    r"|[\u4e00-\u9fff]{1,2}(?<![小园景游假业范发区])[区镇](?!域)"
)


#: Words that say when, how many or which batch, never which project (25日上午, 两大, 本次, (示范区)).
_QUOTED = re.compile(r'“[^”]*”|「[^」]*」|"[^"]*"')
_ACTIVITIES = r"(?:研发|生产|销售|加工|制造|运营|服务|应用|推广|仓储|贸易|检测|维修|回收|利用)+"
_LEADING_DATE = re.compile(r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日")
_COUNTED = re.compile(r"(?:\d+|[两三四五六七八九十百几]+)[余多]?个")
_LIST_MARKER = re.compile(r"(?:\d{1,2}[.、)]|\(\d{1,2}\)|[一二三四五六七八九十]+、)(?!\d)")
_BATCH = re.compile(r"\d{4}年|季度|月份|上半年|下半年|年度")
_CATEGORY_WORD = re.compile(r"重点|重大|招商")
_CONTEXT_TOKEN = re.compile(
    r"[\u4e00-\u9fff]{2,8}?(?:经济技术开发区|经济开发区|高新技术产业开发区|开发区|高新区|经开区|新区|工业园区|试验区|"
    r"自贸区|自贸港)|\([^)]*\)|\d+日|上午|下午|本次|此次|当日|当天|今年|去年|连同|其他|其余|首个|首家|首批|"
    r"第[一二三四五六七八九十\d]+[届批次期]|"
    r"[一二两三四五六七八九十几\d]+[大个项批](?!厦|道|街|楼|桥|湖|学)"
)


def find_enterprises(text: str, gazetteer: Gazetteer, boundaries: frozenset[int] = frozenset()) -> list[NameMention]:
    """Enterprises: names with a legal form (…有限公司, …株式会社, X集团) and names the graph knows.

    Known names win where they overlap a found one, unless the found one is longer (a subsidiary
    whose name starts with its group's 简称). ``boundaries`` are ends of zone and park names: a
    company name does not start inside one (德州天衢新区山东恒芯电子有限公司).
    """
    known = gazetteer.find(NodeKind.ENTERPRISE, text)
    protected = tuple((m.start, m.end) for m in known)
    found: list[NameMention] = []
    i = 0
    while i < len(text):
        suffix = next((s for s in lex.COMPANY_SUFFIXES if text.startswith(s, i)), None)
        if suffix is None:
            i += 1
            continue
        mention = _enterprise_at(text, i, suffix, gazetteer, protected, boundaries)
        if mention is not None:
            found.append(mention)
        i += len(suffix)
    out = list(found)
    for k in known:
        if not any(f.start <= k.start and k.end <= f.end for f in found):
            out = [f for f in out if not (k.start <= f.start and f.end <= k.end)]
            out.append(k)
    out.sort(key=lambda m: m.start)
    return out


def _enterprise_at(
    text: str,
    suffix_start: int,
    suffix: str,
    gazetteer: Gazetteer,
    protected: tuple[tuple[int, int], ...],
    boundaries: frozenset[int],
) -> NameMention | None:
    if suffix in lex.BARE_SUFFIXES and any(text.startswith(w, suffix_start - len(w)) for w in _ADJACENT_STOPS):
        return None  # 完善集团, 该公司: a word, not a name
    start = scan_left(text, suffix_start, lex.NAME_STOPS, protected=protected, keep=gazetteer)
    inner = [b for b in boundaries if start < b <= suffix_start - 4]
    if inner:
        start = max(inner)
    if text[start : start + 1] in ("和", "及") and text[:start].endswith(lex.COMPANY_SUFFIXES):
        start += 1  # A有限公司和B有限公司: B starts after 和
    core = text[start:suffix_start]
    if len(core) < 2 or len(core) > 30 or _GENERIC_CORE.search(core) or _QUANTITY.search(core):
        return None
    if suffix in lex.BARE_SUFFIXES and _ADVERB_START.match(core):
        return None
    end = suffix_start + len(suffix)
    name = text[start:end]
    return NameMention(start, end, name, NodeKind.ENTERPRISE, gazetteer.resolve(NodeKind.ENTERPRISE, name), legal=True)


def find_parks(text: str, gazetteer: Gazetteer) -> tuple[list[NameMention], list[NameMention]]:
    """(parks, regions) named in ``text``: known ones by dictionary, new parks by their suffix when
    the name starts with a place (平原经济开发区, 德州数字经济产业园) — a bare 生产基地 is not a park."""
    known_parks = gazetteer.find(NodeKind.PARK, text)
    regions = gazetteer.find(NodeKind.REGION, text)
    region_keys = gazetteer.keys.get(NodeKind.REGION, {})
    found: list[NameMention] = []
    i = 0
    while i < len(text):
        suffix = next((s for s in lex.PARK_SUFFIXES if text.startswith(s, i)), None)
        if suffix is None:
            i += 1
            continue
        end = i + len(suffix)
        i = end
        start = scan_left(text, end - len(suffix), lex.NAME_STOPS, min_core=1)
        name = text[start:end]
        if len(name) - len(suffix) < 2 or text.startswith("项目", end):
            continue
        region = gazetteer.resolve(NodeKind.REGION, name)
        if region is not None:
            continue  # a functional zone the graph keeps as a region (运河经济开发区)
        park = gazetteer.resolve(NodeKind.PARK, name)
        if park is None and gazetteer.resolve(NodeKind.PROJECT, name + "项目"):
            continue  # the graph knows it as a project (德州万众智能产业园项目)
        if park is None and not (
            any(name.startswith(p) for p in lex.PLACE_PREFIXES)
            or any(normalize_name(name).startswith(k) for k in region_keys)
        ):
            continue
        found.append(NameMention(start, end, name, NodeKind.PARK, park))
    parks = _longest(known_parks + found)
    park_spans = [(p.start, p.end) for p in parks]
    # a region inside a park's name (平原 in 平原经济开发区) is still a mention of that region
    regions = [r for r in regions if (r.start, r.end) not in park_spans]
    return parks, regions


def _longest(mentions: list[NameMention]) -> list[NameMention]:
    """Drop mentions inside a longer one; among equal spans keep the resolved one, and a known name
    beats an unknown one that is a single character longer (…产业园 / …产业园区)."""
    known = [m for m in mentions if m.node_id]
    mentions = [m for m in mentions if m.node_id or not any(k.start == m.start and m.end - k.end == 1 for k in known)]
    ordered = sorted(mentions, key=lambda m: (-(m.end - m.start), m.node_id is None, m.start))
    kept: list[NameMention] = []
    for mention in ordered:
        if not any(k.start <= mention.start and mention.end <= k.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def find_projects(
    text: str, *, boundaries: frozenset[int], protected: tuple[tuple[int, int], ...]
) -> list[NameMention]:
    """Project names ending in 项目 — or in 工程 (金塘冲水库工程), or 案 after BOT/开发 (…土地开发案);
    generic ones (重点项目, 过亿元项目, 19个项目, 的生态项目) are left out.

    A bare phase (二期项目) is returned with ``phase`` set: the caller decides whose phase it is. A
    name whose part after a stop word is generic (建设|工程项目, 材料的|产业化项目) reaches past it.
    Products listed inside one name (年产10万吨二甲苯、6万吨间苯二甲酸项目) stay one name.
    """
    out: list[NameMention] = []
    for match in _PROJECT_HEAD.finditer(text):
        end = match.end()
        head = match.group(0)
        if head == "项目" and (_NOT_A_PROJECT_AFTER.match(text[end:]) or re.match(r"\d+[余多]?个", text[end:])):
            continue  # 项目推进会, 项目名单, 项目9个
        if any(
            text.startswith(w, match.start() - len(w)) for w in lex.PROJECT_STOPS if w not in lex.PROJECT_NOUN_STOPS
        ):
            continue  # 完成项目, 的项目: a verb phrase, not a name
        start = scan_left(text, match.start(), lex.PROJECT_STOPS, boundaries=boundaries, protected=protected)
        start = _skip_conjunctions(text, start, match.start())
        while start < match.start() and text[start] in "-—自.…" and not text.startswith("自由", start):
            start += 1  # 核心子项目--60万吨…项目, 自2018年…
        while text[start - 1 : start] == "、" and re.fullmatch(_ACTIVITIES, text[start : match.start()]):
            start = scan_left(text, start - 1, lex.PROJECT_STOPS, boundaries=boundaries, protected=protected)
        marker = _LIST_MARKER.match(text, start) or _LEADING_DATE.match(text, start)
        if marker and match.start() - marker.end() >= 2:
            start = marker.end()  # 1.示例新材料产业园项目, 8月1日X项目: a list number or a date is not part of it
        core = text[start : match.start()]
        if re.search(r"(?<!总)是[^,;。!?]{0,12}$", text[:start]) and re.search(r"首个|首家|最大|唯一|第一", core):
            continue  # 也是…首个…光伏项目: what the project is, not another project
        if head == "项目" and _PHASE.match(core):
            out.append(NameMention(start, end, text[start:end], NodeKind.PROJECT, phase=True))
            continue
        extended = False
        if is_generic(core) or len(core) < 2:
            earlier = _past_stop(text, start, match.start(), boundaries, protected)
            extended = earlier != start
            start = earlier
            core = text[start : match.start()]
        start = _past_product_list(text, start, boundaries, protected)
        core = text[start : match.start()]
        priced = bool(re.search(r"元的$", text[:start]))
        if core.endswith("子") and len(core) >= 3 and is_generic(core[:-1]):
            continue  # 核心子项目: a part of a project named before
        if len(core) < 2 or len(core) > 40 or is_generic(core, priced) or _COUNTED.search(core):
            continue
        if head == "工程" and (
            len(core) < 4
            or "项目" in core
            or _PART_OF_WORK.match(text, end)
            or _WORK_SIZE.search(core)
            or _CAMPAIGN_VERB.search(text[:start])
        ):
            continue  # 双百工程 (a slogan), 二层主体工程的建设 (a part of the works), 信息安全工程等产业
        if head == "案" and len(core) < 4:
            continue
        if (
            len(core) == 2
            and text[start - 1 : start] == "的"
            and not re.search(r"元(?:建设|兴建|新建|建)?的$", text[:start])
        ):
            continue  # 承接京津产业转型的外迁项目: a kind of project
        if (_verb_phrase(core) and not extended) or _counted_category(text, start):
            continue
        out.append(NameMention(start, end, text[start:end], NodeKind.PROJECT))
    return sorted(out, key=lambda m: m.start)


def _past_stop(
    text: str, start: int, end: int, boundaries: frozenset[int], protected: tuple[tuple[int, int], ...]
) -> int:
    """建设|工程项目: the stop word is part of the name when what follows it names nothing; past 的
    only for a product (年产4万吨锂离子电池材料的|产业化项目), not for a kind (转化的|重点项目)."""
    for word in ("的", *lex.PROJECT_NOUN_STOPS):
        if text.startswith(word, start - len(word)) and start - len(word) > 0:
            earlier = scan_left(text, start - len(word), lex.PROJECT_STOPS, boundaries=boundaries, protected=protected)
            if word == "的" and (not _QUANTITY_NAME.match(text, earlier) or _CATEGORY_WORD.search(text[start:end])):
                continue
            if start - len(word) - earlier >= 2:
                return earlier
    if _FACILITY_TAIL.search(text[start:end]):  # …公共服务|中心, …现代包装|科技产业园: a facility's head
        for word in lex.PROJECT_STOPS:
            if text.startswith(word, start - len(word)) and not re.search(r"[的建在与和及、]", word):
                earlier = scan_left(
                    text, start - len(word), lex.PROJECT_STOPS, boundaries=boundaries, protected=protected
                )
                if start - len(word) - earlier >= 2:
                    return earlier
    return start


def _past_product_list(
    text: str, start: int, boundaries: frozenset[int], protected: tuple[tuple[int, int], ...]
) -> int:
    """…签定的年产10万吨二甲苯、6万吨间苯二甲酸项目: one project making two products."""
    while start > 1 and text[start - 1] == "、" and _QUANTITY_NAME.match(text, start):
        earlier = scan_left(text, start - 1, lex.PROJECT_STOPS, boundaries=boundaries, protected=protected)
        if not _QUANTITY_NAME.match(text, earlier) or start - 1 - earlier < 2:
            break
        start = earlier
    return start


def _counted_category(text: str, start: int) -> bool:
    """100个投资亿元以上资源深加工项目, 两个公路基建项目: a count before the name makes it a kind."""
    before = text[max(0, start - 16) : start]
    match = re.search(r"(?:\d+|[两三四五六七八九十百]+)[余多]?个[^的、,;。:]*$", before)
    return match is not None


def _verb_phrase(core: str) -> bool:
    """精力向大(项目): a function word inside the name with only generic words after it."""
    for word in _FUNCTION_STOPS:
        position = core.rfind(word)
        tail = core[position + len(word) :]
        if position > 0 and is_generic(tail or "x") and not _FACILITY_TAIL.search(tail):
            return True  # (…现代包装|科技产业园, …公共服务|中心: a facility's head ends a name, not a verb phrase)
    return False


_FACILITY_TAIL = re.compile(r"(?:园|中心|基地|城|港|馆|院|楼|桥|镇|村|总部|综合体)(?:区)?$")


def _skip_conjunctions(text: str, start: int, end: int) -> int:
    while start < end:
        if text.startswith("以及", start):
            start += 2
        elif text[start] in "和与及、" and text[start - 1 : start] != "的":
            start += 1  # (not after 的: 投资建设的和牛养殖项目)
        else:
            break
    return start


def is_generic(core: str, whole: bool = False) -> bool:
    """True when a project name (without 项目) is made only of words that name no project.

    Only the last member of a coordination counts (技术和投资项目 is an 投资项目), unless ``whole``
    (a name priced right before it: 总投资14.85亿元的…市政基础设施及配套工程项目).
    """
    quoted = _QUOTED.search(core)
    if quoted:  # “院校通”软件平台…(项目) and 吉林省“陆上风光三峡”(工程) name one; 全市“双招双引”重点建设 a kind
        before, after = core[: quoted.start()], _QUOTED.sub("", core[quoted.end() :])
        return bool(after) and (not before or is_generic(before, whole)) and is_generic(after, True)
    coordinated = not whole and re.search(r"和|与|及", core)
    last = re.split(r"和|与|及", core)[-1] if coordinated else core  # 技术和投资(项目): an 投资项目
    for part in {core, last}:
        rest = _YEAR_TOKEN.sub("", _CONTEXT_TOKEN.sub("", part))
        changed = True
        while rest and changed:
            changed = False
            for word in lex.GENERIC_PROJECT_WORDS:
                if word in rest:
                    rest = rest.replace(word, "")
                    changed = True
        if len(rest) < 2:
            return True
        if len(rest) <= 3 and _CATEGORY_WORD.search(part):
            return True  # 无棣重点建设(项目): a place's key projects, not one project
        if _BATCH.search(part) and re.search(r"(重点|重大|招商|产业)$", part):
            return True  # …南沙片区2020年第一季度重点(项目): a batch
    return bool(re.search(r"类$", core))  # 高端装备制造业类(项目): a kind


def is_sector_phrase(core: str, facilities: bool = False) -> bool:
    """True when a name (without 项目) says only which sector or kind of activity it is in — 食品加工,
    文化旅游, 先进装备制造业, 生物医药及微电子 — and nothing of which project: no brand, place,
    company, product, capacity or facility of its own.

    With ``facilities``, a facility named only by its sector (物流园, 食品工业园, 再生资源交易中心,
    城市综合体) is a kind as well: how a list item that names nothing else is read."""
    rest = _QUOTED.sub("x", _CONTEXT_TOKEN.sub("", core))
    if re.search(r"\d", rest):
        return False
    if facilities:
        rest = _FACILITY_KIND.sub("", rest)
    for words in (lex.SECTOR_WORDS, lex.GENERIC_PROJECT_WORDS):
        for word in words:
            rest = rest.replace(word, "")
    return rest == "" or (len(rest) == 1 and rest not in _FACILITY_CHARS)


#: Facility heads that a sector word alone can specify (食品|工业园, 再生资源|交易中心, 城市|综合体).
_FACILITY_KIND = re.compile(r"(?:产业|工业|科技|创业)?园区?$|(?:交易|配送|研发|服务)?中心$|综合体$|基地$|小镇$")
#: Words of the clause around 项目, never of a project's name: quantifiers, adverbs and verbs that govern
#: it (力促更多项目, 以周为单位逐个项目, 平均单个项目, 以最快速度建成项目, 处处涌动着重点项目).
_CLAUSE_WORDS = re.compile(
    r"更多|逐个|单个|每个|各个|一个个|平均|目前|当前|力促|强化|最快|速度|建成|处处|涌动|[着著]|单位"
)


#: A ranking of investors (中国500强企业, 世界500强): who invests, not which project.
_RANKING = re.compile(r"(?:中国|世界|全国|全球)?(?:民营)?(?:企业)?\d+强(?:企业)?")


def is_thin(core: str) -> bool:
    """True when a name (without 项目) holds at most two characters that could name anything once the
    words of context, batch, clause and kind are taken out (合同项目, 攻慢项目, 兰溪项目, 目前项目, 力促
    更多项目): such a name is a project only when its clause binds it to a party or an amount
    (:func:`stands_alone`), as 投资3000万美元的硅胶项目 is."""
    core = _RANKING.sub("", core)
    if _QUOTED.search(core) or re.search(r"[\dA-Za-z]", core):
        return False
    rest = _CLAUSE_WORDS.sub("", _YEAR_TOKEN.sub("", _CONTEXT_TOKEN.sub("", core)))
    changed = True
    while rest and changed:
        changed = False
        for word in lex.GENERIC_PROJECT_WORDS:
            if word in rest:
                rest = rest.replace(word, "")
                changed = True
    return len(rest) <= 2


#: One-character heads that make a facility of what is before them (现代农业物流园, 总部经济园).
_FACILITY_CHARS = frozenset("园城港馆厂场站店院校楼桥路镇村库坝谷湾岛")


def stands_alone(
    text: str,
    start: int,
    end: int,
    companies: list[NameMention],
    amounts: list[tuple[int, str]],
    after: bool = True,
) -> bool:
    """Whether the clause around ``text[start:end]`` makes it one project: a company in the clause, an
    amount written right before it (投资5亿元的…), or (with ``after``) an investment amount right after
    it in its sentence (…项目,计划投资5亿元). ``amounts`` are (start, label) of the unit's amounts."""
    clause_start = max((text.rfind(c, 0, start) for c in ",;。!?:"), default=-1) + 1
    following = re.search(r"[。;!?]", text[end:])
    sentence_end = end + following.start() if following else len(text)
    if any(clause_start <= c.start and c.end <= end for c in companies):
        return True
    if re.search(r"元的?$", text[max(clause_start, start - 3) : start]):
        return True
    if not after:
        return False
    next_clause = re.search(r"[,;。!?]", text[end:])
    window_end = min(sentence_end, end + (next_clause.start() if next_clause else 0) + 16)
    return any(end <= a < window_end and label == "invest" for a, label in amounts)
