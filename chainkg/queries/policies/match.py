"""Policy match (惠企政策匹配): every policy's verdict on one project or enterprise.

Definition. For a subject S — a project or an enterprise — on day D (``as_of``; without it, the
graph as it stands and today's date for the dates in force), every policy P (or only ``policy``)
gives verdicts as :mod:`chainkg.queries.policies.rules` defines them:

- S a project: a policy for projects judges S; a policy for enterprises judges each of S's
  investors (with none recorded, one undetermined verdict on S);
- S an enterprise: a policy for enterprises judges S; a policy for projects judges each project S
  invests in or builds (with none, one undetermined verdict on S).

``actual_investment`` (元) replaces a project subject's recorded actual investment — "what would it
receive with 3亿元 actually invested". Verdicts are ordered eligible, undetermined, not eligible,
then by policy id and subject id; ``eligible`` counts the eligible ones (benefits of different
policies are not added up: whether they stack is for the policies to say).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.errors import InvalidQuery
from chainkg.queries.params import POLICY, PROJECT_OR_ENTERPRISE, AsOf
from chainkg.queries.policies import facts as pf
from chainkg.queries.policies.readers import CypherPolicyReader, NxPolicyReader, PolicyReader
from chainkg.queries.policies.rules import PolicyFacts, Verdict, evaluate
from chainkg.queries.project_facts import (
    EnterpriseFacts,
    ProjectFacts,
    today,
)
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import NodeKind
from chainkg.schema.policy import PolicySubject

__all__ = ["QUERY", "Params", "Result", "judge", "run_cypher", "run_networkx"]

_SUBJECTS = (NodeKind.PROJECT, NodeKind.ENTERPRISE)
_RANK = {"eligible": 0, "undetermined": 1, "not_eligible": 2}


class Params(BaseModel):
    subject: Annotated[str, PROJECT_OR_ENTERPRISE] = Field(
        description="project or enterprise: id or name / 项目或企业 id 或名称",
        examples=["proj:山东有研艾斯12英寸硅片项目"],
    )
    actual_investment: int | None = Field(
        default=None,
        ge=0,
        le=10**13,
        description="actual investment to judge with, 元 (replaces the ledger's) / 实际投资",
    )
    as_of: AsOf = None
    policy: Annotated[str | None, POLICY] = Field(
        default=None,
        description="only this policy: id or name / 仅此政策",
        examples=["policy:德州市招商引资激励办法"],
    )


class Result(BaseModel):
    subject: NodeRef
    as_of: dt.date | None
    day: dt.date = Field(description="the day the dates in force were checked against")
    verdicts: list[Verdict]
    eligible: int = Field(description="eligible verdicts")


@dataclass(frozen=True)
class _Facts:
    """Everything the verdicts read, from either store."""

    policies: list[PolicyFacts]
    projects: dict[str, ProjectFacts]
    enterprises: dict[str, EnterpriseFacts]
    chains: int


def judge(params: Params, subject: str, found: _Facts) -> Result:
    """The verdicts of the module docstring from facts already read."""
    as_of = params.as_of.isoformat() if params.as_of else None
    day = as_of or today()
    is_project = kind_of_id(subject) is NodeKind.PROJECT
    if params.actual_investment is not None and not is_project:
        raise InvalidQuery("actual_investment applies to a project; match one of the enterprise's projects instead")
    verdicts: list[Verdict] = []
    for policy in found.policies:
        wants = policy.terms.subject
        subjects = []
        if is_project:
            project = found.projects[subject]
            if wants is PolicySubject.PROJECT:
                subjects = [pf.project_subject(project, as_of, params.actual_investment)]
            else:
                subjects = [pf.enterprise_subject(found.enterprises[e.id]) for e, _ in project.investors] or [
                    pf.project_subject(project, as_of, params.actual_investment)
                ]
        else:
            enterprise = found.enterprises[subject]
            if wants is PolicySubject.ENTERPRISE:
                subjects = [pf.enterprise_subject(enterprise)]
            else:
                subjects = [
                    pf.project_subject(found.projects[p], as_of) for p in enterprise.projects if p in found.projects
                ] or [pf.enterprise_subject(enterprise)]
        verdicts += [evaluate(policy, s, day, found.chains) for s in subjects]
    verdicts.sort(key=lambda v: (_RANK[v.outcome], v.policy.id, v.subject.id))
    ref = found.projects[subject].ref if is_project else found.enterprises[subject].ref
    return Result(
        subject=ref,
        as_of=params.as_of,
        day=dt.date.fromisoformat(day),
        verdicts=verdicts,
        eligible=sum(v.eligible for v in verdicts),
    )


def run(read: PolicyReader, params: Params) -> Result:
    """The verdicts from either store's :class:`~chainkg.queries.policies.readers.PolicyReader`."""
    read.require(params.subject, _SUBJECTS, "project or enterprise")
    if params.policy:
        read.require_policy(params.policy)
    policies = read.policies([params.policy] if params.policy else None)
    projects = read.projects([params.subject])
    enterprises = read.enterprises([params.subject])
    enterprises.update(read.enterprises([e.id for p in projects.values() for e, _ in p.investors]))
    projects.update(read.projects([p for e in list(enterprises.values()) for p in e.projects]))
    found = _Facts(policies=policies, projects=projects, enterprises=enterprises, chains=read.chain_count())
    return judge(params, params.subject, found)


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    return run(NxPolicyReader(graph), params)


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    return run(CypherPolicyReader(execute), params)


QUERY: Query[Params, Result] = Query(
    name="policy_match",
    summary="Policy match / 惠企政策匹配",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="policy match",
)
