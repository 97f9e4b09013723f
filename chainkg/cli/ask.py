"""Running one query for a command of the pipeline and policy families: open the store, resolve names,
run, and turn every expected failure into a message and an exit code (never a traceback)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel, ValidationError

from chainkg.app.state import StateError, open_store
from chainkg.cli.common import console, err, settings_from, store_failed
from chainkg.queries.base import Query
from chainkg.queries.errors import QueryError
from chainkg.schema.money import MoneyError, parse_amount
from chainkg.store.protocol import GraphStore, StoreError

__all__ = ["amount_option", "ask", "date_option", "show"]


def ask(home: Path | None, build: Callable[[GraphStore], tuple[Query[Any, Any], BaseModel]]) -> BaseModel:
    """The result of the query ``build`` makes (resolving names against the open store)."""
    store: GraphStore | None = None
    try:
        store = open_store(settings_from(home)).store
        query, params = build(store)
        return store.run(query, params)
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except StoreError as exc:
        raise store_failed(exc) from exc
    except QueryError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
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


def show(result: BaseModel, as_json: bool, render: Callable[[Any], Any]) -> None:
    """The result model as JSON, or its table."""
    if as_json:
        console.print_json(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        console.print(render(result))


def amount_option(text: str | None, option: str) -> int | None:
    """An amount typed as people write it (3亿, 5000万元, 300000000) in 元."""
    if text is None:
        return None
    try:
        money = parse_amount(text)
    except MoneyError as exc:
        err.print(f"[red]error:[/red] {option}: {exc}")
        raise typer.Exit(2) from exc
    if money.currency.value != "CNY":
        err.print(f"[red]error:[/red] {option}: give the amount in 元")
        raise typer.Exit(2)
    return money.amount


def date_option(text: str | None, option: str) -> str | None:
    """A YYYY-MM-DD day, checked."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        err.print(f"[red]error:[/red] {option}: {text!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from exc
