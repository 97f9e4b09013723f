"""Enterprise routes: the filtered list of enterprises and a group's footprint (央企布局)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import (
    PLACES,
    QUERY_ERRORS,
    Cursor,
    Limit,
    ScopeQuery,
    TextFilter,
    id_path,
    resolve,
)
from chainkg.api.routers.common import resolve_optional as resolve_opt
from chainkg.queries import footprint
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.schema.kinds import EnterpriseKind, NodeKind

__all__ = ["router"]

router = APIRouter(prefix="/enterprises", tags=["enterprises"], responses=QUERY_ERRORS)


@router.get("", operation_id="list_enterprises", summary="List enterprises / 企业列表")
def list_enterprises(
    store: StoreDep,
    kind: Annotated[EnterpriseKind | None, Query(description="only this kind / 企业类型")] = None,
    segment: Annotated[
        str | None,
        Query(min_length=1, max_length=300, description="segment: id or name / 所属环节", examples=["seg:硅片"]),
    ] = None,
    chain: Annotated[
        str | None,
        Query(min_length=1, max_length=300, description="chain: id or name / 所属产业链", examples=["chain:集成电路"]),
    ] = None,
    scope: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=300,
            description="only enterprises local to this region or park (id or name); default anywhere / 所在地",
            examples=["region:天衢新区"],
        ),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    text: TextFilter = None,
) -> listing_enterprises.Result:
    """Every enterprise the graph knows — local ones and the outside candidates — filtered by kind,
    segment, chain, place and name, ordered by id."""
    params = listing_enterprises.Params(
        kind=kind,
        segment=resolve_opt(store, segment, (NodeKind.SEGMENT,), "segment", "segment"),
        chain=resolve_opt(store, chain, (NodeKind.CHAIN,), "chain", "chain"),
        scope=resolve_opt(store, scope, PLACES, "region or park", "scope"),
        limit=limit,
        cursor=cursor,
        text=text,
    )
    return store.run(listing_enterprises.QUERY, params)


@router.get("/{group:path}/footprint", operation_id="get_group_footprint", summary="Group footprint / 央企布局")
def get_group_footprint(
    store: StoreDep,
    group: Annotated[str, id_path("enterprise group: id or name / 集团 id 或名称", "ent:有研科技集团有限公司")],
    scope: ScopeQuery = None,
    max_depth: Annotated[int, Query(ge=1, le=10, description="subsidiary levels to follow / 子公司层级")] = 6,
) -> footprint.Result:
    """Everything a group (usually a central SOE, 央企) holds and has invested in the scope: its
    subsidiaries with effective stakes, its local projects, and totals by status, park and chain —
    see docs/queries.md, "SOE footprint"."""
    params = footprint.Params(
        group=resolve(store, group, (NodeKind.ENTERPRISE,), "enterprise", "group"),
        scope=resolve_opt(store, scope, PLACES, "region or park", "scope"),
        max_depth=max_depth,
    )
    return store.run(footprint.QUERY, params)
