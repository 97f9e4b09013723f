"""Enterprise routes: the filtered list of enterprises and a group's footprint (央企布局)."""

from __future__ import annotations

from fastapi import APIRouter

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, path_param, query_param, run
from chainkg.queries import footprint
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.schema.kinds import EnterpriseKind

__all__ = ["router"]

router = APIRouter(prefix="/enterprises", tags=["enterprises"], responses=QUERY_ERRORS)
_LIST = listing_enterprises.QUERY


@router.get("", operation_id="list_enterprises", summary="List enterprises / 企业列表")
def list_enterprises(
    store: StoreDep,
    kind: EnterpriseKind | None = query_param(_LIST, "kind"),
    segment: str | None = query_param(_LIST, "segment"),
    chain: str | None = query_param(_LIST, "chain"),
    scope: str | None = query_param(_LIST, "scope"),
    limit: int = query_param(_LIST, "limit"),
    cursor: str | None = query_param(_LIST, "cursor"),
    text: str | None = query_param(_LIST, "text"),
) -> listing_enterprises.Result:
    """Every enterprise the graph knows — local ones and the outside candidates — filtered by kind,
    segment, chain, place and name, ordered by id."""
    values = {
        "kind": kind,
        "segment": segment,
        "chain": chain,
        "scope": scope,
        "limit": limit,
        "cursor": cursor,
        "text": text,
    }
    return run(store, _LIST, values)


@router.get("/{group:path}/footprint", operation_id="get_group_footprint", summary="Group footprint / 央企布局")
def get_group_footprint(
    store: StoreDep,
    group: str = path_param(footprint.QUERY, "group"),
    scope: str | None = query_param(footprint.QUERY, "scope"),
    max_depth: int = query_param(footprint.QUERY, "max_depth"),
) -> footprint.Result:
    """Everything a group (usually a central SOE, 央企) holds and has invested in the scope: its
    subsidiaries with effective stakes, its local projects, and totals by status, park and chain —
    see docs/queries.md, "SOE footprint"."""
    return run(store, footprint.QUERY, {"group": group, "scope": scope, "max_depth": max_depth})
