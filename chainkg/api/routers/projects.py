"""Pipeline routes (招商项目全流程): the project pipeline, a project's history and policies, period reports."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Response

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, path_param, query_param, run
from chainkg.app.report_xlsx import report_xlsx, xlsx_name
from chainkg.queries import pipeline, project_history, report
from chainkg.queries.params import PROJECT
from chainkg.queries.policies import match
from chainkg.queries.refs import resolve
from chainkg.schema.kinds import ProjectStatus

__all__ = ["XLSX", "router"]

router = APIRouter(tags=["pipeline"], responses=QUERY_ERRORS)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/projects", operation_id="list_pipeline", summary="Project pipeline / 招商项目库")
def list_pipeline(
    store: StoreDep,
    scope: str | None = query_param(pipeline.QUERY, "scope"),
    chain: str | None = query_param(pipeline.QUERY, "chain"),
    status: list[ProjectStatus] | None = query_param(pipeline.QUERY, "statuses"),
    as_of: dt.date | None = query_param(pipeline.QUERY, "as_of"),
    overdue_only: bool = query_param(pipeline.QUERY, "overdue_only"),
    limit: int = query_param(pipeline.QUERY, "limit"),
) -> pipeline.Result:
    """The projects of a place (or chain) by stage (线索 … 投产, 终止), with owner office, next action,
    due date and overdue follow-ups; ``as_of`` gives the pipeline as it stood that day — see
    docs/queries.md, "Project pipeline"."""
    values = {
        "scope": scope,
        "chain": chain,
        "statuses": status or None,
        "as_of": as_of,
        "overdue_only": overdue_only,
        "limit": limit,
    }
    return run(store, pipeline.QUERY, values)


@router.get(
    "/projects/{project:path}/history", operation_id="get_project_history", summary="Project history / 项目全流程"
)
def get_project_history(
    store: StoreDep,
    project: str = path_param(project_history.QUERY, "project"),
    as_of: dt.date | None = query_param(project_history.QUERY, "as_of"),
) -> project_history.Result:
    """Every status the project reached, with dates and sources, and its investment by period; the
    current status is derived from them — see docs/queries.md, "Project history"."""
    return run(store, project_history.QUERY, {"project": project, "as_of": as_of})


@router.get(
    "/projects/{project:path}/policies",
    operation_id="get_project_policies",
    summary="Policies of a project / 可享受政策",
)
def get_project_policies(
    store: StoreDep,
    project: str = path_param(project_history.QUERY, "project"),
    actual_investment: int | None = query_param(match.QUERY, "actual_investment"),
    as_of: dt.date | None = query_param(match.QUERY, "as_of"),
) -> match.Result:
    """Every policy's verdict on the project (the policy match with this project as subject)."""
    subject = resolve(store, PROJECT, project, "project")  # a name that fits nothing is about `project`
    return run(store, match.QUERY, {"subject": subject, "actual_investment": actual_investment, "as_of": as_of})


def _report(store: StoreDep, target: str, period: str, largest: int) -> report.Result:
    return run(store, report.QUERY, {"target": target, "period": period, "largest": largest})


@router.get("/reports", operation_id="get_report", summary="Period report / 招商引资月报、季报")
def get_report(
    store: StoreDep,
    target: str = query_param(report.QUERY, "target"),
    period: str = query_param(report.QUERY, "period"),
    largest: int = query_param(report.QUERY, "largest"),
) -> report.Result:
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
def download_report(
    store: StoreDep,
    target: str = query_param(report.QUERY, "target"),
    period: str = query_param(report.QUERY, "period"),
    largest: int = query_param(report.QUERY, "largest"),
) -> Response:
    """The same report as an Excel workbook (概览, 分产业链, 重点项目, 项目动态; amounts in 万元)."""
    result = _report(store, target, period, largest)
    name = xlsx_name(result)
    return Response(
        report_xlsx(result),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename=report.xlsx; filename*=UTF-8''{quote(name)}"},
    )
