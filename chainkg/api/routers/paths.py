"""Explain-path route: how two entities are connected, hop by hop (关系路径)."""

from __future__ import annotations

from fastapi import APIRouter

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, query_param, run
from chainkg.queries import explain

__all__ = ["router"]

router = APIRouter(tags=["entities"], responses=QUERY_ERRORS)


@router.get("/paths", operation_id="explain_path", summary="How two entities connect / 关系路径")
def explain_path(
    store: StoreDep,
    source: str = query_param(explain.QUERY, "source"),
    target: str = query_param(explain.QUERY, "target"),
    max_length: int = query_param(explain.QUERY, "max_length"),
    max_paths: int = query_param(explain.QUERY, "max_paths"),
) -> explain.Result:
    """The shortest paths between two nodes (edges in either direction, sources left out), each hop
    with every edge joining its two nodes; none within ``max_length`` gives an empty list, not an
    error — see docs/queries.md, "Explain path"."""
    values = {"source": source, "target": target, "max_length": max_length, "max_paths": max_paths}
    return run(store, explain.QUERY, values, blame="target")
