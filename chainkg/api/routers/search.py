"""Search route: nodes by name, 简称, part of a name or a slightly wrong name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS
from chainkg.queries import search
from chainkg.schema.kinds import NodeKind

__all__ = ["router"]

router = APIRouter(tags=["search"], responses=QUERY_ERRORS)


@router.get("/search", operation_id="search_nodes", summary="Search by name / 名称检索")
def search_nodes(
    store: StoreDep,
    text: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            pattern=r"\S",
            description="name, 简称 or part of one (not only spaces) / 名称、简称或其一部分",
            examples=["有研"],
        ),
    ],
    kinds: Annotated[
        list[NodeKind] | None, Query(description="only these kinds (repeat the parameter) / 限定节点类型")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="hits returned / 返回条数")] = 20,
) -> search.Result:
    """Nodes whose name or alias matches the text — exactly, as a prefix, inside, or similar —
    ranked by score; traditional characters and full-width forms match their simplified forms — see
    docs/queries.md, "Search"."""
    return store.run(search.QUERY, search.Params(text=text, kinds=kinds, limit=limit))
