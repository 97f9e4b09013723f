"""The validated shape of every node and edge kind.

A loader fills one of these models per fact; validation errors name the field, which becomes the
``field`` column of the reject report. ``to_record`` is the only way facts reach a store.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from chainkg.schema.ids import credit_code_problem, edge_key, enterprise_id, event_id, node_id, source_id
from chainkg.schema.kinds import (
    Certainty,
    Currency,
    EdgeKind,
    EnterpriseKind,
    EventKind,
    Exchange,
    InvestRole,
    NodeKind,
    ParkLevel,
    ProjectStatus,
    RegionLevel,
    SegmentBasis,
    Stage,
)
from chainkg.schema.lifecycle import Period
from chainkg.schema.normalize import clean_display, normalize_name
from chainkg.schema.policy import PolicyLevel, Terms
from chainkg.schema.records import EdgeRecord, NodeRecord, PropValue, Provenance

__all__ = [
    "NODE_MODELS",
    "Chain",
    "ChainOffice",
    "Enterprise",
    "FeedsProps",
    "InSegmentProps",
    "InvestsInProps",
    "LeadsProps",
    "NodeModel",
    "Park",
    "PartialDate",
    "Policy",
    "Project",
    "ProjectEvent",
    "Region",
    "Segment",
    "Source",
    "SubsidiaryOfProps",
    "SuppliesProps",
    "check_partial_date",
    "make_edge",
]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _check_partial_date(value: str) -> str:
    """Sources often give only a year or a month (今年3月开工), so dates keep their precision."""
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"date {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if not 1900 <= int(year) <= 2100:
        raise ValueError(f"year {year} is out of range 1900–2100")
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"month {month} is out of range 01–12")
    if day:
        import datetime as _dt

        try:
            _dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"date {value!r} does not exist") from exc
    return value


PartialDate = Annotated[str, AfterValidator(_check_partial_date)]
#: The rule of :data:`PartialDate`, for a value checked outside a model.
check_partial_date = _check_partial_date
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(clean_display)]


class NodeModel(BaseModel):
    """Common to every node: a name people read and the aliases/简称 they also type."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
    kind: ClassVar[NodeKind]

    name: Name
    aliases: list[Name] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not normalize_name(value):
            raise ValueError("name is blank after normalisation")
        return value

    @model_validator(mode="after")
    def _dedupe_aliases(self) -> NodeModel:
        seen = {normalize_name(self.name)}
        kept: list[str] = []
        for alias in self.aliases:
            key = normalize_name(alias)
            if key and key not in seen:
                seen.add(key)
                kept.append(alias)
        object.__setattr__(self, "aliases", kept)
        return self

    @property
    def id(self) -> str:
        return node_id(self.kind, self.name)

    def keys(self) -> list[str]:
        """Every normalised spelling this node answers to (name first), for lookups and search."""
        out = [normalize_name(self.name)]
        out.extend(k for k in (normalize_name(a) for a in self.aliases) if k not in out)
        return out

    def props(self) -> dict[str, PropValue]:
        data: dict[str, Any] = self.model_dump(mode="json", exclude_none=True)
        data["keys"] = self.keys()
        return data

    def to_record(self, provenance: list[Provenance] | None = None) -> NodeRecord:
        return NodeRecord(self.kind, self.id, self.props(), list(provenance or []))


class Chain(NodeModel):
    kind: ClassVar[NodeKind] = NodeKind.CHAIN
    english: str | None = None
    cluster: str | None = None
    basis: str | None = None
    description: str | None = None


class Segment(NodeModel):
    kind: ClassVar[NodeKind] = NodeKind.SEGMENT
    stage: Stage
    english: str | None = None
    description: str | None = None


class Enterprise(NodeModel):
    kind: ClassVar[NodeKind] = NodeKind.ENTERPRISE
    enterprise_kind: EnterpriseKind = EnterpriseKind.OTHER
    credit_code: str | None = None
    home_region: str | None = None
    stock_code: str | None = None
    exchange: Exchange | None = Field(default=None, description="where stock_code is listed")
    listing_note: str | None = Field(
        default=None,
        max_length=500,
        description="what the code alone does not tell: a later listing or rename, another exchange, delisting",
    )
    registered_capital: int | None = Field(default=None, ge=0, description="注册资本, 元")
    established: PartialDate | None = None
    description: str | None = None

    @field_validator("credit_code")
    @classmethod
    def _valid_code(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        code = value.strip().upper()
        problem = credit_code_problem(code)
        if problem:
            raise ValueError(f"unified social credit code {value!r}: {problem}")
        return code

    @property
    def id(self) -> str:
        return enterprise_id(self.name, self.credit_code)


class Project(NodeModel):
    kind: ClassVar[NodeKind] = NodeKind.PROJECT
    total_investment: int | None = Field(default=None, ge=0, description="总投资, in the currency's base unit")
    currency: Currency = Currency.CNY
    status: ProjectStatus | None = None
    status_as_of: PartialDate | None = Field(default=None, description="date of the source stating the status")
    lead_date: PartialDate | None = None
    negotiation_date: PartialDate | None = None
    signed_date: PartialDate | None = None
    start_date: PartialDate | None = None
    construction_date: PartialDate | None = None
    production_date: PartialDate | None = None
    terminated_date: PartialDate | None = None
    termination_reason: str | None = Field(default=None, max_length=500, description="终止原因")
    planned_production_date: PartialDate | None = None
    capacity: str | None = Field(default=None, max_length=500)
    area: str | None = Field(default=None, max_length=200)
    description: str | None = None
    next_action: str | None = Field(default=None, max_length=500, description="下一步跟进事项 (a lead's follow-up)")
    next_action_due: PartialDate | None = Field(default=None, description="跟进截止日期")

    @model_validator(mode="after")
    def _dates_in_pipeline_order(self) -> Project:
        """Reached-status dates cannot run backwards (签约 before 开工 before 投产)."""
        previous: tuple[str, str] | None = None
        for status in ProjectStatus:
            value = getattr(self, status.date_field)
            if value is None:
                continue
            if previous and value < previous[1][: len(value)]:
                raise ValueError(f"{status.date_field} {value} is earlier than {previous[0]} {previous[1]}")
            previous = (status.date_field, value)
        return self


class Park(NodeModel):
    kind: ClassVar[NodeKind] = NodeKind.PARK
    level: ParkLevel = ParkLevel.UNRATED
    established: PartialDate | None = None
    planned_investment: int | None = Field(default=None, ge=0, description="规划/总投资, 元")
    area: str | None = Field(default=None, max_length=200)
    description: str | None = None


class Region(NodeModel):
    kind: ClassVar[NodeKind] = NodeKind.REGION
    level: RegionLevel
    home: bool | None = Field(
        default=None, description="the city this graph serves: the default scope of every query (本地)"
    )
    description: str | None = None


class ChainOffice(NodeModel):
    kind: ClassVar[NodeKind] = NodeKind.CHAIN_OFFICE


class Source(NodeModel):
    """An article, report or file that states facts. ``key`` is the stable handle facts cite."""

    kind: ClassVar[NodeKind] = NodeKind.SOURCE
    key: Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.:\-]+$")]
    publisher: str | None = None
    date: PartialDate | None = None
    url: str | None = None
    file: str | None = None
    authority: int = Field(default=1, ge=0, le=3, description="0 unknown, 1 media, 2 official media, 3 government")

    @property
    def id(self) -> str:
        return source_id(self.key)


class ProjectEvent(NodeModel):
    """One fact of a project's history: a status it reached (with its date, or the reason it ended),
    or its actual and planned investment in one period. Its sources are its CITES links; what was
    true and known when is derived from them (:mod:`chainkg.schema.lifecycle`)."""

    kind: ClassVar[NodeKind] = NodeKind.PROJECT_EVENT
    project: Annotated[str, Field(pattern=r"^proj:.+")]
    event: EventKind
    status: ProjectStatus | None = None
    period: str | None = Field(default=None, description="investment period: YYYY-MM, YYYY-Qn or YYYY")
    date: PartialDate | None = Field(default=None, description="when the status was reached, as stated")
    reason: str | None = Field(default=None, max_length=500, description="终止原因, or a note")
    actual_investment: int | None = Field(default=None, ge=0, description="到位资金 in the period, 元")
    planned_investment: int | None = Field(default=None, ge=0, description="planned investment of the period, 元")

    @model_validator(mode="after")
    def _shape(self) -> ProjectEvent:
        if self.event is EventKind.STATUS:
            if self.status is None:
                raise ValueError("a status event needs a status")
            stray = [f for f in ("period", "actual_investment", "planned_investment") if getattr(self, f) is not None]
            if stray:
                raise ValueError(f"a status event takes no {', '.join(stray)}")
        else:
            if self.period is None:
                raise ValueError("an investment event needs a period")
            object.__setattr__(self, "period", Period.parse(self.period).label)
            if self.actual_investment is None and self.planned_investment is None:
                raise ValueError("an investment event needs actual_investment or planned_investment")
            if self.status is not None or self.date is not None:
                raise ValueError("an investment event takes a period, not a status or date")
        return self

    @property
    def tag(self) -> str:
        return self.status.value if self.status is not None else str(self.period)

    @property
    def id(self) -> str:
        return event_id(self.project, self.tag)

    def keys(self) -> list[str]:
        """Events are found through their project, never by name (search leaves them out)."""
        return []


class Policy(NodeModel):
    """An incentive policy (惠企政策): its document and its terms (:mod:`chainkg.schema.policy`)."""

    kind: ClassVar[NodeKind] = NodeKind.POLICY
    issuer: str | None = Field(default=None, max_length=200, description="发文机关")
    document_number: str | None = Field(default=None, max_length=100, description="文号")
    level: PolicyLevel | None = None
    effective_from: PartialDate | None = Field(default=None, description="施行日期")
    effective_to: PartialDate | None = Field(default=None, description="有效期至")
    url: str | None = None
    summary: str | None = Field(default=None, max_length=2000, description="the terms in our words")
    terms: Terms = Field(default_factory=Terms)

    @model_validator(mode="after")
    def _dates(self) -> Policy:
        start, end = self.effective_from, self.effective_to
        if start and end and end < start[: len(end)]:
            raise ValueError(f"effective_to {self.effective_to} is earlier than effective_from {self.effective_from}")
        return self

    def props(self) -> dict[str, PropValue]:
        data = super().props()
        data["terms"] = self.terms.to_json()
        data["computable"] = self.terms.computable
        data["subject"] = self.terms.subject.value
        return data


NODE_MODELS: dict[NodeKind, type[NodeModel]] = {
    m.kind: m for m in (Chain, Segment, Enterprise, Project, Park, Region, ChainOffice, Source, Policy, ProjectEvent)
}


# --- edge properties -------------------------------------------------------------------------


class _EdgeProps(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubsidiaryOfProps(_EdgeProps):
    stake_pct: float | None = Field(default=None, gt=0, le=100, description="持股比例, %")


class InvestsInProps(_EdgeProps):
    role: InvestRole = InvestRole.INVESTOR
    amount: int | None = Field(default=None, ge=0, description="this party's share, base unit of currency")
    currency: Currency = Currency.CNY


class LeadsProps(_EdgeProps):
    scope: str | None = Field(default=None, description="id of the region or park where it leads the chain")


class SuppliesProps(_EdgeProps):
    product: str | None = Field(default=None, max_length=200, description="what is supplied")


class InSegmentProps(_EdgeProps):
    """An enterprise's place in a segment: how prominent (``rank`` in a curated list of the
    segment's leading enterprises, 1 = foremost), how sure (``certainty`` of the strongest claim) and
    how it was placed (``basis``). Each claim's own rank, evidence and source stay in its provenance."""

    rank: int | None = Field(default=None, ge=1, le=1000, description="rank among the segment's national leaders")
    certainty: Certainty | None = None
    basis: SegmentBasis | None = None


class FeedsProps(_EdgeProps):
    weight: float | None = Field(default=None, ge=0, description="strength of the supply relation, if known")


_EDGE_PROPS: dict[EdgeKind, type[_EdgeProps]] = {
    EdgeKind.SUBSIDIARY_OF: SubsidiaryOfProps,
    EdgeKind.INVESTS_IN: InvestsInProps,
    EdgeKind.LEADS: LeadsProps,
    EdgeKind.FEEDS: FeedsProps,
    EdgeKind.IN_SEGMENT: InSegmentProps,
    EdgeKind.SUPPLIES: SuppliesProps,
}


def make_edge(
    kind: EdgeKind,
    source: str,
    target: str,
    props: dict[str, Any] | None = None,
    provenance: list[Provenance] | None = None,
) -> EdgeRecord:
    """Validate an edge's properties and give it its stable key.

    An INVESTS_IN edge is keyed by role, so an enterprise can be investor and builder of one project.
    """
    model = _EDGE_PROPS.get(kind)
    if model is None:
        if props:
            raise ValueError(f"{kind.value} edges take no properties, got {sorted(props)}")
        clean: dict[str, PropValue] = {}
    else:
        clean = model.model_validate(props or {}).model_dump(mode="json", exclude_none=True)
    discriminator = str(clean.get("role", "")) if kind is EdgeKind.INVESTS_IN else ""
    return EdgeRecord(kind, source, target, edge_key(kind, discriminator), clean, list(provenance or []))
