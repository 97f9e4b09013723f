"""The chain questions, one command per query module: readable tables, or the result model as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError

from chainkg.app.state import StateError, open_store
from chainkg.cli.common import HomeOption, JsonOption, ScopeOption, app, console, err, settings_from, store_failed
from chainkg.cli.render import render
from chainkg.queries import chain_map, footprint, gaps, profile, recommend, search, supply_chain
from chainkg.queries.base import Query
from chainkg.queries.errors import QueryError
from chainkg.queries.refs import resolve_ref
from chainkg.schema.kinds import NodeKind
from chainkg.store.protocol import GraphStore, StoreError

_PLACES = (NodeKind.REGION, NodeKind.PARK)
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="as the sources supported it on this day, YYYY-MM-DD")]


def _run_query(
    home: Path | None, build: Callable[[GraphStore], tuple[Query[Any, Any], BaseModel]], as_json: bool
) -> None:
    """Open the store, build params (resolving names), run, print; errors become messages, not traces."""
    store: GraphStore | None = None
    try:
        store = open_store(settings_from(home)).store
        query, params = build(store)
        result = store.run(query, params)
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except StoreError as exc:
        raise store_failed(exc) from exc
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
    as_of: AsOfOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Chain map: every segment with its local enterprises and projects (产业链图谱)."""
    _run_query(
        home,
        lambda st: (
            chain_map.QUERY,
            chain_map.Params(
                chain=resolve_ref(st, name, (NodeKind.CHAIN,), "chain"),
                scope=_scope(st, scope),
                max_members=max_members,
                as_of=as_of,
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
    as_of: AsOfOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Gap analysis: 补链 missing, 强链 weak and 延链 extension segments, with scores and reasons."""
    _run_query(
        home,
        lambda st: (
            gaps.QUERY,
            gaps.Params(
                chain=resolve_ref(st, name, (NodeKind.CHAIN,), "chain"),
                scope=_scope(st, scope),
                min_enterprises=min_enterprises,
                min_investment_share=min_investment_share,
                limit=limit,
                as_of=as_of,
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
            supply_chain.QUERY,
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
            recommend.QUERY,
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
            footprint.QUERY,
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
            profile.QUERY,
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
    _run_query(home, lambda st: (search.QUERY, search.Params(text=text, limit=limit)), as_json)
