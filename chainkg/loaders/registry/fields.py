"""Reading one registry cell: capital, enterprise type, date, and which segment or region it names.

Each reader takes the cell's text as the export wrote it and answers the graph's value, or ``None``
(or :class:`chainkg.schema.money.MoneyError` for capital) when the text does not say one; the
loader reports those cells and reads the rest of the row.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from chainkg.loaders.pipeline import LoadContext
from chainkg.schema.kinds import EnterpriseKind, NodeKind, RegionLevel
from chainkg.schema.money import parse_amount
from chainkg.schema.normalize import normalize_name

__all__ = ["TRUE_WORDS", "match_region", "match_segment", "read_capital", "read_date", "read_kind", "region_matcher"]

_KIND_WORDS: list[tuple[tuple[str, ...], EnterpriseKind]] = [
    (("央企集团", "中央企业集团", "central_soe_group"), EnterpriseKind.CENTRAL_SOE_GROUP),
    (("地方国企", "地方国有", "省属国企", "市属国企", "县属国企", "local_soe"), EnterpriseKind.LOCAL_SOE),
    (("中外合资", "合资", "joint_venture"), EnterpriseKind.JOINT_VENTURE),
    (("外商独资", "外商投资", "外资", "台港澳", "foreign"), EnterpriseKind.FOREIGN),
    (("央企", "中央企业", "国有", "国企", "soe"), EnterpriseKind.SOE),
    (("民营", "私营", "民企", "自然人", "private"), EnterpriseKind.PRIVATE),
    (("上市", "股份有限公司(上市", "listed"), EnterpriseKind.LISTED),
    (("事业单位", "科研院所", "高校", "institution"), EnterpriseKind.INSTITUTION),
]
#: Cell values (normalised) of the 链主 column that mean "yes".
TRUE_WORDS = {"是", "y", "yes", "true", "1", "链主", "√", "✓"}
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"),
    re.compile(r"^(\d{4})年?$"),
]


def read_capital(text: str, unit: str) -> int:
    """Registered capital in 元; ``unit`` is the column header's unit (``注册资本(万元)``), if any."""
    cleaned = text.replace("人民币", "").strip()
    if unit and re.fullmatch(r"[\d.,]+", cleaned):
        cleaned += unit if unit.endswith("元") else unit + "元"
    return parse_amount(cleaned).amount


def read_kind(text: str) -> EnterpriseKind | None:
    """The enterprise type a 企业类型 cell names (the first matching word list wins), else None."""
    key = normalize_name(text)
    for words, found in _kind_keys():
        if any(w in key for w in words):
            return found
    return None


@functools.cache
def _kind_keys() -> tuple[tuple[tuple[str, ...], EnterpriseKind], ...]:
    """:data:`_KIND_WORDS` normalised once (it was normalised again for every row: a third of a load)."""
    return tuple((tuple(normalize_name(w) for w in words), found) for words, found in _KIND_WORDS)


def read_date(text: str) -> str | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` for a date cell in the common Chinese forms, else None."""
    value = normalize_name(text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            parts = [int(p) for p in match.groups()]
            try:
                if len(parts) == 3:
                    return dt.date(*parts).isoformat()
                if len(parts) == 2 and 1 <= parts[1] <= 12:
                    return f"{parts[0]:04d}-{parts[1]:02d}"
                if len(parts) == 1:
                    return f"{parts[0]:04d}"
            except ValueError:
                return None
    return None


def match_segment(ctx: LoadContext, text: str) -> str | None:
    """The segment named exactly (name or alias), else the longest segment name inside the text."""
    exact = ctx.resolver.resolve(NodeKind.SEGMENT, text)
    if exact:
        return exact
    key = normalize_name(text)
    contained = [(len(k), k, sid) for k, sid in ctx.resolver.keys(NodeKind.SEGMENT).items() if len(k) >= 2 and k in key]
    if not contained:
        return None
    contained.sort(reverse=True)
    return contained[0][2]


def region_matcher(ctx: LoadContext) -> list[tuple[str, str, int]]:
    """(key, region id, level rank) of every known region name and alias of two or more characters."""
    out = []
    for key, region_id in ctx.resolver.keys(NodeKind.REGION).items():
        if len(key) < 2:
            continue
        props = ctx.resolver.node_props(region_id) or {}
        try:
            rank = RegionLevel(props.get("level", "city")).rank
        except ValueError:
            rank = 0
        out.append((key, region_id, rank))
    return out


def match_region(regions: list[tuple[str, str, int]], address: str) -> str | None:
    """The most specific region named in an address; among equals, the one named first.

    Addresses run from large to small (省 → 市 → 区县 → 路), so the earliest most-specific name is
    the administrative unit and a street that shares a county's name (平原路) loses to it.
    """
    key = normalize_name(address)
    best: tuple[int, int, int, str] | None = None
    for name, region_id, rank in regions:
        position = key.find(name)
        if position < 0:
            continue
        candidate = (-rank, position, -len(name), region_id)
        if best is None or candidate < best:
            best = candidate
    return best[3] if best else None
