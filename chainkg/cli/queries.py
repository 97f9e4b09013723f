"""The chain questions, one command per query module: readable tables, or the result model as JSON.

Each command's options are the query's params fields (:func:`chainkg.cli.common.option`); names and
ids are resolved as everywhere else (:func:`chainkg.queries.refs.bind`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from chainkg.cli.common import HomeOption, JsonOption, app, argument, console, option, settings_from, store_for
from chainkg.cli.render import render
from chainkg.queries import chain_map, footprint, gaps, profile, recommend, search, supply_chain
from chainkg.queries.base import Query
from chainkg.queries.refs import bind

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


def _run_query(home: Path | None, query: Query[P, R], values: dict[str, Any], as_json: bool) -> None:
    """Open the store, build params (resolving names), run, print; errors become messages, not traces."""
    with store_for(settings_from(home)) as store:
        result = store.run(query, bind(store, query.params, values))
    if as_json:
        console.print_json(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        render(console, result)


@app.command()
def chain(
    name: str = argument(chain_map.QUERY, "chain"),
    scope: str | None = option(chain_map.QUERY, "scope", "--scope"),
    max_members: int = option(chain_map.QUERY, "max_members"),
    as_of: str | None = option(chain_map.QUERY, "as_of", "--as-of"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Chain map: every segment with its local enterprises and projects (产业链图谱)."""
    values = {"chain": name, "scope": scope, "max_members": max_members, "as_of": as_of}
    _run_query(home, chain_map.QUERY, values, as_json)


@app.command("gaps")
def gaps_command(
    name: str = argument(gaps.QUERY, "chain"),
    scope: str | None = option(gaps.QUERY, "scope", "--scope"),
    min_enterprises: int = option(gaps.QUERY, "min_enterprises"),
    min_investment_share: float = option(gaps.QUERY, "min_investment_share"),
    limit: int = option(gaps.QUERY, "limit"),
    as_of: str | None = option(gaps.QUERY, "as_of", "--as-of"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Gap analysis: 补链 missing, 强链 weak and 延链 extension segments, with scores and reasons."""
    values = {
        "chain": name,
        "scope": scope,
        "min_enterprises": min_enterprises,
        "min_investment_share": min_investment_share,
        "limit": limit,
        "as_of": as_of,
    }
    _run_query(home, gaps.QUERY, values, as_json)


@app.command()
def upstream(
    node: str = argument(supply_chain.QUERY, "node"),
    direction: str = option(supply_chain.QUERY, "direction"),
    depth: int = option(supply_chain.QUERY, "depth"),
    scope: str | None = option(supply_chain.QUERY, "scope", "--scope"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Upstream/downstream segments, local suppliers in each, and the local supporting rate (本地配套率)."""
    values = {"node": node, "direction": direction, "depth": depth, "scope": scope}
    _run_query(home, supply_chain.QUERY, values, as_json)


@app.command("recommend")
def recommend_command(
    segment: str = argument(recommend.QUERY, "segment"),
    scope: str | None = option(recommend.QUERY, "scope", "--scope"),
    limit: int = option(recommend.QUERY, "limit"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enterprises to approach for a segment, ranked (以商招商, supplier, segment leader, region, size)."""
    _run_query(home, recommend.QUERY, {"segment": segment, "scope": scope, "limit": limit}, as_json)


@app.command("footprint")
def footprint_command(
    group: str = argument(footprint.QUERY, "group"),
    scope: str | None = option(footprint.QUERY, "scope", "--scope"),
    max_depth: int = option(footprint.QUERY, "max_depth"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """What a group (央企) holds and has invested here: subsidiaries, projects, totals."""
    _run_query(home, footprint.QUERY, {"group": group, "scope": scope, "max_depth": max_depth}, as_json)


@app.command("profile")
def profile_command(
    place: str = argument(profile.QUERY, "place"),
    top_gaps: int = option(profile.QUERY, "top_gaps"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Park/region profile: chains present, projects by status, investment, leaders, largest gaps."""
    _run_query(home, profile.QUERY, {"place": place, "top_gaps": top_gaps}, as_json)


@app.command("search")
def search_command(
    text: str = argument(search.QUERY, "text"),
    limit: int = option(search.QUERY, "limit"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find nodes by name or alias, ranked."""
    _run_query(home, search.QUERY, {"text": text, "limit": limit}, as_json)
