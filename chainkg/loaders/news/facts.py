"""What :mod:`chainkg.loaders.news.extract` finds in one article, before it becomes candidates:
projects, enterprises, relations, places and aggregates, each with its evidence and confidence, and
the per-sentence working state (:class:`Unit`) the extractor's parts share."""

from __future__ import annotations

from dataclasses import dataclass, field

from chainkg.loaders.news.enumerations import Enumeration
from chainkg.loaders.news.mentions import AmountMention, DateMention, NameMention, StatusMention
from chainkg.schema.kinds import EnterpriseKind, NodeKind, ProjectStatus
from chainkg.schema.money import Money

__all__ = ["AggregateFact", "EnterpriseFact", "Extraction", "PlaceFact", "ProjectFact", "RelationFact", "Unit"]


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
class _Unit:
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
