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
from app.settings import Settings
from app.state import StateError, open_store
from graph_schema.kinds import NodeKind
from graph_schema.money import format_cny
from loaders import default_loaders
from loaders.pipeline import run_load
from queries import chain_map, footprint, gaps, profile, recommend, search, stats, supply_chain
from queries.errors import QueryError
from queries.memory_store import MemoryStore
from queries.store import GraphStore

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="chainkg — industrial-chain knowledge graph (产业链知识图谱)"
)
console = Console()
err = Console(stderr=True)


def _settings(home: Path | None) -> Settings:
    settings = Settings()
    if home is not None:
        settings = settings.model_copy(update={"home": home})
    return settings


HomeOption = Annotated[Path | None, typer.Option("--home", help="state directory (default $CHAINKG_HOME or .chainkg)")]


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="dataset directories, .csv/.tsv/.txt or .xlsx files")],
    reset: Annotated[
        bool, typer.Option("--reset", help="start from an empty graph instead of the current one")
    ] = False,
    home: HomeOption = None,
    batch_size: Annotated[int | None, typer.Option(min=1, max=100_000, help="records per write batch")] = None,
    progress: Annotated[bool, typer.Option(help="progress bar on a terminal")] = True,
) -> None:
    """Load inputs into the graph; every rejected record is listed in a CSV report."""
    settings = _settings(home)
    if batch_size:
        settings = settings.model_copy(update={"batch_size": batch_size})
    try:
        store = MemoryStore() if reset else open_store(settings).store
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
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
) -> None:
    """Counts by kind and, per chain, segments, enterprises, projects and investment."""
    settings = _settings(home)
    try:
        store = open_store(settings).store
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    result = store.run(stats, stats.Params())
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
def serve(
    home: HomeOption = None,
    host: Annotated[str | None, typer.Option(help="interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535)] = None,
) -> None:
    """Serve the graph over HTTP (embedded store; builds it from the bundled data on first run)."""
    import uvicorn

    from app.main import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = _settings(home)
    try:
        opened = open_store(settings)
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
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
    try:
        store = open_store(_settings(home)).store
        module, params = build(store)
        result = store.run(module, params)
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
