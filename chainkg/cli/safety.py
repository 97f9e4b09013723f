"""Keeping the graph safe: ``export``, ``backup``, ``restore``, ``audit`` and ``keys``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chainkg.app.audit import cli_actor, read_audit, to_dicts
from chainkg.app.backup import export_graph, list_backups, make_backup, restore_backup
from chainkg.app.keys import add_key, read_keys_file, remove_key
from chainkg.app.lock import StateLock
from chainkg.app.settings import Role
from chainkg.app.state import open_store
from chainkg.cli.common import HomeOption, StoreOption, app, console, err, failures_as_exits, settings_from

keys_app = typer.Typer(help="API keys with roles (viewer, editor, admin), kept hashed in the keys file")
app.add_typer(keys_app, name="keys")


@app.command()
def export(
    directory: Annotated[
        Path, typer.Argument(help="directory to write (created; an earlier export there is replaced)")
    ],
    home: HomeOption = None,
    store_name: StoreOption = None,
) -> None:
    """Write the whole graph — nodes, edges, sources, evidence, claims — as a dataset that
    `chainkg load <directory>` reads back into the same graph, on either store."""
    settings = settings_from(home, store_name)
    lock = StateLock(settings.home)
    try:
        with failures_as_exits():
            lock.acquire(f"exporting to {directory}", wait=settings.lock_wait)
            opened = open_store(settings, bootstrap=False, lock=lock)
            try:
                summary = export_graph(opened.store, directory)
            finally:
                opened.store.close()
    finally:
        lock.release()
    console.print(f"exported {summary.nodes} nodes and {summary.edges} edges to {summary.directory}")


@app.command()
def backup(
    keep: Annotated[int | None, typer.Option(min=1, help="backups to keep (default $CHAINKG_KEEP_BACKUPS, 7)")] = None,
    list_only: Annotated[bool, typer.Option("--list", help="list the backups instead of making one")] = False,
    home: HomeOption = None,
    store_name: StoreOption = None,
) -> None:
    """Back up the graph under <home>/backups (the snapshot, or an export of the Neo4j graph) and keep
    the newest N; `chainkg restore <name>` puts one back."""
    settings = settings_from(home, store_name)
    if not list_only:
        with failures_as_exits():
            made, removed = make_backup(settings, keep=keep or settings.keep_backups)
        console.print(f"backed up to {made.path} ({made.kind}); removed {len(removed)} older backup(s)")
    table = Table(title=f"backups in {settings.home / 'backups'}")
    for column in ("name", "kind", "size"):
        table.add_column(column)
    for item in list_backups(settings):
        table.add_row(item.path.name, item.kind, f"{item.size / 1e6:.1f} MB")
    console.print(table)


@app.command()
def restore(
    name: Annotated[str, typer.Argument(help="a backup's name (chainkg backup --list) or a backup/export directory")],
    home: HomeOption = None,
    store_name: StoreOption = None,
) -> None:
    """Put a backup back: the snapshot it holds becomes the graph (the current one is kept aside), or
    the export it holds is loaded into an emptied store. Recorded in the audit log."""
    settings = settings_from(home, store_name)
    with failures_as_exits():
        what, reports = restore_backup(settings, name, cli_actor())
    for report in reports:
        console.print(report.summary())
    console.print(what)


@app.command()
def audit(
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="entries to show, newest first")] = 50,
    actor: Annotated[str | None, typer.Option(help="only this key name or user@host")] = None,
    action: Annotated[str | None, typer.Option(help="only this action (load, restore, …)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the entries as JSON")] = False,
    home: HomeOption = None,
) -> None:
    """The audit log: every write to the graph, who made it, with what input, what it changed."""
    settings = settings_from(home)
    entries, total = read_audit(settings.home, limit=limit, actor=actor, action=action)
    if as_json:
        console.print_json(json.dumps({"entries": to_dicts(entries), "total": total}, ensure_ascii=False))
        return
    table = Table(title=f"audit log ({len(entries)} of {total}, newest first)")
    for column in ("time", "who", "action", "outcome", "input", "loaded", "rejected", "nodes +/~", "message"):
        table.add_column(column)
    for e in entries:
        table.add_row(
            e.time,
            f"{e.actor.name} ({e.actor.role}, {e.actor.via})",
            e.action,
            e.outcome,
            ", ".join(i.name for i in e.inputs),
            f"{e.records_loaded}/{e.records_read}",
            str(e.rows_rejected + e.files_rejected),
            f"+{e.nodes_created} ~{e.nodes_changed}",
            e.message[:80],
        )
    console.print(table)


@keys_app.command("add")
def keys_add(
    name: Annotated[str, typer.Argument(help="who the key is for (shown in the audit log)")],
    role: Annotated[Role, typer.Option(help="viewer reads; editor also loads; admin also reads the audit log")],
    home: HomeOption = None,
) -> None:
    """Make a new key (printed once; only its hash is kept) — replaces a key of the same name."""
    settings = settings_from(home)
    key = add_key(settings.keys_path, name, role)
    console.print(f"key for {name} ({role}), shown once — give it to them now:\n{key}")
    err.print(f"stored (hashed) in {settings.keys_path}; reads now need a key unless CHAINKG_READS=public")


@keys_app.command("list")
def keys_list(home: HomeOption = None) -> None:
    """The named keys in the keys file (names and roles; the keys themselves are not kept)."""
    settings = settings_from(home)
    table = Table(title=str(settings.keys_path))
    for column in ("name", "role", "created"):
        table.add_column(column)
    for entry in read_keys_file(settings.keys_path):
        table.add_row(entry["name"], entry["role"], entry.get("created", ""))
    console.print(table)


@keys_app.command("remove")
def keys_remove(name: Annotated[str, typer.Argument()], home: HomeOption = None) -> None:
    """Remove a named key: it stops working at once, its browser sessions too."""
    settings = settings_from(home)
    if not remove_key(settings.keys_path, name):
        err.print(f"[red]error:[/red] no key named {name!r} in {settings.keys_path}")
        raise typer.Exit(2)
    console.print(f"removed the key {name!r}")
