"""What :mod:`chainkg.loaders.news.extract` finds in one article, before it becomes candidates:
projects, enterprises, relations, places and aggregates, each with its evidence and confidence, and
the per-sentence working state (:class:`Unit`) the extractor's parts share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chainkg.loaders.news import lexicon as lex
from chainkg.loaders.news.enumerations import Enumeration
from chainkg.loaders.news.mentions import AmountMention, DateMention, NameMention, StatusMention
from chainkg.loaders.news.text import Article
from chainkg.schema.kinds import EnterpriseKind, NodeKind, ProjectStatus
from chainkg.schema.money import Money

__all__ = [
    "AggregateFact",
    "EnterpriseFact",
    "Extraction",
    "PlaceFact",
    "ProjectFact",
    "RelationFact",
    "Unit",
    "first_year",
    "headline_status",
    "units",
]

_UNIT_END = re.compile(r"(?<=[。!?;])")
_INNER_SPACE = re.compile(r"(?<=[\u3400-\u9fff\d]) +(?=[\u3400-\u9fff])")
_EVENT = re.compile(r"仪式|活动|大会|举行|举办|集中(?:签约|开工|投产|竣工)|现场签约")
_LIST_ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\d+[、.)]|\(\d+\)|[①-⑳])")


@dataclass
class EnterpriseFact:
    name: str
    forms: list[str]
    node_id: str | None
    kind: EnterpriseKind
    evidence: list[str]
    confidence: float
    legal: bool


@dataclass
class RelationFact:
    child: int  # index into Extraction.enterprises
    parent: int
    stake_pct: float | None
    phrase: str
    evidence: str
    confidence: float


@dataclass
class PlaceFact:
    name: str
    kind: NodeKind  # PARK or REGION
    node_id: str | None
    region: str | None  # for a park: the region it lies in (display name)
    region_id: str | None
    evidence: list[str]
    confidence: float


@dataclass
class ProjectFact:
    name: str
    aliases: list[str] = field(default_factory=list)
    node_id: str | None = None
    amount: Money | None = None
    amount_text: str | None = None
    status: ProjectStatus | None = None
    dates: dict[str, str] = field(default_factory=dict)
    investors: list[tuple[int, str]] = field(default_factory=list)  # (enterprise index, role)
    park: int | None = None  # index into Extraction.places
    region: int | None = None
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.5
    status_from: str = "none"  # "text" | "plan" | "headline" | "none"
    labelled_total: bool = False  # the amount was written as 总投资 (a later bare 投资 does not replace it)
    found_by: str = "name"  # "name" (…项目), "phase" (二期项目 of someone), "list" (A、B等N个项目)


@dataclass
class AggregateFact:
    count: int | None
    amount: Money | None
    amount_text: str | None
    measure: str
    status: ProjectStatus | None
    evidence: str
    confidence: float


@dataclass
class Extraction:
    projects: list[ProjectFact]
    enterprises: list[EnterpriseFact]
    relations: list[RelationFact]
    places: list[PlaceFact]
    aggregates: list[AggregateFact]


@dataclass
class Unit:
    """One sentence (or list item) and what it mentions, with what has been used of it so far."""

    text: str
    amounts: list[AmountMention]
    dates: list[DateMention]
    statuses: list[StatusMention]
    companies: list[NameMention]
    parks: list[NameMention]
    regions: list[NameMention]
    projects: list[NameMention] = field(default_factory=list)
    lists: list[Enumeration] = field(default_factory=list)
    used_amounts: set[int] = field(default_factory=set)
    company_ids: list[int] = field(default_factory=list)  # entity index per company mention
    place_ids: dict[tuple[int, int], int] = field(default_factory=dict)  # (start, end) of a place mention → index
    short_names: dict[int, str] = field(default_factory=dict)  # start of a project mention → its 简称


def units(article: Article) -> list[str]:
    units: list[str] = []
    for raw in article.paragraphs:
        paragraph = _INNER_SPACE.sub("", raw)
        if _LIST_ITEM.match(paragraph):
            units.append(paragraph)
            continue
        units.extend(part for part in (p.strip() for p in _UNIT_END.split(paragraph)) if part)
    return units


def first_year(article: Article) -> int | None:
    first = article.paragraphs[0] if article.paragraphs else ""
    match = re.search(r"((?:19|20)\d{2})年\d{1,2}月\d{1,2}日", first)
    return int(match.group(1)) if match else None


def headline_status(title: str, lede: str = "") -> ProjectStatus | None:
    """The event the article reports: its headline's (…签约仪式), else its first sentence's when that
    reports an event (10月29日,…举行下半年项目集中开工仪式); None when neither names one."""
    found = _event_status(title)
    if found is None and (event := _EVENT.search(lede)):
        found = _event_status(lede[: event.end() + 12])
    return found


def _event_status(title: str) -> ProjectStatus | None:
    for status, pattern in lex.STATUS_WORDS:
        if pattern.search(title) and status is not ProjectStatus.NEGOTIATING:
            return status
    return ProjectStatus.NEGOTIATING if re.search(r"洽谈", title) else None
