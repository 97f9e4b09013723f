"""Statistics route: counts by kind and per chain."""

from __future__ import annotations

from fastapi import APIRouter

from chainkg.api.deps import StoreDep
from chainkg.api.errors import error_responses
from chainkg.queries import stats

__all__ = ["router"]

router = APIRouter(tags=["stats"], responses=error_responses(500, 503))


@router.get("/stats", operation_id="get_stats", summary="Graph statistics / 图谱统计")
def get_stats(store: StoreDep) -> stats.Result:
    """Nodes and edges by kind, and per chain its segments, enterprises, projects, CNY investment and
    chain leaders — the numbers behind ``chainkg stats``."""
    return store.run(stats.QUERY, stats.Params())
