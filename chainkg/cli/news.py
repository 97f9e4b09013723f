"""News into reviewed facts: ``extract`` and ``review list|accept|reject``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chainkg.cli.common import HomeOption, app, console, err, fail, failures_as_exits, settings_from, store_for
from chainkg.loaders.news.candidates import (
    AggregateCandidate,
    Candidate,
    CandidateKind,
    ExtractReport,
    ProjectCandidate,
    QueueError,
    RelationCandidate,
    Review,
)
from chainkg.loaders.news.loader import extract_files
from chainkg.loaders.news.review import Decision, accept, queue_extraction, reject, select


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="article files (.txt/.html) or directories of them")],
    as_json: Annotated[
        bool, typer.Option("--json", help="print the candidates as JSON (schema: docs/extract_schema.json)")
    ] = False,
    save: Annotated[bool, typer.Option(help="add the candidates to the review queue")] = True,
    home: HomeOption = None,
) -> None:
    """Extract candidate facts (招商线索) from news articles into the review queue; the graph is unchanged."""
    settings = settings_from(home)
    with store_for(settings, QueueError) as store:
        report = extract_files(paths, store)
        if save:
            report = queue_extraction(settings.home, report)
    rejected = [f for f in report.files if f.outcome == "rejected"]
    if as_json:
        console.print_json(report.model_dump_json(exclude_none=True))
    else:
        _print_extraction(report)
    for result in rejected:
        err.print(f"[red]file rejected[/red] {result.file}: {result.message}")
    raise typer.Exit(1 if rejected else 0)


def _print_extraction(report: ExtractReport) -> None:
    for result in report.files:
        colour = {"extracted": "green", "no_projects": "yellow", "rejected": "red"}[result.outcome.value]
        console.print(f"[{colour}]{result.outcome.value}[/{colour}] {result.file}: {result.message}")
        if result.candidates:
            console.print(_candidate_table(result.candidates, title=result.source.title if result.source else ""))
    if report.queue:
        console.print(f"review queue {report.queue}: {report.added} new, {report.already_queued} already queued")


def _candidate_table(candidates: list[Candidate], title: str = "") -> Table:
    table = Table(title=title or None)
    for column in ("id", "类型", "内容", "置信度", "状态", "出处"):
        table.add_column(column, overflow="fold")
    for c in candidates:
        review = c.review.value if c.review is not Review.PENDING else ""
        evidence = c.evidence[0] if c.evidence else ""
        shown = evidence[:60] + ("…" if len(evidence) > 60 else "")
        table.add_row(c.id, c.kind, _summary(c), f"{c.confidence:.2f}", review, shown)
    return table


def _summary(c: Candidate) -> str:
    if isinstance(c, ProjectCandidate):
        parts = [c.name, c.amount_text or "", c.status.value if c.status else ""]
        investors = "、".join(i.name for i in c.investors)
        if investors:
            parts.append(f"投资方 {investors}")
        if c.park:
            parts.append(f"@{c.park.name}")
        return " ".join(p for p in parts if p) + (" [已有节点]" if c.node_id else "")
    if isinstance(c, RelationCandidate):
        return f"{c.child.name} → {c.parent.name} ({c.phrase})"
    if isinstance(c, AggregateCandidate):
        return f"{c.count or '?'}个项目 {c.measure} {c.amount_text or ''}"
    known = " [已有节点]" if c.node_id else ""
    return c.name + (f" = {c.node_name}" if c.node_name and c.node_name != c.name else "") + known


review_app = typer.Typer(no_args_is_help=True, help="Review extracted candidates: list, accept or reject them by id.")
app.add_typer(review_app, name="review")


@review_app.command("list")
def review_list(
    status: Annotated[str, typer.Option(help="pending, accepted, rejected or all")] = "pending",
    kind: Annotated[str | None, typer.Option(help="project, enterprise, relation, park or aggregate")] = None,
    source: Annotated[str | None, typer.Option(help="source key, or part of the file name or title")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the candidates as JSON lines")] = False,
    home: HomeOption = None,
) -> None:
    """List candidates in the review queue (pending ones by default)."""
    settings = settings_from(home)
    with failures_as_exits(ValueError):  # an unknown status or kind, a queue that cannot be read
        review = None if status == "all" else Review(status)
        wanted_kind = CandidateKind(kind) if kind else None
        candidates = select(settings.home, review=review, kind=wanted_kind, source=source)
    if as_json:
        for candidate in candidates:
            console.print(candidate.model_dump_json(exclude_none=True), soft_wrap=True, markup=False, highlight=False)
        return
    if not candidates:
        console.print(f"no {status} candidates in {settings.home / 'candidates.jsonl'}")
        return
    console.print(_candidate_table(candidates, title=f"{len(candidates)} {status} candidates"))


def _review_ids(
    ids: list[str] | None, all_pending: bool, source: str | None, home: Path, min_confidence: float | None = None
) -> list[str]:
    chosen = list(ids or [])
    if all_pending or source or min_confidence is not None:
        with failures_as_exits(QueueError):
            chosen += [c.id for c in select(home, source=source, min_confidence=min_confidence)]
    if not chosen:
        raise fail("name candidate ids, or --all / --min-confidence (optionally with --source)")
    return chosen


IdsArgument = Annotated[list[str] | None, typer.Argument(help="candidate ids (from `chainkg review list`)")]
AllOption = Annotated[bool, typer.Option("--all", help="every pending candidate (of --source, if given)")]
SourceOption = Annotated[str | None, typer.Option(help="pending candidates of this source (key, file or title)")]
NoteOption = Annotated[str | None, typer.Option(help="a note kept with the decision")]
MinConfidenceOption = Annotated[
    float | None,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="every pending candidate (of --source, if given) with at least this confidence (docs/news.md)",
    ),
]


@review_app.command("accept")
def review_accept(
    ids: IdsArgument = None,
    all_pending: AllOption = False,
    source: SourceOption = None,
    min_confidence: MinConfidenceOption = None,
    note: NoteOption = None,
    home: HomeOption = None,
) -> None:
    """Accept candidates: they are validated and written to the graph with their source and evidence."""
    settings = settings_from(home)
    chosen = _review_ids(ids, all_pending, source, settings.home, min_confidence)
    with store_for(settings, QueueError) as store:
        decisions, report = accept(store, settings.home, chosen, note=note, report_dir=settings.reports_dir)
        if report is not None:
            store.save(settings.snapshot_path)
    _print_decisions(decisions)
    if report is not None:
        console.print(report.summary())
    raise typer.Exit(0 if all(d.ok for d in decisions) else 1)


@review_app.command("reject")
def review_reject(
    ids: IdsArgument = None,
    all_pending: AllOption = False,
    source: SourceOption = None,
    note: NoteOption = None,
    home: HomeOption = None,
) -> None:
    """Reject candidates: they stay in the queue as rejected and never reach the graph."""
    settings = settings_from(home)
    chosen = _review_ids(ids, all_pending, source, settings.home)
    with failures_as_exits(QueueError):
        decisions = reject(settings.home, chosen, note=note)
    _print_decisions(decisions)
    raise typer.Exit(0 if all(d.ok for d in decisions) else 1)


def _print_decisions(decisions: list[Decision]) -> None:
    for decision in decisions:
        colour = "green" if decision.ok else "red"
        console.print(f"[{colour}]{decision.id}[/{colour}] {decision.message}")
        for line in decision.notes:
            console.print(f"  note: {line}")
