"""Pipeline routes (招商项目全流程): the project pipeline, a project's history and policies, period reports."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import MAX_REF, PLACES, QUERY_ERRORS, ScopeQuery, id_path, resolve
from chainkg.api.routers.common import resolve_optional as resolve_opt
from chainkg.api.routers.policies import AsOfQuery
from chainkg.app.report_xlsx import report_xlsx, xlsx_name
from chainkg.queries import pipeline, project_history, report
from chainkg.queries.policies import match
from chainkg.schema.kinds import NodeKind, ProjectStatus

__all__ = ["XLSX", "router"]

router = APIRouter(tags=["pipeline"], responses=QUERY_ERRORS)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PROJECT = (NodeKind.PROJECT,)
_TARGETS = (NodeKind.REGION, NodeKind.PARK, NodeKind.CHAIN)
ProjectPath = Annotated[
    str, id_path("project: id or name / 项目 id 或名称", "proj:山东有研集成电路用大尺寸硅材料规模化生产项目")
]
TargetQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=MAX_REF,
        description="county, park or chain: id or name / 县市区、园区或产业链",
        examples=["region:天衢新区"],
    ),
]
PeriodQuery = Annotated[
    str,
    Query(
        min_length=4,
        max_length=7,
        pattern=report.QUERY.limits("period").pattern,
        description=report.QUERY.description("period"),
        examples=["2023-Q1"],
    ),
]
LargestQuery = Annotated[
    int,
    Query(
        ge=report.QUERY.limits("largest").ge,
        le=report.QUERY.limits("largest").le,
        description=report.QUERY.description("largest"),
    ),
]


@router.get("/projects", operation_id="list_pipeline", summary="Project pipeline / 招商项目库")
def list_pipeline(
    store: StoreDep,
    scope: ScopeQuery = None,
    chain: Annotated[
        str | None, Query(min_length=1, max_length=MAX_REF, description=pipeline.QUERY.description("chain"))
    ] = None,
    status: Annotated[list[ProjectStatus] | None, Query(description=pipeline.QUERY.description("statuses"))] = None,
    as_of: AsOfQuery = None,
    overdue_only: Annotated[bool, Query(description=pipeline.QUERY.description("overdue_only"))] = False,
    limit: Annotated[
        int,
        Query(
            ge=pipeline.QUERY.limits("limit").ge,
            le=pipeline.QUERY.limits("limit").le,
            description=pipeline.QUERY.description("limit"),
        ),
    ] = pipeline.QUERY.default("limit"),
) -> pipeline.Result:
    """The projects of a place (or chain) by stage (线索 … 投产, 终止), with owner office, next action,
    due date and overdue follow-ups; ``as_of`` gives the pipeline as it stood that day — see
    docs/queries.md, "Project pipeline"."""
    params = pipeline.Params(
        scope=resolve_opt(store, scope, PLACES, "region or park", "scope"),
        chain=resolve_opt(store, chain, (NodeKind.CHAIN,), "chain", "chain"),
        statuses=status or None,
        as_of=as_of,
        overdue_only=overdue_only,
        limit=limit,
    )
    return store.run(pipeline.QUERY, params)


@router.get(
    "/projects/{project:path}/history", operation_id="get_project_history", summary="Project history / 项目全流程"
)
def get_project_history(store: StoreDep, project: ProjectPath, as_of: AsOfQuery = None) -> project_history.Result:
    """Every status the project reached, with dates and sources, and its investment by period; the
    current status is derived from them — see docs/queries.md, "Project history"."""
    params = project_history.Params(project=resolve(store, project, _PROJECT, "project", "project"), as_of=as_of)
    return store.run(project_history.QUERY, params)


@router.get(
    "/projects/{project:path}/policies",
    operation_id="get_project_policies",
    summary="Policies of a project / 可享受政策",
)
def get_project_policies(
    store: StoreDep,
    project: ProjectPath,
    actual_investment: Annotated[
        int | None,
        Query(
            ge=match.QUERY.limits("actual_investment").ge,
            le=match.QUERY.limits("actual_investment").le,
            description=match.QUERY.description("actual_investment"),
        ),
    ] = None,
    as_of: AsOfQuery = None,
) -> match.Result:
    """Every policy's verdict on the project (the policy match with this project as subject)."""
    params = match.Params(
        subject=resolve(store, project, _PROJECT, "project", "project"),
        actual_investment=actual_investment,
        as_of=as_of,
    )
    return store.run(match.QUERY, params)


def _report(store: StoreDep, target: str, period: str, largest: int) -> report.Result:
    params = report.Params(
        target=resolve(store, target, _TARGETS, "county, park or chain", "target"), period=period, largest=largest
    )
    return store.run(report.QUERY, params)


@router.get("/reports", operation_id="get_report", summary="Period report / 招商引资月报、季报")
def get_report(store: StoreDep, target: TargetQuery, period: PeriodQuery, largest: LargestQuery = 10) -> report.Result:
    """New leads, signed, started and in production in the period, planned vs actual investment and %
    of plan, the largest projects, by chain — see docs/queries.md, "Period report"."""
    return _report(store, target, period, largest)


@router.get(
    "/reports.xlsx",
    operation_id="download_report",
    summary="Period report as Excel / 报告下载（Excel）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "the report as an .xlsx workbook"}},
)
def download_report(store: StoreDep, target: TargetQuery, period: PeriodQuery, largest: LargestQuery = 10) -> Response:
    """The same report as an Excel workbook (概览, 分产业链, 重点项目, 项目动态; amounts in 万元)."""
    result = _report(store, target, period, largest)
    name = xlsx_name(result)
    return Response(
        report_xlsx(result),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename=report.xlsx; filename*=UTF-8''{quote(name)}"},
    )
