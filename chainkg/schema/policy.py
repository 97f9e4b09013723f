"""Incentive policies (惠企政策) as declarative terms: who qualifies, and what they receive.

A policy file (``data/policies/``, fields in ``data/policies/README.md``) states a policy's
**conditions** and **benefits** as data — no code. :class:`Terms` is their validated shape; the
loader stores it on the Policy node as canonical JSON (``terms``), with chain, segment and place
names replaced by the ids they resolve to.

Conditions (all must hold; a condition left out does not restrict):

- ``chains``: the subject lies in a segment of one of these chains; ``all`` means any chain of the
  graph (the city's key chains); ``industry_label`` keeps the policy's own wording of it.
  ``segments``: in one of these segments.
- ``places``: the subject is located in one of these regions or parks (or a place inside one).
- ``enterprise_kinds``: the enterprise — or, for a project, one of its investors — is of one of
  these kinds (central_soe_group, private, foreign …).
- ``statuses``: the project is at one of these stages.
- ``min_actual_investment``: actual investment to date (实际投资, 到位资金 accumulated) ≥ this;
  ``min_planned_investment``: the project's total investment ≥ this.
- ``min_employment``: at least this many jobs (the graph records none yet: such a condition stays
  undetermined until a fact is supplied).
- ``other``: named conditions the graph cannot check (a verdict lists them under "to verify").

Benefits (a policy may grant several; the verdict adds them up):

- ``share``: ``rate`` × ``base`` (actual or planned investment), at most ``cap``;
- ``fixed``: ``amount``;
- ``tiers``: the tier whose [``from``, ``below``) range holds the base gives either ``rate`` × base
  or a fixed ``amount``; ``cap`` applies to the result.

Amounts are whole 元 (written 1亿元, 5000万元 …); a share is rounded down to the 元. A policy with
no benefits is **not computable**: its terms are not stated in any source we hold.
"""

from __future__ import annotations

import itertools
import json
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from chainkg.schema.kinds import Currency, EnterpriseKind, ProjectStatus
from chainkg.schema.money import MoneyError, format_cny, parse_amount

__all__ = [
    "Amount",
    "Benefit",
    "BenefitKind",
    "Conditions",
    "InvestmentBase",
    "PolicyLevel",
    "PolicySubject",
    "Rate",
    "Terms",
    "Tier",
]


class PolicySubject(StrEnum):
    PROJECT = "project"
    ENTERPRISE = "enterprise"

    @property
    def zh(self) -> str:
        return {"project": "项目", "enterprise": "企业"}[self.value]


class PolicyLevel(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    COUNTY = "county"
    PARK = "park"


class InvestmentBase(StrEnum):
    ACTUAL = "actual_investment"  # 实际投资 / 到位资金, accumulated to date
    PLANNED = "planned_investment"  # the project's total investment

    @property
    def zh(self) -> str:
        return {"actual_investment": "实际投资", "planned_investment": "计划总投资"}[self.value]


class BenefitKind(StrEnum):
    SHARE = "share"
    FIXED = "fixed"
    TIERS = "tiers"


def _cny(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | str):
        try:
            money = parse_amount(value)
        except MoneyError as exc:
            raise ValueError(str(exc)) from exc
        if money.currency is not Currency.CNY:
            raise ValueError(f"amount {value!r} must be in 元 (CNY)")
        return money.amount
    return value


def _rate(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a rate is a share like 5% or 0.05")
    try:
        if isinstance(value, str):
            text = value.strip()
            rate = Decimal(text[:-1]) / 100 if text.endswith(("%", "％")) else Decimal(text)
        elif isinstance(value, int | float):
            rate = Decimal(str(value))
        else:
            return value
    except InvalidOperation as exc:
        raise ValueError(f"cannot read rate {value!r}; write it like 5% or 0.05") from exc
    if not Decimal(0) < rate <= Decimal(1):
        raise ValueError(f"rate {value!r} must be more than 0 and at most 100%")
    return rate


#: An amount in whole 元; text such as 1亿元 or 5000万元 is read as people write it.
Amount = Annotated[int, BeforeValidator(_cny), Field(ge=0)]
#: A share of a base: 5% or 0.05.
Rate = Annotated[Decimal, BeforeValidator(_rate)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Conditions(_Strict):
    chains: list[str] | Literal["all"] | None = Field(
        default=None, description="chain names (ids once loaded), or all: any chain of the graph"
    )
    industry_label: str | None = Field(
        default=None, max_length=200, description="how the policy words the industry condition (省十强产业、市优势产业)"
    )
    segments: list[str] | None = None
    places: list[str] | None = None
    enterprise_kinds: list[EnterpriseKind] | None = None
    statuses: list[ProjectStatus] | None = None
    min_actual_investment: Amount | None = Field(default=None, description="实际投资（到位资金）累计下限, 元")
    min_planned_investment: Amount | None = Field(default=None, description="计划总投资下限, 元")
    min_employment: int | None = Field(default=None, ge=1, description="jobs at least")
    other: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, description="named conditions the graph cannot check"
    )


class Tier(_Strict):
    start: Amount = Field(alias="from", description="the base is at least this")
    below: Amount | None = Field(default=None, description="and less than this (none: no upper end)")
    rate: Rate | None = None
    amount: Amount | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Tier:
        if (self.rate is None) == (self.amount is None):
            raise ValueError("a tier gives either a rate or an amount")
        if self.below is not None and self.below <= self.start:
            raise ValueError(f"tier from {self.start} must end above it (below {self.below})")
        return self


class Benefit(_Strict):
    kind: BenefitKind
    name: str | None = Field(default=None, max_length=100, description="what the benefit is called")
    base: InvestmentBase | None = None
    rate: Rate | None = None
    cap: Amount | None = None
    amount: Amount | None = None
    tiers: list[Tier] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Benefit:
        needs = {
            BenefitKind.SHARE: ("base", "rate"),
            BenefitKind.FIXED: ("amount",),
            BenefitKind.TIERS: ("base", "tiers"),
        }[self.kind]
        missing = [name for name in needs if getattr(self, name) in (None, [])]
        if missing:
            raise ValueError(f"a {self.kind.value} benefit needs {', '.join(missing)}")
        extra = {
            BenefitKind.SHARE: ("amount", "tiers"),
            BenefitKind.FIXED: ("base", "rate", "tiers", "cap"),
            BenefitKind.TIERS: ("rate", "amount"),
        }[self.kind]
        stray = [name for name in extra if getattr(self, name) is not None]
        if stray:
            raise ValueError(f"a {self.kind.value} benefit takes no {', '.join(stray)}")
        if self.tiers:
            ordered = sorted(self.tiers, key=lambda t: t.start)
            for low, high in itertools.pairwise(ordered):
                if low.below is None or low.below > high.start:
                    raise ValueError(f"tiers from {low.start} and from {high.start} overlap")
        return self

    def compute(self, base: int | None) -> int | None:
        """The benefit in 元 for a base value (None: the base is not known, so neither is the benefit)."""
        if self.kind is BenefitKind.FIXED:
            return self.amount
        if base is None:
            return None
        value: int
        if self.kind is BenefitKind.SHARE:
            assert self.rate is not None
            value = _share(base, self.rate)
        else:
            tier = next((t for t in self.tiers or () if t.start <= base and (t.below is None or base < t.below)), None)
            if tier is None:
                return 0
            value = tier.amount if tier.amount is not None else _share(base, tier.rate or Decimal(0))
        return min(value, self.cap) if self.cap is not None else value

    def describe(self) -> str:
        """The rule in words, as a verdict shows it (5% × 实际投资，最高5000万元)."""
        if self.kind is BenefitKind.FIXED:
            return f"定额{format_cny(self.amount)}"
        base = self.base.zh if self.base else ""
        cap = f"，最高{format_cny(self.cap)}" if self.cap is not None else ""
        if self.kind is BenefitKind.SHARE:
            return f"{_percent(self.rate)} × {base}{cap}"
        parts = []
        for t in self.tiers or ():
            span = f"{format_cny(t.start)}起" + (f"至{format_cny(t.below)}" if t.below is not None else "")
            parts.append(f"{span}：" + (f"{_percent(t.rate)}" if t.rate is not None else format_cny(t.amount)))
        return f"按{base}分档（" + "；".join(parts) + f"）{cap}"


def _share(base: int, rate: Decimal) -> int:
    return int((Decimal(base) * rate).to_integral_value(rounding=ROUND_FLOOR))


def _percent(rate: Decimal | None) -> str:
    if rate is None:
        return ""
    return f"{(rate * 100).normalize():f}%"


class Terms(_Strict):
    subject: PolicySubject = PolicySubject.PROJECT
    conditions: Conditions = Field(default_factory=Conditions)
    benefits: list[Benefit] = Field(default_factory=list)

    @property
    def computable(self) -> bool:
        return bool(self.benefits)

    def to_json(self) -> str:
        """Canonical text (sorted keys, rates as decimal text), stored on the Policy node."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Terms:
        return cls.model_validate(json.loads(text))
