"""Search route: nodes by name, 简称, part of a name or a slightly wrong name."""

from __future__ import annotations

from fastapi import APIRouter

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, query_param, run
from chainkg.queries import search
from chainkg.schema.kinds import NodeKind

__all__ = ["router"]

router = APIRouter(tags=["search"], responses=QUERY_ERRORS)


@router.get("/search", operation_id="search_nodes", summary="Search by name / 名称检索")
def search_nodes(
    store: StoreDep,
    text: str = query_param(search.QUERY, "text"),
    kinds: list[NodeKind] | None = query_param(search.QUERY, "kinds"),
    limit: int = query_param(search.QUERY, "limit"),
) -> search.Result:
    """Nodes whose name or alias matches the text — exactly, as a prefix, inside, or similar —
    ranked by score; traditional characters and full-width forms match their simplified forms — see
    docs/queries.md, "Search"."""
    return run(store, search.QUERY, {"text": text, "kinds": kinds, "limit": limit})
