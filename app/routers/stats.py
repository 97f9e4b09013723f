"""Statistics route: counts by kind and per chain."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import StoreDep
from app.errors import error_responses
from app.routers.common import run
from queries import stats

__all__ = ["router"]

router = APIRouter(tags=["stats"], responses=error_responses(500, 503))


@router.get("/stats", operation_id="get_stats", summary="Graph statistics / 图谱统计")
def get_stats(store: StoreDep) -> stats.Result:
    """Nodes and edges by kind, and per chain its segments, enterprises, projects, CNY investment and
    chain leaders — the numbers behind ``chainkg stats``."""
    return run(store, stats, stats.Params())
