"""Place routes: parks (园区), regions (区域) and the profile of one (园区画像)."""

from __future__ import annotations

from fastapi import APIRouter

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, path_param, query_param, run
from chainkg.queries import profile
from chainkg.queries.listing import parks as listing_parks
from chainkg.queries.listing import regions as listing_regions
from chainkg.schema.kinds import ParkLevel, RegionLevel

__all__ = ["router"]

router = APIRouter(tags=["places"], responses=QUERY_ERRORS)


@router.get("/parks", operation_id="list_parks", summary="List parks / 园区列表")
def list_parks(
    store: StoreDep,
    scope: str | None = query_param(listing_parks.QUERY, "scope"),
    level: ParkLevel | None = query_param(listing_parks.QUERY, "level"),
    limit: int = query_param(listing_parks.QUERY, "limit"),
    cursor: str | None = query_param(listing_parks.QUERY, "cursor"),
    text: str | None = query_param(listing_parks.QUERY, "text"),
) -> listing_parks.Result:
    """Development zones and industrial parks, ordered by id, with their local enterprise and
    project counts."""
    values = {"scope": scope, "level": level, "limit": limit, "cursor": cursor, "text": text}
    return run(store, listing_parks.QUERY, values)


@router.get("/regions", operation_id="list_regions", summary="List regions / 区域列表")
def list_regions(
    store: StoreDep,
    scope: str | None = query_param(listing_regions.QUERY, "scope"),
    level: RegionLevel | None = query_param(listing_regions.QUERY, "level"),
    limit: int = query_param(listing_regions.QUERY, "limit"),
    cursor: str | None = query_param(listing_regions.QUERY, "cursor"),
    text: str | None = query_param(listing_regions.QUERY, "text"),
) -> listing_regions.Result:
    """The city, its districts and counties, functional zones and towns, ordered by id."""
    values = {"scope": scope, "level": level, "limit": limit, "cursor": cursor, "text": text}
    return run(store, listing_regions.QUERY, values)


@router.get(
    "/places/{place:path}/profile", operation_id="get_place_profile", summary="Park / region profile / 园区画像"
)
def get_place_profile(
    store: StoreDep,
    place: str = path_param(profile.QUERY, "place"),
    top_gaps: int = query_param(profile.QUERY, "top_gaps"),
) -> profile.Result:
    """What a park or region holds — enterprises, leaders, projects by status, investment — and,
    per chain present, its completeness and largest 补链 gaps — see docs/queries.md, "Park / region
    profile"."""
    return run(store, profile.QUERY, {"place": place, "top_gaps": top_gaps})
