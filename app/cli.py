"""The ``chainkg`` command: load inputs, show statistics, serve the graph."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.settings import Settings
from app.state import StateError, open_store
from graph_schema.money import format_cny
from loaders import default_loaders
from loaders.pipeline import run_load
from queries import stats
from queries.memory_store import MemoryStore

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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
