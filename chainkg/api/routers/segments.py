"""Segment routes: the list of segments and whom to approach for one (招商推荐)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, Cursor, Limit, ScopeQuery, TextFilter, id_path, resolve
from chainkg.api.routers.common import resolve_optional as resolve_opt
from chainkg.queries import recommend
from chainkg.queries.listing import segments as listing_segments
from chainkg.schema.kinds import NodeKind, Stage

__all__ = ["router"]

router = APIRouter(prefix="/segments", tags=["segments"], responses=QUERY_ERRORS)

_PLACES = (NodeKind.REGION, NodeKind.PARK)
RecommendWeight = Annotated[float, Query(ge=0, le=10)]


@router.get("", operation_id="list_segments", summary="List segments / 环节列表")
def list_segments(
    store: StoreDep,
    chain: Annotated[
        str | None,
        Query(min_length=1, max_length=300, description="chain: id or name / 产业链", examples=["chain:集成电路"]),
    ] = None,
    stage: Annotated[Stage | None, Query(description="only this stage / 阶段")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    text: TextFilter = None,
) -> listing_segments.Result:
    """Every segment (环节), or those of one chain or one stage, ordered by id."""
    params = listing_segments.Params(
        chain=resolve_opt(store, chain, (NodeKind.CHAIN,), "chain", "chain"),
        stage=stage,
        limit=limit,
        cursor=cursor,
        text=text,
    )
    return store.run(listing_segments.QUERY, params)


#: the weights' descriptions and defaults, from the params model (one place for both)
_WEIGHTS = recommend.Params.model_fields
_W = {name: float(field.default) for name, field in _WEIGHTS.items() if name.startswith("w_")}


@router.get(
    "/{segment:path}/recommendations",
    operation_id="get_segment_recommendations",
    summary="Whom to approach for a segment / 招商对象推荐",
)
def get_segment_recommendations(
    store: StoreDep,
    segment: Annotated[str, id_path("segment: id or name / 环节 id 或名称", "seg:高纯金属")],
    scope: ScopeQuery = None,
    limit: Annotated[int, Query(ge=1, le=100, description="candidates listed / 推荐数量")] = 20,
    w_group: Annotated[float, Query(ge=0, le=10, description=_WEIGHTS["w_group"].description)] = _W["w_group"],
    w_supplier: Annotated[float, Query(ge=0, le=10, description=_WEIGHTS["w_supplier"].description)] = _W["w_supplier"],
    w_leader: Annotated[float, Query(ge=0, le=10, description=_WEIGHTS["w_leader"].description)] = _W["w_leader"],
    w_region: Annotated[float, Query(ge=0, le=10, description=_WEIGHTS["w_region"].description)] = _W["w_region"],
    w_record: Annotated[float, Query(ge=0, le=10, description=_WEIGHTS["w_record"].description)] = _W["w_record"],
) -> recommend.Result:
    """Enterprises outside the scope that operate in the segment, ranked: same group as one already
    here (以商招商), supplier of a local chain leader, leadership of the segment, head office in the
    province, size and record — each with its reasons and the path that proves the strongest — see
    docs/queries.md, "Recommendations"."""
    params = recommend.Params(
        segment=resolve(store, segment, (NodeKind.SEGMENT,), "segment", "segment"),
        scope=resolve_opt(store, scope, _PLACES, "region or park", "scope"),
        limit=limit,
        w_group=w_group,
        w_supplier=w_supplier,
        w_leader=w_leader,
        w_region=w_region,
        w_record=w_record,
    )
    return store.run(recommend.QUERY, params)
