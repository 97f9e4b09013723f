"""What every ``chainkg`` command shares: the Typer app, consoles, settings, common options, options
read from a params model, and one way to open the store and report failures.

**Options from the model.** :func:`option` and :func:`argument` declare a command's parameter as
the params model's field of that name declares it (default, ``min``/``max``, help) — the limits of
``chainkg gaps --min-enterprises`` are those of :class:`chainkg.queries.gaps.Params`, written once.

**Failures are messages and exit codes, never tracebacks** (:func:`store_for` and
:func:`failures_as_exits`): 2 for what the user can fix (a configuration that cannot be opened, an
unknown or ambiguous name — with "did you mean" —, an invalid value, a refused input), 3 for a store
that cannot be reached or refuses, 4 while another process holds the state directory's write lock.
The store a command opened is closed however the command ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from chainkg.app.lock import StateBusy
from chainkg.app.settings import Settings, StoreBackend
from chainkg.app.state import StateError, open_store
from chainkg.queries.base import Query, field_limits
from chainkg.queries.errors import QueryError
from chainkg.store.protocol import GraphStore, StoreError

__all__ = [
    "HomeOption",
    "JsonOption",
    "StoreOption",
    "app",
    "argument",
    "console",
    "err",
    "fail",
    "failures_as_exits",
    "option",
    "settings_from",
    "store_for",
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
JsonOption = Annotated[bool, typer.Option("--json", help="print the result model as JSON (docs/queries.md)")]


# --- parameters read from a params model --------------------------------------------------------


def _model(source: Query[Any, Any] | type[BaseModel]) -> type[BaseModel]:
    return source.params if isinstance(source, Query) else source


def option(source: Query[Any, Any] | type[BaseModel], name: str, *declarations: str, **overrides: Any) -> Any:
    """A ``--option`` declared as the params field ``name`` declares it: default, ``min``/``max``
    from its ``ge``/``le``, help from its description (``declarations``: e.g. ``"--local-only"``)."""
    field = _model(source).model_fields[name]
    limits = field_limits(field)
    declared: dict[str, Any] = {"help": field.description, "min": limits.ge, "max": limits.le}
    declared.update(overrides)
    default = None if field.is_required() else field.get_default(call_default_factory=True)
    return typer.Option(default, *declarations, **{k: v for k, v in declared.items() if v is not None})


def argument(source: Query[Any, Any] | type[BaseModel], name: str, **overrides: Any) -> Any:
    """A positional argument declared as the params field ``name`` declares it (help from its description)."""
    field = _model(source).model_fields[name]
    return typer.Argument(..., **{"help": field.description, **overrides})


# --- opening the store; failures as messages and exit codes -------------------------------------


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


@contextmanager
def failures_as_exits(*user_errors: type[Exception]) -> Iterator[None]:
    """Turn what a command can meet into a message and an exit code: a query error (with "did you
    mean" for an unknown name), an invalid value and any of ``user_errors`` → 2; a store that
    cannot be reached or refuses → 3; the state directory locked by another writer → 4."""
    expected: tuple[type[Exception], ...] = (StateError, *user_errors)
    try:
        yield
    except StateBusy as exc:
        raise fail(f"{exc} (CHAINKG_LOCK_WAIT sets how long to wait)", 4) from exc
    except StoreError as exc:
        raise fail(str(exc), 3) from exc
    except QueryError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        if exc.code in ("not_found", "ambiguous"):
            for hint in exc.details.get("suggestions", [])[:5]:
                err.print(f"  did you mean {hint['name']} ({hint['id']})?")
        raise typer.Exit(2) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise fail(f"{where}: {first['msg']}" if where else first["msg"]) from exc
    except expected as exc:
        raise fail(str(exc)) from exc


@contextmanager
def store_for(
    settings: Settings, *user_errors: type[Exception], opener: Callable[[Settings], GraphStore] | None = None
) -> Iterator[GraphStore]:
    """The configured store for one command (``opener``: another way to get it, e.g. an empty
    one), closed when the command is done however it ends; failures as in :func:`failures_as_exits`."""
    with failures_as_exits(*user_errors):
        store = opener(settings) if opener is not None else open_store(settings).store
        try:
            yield store
        finally:
            store.close()
