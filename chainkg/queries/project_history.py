"""Project history (项目全流程): every status a project reached, with dates and sources, and its investment by period.

Definition. For project P:

- ``changes``: one row per status P reached (线索 → 洽谈 → 签约 → 开工 → 在建 → 投产, or 终止 with its
  reason), in pipeline order, each with its stated ``date`` (the winner among its sources, see
  :mod:`chainkg.schema.conflicts`), ``known_from`` (when a source first stated it) and the sources
  with their evidence; ``on_day`` says whether it was true and known on ``as_of``;
- ``status`` and ``status_as_of``: the current status, derived from the changes (the furthest stage,
  or 终止), never written by hand; ``status_on``: the status on ``as_of``;
- ``investment``: one row per ledger period (ordered by period) with the planned and actual amounts
  (到位资金) and the actual investment accumulated up to it; ``actual_investment_cny``: the actual
  investment to date (on ``as_of``: periods ended and reported by then);
- its owner, next action and due date, as recorded now.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.params import PROJECT, AsOf
from chainkg.queries.project_facts import EventFacts, ProjectFacts
from chainkg.queries.readers import CypherReader, NxReader, Reader
from chainkg.schema.kinds import NodeKind, ProjectStatus

__all__ = ["QUERY", "Change", "Params", "PeriodRow", "Result", "SourceNote", "history", "run_cypher", "run_networkx"]


class Params(BaseModel):
    project: Annotated[str, PROJECT] = Field(
        description="project: id or name / 项目 id 或名称",
        examples=["proj:山东有研集成电路用大尺寸硅材料规模化生产项目"],
    )
    as_of: AsOf = None


class SourceNote(BaseModel):
    id: str
    title: str
    date: str | None
    evidence: str


class Change(BaseModel):
    status: ProjectStatus
    date: str | None = Field(description="the date reached, as stated")
    known_from: str | None = Field(description="when a source first stated it")
    reason: str | None = Field(description="for 终止: why")
    on_day: bool | None = Field(description="true and known on as_of (null without as_of)")
    sources: list[SourceNote]


class PeriodRow(BaseModel):
    period: str
    planned_cny: int | None
    actual_cny: int | None
    cumulative_actual_cny: int = Field(description="actual investment up to and including this period")
    reported: str | None = Field(description="when a source first reported it")
    sources: list[SourceNote]


class Result(BaseModel):
    project: NodeRef
    status: ProjectStatus | None = Field(description="current status, derived from the changes")
    status_as_of: str | None
    as_of: dt.date | None
    status_on: ProjectStatus | None = Field(description="the status on as_of")
    total_investment_cny: int
    actual_investment_cny: int | None
    owner: NodeRef | None
    next_action: str | None
    next_action_due: str | None
    changes: list[Change]
    investment: list[PeriodRow]


def _sources(event: EventFacts) -> list[SourceNote]:
    return [SourceNote(id=s.id, title=s.name, date=s.date, evidence=s.evidence) for s in event.sources]


def history(facts: ProjectFacts, as_of: str | None) -> Result:
    """The history of one project from its facts."""
    timeline = facts.props.get("status_timeline") or []
    on_day = {entry[22:] for entry in timeline if as_of and entry[:10] <= as_of and entry[11:21] <= as_of}
    changes = [
        Change(
            status=event.status,
            date=event.date,
            known_from=event.known_from,
            reason=event.reason,
            on_day=(event.status.value in on_day) if as_of else None,
            sources=_sources(event),
        )
        for event in facts.status_events()
        if event.status is not None
    ]
    rows: list[PeriodRow] = []
    running = 0
    for event in facts.investment_events():
        running += int(event.actual_investment or 0)
        rows.append(
            PeriodRow(
                period=str(event.period),
                planned_cny=event.planned_investment,
                actual_cny=event.actual_investment,
                cumulative_actual_cny=running,
                reported=event.reported,
                sources=_sources(event),
            )
        )
    status, on = facts.status(), facts.status(as_of) if as_of else None
    return Result(
        project=facts.ref,
        status=ProjectStatus(status) if status else None,
        status_as_of=facts.props.get("status_as_of"),
        as_of=dt.date.fromisoformat(as_of) if as_of else None,
        status_on=ProjectStatus(on) if on else None,
        total_investment_cny=facts.cny(as_of),
        actual_investment_cny=facts.actual_to_date(as_of),
        owner=facts.owners[0] if facts.owners else None,
        next_action=facts.props.get("next_action"),
        next_action_due=facts.props.get("next_action_due"),
        changes=changes,
        investment=rows,
    )


def run(read: Reader, params: Params) -> Result:
    """The history from either store's :class:`~chainkg.queries.readers.Reader`."""
    read.require(params.project, (NodeKind.PROJECT,), "project")
    facts = read.projects([params.project])[params.project]
    return history(facts, params.as_of.isoformat() if params.as_of else None)


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    return run(NxReader(graph), params)


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    return run(CypherReader(execute), params)


QUERY: Query[Params, Result] = Query(
    name="project_history",
    summary="Project history / 项目全流程",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="project",
)
