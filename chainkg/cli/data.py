"""Putting data in and seeing what is there: ``load``, ``stats``, ``generate``, ``serve``."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chainkg.app.audit import cli_actor
from chainkg.app.loading import load_paths
from chainkg.app.lock import StateBusy
from chainkg.app.settings import Settings
from chainkg.app.state import SnapshotStamp, open_store
from chainkg.cli.common import (
    HomeOption,
    StoreOption,
    app,
    console,
    err,
    fail,
    failures_as_exits,
    settings_from,
    store_for,
)
from chainkg.queries import stats
from chainkg.schema.money import format_cny
from chainkg.store.protocol import GraphStore, StoreError


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
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Neo4j only: fill a new, empty database with neo4j-admin's offline importer "
            "(CHAINKG_NEO4J_IMPORT_COMMAND runs it)",
        ),
    ] = False,
) -> None:
    """Load inputs into the graph; every rejected record is listed in a CSV report.

    With ``--store neo4j`` the inputs go into the Neo4j graph as it is (``--reset`` empties it first);
    with ``--bulk`` too, a new database is filled by the offline importer instead (README, Neo4j).
    """
    settings = settings_from(home, store_name)
    if batch_size:
        settings = settings.model_copy(update={"batch_size": batch_size})
    if bulk:
        _bulk(settings, paths, reset=reset)
        return
    # A store that goes away mid-way stops the load (its batch rolled back): exit 3, as when it cannot be
    # opened; another writer holding the state directory past CHAINKG_LOCK_WAIT: exit 4.
    with failures_as_exits():
        try:
            reports = load_paths(settings, paths, actor=cli_actor(), reset=reset, progress=progress, console=err)
        except StateBusy as exc:
            raise fail(f"{exc} (waited up to CHAINKG_LOCK_WAIT={settings.lock_wait:g} s)", 4) from exc
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


def _bulk(settings: Settings, paths: list[Path], *, reset: bool) -> None:
    """``load --bulk``: the pipeline, the importer's files, the import command, the schema."""
    from chainkg.app.state import neo4j_store
    from chainkg.loaders import default_loaders
    from chainkg.loaders.bulk import bulk_load, command_importer

    if settings.store != "neo4j":
        err.print("[red]error:[/red] --bulk fills a Neo4j database: add --store neo4j (or set CHAINKG_STORE=neo4j)")
        raise typer.Exit(2)
    if not settings.neo4j_import_command:
        err.print(
            "[red]error:[/red] --bulk needs CHAINKG_NEO4J_IMPORT_COMMAND: a command that stops Neo4j, runs "
            "`neo4j-admin database import full @import.args` in the directory it is started in, and starts "
            "Neo4j again (README, Neo4j)"
        )
        raise typer.Exit(2)
    store = neo4j_store(settings)
    try:
        store.connect()
        if reset:
            store.clear()
        result = bulk_load(
            store,
            paths,
            default_loaders(),
            command_importer(settings.neo4j_import_command),
            settings.neo4j_import_dir,
            report_dir=settings.reports_dir,
            batch_size=max(settings.batch_size, 10_000),
        )
    except StoreError as exc:
        raise fail(str(exc), 3) from exc
    finally:
        store.close()
    for report in result.reports:
        console.print(report.summary())
        if report.rejects:
            console.print(f"  reject report: {report.report_path}")
    files, seconds = result.files, result.seconds
    console.print(
        f"bulk import: {files.nodes} nodes, {files.relationships} relationships in {seconds['total']:.1f} s "
        f"(pipeline {seconds['pipeline']:.1f} s, files {seconds['files']:.1f} s, import {seconds['import']:.1f} s, "
        f"schema {seconds['schema']:.1f} s); files in {files.directory}"
    )
    if any(report.files_rejected for report in result.reports):
        raise typer.Exit(1)


@app.command("stats")
def stats_command(
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result model as JSON")] = False,
    store_name: StoreOption = None,
) -> None:
    """Counts by kind and, per chain, segments, enterprises, projects and investment."""
    with store_for(settings_from(home, store_name)) as store:
        result = store.run(stats.QUERY, stats.Params())
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
    from chainkg.synthetic.generator import generate as write_dataset
    from chainkg.synthetic.generator import preset_named

    try:
        chosen = preset_named(preset)
    except KeyError as exc:
        raise fail(exc.args[0]) from exc
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
def serve(
    home: HomeOption = None,
    host: Annotated[str | None, typer.Option(help="interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535)] = None,
    store_name: StoreOption = None,
) -> None:
    """Serve the graph over HTTP (the embedded store builds it from the bundled data on first run;
    ``--store neo4j`` serves the Neo4j graph, filling an empty one from the bundled data)."""
    import uvicorn

    from chainkg.server import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = settings_from(home, store_name)
    origin = ""
    stamp: SnapshotStamp | None = None

    def serving(settings: Settings) -> GraphStore:
        nonlocal origin, stamp
        opened = open_store(settings)
        origin, stamp = opened.origin, opened.stamp
        return opened.store

    with store_for(settings, opener=serving) as store:
        counts = store.counts()
        err.print(f"store: {store.backend} ({origin}) — {counts.total_nodes} nodes, {counts.total_edges} edges")
        app = create_app(settings, store, snapshot_stamp=stamp)
        uvicorn.run(app, host=host or settings.host, port=port or settings.port)
