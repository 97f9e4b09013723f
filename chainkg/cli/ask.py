"""Running one query for a command of the pipeline and policy families: open the store, resolve names,
run, and turn every expected failure into a message and an exit code (never a traceback)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import BaseModel

from chainkg.cli.common import console, err, settings_from, store_for
from chainkg.queries.base import Query
from chainkg.queries.refs import bind
from chainkg.schema.money import MoneyError, parse_amount

__all__ = ["amount_option", "ask", "date_option", "show"]

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


def ask(home: Path | None, query: Query[P, R], values: dict[str, Any]) -> R:
    """The query's result for ``values`` (names resolved against the open store); failures as
    messages and exit codes (:func:`chainkg.cli.common.store_for`)."""
    with store_for(settings_from(home)) as store:
        return store.run(query, bind(store, query.params, values))


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
