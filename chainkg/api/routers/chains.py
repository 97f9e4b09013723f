"""Chain routes: the list of chains, a chain's map, its gaps (补链/强链/延链) and its segments."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, path_param, query_param, run
from chainkg.queries import chain_map, gaps
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import segments as listing_segments
from chainkg.schema.kinds import Stage

__all__ = ["router"]

router = APIRouter(prefix="/chains", tags=["chains"], responses=QUERY_ERRORS)

#: The gap analysis's stage weights, one query parameter per stage (the params model takes a dict).
Weight = Annotated[float, Query(ge=0, le=100, description="stage weight of the weighted completeness / 阶段权重")]
_WEIGHTS = gaps.QUERY.default("stage_weights")


@router.get("", operation_id="list_chains", summary="List chains / 产业链列表")
def list_chains(
    store: StoreDep,
    limit: int = query_param(listing_chains.QUERY, "limit"),
    cursor: str | None = query_param(listing_chains.QUERY, "cursor"),
    text: str | None = query_param(listing_chains.QUERY, "text"),
) -> listing_chains.Result:
    """The key chains (产业链), ordered by id, with their segment and chain-leader counts."""
    return run(store, listing_chains.QUERY, {"limit": limit, "cursor": cursor, "text": text})


@router.get("/{chain:path}/map", operation_id="get_chain_map", summary="Chain map / 产业链图谱")
def get_chain_map(
    store: StoreDep,
    chain: str = path_param(chain_map.QUERY, "chain"),
    scope: str | None = query_param(chain_map.QUERY, "scope"),
    max_members: int = query_param(chain_map.QUERY, "max_members"),
    as_of: dt.date | None = query_param(chain_map.QUERY, "as_of"),
) -> chain_map.Result:
    """Every segment of the chain in the scope, in stage and supply order: its local enterprises and
    active projects, investment and coverage, how the segments feed each other, and the chain
    leaders (链主) — see docs/queries.md, "Chain map"."""
    values = {"chain": chain, "scope": scope, "max_members": max_members, "as_of": as_of}
    return run(store, chain_map.QUERY, values)


@router.get("/{chain:path}/gaps", operation_id="get_chain_gaps", summary="Gap analysis / 延链补链强链分析")
def get_chain_gaps(
    store: StoreDep,
    chain: str = path_param(gaps.QUERY, "chain"),
    scope: str | None = query_param(gaps.QUERY, "scope"),
    min_enterprises: int = query_param(gaps.QUERY, "min_enterprises"),
    min_investment_share: float = query_param(gaps.QUERY, "min_investment_share"),
    w_upstream: Weight = _WEIGHTS[Stage.UPSTREAM],
    w_midstream: Weight = _WEIGHTS[Stage.MIDSTREAM],
    w_downstream: Weight = _WEIGHTS[Stage.DOWNSTREAM],
    limit: int = query_param(gaps.QUERY, "limit"),
    as_of: dt.date | None = query_param(gaps.QUERY, "as_of"),
) -> gaps.Result:
    """Which segments of the chain are missing (补链 fill), weak (强链 strengthen) or worth extending
    into (延链 extend) in the scope, each scored with its reason and the path of nodes that shows it,
    plus the chain's completeness (overall and stage-weighted) — see docs/queries.md, "Gap analysis"."""
    values = {
        "chain": chain,
        "scope": scope,
        "min_enterprises": min_enterprises,
        "min_investment_share": min_investment_share,
        "stage_weights": {Stage.UPSTREAM: w_upstream, Stage.MIDSTREAM: w_midstream, Stage.DOWNSTREAM: w_downstream},
        "limit": limit,
        "as_of": as_of,
    }
    return run(store, gaps.QUERY, values, blame="w_upstream")


@router.get("/{chain:path}/segments", operation_id="list_chain_segments", summary="Segments of a chain / 产业链环节")
def list_chain_segments(
    store: StoreDep,
    chain: str = path_param(chain_map.QUERY, "chain"),
    stage: Stage | None = query_param(listing_segments.QUERY, "stage"),
    limit: int = query_param(listing_segments.QUERY, "limit"),
    cursor: str | None = query_param(listing_segments.QUERY, "cursor"),
    text: str | None = query_param(listing_segments.QUERY, "text"),
) -> listing_segments.Result:
    """The segments (环节) PART_OF the chain, ordered by id (the chain map gives supply order)."""
    values = {"chain": chain, "stage": stage, "limit": limit, "cursor": cursor, "text": text}
    return run(store, listing_segments.QUERY, values)
