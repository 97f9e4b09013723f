"""What one unit of article text (a sentence or a list item) mentions, and where.

Each finder returns positioned mentions; :mod:`chainkg.loaders.news.extract` decides which belong together.
Names have no spaces around them in Chinese, so a name is found from its end (a company suffix, a
park suffix, 项目) by walking left until a word that cannot be part of it (:data:`NAME_STOPS`),
punctuation, or a known boundary (the end of an amount, of another name). Names the graph already
knows are found by dictionary (:class:`Gazetteer`) and are never cut by a stop word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from chainkg.loaders.news import lexicon as lex
from chainkg.schema.kinds import NodeKind, ProjectStatus, RegionLevel
from chainkg.schema.money import Money, MoneyError, parse_amount
from chainkg.schema.normalize import fold_equivalents, normalize_name
from chainkg.store.protocol import GraphStore

__all__ = [
    "AmountMention",
    "DateMention",
    "Gazetteer",
    "NameMention",
    "StatusMention",
    "find_amounts",
    "find_dates",
    "find_enterprises",
    "find_list_projects",
    "find_parks",
    "find_projects",
    "find_statuses",
    "is_generic",
    "scan_left",
    "subsequence",
]

_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z0-9·&.\-/×]")
_CLAUSE_BREAK = re.compile(r"[,;。!?]")
_AMOUNT = re.compile(
    r"(?P<cprefix>人民币|美元)?(?P<num>\d+(?:\.\d+)?)(?P<approx>余|多)?\s*(?P<unit>万亿|亿|千万|百万|十万|万)?\s*"
    r"(?P<cur>元人民币|人民币|元|美元|美金|欧元|日元|港元|港币)?"
)
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})年(?:(?P<m>\d{1,2})月(?:份)?(?:(?P<d>\d{1,2})日)?|(?P<yend>底|末))"
    r"|(?P<rel>今年|去年|明年|当年|同年)(?:(?P<rm>\d{1,2})月(?:份)?(?:(?P<rd>\d{1,2})日)?|(?P<rend>底|末))"
    r"|(?<![\d年])(?P<mm>\d{1,2})月(?:(?P<md>\d{1,2})日|份)"
)
_GENERIC_CORE = re.compile(
    r"^(上市|控股|全资|该|本|此|这|那|其|各|每|我|贵|某|一家|多家|几家|数家|\d*[余多]?家)$|^.{0,2}[子分母孙]$"
)
_QUANTITY = re.compile(r"\d+[余多]?[家个]")
#: Stop words that cannot end a name right before a bare 集团/公司 (控股集团 and 投资集团 are names).
_ADJACENT_STOPS = tuple(w for w in lex.NAME_STOPS if w not in lex.INDUSTRY_WORDS)
_PHASE = re.compile(r"^[一二三四五六]期$")
_PROJECT_HEAD = re.compile(
    r"项目|工程(?!项目|师|公司|局|院|学|机械|有限|建设|技术|管理|咨询)|(?:(?<=[A-Z]{3})|(?<=开发))案"
)
_PART_OF_WORK = re.compile(r"的|之|等|建设|工作|量|主体")
_WORK_SIZE = re.compile(r"\d+(?:\.\d+)?万?平方米|[十百]大|主体|[一二三四五六]期$|^(?:目前|正在|已)")
#: Verbs before X工程 that make it a campaign (大力开展招才引智工程), not works being built.
_CAMPAIGN_VERB = re.compile(r"(开展|实施|启动|推进|打造|推动|深化|落实)$")
_QUANTITY_NAME = re.compile(r"(?:年产)?\d+(?:\.\d+)?万?(?:吨|台|套|件|辆|锭|千瓦|kW|MW|GW)")
_NOT_A_PROJECT_AFTER = re.compile(
    r"^(部|办|组|库|经理|管理|负责人|推进会|推介会|洽谈会|签约会|观摩|表彰|名单|工作|建设年|化|招商|区(?!域))"
)
_LIST_LEAD_IN = re.compile(r"^.*?(?:了|的|包括|其中)(?=.{2})")
_FUNCTION_STOPS = tuple(w for w in lex.PROJECT_STOPS if w not in lex.PROJECT_NOUN_STOPS)
_ADVERB_START = re.compile(r"^[刚正已将曾又再还都就才便均亦]")
_YEAR_TOKEN = re.compile(
    r"\d+(?:\.\d+)?|[一二三四]季度|季度|上半年|下半年|年度|年|个|余|多|上半|下半|[\u4e00-\u9fff]{1,3}[省市县](?!域|场)"
    r"|[\u4e00-\u9fff]{1,2}(?<![小园景游假业范发区])[区镇](?!域)"
)


#: Words that say when, how many or which batch, never which project (25日上午, 两大, 本次, (示范区)).
_CONTEXT_TOKEN = re.compile(
    r"\([^)]*\)|\d+日|上午|下午|本次|此次|当日|当天|今年|去年|连同|其他|其余|"
    r"[一二两三四五六七八九十几\d]+[大个项批](?!厦|道|街|楼|桥|湖|学)"
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AmountMention(Mention):
    money: Money
    label: str  # "invest" | "aggregate" | "other" | "none" | "threshold"


@dataclass(frozen=True)
class DateMention(Mention):
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD


@dataclass(frozen=True)
class StatusMention(Mention):
    status: ProjectStatus
    future: bool


@dataclass(frozen=True)
class NameMention(Mention):
    kind: NodeKind
    node_id: str | None = None
    legal: bool = False  # an enterprise name with its legal form (有限公司 …)
    phase: bool = False  # a bare 二期项目 that names a phase of some project


class Gazetteer:
    """The names (and aliases) the graph already knows, for finding them in text and resolving.

    Matching is longest-first, left to right, on the lower-cased text; two-character names are not
    matched where they start a common word (有研 in 有研究).
    """

    def __init__(
        self,
        keys: dict[NodeKind, dict[str, str]],
        names: dict[str, str] | None = None,
        region_levels: dict[str, str] | None = None,
    ):
        self.keys = {kind: {k: v for k, v in table.items() if len(k) >= 2} for kind, table in keys.items()}
        self.names = dict(names or {})
        self.region_levels = dict(region_levels or {})
        self._index: dict[NodeKind, dict[str, list[str]]] = {}
        for kind, table in self.keys.items():
            index: dict[str, list[str]] = {}
            for key in table:
                index.setdefault(key[0], []).append(key)
            for bucket in index.values():
                bucket.sort(key=len, reverse=True)
            self._index[kind] = index

    @classmethod
    def from_store(cls, store: GraphStore) -> Gazetteer:
        kinds = (NodeKind.ENTERPRISE, NodeKind.PARK, NodeKind.REGION, NodeKind.PROJECT)
        keys = {kind: store.names(kind) for kind in kinds}
        names: dict[str, str] = {}
        levels: dict[str, str] = {}
        for kind in kinds:
            for node_id in set(keys[kind].values()):
                props = store.node(node_id) or {}
                names[node_id] = str(props.get("name", node_id))
                if kind is NodeKind.REGION:
                    levels[node_id] = str(props.get("level", ""))
        return cls(keys, names, levels)

    def resolve(self, kind: NodeKind, name: str) -> str | None:
        return self.keys.get(kind, {}).get(normalize_name(name))

    def resolve_fuzzy(self, kind: NodeKind, name: str, min_length: int = 8) -> str | None:
        """The one node whose name or alias is the given name with words left out or added
        (有研半导体集成电路用大尺寸硅材料规模化生产项目 ~ 集成电路用大尺寸硅材料规模化生产项目);
        None when no node, or more than one, fits."""
        exact = self.resolve(kind, name)
        if exact:
            return exact
        key = normalize_name(name)
        found = {
            node
            for k, node in self.keys.get(kind, {}).items()
            if min(len(k), len(key)) >= min_length
            and min(len(k), len(key)) >= 0.6 * max(len(k), len(key))
            and subsequence(k, key)
        }
        return found.pop() if len(found) == 1 else None

    def display(self, node_id: str) -> str:
        return self.names.get(node_id, node_id.partition(":")[2])

    def is_local_region(self, node_id: str) -> bool:
        """A district, county or functional zone: the level a project or park is located at."""
        try:
            return RegionLevel(self.region_levels.get(node_id, "")).rank >= 3
        except ValueError:
            return False

    def find(self, kind: NodeKind, text: str) -> list[NameMention]:
        index = self._index.get(kind, {})
        table = self.keys.get(kind, {})
        lowered = fold_equivalents(text).lower()
        out: list[NameMention] = []
        i = 0
        while i < len(lowered):
            hit = next((k for k in index.get(lowered[i], ()) if lowered.startswith(k, i)), None)
            if hit is None or (len(hit) == 2 and lowered[i + 1 : i + 3] in lex.WEAK_BIGRAMS):
                i += 1
                continue
            prefix = next((p for p in lex.PLACE_PREFIXES if hit.startswith(p) and len(hit) > len(p)), None)
            if prefix is not None:
                j = i + len(prefix)
                inner = next((k for k in index.get(lowered[j], ()) if lowered.startswith(k, j)), None)
                if inner is not None and j + len(inner) > i + len(hit):
                    i = j  # 山东有研亿金: 有研亿金 with a place before it, not 山东有研 + 亿金
                    continue
            out.append(NameMention(i, i + len(hit), text[i : i + len(hit)], kind, table[hit]))
            i += len(hit)
        return out

    def starts_known(self, kind: NodeKind, text: str) -> bool:
        """True when ``text`` begins a name of ``kind`` the graph knows (for not cutting it)."""
        key = normalize_name(text)
        return any(k.startswith(key) for k in self._index.get(kind, {}).get(key[:1], ()))


def subsequence(a: str, b: str) -> bool:
    """The shorter string is the longer one with characters left out."""
    short, long = sorted((a, b), key=len)
    chars = iter(long)
    return all(c in chars for c in short)


# --- scanning names leftwards ---------------------------------------------------------------


def scan_left(
    text: str,
    end: int,
    stops: Iterable[str],
    *,
    min_core: int = 2,
    boundaries: frozenset[int] = frozenset(),
    protected: tuple[tuple[int, int], ...] = (),
    keep: Gazetteer | None = None,
) -> int:
    """Start of the name whose core ends at ``end``: walk left over name characters until a stop word
    (once the core has ``min_core`` characters), a boundary position or punctuation.

    A stop word inside a protected span (a known name) does not count, and neither does one that
    begins a name the gazetteer ``keep`` knows (有研 starts with 有, a word elsewhere).
    """
    stop_list = tuple(stops)
    i = end
    depth = 0
    while i > 0:
        core = end - i
        if core >= min_core:
            if i in boundaries:
                return i
            if not any(s < i < e for s, e in protected):
                for word in stop_list:
                    if text.startswith(word, i - len(word)) and not _kept(keep, text, i - len(word), end):
                        return i
        char = text[i - 1]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                return i
            depth -= 1
        elif not _NAME_CHAR.match(char):
            return i
        i -= 1
    return 0


def _kept(keep: Gazetteer | None, text: str, start: int, end: int) -> bool:
    return keep is not None and keep.starts_known(NodeKind.ENTERPRISE, text[start:end])


# --- amounts, dates, statuses ---------------------------------------------------------------


def find_amounts(text: str) -> list[AmountMention]:
    """Money amounts with what they are: an investment, an aggregate measure, something else
    (output, revenue, taxes), unlabelled, or a threshold (过亿元项目)."""
    out: list[AmountMention] = []
    for match in _AMOUNT.finditer(text):
        unit, currency = match["unit"], match["cur"]
        if not unit and not currency:
            continue
        after = text[match.end() : match.end() + 4]
        window = _window(text, match.start())
        label = _label(window)
        if not currency and (lex.MEASURE_AFTER_NUMBER.match(after) or label not in ("invest", "aggregate")):
            continue  # 10万吨, or 亿 without 元 where nothing says it is money
        rest = text[match.end() :]
        if after.startswith("以上") or (
            re.search(r"(过|超过|超)$", window) and re.match(r"(以上)?(的)?[^,。;]{0,8}项目", rest)
        ):
            label = "threshold"  # 过亿元项目, 5亿元以上项目: a size class, not an amount
        written = f"{match['num']}{unit or ''}{_currency_word(currency, match['cprefix'])}"
        try:
            money = parse_amount(written)
        except MoneyError:
            continue
        out.append(AmountMention(match.start(), match.end(), match.group(0), money, label))
    return out


def _window(text: str, start: int) -> str:
    window = text[max(0, start - 12) : start]
    cut = max(window.rfind(","), window.rfind(";"), window.rfind("、"))
    return window[cut + 1 :] if cut >= 0 else window


def _label(window: str) -> str:
    """What the words right before an amount make it; only the last few characters count, so a
    company name further left (华鲁国际融资租赁公司签订的6亿元) does not label it."""
    near = window[-8:]
    if lex.INVEST_LABELS.search(near):
        return "invest"
    if lex.AGGREGATE_LABELS.search(near[-7:]) and lex.NON_INVEST_LABELS.search(near):
        return "aggregate"
    if lex.NON_INVEST_LABELS.search(near[-6:]):
        return "other"
    return "none"


def _currency_word(currency: str | None, prefix: str | None) -> str:
    if currency in ("美元", "美金") or (currency is None and prefix == "美元"):
        return "美元"
    if currency in (None, "元人民币", "人民币"):
        return "元"
    return currency


def find_dates(text: str, year: int | None) -> list[DateMention]:
    """Dates as partial ISO strings; month-day and 今年/去年/明年 need the article's year."""
    out: list[DateMention] = []
    last_year = year
    for match in _DATE.finditer(text):
        value: str | None = None
        if match["y"]:
            y = int(match["y"])
            last_year = y
            value = _partial(y, match["m"], match["d"], bool(match["yend"]))
        elif match["rel"]:
            base = last_year if match["rel"] in ("当年", "同年") else year
            if base is not None:
                y = base + {"去年": -1, "明年": 1}.get(match["rel"], 0)
                value = _partial(y, match["rm"], match["rd"], bool(match["rend"]))
        elif year is not None:
            value = _partial(year, match["mm"], match["md"], False)
        if value:
            out.append(DateMention(match.start(), match.end(), match.group(0), value))
    return out


def _partial(year: int, month: str | None, day: str | None, year_end: bool) -> str | None:
    if year_end:
        return f"{year:04d}-12"
    if not month:
        return f"{year:04d}"
    m = int(month)
    if not 1 <= m <= 12:
        return None
    if not day:
        return f"{year:04d}-{m:02d}"
    d = int(day)
    return f"{year:04d}-{m:02d}-{d:02d}" if 1 <= d <= 31 else None


def find_statuses(text: str) -> list[StatusMention]:
    """Status words; ``future`` when the wording is a plan (预计明年投产) or a hypothetical (投产后)."""
    taken: list[tuple[int, int]] = []
    out: list[StatusMention] = []
    for status, pattern in lex.STATUS_WORDS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append((match.start(), match.end()))
            before = _window(text, match.start())
            future = (
                bool(lex.FUTURE_MARKERS.search(before)) or before.endswith("早") or text.startswith("后", match.end())
            )
            out.append(StatusMention(match.start(), match.end(), match.group(0), status, future))
    out.sort(key=lambda m: m.start)
    return out


# --- names ----------------------------------------------------------------------------------


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
        core = text[start : match.start()]
        if head == "项目" and _PHASE.match(core):
            out.append(NameMention(start, end, text[start:end], NodeKind.PROJECT, phase=True))
            continue
        if is_generic(core) or len(core) < 2:
            start = _past_stop(text, start, match.start(), boundaries, protected)
            core = text[start : match.start()]
        start = _past_product_list(text, start, boundaries, protected)
        core = text[start : match.start()]
        if len(core) < 2 or len(core) > 40 or is_generic(core) or re.search(r"\d+[余多]?个", core):
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
        if len(core) == 2 and text[start - 1 : start] == "的" and not re.search(r"元的$", text[:start]):
            continue  # 承接京津产业转型的外迁项目: a kind of project
        if _verb_phrase(core) or _counted_category(text, start):
            continue
        out.append(NameMention(start, end, text[start:end], NodeKind.PROJECT))
    return sorted(out, key=lambda m: m.start)


def _past_stop(
    text: str, start: int, end: int, boundaries: frozenset[int], protected: tuple[tuple[int, int], ...]
) -> int:
    """建设|工程项目: the stop word is part of the name when what follows it names nothing."""
    for word in ("的", *lex.PROJECT_NOUN_STOPS):
        if text.startswith(word, start - len(word)) and start - len(word) > 0:
            earlier = scan_left(text, start - len(word), lex.PROJECT_STOPS, boundaries=boundaries, protected=protected)
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
        if position > 0 and is_generic(core[position + len(word) :] or "x"):
            return True
    return False


def _skip_conjunctions(text: str, start: int, end: int) -> int:
    while start < end:
        if text.startswith("以及", start):
            start += 2
        elif text[start] in "和与及、":
            start += 1
        else:
            break
    return start


def is_generic(core: str) -> bool:
    """True when a project name (without 项目) is made only of words that name no project.

    Only the last member of a coordination counts (技术和投资项目 is an 投资项目).
    """
    last = re.split(r"和|与|及", core)[-1] if re.search(r"和|与|及", core) else core
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
    return False


def find_list_projects(text: str) -> list[tuple[list[NameMention], int]]:
    """Projects named as a list before 等…项目 (京鲁数谷、沪江建筑、英望科技等19个项目成功签约).

    Returns each list with the position where its predicate (成功签约) starts. The list reaches back
    over comma-separated chunks as long as they read like items, not clauses (实施精准招商).
    """
    out: list[tuple[list[NameMention], int]] = []
    for match in re.finditer(r"等(?P<mid>[^,。;、]{0,12}?)项目", text):
        if (match["mid"] and not is_generic(match["mid"])) or re.search(r"领域|产业|行业|方向|板块|类", match["mid"]):
            continue  # 新材料、数字经济等多领域项目: sectors, not projects
        items: list[NameMention] = []
        cursor = match.start()
        first = True
        while True:
            cut = max(text.rfind(c, 0, cursor) for c in ",;。:")
            chunk_start = cut + 1
            chunk = text[chunk_start:cursor]
            if items and (lex.LIST_VERBS.search(chunk) or len(chunk) > 24 or "的" in chunk):
                break
            offset = chunk_start
            for part in re.split(r"(、|以及|和)", chunk):
                if part in ("、", "以及", "和"):
                    offset += len(part)
                    continue
                name = part.strip()
                lead = len(part) - len(part.lstrip())
                if name.startswith("以及"):
                    name, lead = name[2:], lead + 2
                s = offset + lead
                lead_in = _LIST_LEAD_IN.match(name)
                if lead_in:  # 现场查看了A、B: the first item starts after the verb
                    name, s = name[lead_in.end() :], s + lead_in.end()
                if 2 <= len(name) <= 24 and not lex.LIST_VERBS.search(name) and not is_generic(name):
                    items.append(NameMention(s, s + len(name), name, NodeKind.PROJECT))
                offset += len(part)
            # reach back over earlier comma-separated items only when the list says it goes on (以及 …)
            if (
                cut < 0
                or text[cut] != ","
                or not items
                or (first and not chunk.lstrip().startswith(("以及", "和", "及")))
            ):
                break
            first = False
            cursor = cut
        if items:
            out.append((sorted(items, key=lambda m: m.start), match.end()))
    return out
