"""Project pipeline (招商项目库): the projects of a place or chain, each at its stage, with who follows it up.

Definition. The projects local to scope S (a region or park; default the home city) — with
``chain``, only those in a segment of that chain — that existed on day D (``as_of``; without it,
every project), each with:

- its **status** on D: the furthest stage reached and known by D (线索 → 洽谈 → 签约 → 开工 → 在建 →
  投产, or 终止; :mod:`chainkg.schema.lifecycle`); without ``as_of`` the current, derived status;
- ``reached``: when that status was reached — its stated date, else the date it was first reported;
- its total investment known on D and its actual investment to date (到位资金: the ledger's periods
  ended and reported by D; none when the ledger has nothing for it);
- its **owner** (the chain office that HANDLES it), next action and the date that is due (as
  recorded now: follow-ups have no history);
- ``overdue``: its due date (read as its last day) is before ``today`` — default D, else the current
  date — and it is neither in production nor terminated.

``statuses`` keeps the projects at those stages, ``overdue_only`` the overdue ones. ``counts`` gives
the projects per status among all that match scope, chain and day (``unknown`` for a project no
source gives a status), ``overdue`` how many of them are overdue. Items are ordered overdue first
(earliest due date first), then by stage in pipeline order (unknown last), then id; the first
``limit`` are listed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, ScopeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.params import CHAIN, AsOf, Scope
from chainkg.queries.project_facts import (
    ProjectFacts,
    today,
)
from chainkg.queries.readers import CypherReader, NxReader, Reader
from chainkg.schema.kinds import NodeKind, ProjectStatus
from chainkg.schema.lifecycle import day_end

__all__ = ["QUERY", "UNKNOWN", "Item", "Params", "Result", "item", "run_cypher", "run_networkx"]

#: The ``counts`` key of projects without a known status.
UNKNOWN = "unknown"
_CLOSED = (ProjectStatus.IN_PRODUCTION.value, ProjectStatus.TERMINATED.value)
_ORDER = {s.value: s.order for s in ProjectStatus}


class Params(BaseModel):
    scope: Scope = None
    chain: Annotated[str | None, CHAIN] = Field(
        default=None,
        description="only projects of this chain: id or name / 仅此产业链的项目",
        examples=["chain:集成电路"],
    )
    statuses: list[ProjectStatus] | None = Field(default=None, description="only projects at these stages / 阶段")
    as_of: AsOf = None
    today: dt.date | None = Field(default=None, description="the day overdue is judged on; default as_of, else today")
    overdue_only: bool = Field(default=False, description="only projects whose follow-up is overdue / 仅逾期")
    limit: int = Field(default=200, ge=1, le=1000, description="projects listed / 列出的项目数")


class Item(BaseModel):
    project: NodeRef
    status: ProjectStatus | None
    reached: str | None = Field(description="when that status was reached (stated, else first reported)")
    total_investment_cny: int = Field(description="总投资 known on the day, 元 (other currencies: 0)")
    actual_investment_cny: int | None = Field(description="实际投资 to date, 元; none recorded: null")
    chains: list[NodeRef]
    places: list[NodeRef]
    owner: NodeRef | None = Field(description="the chain office following it up / 负责链办")
    next_action: str | None
    next_action_due: str | None
    overdue: bool


class Result(BaseModel):
    scope: ScopeRef
    chain: NodeRef | None
    as_of: dt.date | None
    today: dt.date
    total: int = Field(description="projects matching scope, chain, day and statuses")
    counts: dict[str, int] = Field(description="projects per status (unknown: no status known)")
    overdue: int
    items: list[Item]


def item(facts: ProjectFacts, as_of: str | None, day: str) -> Item:
    """One project's pipeline row on ``as_of``, overdue judged on ``day``."""
    status = facts.status(as_of)
    event = facts.status_event(ProjectStatus(status)) if status else None
    due = facts.props.get("next_action_due")
    overdue = bool(due) and day_end(str(due)) < day and status not in _CLOSED
    reached = (event.date or event.known_from) if event is not None else None
    return Item(
        project=facts.ref,
        status=ProjectStatus(status) if status else None,
        reached=reached,
        total_investment_cny=facts.cny(as_of),
        actual_investment_cny=facts.actual_to_date(as_of),
        chains=list(facts.chains),
        places=list(facts.places),
        owner=facts.owners[0] if facts.owners else None,
        next_action=facts.props.get("next_action"),
        next_action_due=str(due) if due else None,
        overdue=overdue,
    )


def _result(params: Params, scope: ScopeRef, chain: NodeRef | None, facts: dict[str, ProjectFacts]) -> Result:
    as_of = params.as_of.isoformat() if params.as_of else None
    day = (params.today or params.as_of or dt.date.fromisoformat(today())).isoformat()
    wanted = {s.value for s in params.statuses} if params.statuses else None
    rows = [item(f, as_of, day) for f in facts.values() if f.exists(as_of)]
    rows = [r for r in rows if wanted is None or (r.status is not None and r.status.value in wanted)]
    counts = Counter(r.status.value if r.status else UNKNOWN for r in rows)
    overdue = sum(r.overdue for r in rows)
    shown = [r for r in rows if r.overdue or not params.overdue_only]
    shown.sort(
        key=lambda r: (
            not r.overdue,
            day_end(r.next_action_due) if r.overdue and r.next_action_due else "",
            _ORDER.get(r.status.value, 99) if r.status else 99,
            r.project.id,
        )
    )
    ordered = {s.value: counts[s.value] for s in ProjectStatus if counts[s.value]}
    if counts[UNKNOWN]:
        ordered[UNKNOWN] = counts[UNKNOWN]
    return Result(
        scope=scope,
        chain=chain,
        as_of=params.as_of,
        today=dt.date.fromisoformat(day),
        total=len(rows),
        counts=ordered,
        overdue=overdue,
        items=shown[: params.limit],
    )


def run(read: Reader, params: Params) -> Result:
    """The pipeline from either store's :class:`~chainkg.queries.readers.Reader`."""
    scope, projects, _ = read.scope_members(params.scope)
    chain = None
    if params.chain:
        chain = read.require(params.chain, (NodeKind.CHAIN,), "chain")
        in_chain = set(read.chain_projects(params.chain))
        projects = [p for p in projects if p in in_chain]
    return _result(params, scope, chain, read.projects(projects))


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    return run(NxReader(graph), params)


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    return run(CypherReader(execute), params)


QUERY: Query[Params, Result] = Query(
    name="pipeline",
    summary="Project pipeline / 招商项目库",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="pipeline",
)
