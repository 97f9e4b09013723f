"""招商项目全流程 on the workbench: the pipeline page (``/pipeline``), the period report (``/report``,
``/report.xlsx``) and, on every project page, its history and the policies it can claim (可享受政策).

All of it runs :mod:`chainkg.queries.pipeline`, :mod:`chainkg.queries.report`,
:mod:`chainkg.queries.project_history` and :mod:`chainkg.queries.policies.match`; nothing is computed
here beyond laying the answers out.

URL parameters: ``/pipeline`` takes ``chain``, ``status`` (repeatable), ``as_of`` (YYYY-MM-DD) and
``overdue`` (1); ``/report`` takes ``target`` (a county, park or chain; default the page's scope) and
``period`` (``2023-03``, ``2023-Q1`` or ``2023``; default the current quarter); a project page takes
``actual_wan`` (an actual investment in 万元 to judge the policies with). All keep the scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from chainkg.app.report_xlsx import FLOW_LABELS, report_xlsx, xlsx_name
from chainkg.queries import pipeline, project_history, report
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.policies import match
from chainkg.schema.kinds import NodeKind, ProjectStatus
from chainkg.web import sections
from chainkg.web.deps import PageContext, PageDep, PageError
from chainkg.web.render import STATUS_CSS, cny, page, wan
from chainkg.web.tables import Cell, Column, Table
from chainkg.web.widgets import ref_cell, refs_cell

__all__ = ["router"]

router = APIRouter()

_OUTCOME = {"eligible": ("符合", "ok"), "undetermined": ("待定", "warn"), "not_eligible": ("不符合", "no")}
_TARGETS = (NodeKind.REGION, NodeKind.PARK, NodeKind.CHAIN)


def _status_cell(status: ProjectStatus | None) -> Cell:
    text = status.value if status else "未知"
    return Cell(text, css="status " + STATUS_CSS.get(text, "s-unknown"))


def _money(amount: int | None) -> Cell:
    return Cell(cny(amount), value=wan(amount)) if amount is not None else Cell("—")


def _day(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise PageError(
            422, "validation_error", f"{field}: {value[:40]!r} 不是日期（YYYY-MM-DD）", field=field
        ) from exc


# --- /pipeline -----------------------------------------------------------------------------


@router.get("/pipeline", name="pipeline")
def pipeline_page(ctx: PageDep) -> Response:
    q = ctx.request.query_params
    chain = q.get("chain") or None
    chain_id = ctx.resolve(chain, (NodeKind.CHAIN,), "chain", "chain") if chain else None
    statuses = [s for s in q.getlist("status") if s]
    as_of = _day(q.get("as_of"), "as_of")
    overdue = q.get("overdue") == "1"
    params: dict[str, Any] = {
        "scope": ctx.scope_id,
        "chain": chain_id,
        "statuses": statuses or None,
        "as_of": as_of,
        "overdue_only": overdue,
        "limit": pipeline.QUERY.limits("limit").le,
    }
    result = ctx.run(pipeline.QUERY, params)
    when = f"_截至{as_of}" if as_of else ""
    title = "_".join(x for x in ("项目全流程", ctx.scope.name, result.chain.name if result.chain else "") if x) + when
    table = Table(
        "pipeline",
        title,
        [
            Column("project", "项目"),
            Column("status", "阶段"),
            Column("reached", "阶段日期"),
            Column("investment", "总投资", "总投资（万元）", align="right"),
            Column("actual", "实际投资", "实际投资（万元）", align="right"),
            Column("chains", "产业链"),
            Column("owner", "负责链办"),
            Column("next", "下一步"),
            Column("due", "截止日期"),
            Column("overdue", "跟进"),
        ],
        empty="这一范围、这一天没有项目",
    )
    for item in result.items:
        table.add(
            ref_cell(ctx, item.project),
            _status_cell(item.status),
            Cell(item.reached or "—", value=item.reached or ""),
            _money(item.total_investment_cny or None),
            _money(item.actual_investment_cny),
            refs_cell(ctx, item.chains),
            ref_cell(ctx, item.owner) if item.owner else Cell("—"),
            Cell(item.next_action or "—"),
            Cell(item.next_action_due or "—", value=item.next_action_due or ""),
            Cell("逾期", css="flag overdue") if item.overdue else Cell(""),
        )
    table.note = f"共 {result.total} 个项目，跟进逾期 {result.overdue} 个（以 {result.today} 计）"
    chains = ctx.run(listing_chains.QUERY, {"limit": listing_chains.QUERY.limits("limit").le})
    funnel = [(s, result.counts.get(s.value, 0)) for s in ProjectStatus]
    return page(
        ctx,
        "pipeline.html",
        title=f"招商项目全流程 · {ctx.scope.name}",
        tables=[table],
        result=result,
        funnel=funnel,
        unknown=result.counts.get(pipeline.UNKNOWN, 0),
        chains=chains.items,
        form={
            "chain": chain_id or "",
            "statuses": statuses,
            "as_of": as_of.isoformat() if as_of else "",
            "overdue": overdue,
        },
        statuses=list(ProjectStatus),
        help={name: pipeline.QUERY.description(name) for name in pipeline.Params.model_fields},
    )


# --- /report -------------------------------------------------------------------------------


def _current_quarter() -> str:
    today = dt.date.today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _report(ctx: PageContext) -> report.Result:
    q = ctx.request.query_params
    target = q.get("target") or ctx.scope_id
    target_id = ctx.resolve(target, _TARGETS, "county, park or chain", "target")
    period = (q.get("period") or _current_quarter()).strip()
    params = {"target": target_id, "period": period, "largest": report.QUERY.default("largest")}
    result: report.Result = ctx.run(report.QUERY, params)
    return result


def _totals_cells(label: Cell, totals: report.Totals) -> list[Cell]:
    percent = totals.percent_of_plan
    return [
        label,
        Cell(str(totals.projects), value=totals.projects),
        *(Cell(str(totals.flows.get(s, 0)), value=totals.flows.get(s, 0)) for s in FLOW_LABELS),
        _money(totals.planned_cny),
        _money(totals.actual_cny),
        Cell("—" if percent is None else f"{percent}%", value=percent),
    ]


def _totals_columns(first: str) -> list[Column]:
    return [
        Column("what", first),
        Column("projects", "项目数", align="right"),
        *(Column(status, label, align="right") for status, label in FLOW_LABELS.items()),
        Column("planned", "计划投资", "计划投资（万元）", align="right"),
        Column("actual", "实际投资（到位资金）", "实际投资（万元）", align="right"),
        Column("percent", "完成计划", "完成计划（%）", align="right"),
    ]


@router.get("/report", name="report")
def report_page(ctx: PageDep) -> Response:
    result = _report(ctx)
    name = f"{result.target.name}_{result.period.label}"
    totals = Table("totals", f"招商报告_{name}_概览", _totals_columns("范围"))
    totals.add(*_totals_cells(ref_cell(ctx, result.target), result.totals))
    by_chain = Table("by_chain", f"招商报告_{name}_分产业链", _totals_columns("产业链"))
    for row in result.by_chain:
        label = ref_cell(ctx, row.chain) if row.chain else Cell("未归链")
        by_chain.add(*_totals_cells(label, row.totals))
    largest = Table(
        "largest",
        f"招商报告_{name}_重点项目",
        [
            Column("project", "项目"),
            Column("status", "当前阶段"),
            Column("investment", "总投资", "总投资（万元）", align="right"),
            Column("planned", "本期计划投资", "本期计划投资（万元）", align="right"),
            Column("actual", "本期实际投资", "本期实际投资（万元）", align="right"),
        ],
        empty="本期没有项目动态",
    )
    for line in result.largest:
        largest.add(
            ref_cell(ctx, line.project),
            _status_cell(line.status),
            _money(line.total_investment_cny),
            _money(line.planned_cny),
            _money(line.actual_cny),
        )
    moves = Table("moves", f"招商报告_{name}_项目动态", [Column("what", "动态"), Column("project", "项目")])
    for what, refs in result.flows.labelled():
        for ref in refs:
            moves.add(Cell(what), ref_cell(ctx, ref))
    chains = ctx.run(listing_chains.QUERY, {"limit": listing_chains.QUERY.limits("limit").le})
    return page(
        ctx,
        "report.html",
        title=f"招商报告 · {result.target.name} · {result.period.label}",
        tables=[totals, by_chain, largest, moves],
        result=result,
        chains=chains.items,
        xlsx_url=ctx.url("/report.xlsx", target=result.target.id, period=result.period.label),
        help={name: report.QUERY.description(name) for name in report.Params.model_fields},
    )


@router.get("/report.xlsx", name="report_xlsx")
def report_download(ctx: PageDep) -> Response:
    """The whole report as one workbook (概览, 分产业链, 重点项目, 项目动态) — what the API's
    ``/api/v1/reports.xlsx`` answers."""
    result = _report(ctx)
    from urllib.parse import quote

    name = xlsx_name(result)
    return Response(
        report_xlsx(result),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=report.xlsx; filename*=UTF-8''{quote(name)}"},
    )


# --- sections of the project page ----------------------------------------------------------


def _history(ctx: PageContext, project: str) -> sections.Section | None:
    result: project_history.Result = ctx.run(project_history.QUERY, {"project": project})
    if not result.changes and not result.investment:
        return None
    name = result.project.name
    changes = Table(
        "history",
        f"项目全流程_{name}",
        [
            Column("status", "阶段"),
            Column("date", "日期"),
            Column("known", "首次见于"),
            Column("why", "原因"),
            Column("sources", "来源"),
        ],
    )
    for change in result.changes:
        changes.add(
            _status_cell(change.status),
            Cell(change.date or "—", value=change.date or ""),
            Cell(change.known_from or "—", value=change.known_from or ""),
            Cell(change.reason or ""),
            Cell("", links=tuple((s.title, ctx.node_url(s.id)) for s in change.sources)),
        )
    money = Table(
        "investment",
        f"投资进度_{name}",
        [
            Column("period", "期间"),
            Column("planned", "计划投资", "计划投资（万元）", align="right"),
            Column("actual", "实际投资（到位资金）", "实际投资（万元）", align="right"),
            Column("cumulative", "累计实际投资", "累计实际投资（万元）", align="right"),
        ],
    )
    for row in result.investment:
        money.add(Cell(row.period), _money(row.planned_cny), _money(row.actual_cny), _money(row.cumulative_actual_cny))
    tables = [changes, money] if result.investment else [changes]
    return sections.Section("项目全流程", "partials/history.html", {"history": result}, tables)


def _policies(ctx: PageContext, project: str) -> sections.Section | None:
    raw = ctx.request.query_params.get("actual_wan") or ""
    actual: int | None = None
    if raw.strip():
        try:
            actual = round(float(raw) * 10_000)
        except ValueError as exc:
            raise PageError(
                422, "validation_error", f"actual_wan: {raw[:40]!r} 不是数字（万元）", field="actual_wan"
            ) from exc
        if not 0 <= actual <= int(match.QUERY.limits("actual_investment").le or 10**13):
            raise PageError(422, "validation_error", f"actual_wan: {raw[:40]} 超出范围", field="actual_wan")
    result: match.Result = ctx.run(match.QUERY, {"subject": project, "actual_investment": actual})
    if not result.verdicts:
        return None
    table = Table(
        "policies",
        f"可享受政策_{result.subject.name}",
        [
            Column("policy", "政策"),
            Column("subject", "对象"),
            Column("outcome", "结论"),
            Column("benefit", "可享受金额", "可享受金额（万元）", align="right"),
            Column("why", "依据 / 差距 / 待核实"),
        ],
    )
    for verdict in result.verdicts:
        text, css = _OUTCOME[verdict.outcome]
        why = [f"{b.name + '：' if b.name else ''}{b.rule}" for b in verdict.benefits]
        why += [u.reason for u in verdict.unmet] + [u.reason for u in verdict.undetermined]
        why += [f"需核实：{t}" for t in verdict.to_verify]
        table.add(
            Cell(verdict.policy.name, ctx.node_url(verdict.policy.id)),
            ref_cell(ctx, verdict.subject),
            Cell(text, css=f"policy-{css}"),
            _money(verdict.benefit_cny),
            Cell("；".join(why)),
        )
    return sections.Section(
        "可享受政策",
        "partials/policies.html",
        {"match": result, "actual_wan": raw, "help_actual": match.QUERY.description("actual_investment")},
        [table],
    )


sections.register("project", _history)
sections.register("project", _policies)
