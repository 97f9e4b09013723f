"""Segment routes: the list of segments and whom to approach for one (招商推荐)."""

from __future__ import annotations

from fastapi import APIRouter

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, path_param, query_param, run
from chainkg.queries import recommend
from chainkg.queries.listing import segments as listing_segments
from chainkg.schema.kinds import Stage

__all__ = ["router"]

router = APIRouter(prefix="/segments", tags=["segments"], responses=QUERY_ERRORS)


@router.get("", operation_id="list_segments", summary="List segments / 环节列表")
def list_segments(
    store: StoreDep,
    chain: str | None = query_param(listing_segments.QUERY, "chain"),
    stage: Stage | None = query_param(listing_segments.QUERY, "stage"),
    limit: int = query_param(listing_segments.QUERY, "limit"),
    cursor: str | None = query_param(listing_segments.QUERY, "cursor"),
    text: str | None = query_param(listing_segments.QUERY, "text"),
) -> listing_segments.Result:
    """Every segment (环节), or those of one chain or one stage, ordered by id."""
    values = {"chain": chain, "stage": stage, "limit": limit, "cursor": cursor, "text": text}
    return run(store, listing_segments.QUERY, values)


@router.get(
    "/{segment:path}/recommendations",
    operation_id="get_segment_recommendations",
    summary="Whom to approach for a segment / 招商对象推荐",
)
def get_segment_recommendations(
    store: StoreDep,
    segment: str = path_param(recommend.QUERY, "segment"),
    scope: str | None = query_param(recommend.QUERY, "scope"),
    limit: int = query_param(recommend.QUERY, "limit"),
    w_group: float = query_param(recommend.QUERY, "w_group"),
    w_supplier: float = query_param(recommend.QUERY, "w_supplier"),
    w_leader: float = query_param(recommend.QUERY, "w_leader"),
    w_region: float = query_param(recommend.QUERY, "w_region"),
    w_record: float = query_param(recommend.QUERY, "w_record"),
) -> recommend.Result:
    """Enterprises outside the scope that operate in the segment, ranked: same group as one already
    here (以商招商), supplier of a local chain leader, leadership of the segment, head office in the
    province, size and record — each with its reasons and the path that proves the strongest — see
    docs/queries.md, "Recommendations"."""
    values = {
        "segment": segment,
        "scope": scope,
        "limit": limit,
        "w_group": w_group,
        "w_supplier": w_supplier,
        "w_leader": w_leader,
        "w_region": w_region,
        "w_record": w_record,
    }
    return run(store, recommend.QUERY, values)
