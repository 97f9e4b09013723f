"""How a policy's terms are judged against a project or an enterprise — one definition for both stores.

A **verdict** on (policy P, subject S, day D — ``as_of``, default today) is:

- **eligible**: P is in force on D, P's terms are stated (it has benefits), every condition of P
  holds for S and every amount its benefits need is known. ``benefit_cny`` is then the sum of its
  benefits (:meth:`chainkg.schema.policy.Benefit.compute`), each also listed with its rule;
- **not_eligible**: some condition does not hold. Each is listed in ``unmet`` with the reason and,
  for an amount, how far S is from it (``shortfall_cny``: "实际投资还差 2,000万元");
- **undetermined**: nothing fails, but something cannot be decided — P's terms are not stated (not
  computable), or a fact the conditions need is not recorded (no actual investment, no jobs, no
  investor of a known kind). Each is listed in ``undetermined``.

Conditions P names that the graph cannot check (``other``) never decide a verdict; they are listed
under ``to_verify``. The facts a condition reads, for a project S: its chains and segments (through
IN_SEGMENT), the places it lies in (and every place above them), its investors' enterprise kinds,
its status on D, its actual investment to date (实际投资: the ledger's periods up to D, or the amount
the caller gives) and its total investment. For an enterprise S: its chains, segments, places and
kind; it has no status or investment of its own (such conditions are undetermined).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from chainkg.queries.common import NodeRef
from chainkg.schema.kinds import EnterpriseKind
from chainkg.schema.lifecycle import day_end, day_start
from chainkg.schema.money import format_cny
from chainkg.schema.policy import InvestmentBase, PolicySubject, Terms

__all__ = [
    "BenefitLine",
    "Outcome",
    "PolicyFacts",
    "PolicyRef",
    "Subject",
    "Unmet",
    "Verdict",
    "evaluate",
    "wan",
]

Outcome = Literal["eligible", "not_eligible", "undetermined"]


class PolicyRef(BaseModel):
    id: str = Field(description="policy id, e.g. policy:德州市招商引资激励办法")
    name: str


class Unmet(BaseModel):
    condition: str = Field(description="the condition's field: chains, min_actual_investment, …")
    reason: str = Field(description="why, in words / 原因")
    shortfall_cny: int | None = Field(default=None, description="for an amount: how far below the threshold, 元")


class BenefitLine(BaseModel):
    name: str | None
    rule: str = Field(description="the benefit's rule in words, e.g. 5% × 实际投资，最高5000万元")
    amount_cny: int | None


class Verdict(BaseModel):
    policy: PolicyRef
    subject: NodeRef = Field(description="the project or enterprise judged")
    eligible: bool
    outcome: Outcome
    computable: bool = Field(description="the policy's terms are stated")
    benefit_cny: int | None = Field(description="what the subject would receive, 元 (eligible only)")
    benefits: list[BenefitLine]
    unmet: list[Unmet] = Field(description="conditions that do not hold, with how far")
    undetermined: list[Unmet] = Field(description="what cannot be decided from the graph")
    to_verify: list[str] = Field(description="named conditions for a person to check")
    actual_investment_cny: int | None = Field(description="the actual investment judged (given or to date), 元")
    planned_investment_cny: int | None = Field(description="the total investment judged, 元")


@dataclass(frozen=True)
class PolicyFacts:
    ref: PolicyRef
    terms: Terms
    props: dict[str, object]
    sources: tuple[tuple[str, str, str | None], ...] = ()  # (id, title, date)

    def in_force(self, day: str) -> bool:
        start, end = self.props.get("effective_from"), self.props.get("effective_to")
        return (start is None or day_start(str(start)) <= day) and (end is None or day <= day_end(str(end)))


@dataclass
class Subject:
    """What the conditions read of a project or an enterprise (see the module docstring)."""

    ref: NodeRef
    kind: PolicySubject
    chains: set[str] = field(default_factory=set)
    segments: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    enterprise_kinds: set[str] = field(default_factory=set)
    status: str | None = None
    actual: int | None = None
    planned: int | None = None


def wan(amount: int) -> str:
    """An amount as offices write a difference: in 万元 with thousands separators (2,000万元)."""
    if amount % 10_000 == 0:
        return f"{amount // 10_000:,}万元"
    return f"{amount / 10_000:,.2f}".rstrip("0").rstrip(".") + "万元"


def evaluate(policy: PolicyFacts, subject: Subject, day: str, all_chains: int) -> Verdict:
    """The verdict of the module docstring; ``all_chains`` is how many chains the graph has."""
    terms, cond = policy.terms, policy.terms.conditions
    unmet: list[Unmet] = []
    open_: list[Unmet] = []
    if not policy.in_force(day):
        start, end = policy.props.get("effective_from"), policy.props.get("effective_to")
        unmet.append(Unmet(condition="in_force", reason=f"政策施行期为{start or '…'}至{end or '…'}，{day}不在其内"))
    if terms.subject is not subject.kind:
        open_.append(Unmet(condition="subject", reason=f"政策针对{terms.subject.zh}，此为{subject.kind.zh}"))
    label = cond.industry_label or ""
    if cond.chains == "all":
        if not subject.chains:
            where = f"本市{all_chains}条产业链" + (f"（{label}）" if label else "")
            unmet.append(Unmet(condition="chains", reason=f"不属于{where}的任何环节"))
    elif cond.chains and not subject.chains & set(cond.chains):
        names = "、".join(c.split(":", 1)[-1] for c in cond.chains)
        unmet.append(Unmet(condition="chains", reason=f"不属于{label or names}产业链"))
    if cond.segments and not subject.segments & set(cond.segments):
        names = "、".join(s.split(":", 1)[-1] for s in cond.segments)
        unmet.append(Unmet(condition="segments", reason=f"不属于环节{names}"))
    if cond.places and not subject.places & set(cond.places):
        names = "、".join(p.split(":", 1)[-1] for p in cond.places)
        unmet.append(Unmet(condition="places", reason=f"不在{names}"))
    if cond.enterprise_kinds:
        wanted = {k.value for k in cond.enterprise_kinds}
        names = "、".join(EnterpriseKind(k).zh for k in sorted(wanted))
        if not subject.enterprise_kinds:
            open_.append(Unmet(condition="enterprise_kinds", reason=f"未记录投资企业类型（需为{names}）"))
        elif not subject.enterprise_kinds & wanted:
            unmet.append(Unmet(condition="enterprise_kinds", reason=f"投资企业类型不是{names}"))
    if cond.statuses:
        wanted_status = [s.value for s in cond.statuses]
        if subject.kind is not PolicySubject.PROJECT or subject.status is None:
            open_.append(Unmet(condition="statuses", reason=f"项目阶段未知（需为{'、'.join(wanted_status)}）"))
        elif subject.status not in wanted_status:
            unmet.append(
                Unmet(condition="statuses", reason=f"项目处于{subject.status}阶段，需为{'、'.join(wanted_status)}")
            )
    for condition, threshold, value, what in (
        ("min_actual_investment", cond.min_actual_investment, subject.actual, "实际投资"),
        ("min_planned_investment", cond.min_planned_investment, subject.planned, "计划总投资"),
    ):
        if threshold is None:
            continue
        if value is None:
            missing = "未记录实际投资（到位资金）" if condition == "min_actual_investment" else "未记录计划总投资"
            open_.append(Unmet(condition=condition, reason=f"{missing}，无法判断是否达到{format_cny(threshold)}"))
        elif value < threshold:
            short = threshold - value
            unmet.append(
                Unmet(
                    condition=condition,
                    reason=f"{what}还差 {wan(short)}（要求{format_cny(threshold)}以上，现为{format_cny(value)}）",
                    shortfall_cny=short,
                )
            )
    if cond.min_employment is not None:
        open_.append(Unmet(condition="min_employment", reason=f"图谱未记录就业人数（要求{cond.min_employment}人以上）"))
    if not terms.computable:
        open_.append(Unmet(condition="terms", reason="来源未载明政策条款，无法计算"))

    bases = {InvestmentBase.ACTUAL: subject.actual, InvestmentBase.PLANNED: subject.planned}
    lines: list[BenefitLine] = []
    if not unmet:
        for benefit in terms.benefits:
            amount = benefit.compute(bases[benefit.base] if benefit.base else None)
            said = {u.condition for u in open_}
            if amount is None and benefit.base is not None and f"min_{benefit.base.value}" not in said:
                open_.append(Unmet(condition="benefits", reason=f"未记录{benefit.base.zh}，无法计算奖励金额"))
            lines.append(BenefitLine(name=benefit.name, rule=benefit.describe(), amount_cny=amount))
    outcome: Outcome = "not_eligible" if unmet else ("undetermined" if open_ else "eligible")
    total = sum(line.amount_cny or 0 for line in lines) if outcome == "eligible" else None
    return Verdict(
        policy=policy.ref,
        subject=subject.ref,
        eligible=outcome == "eligible",
        outcome=outcome,
        computable=terms.computable,
        benefit_cny=total,
        benefits=lines if outcome == "eligible" else [],
        unmet=unmet,
        undetermined=open_ if not unmet else [],
        to_verify=list(cond.other),
        actual_investment_cny=subject.actual,
        planned_investment_cny=subject.planned,
    )
