"""Policy eligibility (政策兑现测算): everything in a scope that qualifies for one policy, and what it would cost.

Definition. For policy P, scope S (a region or park; default the home city) and day D (``as_of``;
without it, the graph as it stands and today for the dates in force), the candidates are the
projects local to S (that existed on D) when P is for projects, or the enterprises local to S when
P is for enterprises. Each gets a verdict (:mod:`chainkg.queries.policies.rules`):

- ``eligible``: the qualifying subjects with their benefit, county and cost by year, ordered by
  benefit (descending), then id;
- ``undetermined``: subjects nothing rules out but something is missing for (first ``limit``, by
  id), with what is missing; ``not_eligible``: how many are ruled out;
- ``total_cny``: the sum of the eligible benefits; ``by_county``: that sum and count per county
  (the first district, county, county-level city or functional zone a subject lies in; none: the
  row without a county), ordered by amount, then county id;
- ``by_year``: when the cost falls due. A benefit computed from actual investment accrues with it:
  the cost of year Y is the benefit on the actual investment of every period ended by the end of Y
  minus that of the year before (so a threshold is paid in the year it is crossed and a cap stops
  the payments). Any other benefit falls in D's year. Years ascending; the years add up to the total.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, ScopeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.params import POLICY, AsOf, Scope
from chainkg.queries.policies import facts as pf
from chainkg.queries.policies.readers import CypherPolicyReader, NxPolicyReader, PolicyReader
from chainkg.queries.policies.rules import PolicyFacts, PolicyRef, Subject, Unmet, Verdict, evaluate
from chainkg.queries.project_facts import (
    EnterpriseFacts,
    ProjectFacts,
    today,
)
from chainkg.schema.lifecycle import Period
from chainkg.schema.policy import InvestmentBase, PolicySubject

__all__ = ["QUERY", "CountyTotal", "Params", "Qualifier", "Result", "YearTotal", "run_cypher", "run_networkx"]


class Params(BaseModel):
    policy: Annotated[str, POLICY] = Field(
        description="policy: id or name / 政策 id 或名称", examples=["policy:德州市招商引资激励办法"]
    )
    scope: Scope = None
    as_of: AsOf = None
    limit: int = Field(default=200, ge=1, le=1000, description="subjects listed per list / 每类列出的数量")


class YearTotal(BaseModel):
    year: int
    benefit_cny: int


class Qualifier(BaseModel):
    subject: NodeRef
    benefit_cny: int
    county: NodeRef | None
    by_year: list[YearTotal]
    actual_investment_cny: int | None


class Pending(BaseModel):
    subject: NodeRef
    missing: list[Unmet]


class CountyTotal(BaseModel):
    county: NodeRef | None = Field(description="none: subjects lying in no county-level region")
    count: int
    benefit_cny: int


class Result(BaseModel):
    policy: PolicyRef
    computable: bool
    scope: ScopeRef
    as_of: dt.date | None
    eligible: list[Qualifier]
    undetermined: list[Pending]
    undetermined_total: int
    not_eligible: int
    total_cny: int
    by_county: list[CountyTotal]
    by_year: list[YearTotal]


def _by_year(
    policy: PolicyFacts, project: ProjectFacts, verdict: Verdict, as_of: str | None, day: str, chains: int
) -> list[YearTotal]:
    amount = verdict.benefit_cny or 0
    accrues = any(b.base is InvestmentBase.ACTUAL for b in policy.terms.benefits)
    periods = [Period.parse(str(e.period)) for e in project.investment_events() if e.actual_investment is not None]
    years = sorted({p.year for p in periods if as_of is None or p.end <= as_of})
    if not accrues or not years:
        return [YearTotal(year=int(day[:4]), benefit_cny=amount)] if amount else []
    out, before = [], 0
    for year in years:
        end = f"{year:04d}-12-31"
        subject = pf.project_subject(project, as_of, project.actual_to_date(min(end, as_of or end), reported=False))
        reached = evaluate(policy, subject, day, chains).benefit_cny or 0
        if reached != before:
            out.append(YearTotal(year=year, benefit_cny=reached - before))
        before = reached
    if before != amount:  # the whole benefit is owed by D, whatever the periods say
        out.append(YearTotal(year=int(day[:4]), benefit_cny=amount - before))
    return out


def _result(
    params: Params,
    policy: PolicyFacts,
    scope: ScopeRef,
    projects: dict[str, ProjectFacts],
    enterprises: dict[str, EnterpriseFacts],
    chains: int,
) -> Result:
    as_of = params.as_of.isoformat() if params.as_of else None
    day = as_of or today()
    judged: list[tuple[Subject, Verdict, NodeRef | None, ProjectFacts | None]] = []
    if policy.terms.subject is PolicySubject.PROJECT:
        for project in projects.values():
            if project.exists(as_of):
                subject = pf.project_subject(project, as_of)
                judged.append((subject, evaluate(policy, subject, day, chains), project.county, project))
    else:
        for enterprise in enterprises.values():
            subject = pf.enterprise_subject(enterprise)
            county = enterprise.counties[0] if enterprise.counties else None
            judged.append((subject, evaluate(policy, subject, day, chains), county, None))
    eligible: list[Qualifier] = []
    pending: list[Pending] = []
    ruled_out = 0
    for _, verdict, county, subject_project in judged:
        if verdict.eligible:
            by_year = (
                _by_year(policy, subject_project, verdict, as_of, day, chains)
                if subject_project is not None
                else [YearTotal(year=int(day[:4]), benefit_cny=verdict.benefit_cny or 0)]
            )
            eligible.append(
                Qualifier(
                    subject=verdict.subject,
                    benefit_cny=verdict.benefit_cny or 0,
                    county=county,
                    by_year=by_year,
                    actual_investment_cny=verdict.actual_investment_cny,
                )
            )
        elif verdict.outcome == "undetermined":
            pending.append(Pending(subject=verdict.subject, missing=verdict.undetermined))
        else:
            ruled_out += 1
    eligible.sort(key=lambda q: (-q.benefit_cny, q.subject.id))
    counties: dict[str | None, CountyTotal] = {}
    years: dict[int, int] = {}
    for q in eligible:
        key = q.county.id if q.county else None
        row = counties.setdefault(key, CountyTotal(county=q.county, count=0, benefit_cny=0))
        row.count += 1
        row.benefit_cny += q.benefit_cny
        for y in q.by_year:
            years[y.year] = years.get(y.year, 0) + y.benefit_cny
    return Result(
        policy=policy.ref,
        computable=policy.terms.computable,
        scope=scope,
        as_of=params.as_of,
        eligible=eligible[: params.limit],
        undetermined=pending[: params.limit],
        undetermined_total=len(pending),
        not_eligible=ruled_out,
        total_cny=sum(q.benefit_cny for q in eligible),
        by_county=sorted(counties.values(), key=lambda c: (-c.benefit_cny, c.county.id if c.county else "~")),
        by_year=[YearTotal(year=y, benefit_cny=v) for y, v in sorted(years.items())],
    )


def run(read: PolicyReader, params: Params) -> Result:
    """The eligibility from either store's :class:`~chainkg.queries.policies.readers.PolicyReader`."""
    policy = read.require_policy(params.policy)
    scope, projects, enterprises = read.scope_members(params.scope)
    wants_projects = policy.terms.subject is PolicySubject.PROJECT
    return _result(
        params,
        policy,
        scope,
        read.projects(projects) if wants_projects else {},
        {} if wants_projects else read.enterprises(enterprises),
        read.chain_count(),
    )


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    return run(NxPolicyReader(graph), params)


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    return run(CypherPolicyReader(execute), params)


QUERY: Query[Params, Result] = Query(
    name="policy_eligible",
    summary="Policy eligibility / 政策兑现测算",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="policy eligible",
)
