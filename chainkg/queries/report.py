"""Period report (招商引资月报/季报): what moved in a county, park or chain in one month, quarter or year.

Definition. For target T and period P (``2023-03``, ``2023-Q1`` or ``2023``):

- T's **projects**: for a region or park, the projects local to it; for a chain, the projects in a
  segment of the chain that are local to the home city;
- **flows**: a project counts under a status (新增线索 线索, 签约, 开工, 在建, 投产, 终止) when the date
  it reached that status — as stated, not when a source reported it — lies inside P. A date less
  precise than P (``2023`` for a quarter) is not inside it; such events are counted in
  ``imprecise``. ``leads``, ``signed``, ``started``, ``in_production`` and ``terminated`` list them;
- **investment**: the ledger's records whose period lies inside P (a month inside a quarter counts;
  a quarter record does not count in a month report and is counted in ``partial_records``):
  ``planned_cny`` and ``actual_cny`` (到位资金) summed, ``percent_of_plan`` = actual / planned × 100,
  rounded to one decimal (null without a plan);
- **largest**: the projects with a flow or an investment record in P, by total investment
  (descending), then id; the first ``largest``;
- **by_chain**: the same counts and sums per chain of T's projects (a project in two chains counts
  in both; ``chain`` null: in no chain), ordered by chain id, the unchained row last.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import networkx as nx
from pydantic import BaseModel, Field, field_validator

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.params import REPORT_TARGET
from chainkg.queries.project_facts import (
    ProjectFacts,
)
from chainkg.queries.readers import CypherReader, NxReader, Reader
from chainkg.schema.kinds import NodeKind, ProjectStatus
from chainkg.schema.lifecycle import Period, day_end, day_start

__all__ = [
    "PERIOD_PATTERN",
    "QUERY",
    "Flows",
    "Params",
    "PeriodRef",
    "ProjectLine",
    "Result",
    "Totals",
    "run_cypher",
    "run_networkx",
]

_TARGETS = (NodeKind.REGION, NodeKind.PARK, NodeKind.CHAIN)
#: What a period looks like: a year, a month of it or a quarter of it.
PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2]|[Qq][1-4]))?$"
_FLOWS = {
    ProjectStatus.LEAD: "leads",
    ProjectStatus.SIGNED: "signed",
    ProjectStatus.STARTED: "started",
    ProjectStatus.IN_PRODUCTION: "in_production",
    ProjectStatus.TERMINATED: "terminated",
}


class Params(BaseModel):
    target: Annotated[str, REPORT_TARGET] = Field(
        description="county, park or chain: id or name / 县市区、园区或产业链",
        examples=["region:天衢新区", "chain:集成电路"],
    )
    period: str = Field(
        pattern=PERIOD_PATTERN,
        description="month 2023-03, quarter 2023-Q1 or year 2023 / 报告期",
        examples=["2023-Q1"],
    )
    largest: int = Field(default=10, ge=1, le=100, description="largest projects listed / 列出的重点项目数")

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return Period.parse(value).label


class PeriodRef(BaseModel):
    label: str
    start: str
    end: str


class Totals(BaseModel):
    """Counts of projects per flow and the investment sums of one row of the report."""

    projects: int = Field(description="projects of the row")
    flows: dict[str, int] = Field(description="status → projects that reached it in the period")
    planned_cny: int
    actual_cny: int
    percent_of_plan: float | None


class ProjectLine(BaseModel):
    project: NodeRef
    total_investment_cny: int
    status: ProjectStatus | None
    planned_cny: int = Field(description="planned investment recorded for the period")
    actual_cny: int = Field(description="actual investment (到位资金) recorded for the period")


class Flows(BaseModel):
    leads: list[NodeRef]
    signed: list[NodeRef]
    started: list[NodeRef]
    in_production: list[NodeRef]
    terminated: list[NodeRef]

    def labelled(self) -> list[tuple[str, list[NodeRef]]]:
        """(Chinese label, projects) per flow, in pipeline order — what reports and pages show."""
        return [
            ("新增线索", self.leads),
            ("签约", self.signed),
            ("开工", self.started),
            ("投产", self.in_production),
            ("终止", self.terminated),
        ]


class ChainRow(BaseModel):
    chain: NodeRef | None
    totals: Totals


class Result(BaseModel):
    target: NodeRef
    period: PeriodRef
    totals: Totals
    flows: Flows
    imprecise: int = Field(description="status changes dated less precisely than the period")
    partial_records: int = Field(description="investment records whose period is longer than the report's")
    largest: list[ProjectLine]
    by_chain: list[ChainRow]


@dataclass
class _Row:
    projects: set[str]
    flows: dict[str, set[str]]
    planned: int = 0
    actual: int = 0

    def totals(self) -> Totals:
        percent = round(self.actual * 100 / self.planned, 1) if self.planned else None
        return Totals(
            projects=len(self.projects),
            flows={s.value: len(self.flows.get(s.value, ())) for s in ProjectStatus if s.value in self.flows},
            planned_cny=self.planned,
            actual_cny=self.actual,
            percent_of_plan=percent,
        )


def _new_row() -> _Row:
    return _Row(set(), {})


def _report(params: Params, target: NodeRef, facts: dict[str, ProjectFacts]) -> Result:
    period = Period.parse(params.period)
    total = _new_row()
    chains: dict[str | None, tuple[NodeRef | None, _Row]] = {}
    flows: dict[ProjectStatus, list[NodeRef]] = {s: [] for s in _FLOWS}
    imprecise = partial = 0
    lines: list[ProjectLine] = []
    for project in facts.values():
        reached: list[str] = []
        for event in project.status_events():
            if event.status is None or event.date is None:
                continue
            if period.contains(event.date):
                reached.append(event.status.value)
                if event.status in flows:
                    flows[event.status].append(project.ref)
            elif day_start(event.date) <= period.end and period.start <= day_end(event.date):
                imprecise += 1  # overlaps the period without lying inside it
        planned = actual = 0
        recorded = False
        for event in project.investment_events():
            inside = Period.parse(str(event.period))
            if period.start <= inside.start and inside.end <= period.end:
                planned += int(event.planned_investment or 0)
                actual += int(event.actual_investment or 0)
                recorded = True
            elif inside.overlaps(period):
                partial += 1
        keys: list[tuple[str | None, NodeRef | None]] = [(c.id, c) for c in project.chains] or [(None, None)]
        for row in [total, *(chains.setdefault(key, (ref, _new_row()))[1] for key, ref in keys)]:
            row.projects.add(project.ref.id)
            for status in reached:
                row.flows.setdefault(status, set()).add(project.ref.id)
            row.planned += planned
            row.actual += actual
        if reached or recorded:
            current = project.status()
            lines.append(
                ProjectLine(
                    project=project.ref,
                    total_investment_cny=project.cny(),
                    status=ProjectStatus(current) if current else None,
                    planned_cny=planned,
                    actual_cny=actual,
                )
            )
    lines.sort(key=lambda line: (-line.total_investment_cny, line.project.id))
    by_chain = [ChainRow(chain=ref, totals=row.totals()) for _, (ref, row) in sorted(chains.items(), key=_chain_key)]
    return Result(
        target=target,
        period=PeriodRef(label=period.label, start=period.start, end=period.end),
        totals=total.totals(),
        flows=Flows(**{name: flows[s] for s, name in _FLOWS.items()}),
        imprecise=imprecise,
        partial_records=partial,
        largest=lines[: params.largest],
        by_chain=by_chain,
    )


def _chain_key(item: tuple[str | None, tuple[NodeRef | None, _Row]]) -> tuple[bool, str]:
    return (item[0] is None, item[0] or "")


def run(read: Reader, params: Params) -> Result:
    """The report from either store's :class:`~chainkg.queries.readers.Reader`."""
    target = read.require(params.target, _TARGETS, "region, park or chain")
    if target.kind is NodeKind.CHAIN:
        _, local, _ = read.scope_members(None)
        in_chain = set(read.chain_projects(params.target))
        projects = [p for p in local if p in in_chain]
    else:
        _, projects, _ = read.scope_members(params.target)
    return _report(params, target, read.projects(projects))


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    return run(NxReader(graph), params)


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    return run(CypherReader(execute), params)


QUERY: Query[Params, Result] = Query(
    name="report",
    summary="Period report / 招商引资月报、季报",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="report",
)
