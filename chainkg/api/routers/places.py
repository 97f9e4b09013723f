"""Place routes: parks (园区), regions (区域) and the profile of one (园区画像)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import PLACES, QUERY_ERRORS, Cursor, Limit, TextFilter, id_path, resolve
from chainkg.api.routers.common import resolve_optional as resolve_opt
from chainkg.queries import profile
from chainkg.queries.listing import parks as listing_parks
from chainkg.queries.listing import regions as listing_regions
from chainkg.schema.kinds import NodeKind, ParkLevel, RegionLevel

__all__ = ["router"]

router = APIRouter(tags=["places"], responses=QUERY_ERRORS)


@router.get("/parks", operation_id="list_parks", summary="List parks / 园区列表")
def list_parks(
    store: StoreDep,
    scope: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=300,
            description="only parks inside this region or park: id or name / 所在区域",
            examples=["region:天衢新区"],
        ),
    ] = None,
    level: Annotated[ParkLevel | None, Query(description="only this level / 园区级别")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    text: TextFilter = None,
) -> listing_parks.Result:
    """Development zones and industrial parks, ordered by id, with their local enterprise and
    project counts."""
    params = listing_parks.Params(
        scope=resolve_opt(store, scope, PLACES, "region or park", "scope"),
        level=level,
        limit=limit,
        cursor=cursor,
        text=text,
    )
    return store.run(listing_parks.QUERY, params)


@router.get("/regions", operation_id="list_regions", summary="List regions / 区域列表")
def list_regions(
    store: StoreDep,
    scope: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=300,
            description="only regions inside this region: id or name / 上级区域",
            examples=["region:德州市"],
        ),
    ] = None,
    level: Annotated[RegionLevel | None, Query(description="only this level / 行政级别")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    text: TextFilter = None,
) -> listing_regions.Result:
    """The city, its districts and counties, functional zones and towns, ordered by id."""
    params = listing_regions.Params(
        scope=resolve_opt(store, scope, (NodeKind.REGION,), "region", "scope"),
        level=level,
        limit=limit,
        cursor=cursor,
        text=text,
    )
    return store.run(listing_regions.QUERY, params)


@router.get(
    "/places/{place:path}/profile", operation_id="get_place_profile", summary="Park / region profile / 园区画像"
)
def get_place_profile(
    store: StoreDep,
    place: Annotated[str, id_path("park or region: id or name / 园区或区域", "park:天衢新区集成电路关键材料基地")],
    top_gaps: Annotated[
        int, Query(ge=0, le=20, description="largest fill gaps listed per chain / 每条链列出的缺口数")
    ] = 3,
) -> profile.Result:
    """What a park or region holds — enterprises, leaders, projects by status, investment — and,
    per chain present, its completeness and largest 补链 gaps — see docs/queries.md, "Park / region
    profile"."""
    params = profile.Params(place=resolve(store, place, PLACES, "park or region", "place"), top_gaps=top_gaps)
    return store.run(profile.QUERY, params)
