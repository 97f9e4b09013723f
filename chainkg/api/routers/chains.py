"""Chain routes: the list of chains, a chain's map, its gaps (补链/强链/延链) and its segments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, Cursor, Limit, ScopeQuery, TextFilter, build, id_path, resolve
from chainkg.api.routers.common import resolve_optional as resolve_opt
from chainkg.api.routers.policies import AsOfQuery
from chainkg.queries import chain_map, gaps
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import segments as listing_segments
from chainkg.schema.kinds import NodeKind, Stage

__all__ = ["router"]

router = APIRouter(prefix="/chains", tags=["chains"], responses=QUERY_ERRORS)

ChainPath = Annotated[
    str, id_path("chain: id or name, e.g. chain:集成电路 or 集成电路 / 产业链 id 或名称", "chain:集成电路")
]
_CHAIN = (NodeKind.CHAIN,)
_PLACES = (NodeKind.REGION, NodeKind.PARK)
Weight = Annotated[float, Query(ge=0, le=100, description="stage weight of the weighted completeness / 阶段权重")]


@router.get("", operation_id="list_chains", summary="List chains / 产业链列表")
def list_chains(
    store: StoreDep, limit: Limit = 50, cursor: Cursor = None, text: TextFilter = None
) -> listing_chains.Result:
    """The key chains (产业链), ordered by id, with their segment and chain-leader counts."""
    return store.run(listing_chains.QUERY, listing_chains.Params(limit=limit, cursor=cursor, text=text))


@router.get("/{chain:path}/map", operation_id="get_chain_map", summary="Chain map / 产业链图谱")
def get_chain_map(
    store: StoreDep,
    chain: ChainPath,
    scope: ScopeQuery = None,
    max_members: Annotated[
        int, Query(ge=0, le=200, description="enterprises/projects listed per segment / 每个环节列出的企业、项目数")
    ] = 20,
    as_of: AsOfQuery = None,
) -> chain_map.Result:
    """Every segment of the chain in the scope, in stage and supply order: its local enterprises and
    active projects, investment and coverage, how the segments feed each other, and the chain
    leaders (链主) — see docs/queries.md, "Chain map"."""
    params = chain_map.Params(
        chain=resolve(store, chain, _CHAIN, "chain", "chain"),
        scope=resolve_opt(store, scope, _PLACES, "region or park", "scope"),
        max_members=max_members,
        as_of=as_of,
    )
    return store.run(chain_map.QUERY, params)


@router.get("/{chain:path}/gaps", operation_id="get_chain_gaps", summary="Gap analysis / 延链补链强链分析")
def get_chain_gaps(
    store: StoreDep,
    chain: ChainPath,
    scope: ScopeQuery = None,
    min_enterprises: Annotated[
        int, Query(ge=1, le=100, description="a covered segment with fewer local enterprises is weak / 强链阈值")
    ] = 2,
    min_investment_share: Annotated[
        float,
        Query(
            ge=0.0,
            le=1.0,
            description="a covered segment below this share of the chain's investment is weak (0: off) "
            "/ 投资占比低于此值为薄弱",
        ),
    ] = 0.0,
    w_upstream: Weight = 1.0,
    w_midstream: Weight = 1.0,
    w_downstream: Weight = 1.0,
    limit: Annotated[int, Query(ge=1, le=500, description="gaps listed per kind / 每类列出的缺口数")] = 50,
    as_of: AsOfQuery = None,
) -> gaps.Result:
    """Which segments of the chain are missing (补链 fill), weak (强链 strengthen) or worth extending
    into (延链 extend) in the scope, each scored with its reason and the path of nodes that shows it,
    plus the chain's completeness (overall and stage-weighted) — see docs/queries.md, "Gap analysis"."""
    params = build(
        gaps.Params,
        "w_upstream",
        chain=resolve(store, chain, _CHAIN, "chain", "chain"),
        scope=resolve_opt(store, scope, _PLACES, "region or park", "scope"),
        min_enterprises=min_enterprises,
        min_investment_share=min_investment_share,
        stage_weights={Stage.UPSTREAM: w_upstream, Stage.MIDSTREAM: w_midstream, Stage.DOWNSTREAM: w_downstream},
        limit=limit,
        as_of=as_of,
    )
    return store.run(gaps.QUERY, params)


@router.get("/{chain:path}/segments", operation_id="list_chain_segments", summary="Segments of a chain / 产业链环节")
def list_chain_segments(
    store: StoreDep,
    chain: ChainPath,
    stage: Annotated[Stage | None, Query(description="only this stage / 阶段")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    text: TextFilter = None,
) -> listing_segments.Result:
    """The segments (环节) PART_OF the chain, ordered by id (the chain map gives supply order)."""
    params = listing_segments.Params(
        chain=resolve(store, chain, _CHAIN, "chain", "chain"), stage=stage, limit=limit, cursor=cursor, text=text
    )
    return store.run(listing_segments.QUERY, params)
