"""The ``chainkg`` command: load inputs, show statistics, serve the graph."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

from app.refs import resolve_ref
from app.render import render
from app.settings import Settings, StoreBackend
from app.state import StateError, open_store
from graph_schema.kinds import NodeKind
from graph_schema.money import format_cny
from loaders import default_loaders
from loaders.pipeline import run_load
from queries import chain_map, footprint, gaps, profile, recommend, search, stats, supply_chain
from queries.errors import QueryError
from queries.memory_store import MemoryStore
from queries.store import GraphStore, StoreError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="chainkg — industrial-chain knowledge graph (产业链知识图谱)"
)
console = Console()
err = Console(stderr=True)


def _settings(home: Path | None, store: str | None = None) -> Settings:
    settings = Settings()
    if home is not None:
        settings = settings.model_copy(update={"home": home})
    if store is not None:
        settings = settings.model_copy(update={"store": store})
    return settings


HomeOption = Annotated[Path | None, typer.Option("--home", help="state directory (default $CHAINKG_HOME or .chainkg)")]
StoreOption = Annotated[
    StoreBackend | None,
    typer.Option("--store", help="graph store: memory (embedded) or neo4j (CHAINKG_NEO4J_*); default $CHAINKG_STORE"),
]


def _store_failed(exc: StoreError) -> typer.Exit:
    """An unreachable or refusing store as a message and exit code 3 (not a traceback)."""
    err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(3)


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="dataset directories, .csv/.tsv/.txt or .xlsx files")],
    reset: Annotated[
        bool, typer.Option("--reset", help="start from an empty graph instead of the current one")
    ] = False,
    home: HomeOption = None,
    batch_size: Annotated[int | None, typer.Option(min=1, max=100_000, help="records per write batch")] = None,
    progress: Annotated[bool, typer.Option(help="progress bar on a terminal")] = True,
    store_name: StoreOption = None,
) -> None:
    """Load inputs into the graph; every rejected record is listed in a CSV report.

    With ``--store neo4j`` the inputs go into the Neo4j graph as it is (``--reset`` empties it first).
    """
    settings = _settings(home, store_name)
    if batch_size:
        settings = settings.model_copy(update={"batch_size": batch_size})
    try:
        if settings.store == "neo4j":
            store = open_store(settings, bootstrap=False).store
            if reset:
                store.clear()
        else:
            store = MemoryStore() if reset else open_store(settings).store
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except StoreError as exc:
        raise _store_failed(exc) from exc
    try:
        reports = run_load(
            store,
            paths,
            default_loaders(),
            report_dir=settings.reports_dir,
            batch_size=settings.batch_size,
            progress=progress,
            console=err,
        )
        store.save(settings.snapshot_path)
    except StoreError as exc:  # the load stopped: a store that went away mid-way (its batch rolled back)
        raise _store_failed(exc) from exc
    finally:
        store.close()
    failed = False
    for report in reports:
        console.print(report.summary())
        if report.rejects:
            console.print(f"  reject report: {report.report_path}")
        if report.files_rejected:
            failed = True
            for reject in report.rejects:
                if reject.action == "file rejected":
                    err.print(f"[red]file rejected[/red] {reject.file}: {reject.reason}")
    raise typer.Exit(1 if failed else 0)


@app.command("stats")
def stats_command(
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result model as JSON")] = False,
    store_name: StoreOption = None,
) -> None:
    """Counts by kind and, per chain, segments, enterprises, projects and investment."""
    settings = _settings(home, store_name)
    try:
        store = open_store(settings).store
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except StoreError as exc:
        raise _store_failed(exc) from exc
    try:
        result = store.run(stats, stats.Params())
    except StoreError as exc:
        raise _store_failed(exc) from exc
    finally:
        store.close()
    assert isinstance(result, stats.Result)
    if as_json:
        console.print_json(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        return
    kinds = Table(title="nodes and edges")
    kinds.add_column("kind")
    kinds.add_column("count", justify="right")
    for name, n in {**result.nodes, **result.edges}.items():
        kinds.add_row(name, str(n))
    console.print(kinds)
    chains = Table(title="chains 产业链")
    for column in ("产业链", "环节", "企业", "项目", "总投资", "链主"):
        chains.add_column(column, justify="left" if column == "产业链" else "right")
    for chain in result.chains:
        chains.add_row(
            chain.name,
            str(chain.segments),
            str(chain.enterprises),
            str(chain.projects),
            format_cny(chain.investment_cny),
            str(chain.leaders),
        )
    console.print(chains)


@app.command()
def generate(
    out: Annotated[Path, typer.Argument(help="dataset directory to write (created; its JSONL files are replaced)")],
    preset: Annotated[str, typer.Option(help="park (~2k enterprises), city (~50k) or province (~1M)")] = "park",
    seed: Annotated[int, typer.Option(help="same seed, same bytes")] = 0,
    enterprises: Annotated[
        int | None, typer.Option(min=1, help="override the preset's number of enterprises, keeping its shape")
    ] = None,
) -> None:
    """Write a synthetic dataset (the real 12-chain ontology, generated enterprises) that `load` reads."""
    from loaders.synthetic import generate as write_dataset
    from loaders.synthetic import preset_named

    try:
        chosen = preset_named(preset)
    except KeyError as exc:
        err.print(f"[red]error:[/red] {exc.args[0]}")
        raise typer.Exit(2) from exc
    if enterprises is not None:
        chosen = chosen.resized(enterprises)
    summary = write_dataset(out, chosen, seed=seed)
    console.print(
        f"{summary.preset} (seed {summary.seed}): {summary.total_records} records, "
        f"~{summary.total_edges} edges expected → {out}"
    )
    for name, n in summary.records.items():
        console.print(f"  {name}.jsonl: {n}")


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
    from loaders.news import extract_files
    from loaders.news_review import queue_extraction

    settings = _settings(home)
    try:
        store = open_store(settings).store
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
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


def _print_extraction(report: object) -> None:
    from loaders.candidates import ExtractReport

    assert isinstance(report, ExtractReport)
    for result in report.files:
        colour = {"extracted": "green", "no_projects": "yellow", "rejected": "red"}[result.outcome.value]
        console.print(f"[{colour}]{result.outcome.value}[/{colour}] {result.file}: {result.message}")
        if result.candidates:
            console.print(_candidate_table(result.candidates, title=result.source.title if result.source else ""))
    if report.queue:
        console.print(f"review queue {report.queue}: {report.added} new, {report.already_queued} already queued")


def _candidate_table(candidates: list, title: str = "") -> Table:
    from loaders.candidates import Review

    table = Table(title=title or None)
    for column in ("id", "类型", "内容", "置信度", "状态", "出处"):
        table.add_column(column, overflow="fold")
    for c in candidates:
        review = c.review.value if c.review is not Review.PENDING else ""
        evidence = c.evidence[0] if c.evidence else ""
        shown = evidence[:60] + ("…" if len(evidence) > 60 else "")
        table.add_row(c.id, c.kind, _summary(c), f"{c.confidence:.2f}", review, shown)
    return table


def _summary(c: object) -> str:
    kind = getattr(c, "kind", "")
    if kind == "project":
        parts = [c.name, c.amount_text or "", c.status.value if c.status else ""]  # type: ignore[attr-defined]
        investors = "、".join(i.name for i in c.investors)  # type: ignore[attr-defined]
        if investors:
            parts.append(f"投资方 {investors}")
        if c.park:  # type: ignore[attr-defined]
            parts.append(f"@{c.park.name}")  # type: ignore[attr-defined]
        return " ".join(p for p in parts if p) + (" [已有节点]" if c.node_id else "")  # type: ignore[attr-defined]
    if kind == "relation":
        return f"{c.child.name} → {c.parent.name} ({c.phrase})"  # type: ignore[attr-defined]
    if kind == "aggregate":
        return f"{c.count or '?'}个项目 {c.measure} {c.amount_text or ''}"  # type: ignore[attr-defined]
    name = getattr(c, "name", "")
    node = getattr(c, "node_name", None)
    known = " [已有节点]" if getattr(c, "node_id", None) else ""
    return name + (f" = {node}" if node and node != name else "") + known


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
    from loaders.candidates import CandidateKind, QueueError, Review
    from loaders.news_review import select

    settings = _settings(home)
    try:
        review = None if status == "all" else Review(status)
        wanted_kind = CandidateKind(kind) if kind else None
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    try:
        candidates = select(settings.home, review=review, kind=wanted_kind, source=source)
    except QueueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        for candidate in candidates:
            console.print(candidate.model_dump_json(exclude_none=True), soft_wrap=True, markup=False, highlight=False)
        return
    if not candidates:
        console.print(f"no {status} candidates in {settings.home / 'candidates.jsonl'}")
        return
    console.print(_candidate_table(candidates, title=f"{len(candidates)} {status} candidates"))


def _review_ids(ids: list[str] | None, all_pending: bool, source: str | None, home: Path) -> list[str]:
    from loaders.news_review import select

    chosen = list(ids or [])
    if all_pending or source:
        chosen += [c.id for c in select(home, source=source)]
    if not chosen:
        err.print("[red]error:[/red] name candidate ids, or --all (optionally with --source)")
        raise typer.Exit(2)
    return chosen


IdsArgument = Annotated[list[str] | None, typer.Argument(help="candidate ids (from `chainkg review list`)")]
AllOption = Annotated[bool, typer.Option("--all", help="every pending candidate (of --source, if given)")]
SourceOption = Annotated[str | None, typer.Option(help="pending candidates of this source (key, file or title)")]
NoteOption = Annotated[str | None, typer.Option(help="a note kept with the decision")]


@review_app.command("accept")
def review_accept(
    ids: IdsArgument = None,
    all_pending: AllOption = False,
    source: SourceOption = None,
    note: NoteOption = None,
    home: HomeOption = None,
) -> None:
    """Accept candidates: they are validated and written to the graph with their source and evidence."""
    from loaders.candidates import QueueError
    from loaders.news_review import accept

    settings = _settings(home)
    chosen = _review_ids(ids, all_pending, source, settings.home)
    try:
        store = open_store(settings).store
        decisions, report = accept(store, settings.home, chosen, note=note, report_dir=settings.reports_dir)
    except (StateError, QueueError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
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
    from loaders.candidates import QueueError
    from loaders.news_review import reject

    settings = _settings(home)
    chosen = _review_ids(ids, all_pending, source, settings.home)
    try:
        decisions = reject(settings.home, chosen, note=note)
    except QueueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    _print_decisions(decisions)
    raise typer.Exit(0 if all(d.ok for d in decisions) else 1)


def _print_decisions(decisions: list) -> None:
    for decision in decisions:
        colour = "green" if decision.ok else "red"
        console.print(f"[{colour}]{decision.id}[/{colour}] {decision.message}")
        for line in decision.notes:
            console.print(f"  note: {line}")


@app.command()
def serve(
    home: HomeOption = None,
    host: Annotated[str | None, typer.Option(help="interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535)] = None,
    store_name: StoreOption = None,
) -> None:
    """Serve the graph over HTTP (the embedded store builds it from the bundled data on first run;
    ``--store neo4j`` serves the Neo4j graph, filling an empty one from the bundled data)."""
    import uvicorn

    from app.main import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = _settings(home, store_name)
    try:
        opened = open_store(settings)
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except StoreError as exc:
        raise _store_failed(exc) from exc
    counts = opened.store.counts()
    err.print(
        f"store: {opened.store.backend} ({opened.origin}) — {counts.total_nodes} nodes, {counts.total_edges} edges"
    )
    uvicorn.run(create_app(settings, opened.store), host=host or settings.host, port=port or settings.port)


# --- chain queries -----------------------------------------------------------------------------

JsonOption = Annotated[bool, typer.Option("--json", help="print the result model as JSON (docs/queries.md)")]
ScopeOption = Annotated[
    str | None, typer.Option("--scope", help="region or park: id or name (default: the whole city)")
]
_PLACES = (NodeKind.REGION, NodeKind.PARK)


def _run_query(home: Path | None, build: Callable[[GraphStore], tuple[ModuleType, BaseModel]], as_json: bool) -> None:
    """Open the store, build params (resolving names), run, print; errors become messages, not traces."""
    store: GraphStore | None = None
    try:
        store = open_store(_settings(home)).store
        module, params = build(store)
        result = store.run(module, params)
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except StoreError as exc:
        raise _store_failed(exc) from exc
    except QueryError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        if exc.code == "not_found":
            for hint in exc.details.get("suggestions", [])[:5]:
                err.print(f"  did you mean {hint['name']} ({hint['id']})?")
        raise typer.Exit(2) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        err.print(f"[red]error:[/red] {'.'.join(map(str, first['loc']))}: {first['msg']}")
        raise typer.Exit(2) from exc
    finally:
        if store is not None:
            store.close()
    if as_json:
        console.print_json(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        render(console, result)


def _scope(store: GraphStore, scope: str | None) -> str | None:
    return resolve_ref(store, scope, _PLACES, "region or park") if scope else None


@app.command()
def chain(
    name: Annotated[str, typer.Argument(help="chain: id or name, e.g. 集成电路")],
    scope: ScopeOption = None,
    max_members: Annotated[int, typer.Option(min=0, max=200)] = 20,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Chain map: every segment with its local enterprises and projects (产业链图谱)."""
    _run_query(
        home,
        lambda st: (
            chain_map,
            chain_map.Params(
                chain=resolve_ref(st, name, (NodeKind.CHAIN,), "chain"),
                scope=_scope(st, scope),
                max_members=max_members,
            ),
        ),
        as_json,
    )


@app.command("gaps")
def gaps_command(
    name: Annotated[str, typer.Argument(help="chain: id or name, e.g. 集成电路")],
    scope: ScopeOption = None,
    min_enterprises: Annotated[int, typer.Option(min=1, max=100, help="fewer local enterprises = weak")] = 2,
    min_investment_share: Annotated[float, typer.Option(min=0, max=1, help="smaller share = weak (0: off)")] = 0.0,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Gap analysis: 补链 missing, 强链 weak and 延链 extension segments, with scores and reasons."""
    _run_query(
        home,
        lambda st: (
            gaps,
            gaps.Params(
                chain=resolve_ref(st, name, (NodeKind.CHAIN,), "chain"),
                scope=_scope(st, scope),
                min_enterprises=min_enterprises,
                min_investment_share=min_investment_share,
                limit=limit,
            ),
        ),
        as_json,
    )


@app.command()
def upstream(
    node: Annotated[str, typer.Argument(help="enterprise, project or segment: id or name")],
    direction: Annotated[str, typer.Option(help="upstream, downstream or both")] = "both",
    depth: Annotated[int, typer.Option(min=1, max=supply_chain.MAX_DEPTH)] = 3,
    scope: ScopeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Upstream/downstream segments, local suppliers in each, and the local supporting rate (本地配套率)."""
    kinds = (NodeKind.ENTERPRISE, NodeKind.PROJECT, NodeKind.SEGMENT)
    _run_query(
        home,
        lambda st: (
            supply_chain,
            supply_chain.Params(
                node=resolve_ref(st, node, kinds, "enterprise, project or segment"),
                direction=direction,  # type: ignore[arg-type]
                depth=depth,
                scope=_scope(st, scope),
            ),
        ),
        as_json,
    )


@app.command("recommend")
def recommend_command(
    segment: Annotated[str, typer.Argument(help="segment: id or name, e.g. 光刻胶")],
    scope: ScopeOption = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enterprises to approach for a segment, ranked (以商招商, supplier of a chain leader, record)."""
    _run_query(
        home,
        lambda st: (
            recommend,
            recommend.Params(
                segment=resolve_ref(st, segment, (NodeKind.SEGMENT,), "segment"),
                scope=_scope(st, scope),
                limit=limit,
            ),
        ),
        as_json,
    )


@app.command("footprint")
def footprint_command(
    group: Annotated[str, typer.Argument(help="enterprise group: id or name, e.g. 有研集团")],
    scope: ScopeOption = None,
    max_depth: Annotated[int, typer.Option(min=1, max=10)] = 6,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """What a group (央企) holds and has invested here: subsidiaries, projects, totals."""
    _run_query(
        home,
        lambda st: (
            footprint,
            footprint.Params(
                group=resolve_ref(st, group, (NodeKind.ENTERPRISE,), "enterprise"),
                scope=_scope(st, scope),
                max_depth=max_depth,
            ),
        ),
        as_json,
    )


@app.command("profile")
def profile_command(
    place: Annotated[str, typer.Argument(help="park or region: id or name, e.g. 天衢新区")],
    top_gaps: Annotated[int, typer.Option(min=0, max=20)] = 3,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Park/region profile: chains present, projects by status, investment, leaders, largest gaps."""
    _run_query(
        home,
        lambda st: (
            profile,
            profile.Params(place=resolve_ref(st, place, _PLACES, "park or region"), top_gaps=top_gaps),
        ),
        as_json,
    )


@app.command("search")
def search_command(
    text: Annotated[str, typer.Argument(help="name, 简称, part of a name; traditional or simplified")],
    limit: Annotated[int, typer.Option(min=1, max=50)] = 20,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find nodes by name or alias, ranked."""
    _run_query(home, lambda st: (search, search.Params(text=text, limit=limit)), as_json)


@app.command("viz")
def viz_command(
    kind: Annotated[str, typer.Argument(help="chain, entity, footprint or explain")],
    refs: Annotated[
        list[str],
        typer.Argument(help="chain: CHAIN; entity: NODE; footprint: GROUP; explain: SOURCE TARGET (id or name)"),
    ],
    out: Annotated[Path, typer.Option("-o", "--out", help="HTML file to write (self-contained, works offline)")],
    scope: ScopeOption = None,
    members: Annotated[int, typer.Option(min=0, max=50, help="chain: enterprises/projects per segment")] = 6,
    min_enterprises: Annotated[int, typer.Option(min=1, max=100, help="chain: fewer local = weak")] = 2,
    hops: Annotated[int, typer.Option(min=1, max=3, help="entity: hops around the node")] = 1,
    per_group: Annotated[int, typer.Option(min=1, max=100, help="entity: neighbours per relation")] = 12,
    edge_kind: Annotated[str | None, typer.Option(help="entity: only this relation, e.g. SUBSIDIARY_OF")] = None,
    max_depth: Annotated[int, typer.Option(min=1, max=10, help="footprint: subsidiary levels")] = 6,
    local_only: Annotated[
        bool, typer.Option("--local-only", help="footprint: only local-related subsidiaries")
    ] = False,
    max_length: Annotated[int, typer.Option(min=1, max=6, help="explain: longest path in hops")] = 4,
    max_paths: Annotated[int, typer.Option(min=1, max=20, help="explain: paths drawn")] = 5,
    home: HomeOption = None,
) -> None:
    """Write a graph page (pyvis; vis-network inlined): chain map, neighbourhood, group footprint or path."""
    from app.viz import VizKind, VizOptions, build_page

    try:
        store = open_store(_settings(home)).store
        options = VizOptions(
            scope=scope,
            members=members,
            min_enterprises=min_enterprises,
            hops=hops,
            per_group=per_group,
            edge_kind=edge_kind,
            max_depth=max_depth,
            local_only=local_only,
            max_length=max_length,
            max_paths=max_paths,
        )
        page = build_page(store, VizKind(kind), refs, options)
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except QueryError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        for hint in exc.details.get("suggestions", [])[:5]:
            err.print(f"  did you mean {hint['name']} ({hint['id']})?")
        raise typer.Exit(2) from exc
    except (ValidationError, ValueError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        message = f"{'.'.join(map(str, first['loc']))}: {first['msg']}" if first else str(exc)
        err.print(f"[red]error:[/red] {message}")
        raise typer.Exit(2) from exc
    page.write(out)
    console.print(f"{page.title}: {len(page.nodes)} nodes, {len(page.edges)} edges → {out}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
