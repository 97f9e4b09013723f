"""What every ``chainkg`` command shares: the Typer app, consoles, settings and common options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from chainkg.app.settings import Settings, StoreBackend
from chainkg.store.protocol import StoreError

__all__ = [
    "HomeOption",
    "JsonOption",
    "ScopeOption",
    "StoreOption",
    "app",
    "console",
    "err",
    "settings_from",
    "store_failed",
]

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="chainkg — industrial-chain knowledge graph (产业链知识图谱)"
)
console = Console()
err = Console(stderr=True)


def settings_from(home: Path | None, store: str | None = None) -> Settings:
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


def store_failed(exc: StoreError) -> typer.Exit:
    """An unreachable or refusing store as a message and exit code 3 (not a traceback)."""
    err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(3)


JsonOption = Annotated[bool, typer.Option("--json", help="print the result model as JSON (docs/queries.md)")]
ScopeOption = Annotated[
    str | None, typer.Option("--scope", help="region or park: id or name (default: the whole city)")
]
