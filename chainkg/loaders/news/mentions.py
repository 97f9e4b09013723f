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
    "find_statuses",
    "scan_left",
    "subsequence",
]

_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z0-9·&.\-/×]")
_CLAUSE_BREAK = re.compile(r"[,;。!?]")
_AMOUNT = re.compile(
    r"(?P<cprefix>人民币|美元)?(?P<num>(?<![\d,])\d{1,3}(?:,\d{3})+(?=(?:\.\d+)?\s*(?:万|亿|元))(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<approx>余|多)?\s*(?P<unit>万亿|亿|千万|百万|十万|万)?\s*"
    r"(?P<cur>元人民币|人民币|元|美元|美金|欧元|日元|港元|港币)?"
)
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})年(?:(?P<m>\d{1,2})月(?:份)?(?:(?P<d>\d{1,2})日)?|(?P<yend>底|末))"
    r"|(?P<rel>今年|去年|明年|当年|同年)(?:(?P<rm>\d{1,2})月(?:份)?(?:(?P<rd>\d{1,2})日)?|(?P<rend>底|末))"
    r"|(?<![\d年])(?P<mm>\d{1,2})月(?:(?P<md>\d{1,2})日|份)"
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AmountMention(Mention):
    money: Money
    label: str  # "invest" | "aggregate" | "period" | "other" | "none" | "threshold"


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
        quoted = _quote_start(text, i - 1) if char in _CLOSE_QUOTES else None
        if quoted is not None:  # 中国电信“互联网+创新创业产业园”项目: a quoted part belongs to the name
            i = quoted
            continue
        if char == " " and text.startswith("(", i) and depth == 0 and i - 1 > 0 and _NAME_CHAR.match(text[i - 2]):
            i -= 1  # 市政基础设施建设 (PPP)项目: a space before a bracket inside the name
            continue
        latin_gap = i - 1 > 0 and re.match(r"[A-Za-z0-9]", text[i - 2]) and re.match(r"[A-Za-z]", text[i : i + 1])
        if char == " " and latin_gap:
            i -= 1  # 沐邦高科10GW TOPCON光伏电池生产基地: a space between two Latin words inside the name
            continue
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


_CLOSE_QUOTES = {"”": "“", "」": "「", "』": "『", '"': '"'}


def _quote_start(text: str, close: int) -> int | None:
    """Position of the quote opening the short quoted name that ``text[close]`` closes, or None when
    the quote closes something else (a quoted sentence, or an opening quote)."""
    opening = _CLOSE_QUOTES[text[close]]
    start = text.rfind(opening, max(0, close - 24), close)
    if start < 0 or close - start < 2:
        return None
    inner = text[start + 1 : close]
    if _CLAUSE_BREAK.search(inner) or "、" in inner or (opening == '"' and inner.count('"')):
        return None
    return start


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
        if not currency and (lex.MEASURE_AFTER_NUMBER.match(after) or label not in ("invest", "aggregate", "period")):
            continue  # 10万吨, or 亿 without 元 where nothing says it is money
        if lex.OTHER_CURRENCY.search(text[max(0, match.start() - 4) : match.start()]) or lex.OTHER_CURRENCY.match(
            text, match.end() - len(currency or "")
        ):
            continue  # 新台币1442亿元: a currency chainkg cannot hold is not read as 元
        rest = text[match.end() :]
        if after.startswith("以上") or (
            re.search(r"(过|超过|超)$", window) and re.match(r"(以上)?(的)?[^,。;]{0,8}项目", rest)
        ):
            label = "threshold"  # 过亿元项目, 5亿元以上项目: a size class, not an amount
        written = f"{match['num'].replace(',', '')}{unit or ''}{_currency_word(currency, match['cprefix'])}"
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
    if lex.PERIOD_INVEST_LABELS.search(near):
        return "period"  # 年度计划投资36亿元, 完成投资97亿元: a year's spending, not the project's total
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
