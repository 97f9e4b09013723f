"""The investment pipeline: ``chainkg pipeline``, ``project``, ``report`` and ``lead add``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from chainkg.app.audit import cli_actor
from chainkg.app.loading import load_paths
from chainkg.app.report_xlsx import report_xlsx
from chainkg.cli.ask import ask, date_option, show
from chainkg.cli.common import (
    HomeOption,
    JsonOption,
    app,
    argument,
    console,
    err,
    failures_as_exits,
    option,
    settings_from,
)
from chainkg.loaders.ledger.desk import add_lead
from chainkg.loaders.news.candidates import Review, accepted_path, load_queue
from chainkg.queries import pipeline, project_history, report
from chainkg.schema.kinds import ProjectStatus
from chainkg.schema.money import format_cny

__all__ = ["lead_app"]


@app.command("pipeline")
def pipeline_command(
    scope: str | None = option(pipeline.QUERY, "scope", "--scope"),
    chain: str | None = option(pipeline.QUERY, "chain", "--chain"),
    status: Annotated[
        list[ProjectStatus] | None, typer.Option("--status", help=pipeline.QUERY.description("statuses"))
    ] = None,
    as_of: str | None = option(pipeline.QUERY, "as_of", "--as-of"),
    overdue: bool = option(pipeline.QUERY, "overdue_only", "--overdue"),
    limit: int = option(pipeline.QUERY, "limit"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Projects by stage (线索 … 投产, 终止), with owner office, next action and overdue follow-ups."""
    values = {
        "scope": scope,
        "chain": chain,
        "statuses": status or None,
        "as_of": as_of,
        "overdue_only": overdue,
        "limit": limit,
    }
    show(ask(home, pipeline.QUERY, values), as_json, _render_pipeline)


@app.command("project")
def project_command(
    name: str = argument(project_history.QUERY, "project"),
    as_of: str | None = option(project_history.QUERY, "as_of", "--as-of"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """A project's history: every status change with date and sources, investment by period."""
    show(ask(home, project_history.QUERY, {"project": name, "as_of": as_of}), as_json, _render_history)


@app.command("report")
def report_command(
    target: str = argument(report.QUERY, "target"),
    period: str = typer.Option(..., "--period", help=report.QUERY.description("period")),
    largest: int = option(report.QUERY, "largest"),
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="also write the report as an Excel file")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Period report: new leads, signed, started, in production, planned vs actual investment, by chain."""
    result = ask(home, report.QUERY, {"target": target, "period": period, "largest": largest})
    if xlsx is not None:
        xlsx.write_bytes(report_xlsx(result))
        err.print(f"written {xlsx}")
    show(result, as_json, _render_report)


lead_app = typer.Typer(no_args_is_help=True, help="招商线索: enter a lead for a chain office to follow up")
app.add_typer(lead_app, name="lead")


@lead_app.command("add")
def lead_add(
    name: Annotated[str | None, typer.Argument(help="the project's name (not needed with --candidate)")] = None,
    owner: Annotated[str, typer.Option("--owner", help="chain office, or chain whose office follows it up")] = "",
    next_action: Annotated[str, typer.Option("--next-action", help="what to do next (下一步)")] = "",
    due: Annotated[str, typer.Option("--due", help="when the next action is due, YYYY-MM-DD")] = "",
    candidate: Annotated[
        str | None, typer.Option("--candidate", help="an accepted news candidate (chainkg review) to take it from")
    ] = None,
    segment: Annotated[list[str] | None, typer.Option("--segment", help="segment(s) it belongs to")] = None,
    place: Annotated[list[str] | None, typer.Option("--place", help="park or region it would be in")] = None,
    enterprise: Annotated[list[str] | None, typer.Option("--enterprise", help="the prospective investor(s)")] = None,
    investment: Annotated[str | None, typer.Option("--investment", help="planned total investment, e.g. 5亿")] = None,
    lead_date: Annotated[
        str | None,
        typer.Option("--date", help="the lead's date (default: the candidate's article date, else today)"),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Record a lead (线索) with its owner office, next action and due date; it joins the pipeline."""
    settings = settings_from(home)
    today = dt.date.today()
    day = date_option(lead_date, "--date") or today.isoformat()
    due_day = date_option(due or None, "--due")
    if not owner or not next_action or not due_day:
        err.print("[red]error:[/red] a lead needs --owner, --next-action and --due")
        raise typer.Exit(2)
    row: dict[str, object] = {"owner": owner, "lead_date": day, "next_action": next_action, "next_action_due": due_day}
    extra: list[str] = []
    if candidate:
        found = next((c for c in load_queue(accepted_path(settings.home)) if c.id == candidate), None)
        if found is None or found.kind != "project" or found.review is not Review.ACCEPTED:
            err.print(
                f"[red]error:[/red] {candidate} is not an accepted project candidate; "
                f"review it first: chainkg review accept {candidate}"
            )
            raise typer.Exit(2)
        row["name"] = name or found.name
        extra.append(found.source.key)
        published = str(found.source.date or "")
        if lead_date is None and len(published) == 10:  # a full day: the lead dates from the article
            row["lead_date"] = published
    elif name:
        row["name"] = name
    else:
        err.print("[red]error:[/red] give the project's name, or --candidate")
        raise typer.Exit(2)
    for key, values in (("segments", segment), ("located_in", place), ("enterprise", enterprise)):
        if values:
            row[key] = list(values)
    if investment:
        row["total_investment"] = investment
    folder = add_lead(settings.home, row, today, extra)
    with failures_as_exits():
        (loaded,) = load_paths(settings, [folder], actor=cli_actor(), action="lead add")
    console.print(loaded.summary())
    problems = [r for r in loaded.rejects if str(r.file).endswith("leads.yaml")]
    for reject in problems:
        err.print(f"[red]{reject.action}[/red] line {reject.row} {reject.field}: {reject.reason} {reject.value}")
    raise typer.Exit(1 if any(r.action != "field ignored" for r in problems) else 0)


# --- tables --------------------------------------------------------------------------------


def _render_pipeline(r: pipeline.Result) -> Group:
    counts = "，".join(f"{k} {v}" for k, v in r.counts.items())
    head = Text(
        f"{r.scope.name}{' · ' + r.chain.name if r.chain else ''} 项目 {r.total} 个（{counts}）；"
        f"跟进逾期 {r.overdue} 个" + (f"；截至 {r.as_of}" if r.as_of else "")
    )
    table = Table()
    for col in ("项目", "阶段", "日期", "总投资", "实际投资", "负责链办", "下一步", "截止", "逾期"):
        table.add_column(col)
    for i in r.items:
        table.add_row(
            i.project.name,
            i.status.value if i.status else "未知",
            i.reached or "",
            format_cny(i.total_investment_cny) if i.total_investment_cny else "",
            format_cny(i.actual_investment_cny) if i.actual_investment_cny is not None else "",
            i.owner.name if i.owner else "",
            i.next_action or "",
            i.next_action_due or "",
            "[red]逾期[/red]" if i.overdue else "",
        )
    return Group(head, table)


def _render_history(r: project_history.Result) -> Group:
    head = Text(
        f"{r.project.name}：当前 {r.status.value if r.status else '未知'}（{r.status_as_of or '日期未知'}）"
        + (f"；{r.as_of} 时为 {r.status_on.value if r.status_on else '尚无记录'}" if r.as_of else "")
        + f"；总投资 {format_cny(r.total_investment_cny)}"
        + (f"；实际投资 {format_cny(r.actual_investment_cny)}" if r.actual_investment_cny is not None else "")
    )
    changes = Table(title="状态变化")
    for col in ("阶段", "日期", "首次见于", "原因", "来源"):
        changes.add_column(col)
    for c in r.changes:
        changes.add_row(
            c.status.value, c.date or "", c.known_from or "", c.reason or "", "；".join(s.title for s in c.sources)
        )
    money = Table(title="投资进度")
    for col in ("期间", "计划", "实际（到位）", "累计实际"):
        money.add_column(col)
    for p in r.investment:
        money.add_row(
            p.period,
            format_cny(p.planned_cny) if p.planned_cny is not None else "",
            format_cny(p.actual_cny) if p.actual_cny is not None else "",
            format_cny(p.cumulative_actual_cny),
        )
    parts: list[Text | Table] = [head, changes]
    if r.investment:
        parts.append(money)
    if r.owner or r.next_action:
        owner = r.owner.name if r.owner else "—"
        parts.append(Text(f"负责：{owner}；下一步：{r.next_action or '—'}（{r.next_action_due or '—'}）"))
    return Group(*parts)


def _render_report(r: report.Result) -> Group:
    t = r.totals
    percent = f"{t.percent_of_plan}%" if t.percent_of_plan is not None else "—"
    head = Text(
        f"{r.target.name} {r.period.label}：项目 {t.projects} 个；"
        + "，".join(f"{k} {v}" for k, v in t.flows.items())
        + f"；计划投资 {format_cny(t.planned_cny)}，实际投资 {format_cny(t.actual_cny)}，完成 {percent}"
    )
    chains = Table(title="分产业链")
    for col in ("产业链", "项目", "动态", "计划", "实际", "完成%"):
        chains.add_column(col)
    for row in r.by_chain:
        x = row.totals
        chains.add_row(
            row.chain.name if row.chain else "未归链",
            str(x.projects),
            "，".join(f"{k}{v}" for k, v in x.flows.items()),
            format_cny(x.planned_cny),
            format_cny(x.actual_cny),
            f"{x.percent_of_plan}" if x.percent_of_plan is not None else "—",
        )
    largest = Table(title="重点项目")
    for col in ("项目", "阶段", "总投资", "本期计划", "本期实际"):
        largest.add_column(col)
    for line in r.largest:
        largest.add_row(
            line.project.name,
            line.status.value if line.status else "",
            format_cny(line.total_investment_cny),
            format_cny(line.planned_cny),
            format_cny(line.actual_cny),
        )
    return Group(head, chains, largest)
