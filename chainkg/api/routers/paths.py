"""Explain-path route: how two entities are connected, hop by hop (关系路径)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import MAX_REF, QUERY_ERRORS, build, resolve
from chainkg.queries import explain
from chainkg.schema.kinds import NodeKind

__all__ = ["router"]

router = APIRouter(tags=["entities"], responses=QUERY_ERRORS)

_CONNECTABLE = tuple(k for k in NodeKind if k is not NodeKind.SOURCE)


@router.get("/paths", operation_id="explain_path", summary="How two entities connect / 关系路径")
def explain_path(
    store: StoreDep,
    source: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_REF,
            description="start: id or name / 起点",
            examples=["ent:有研新材料股份有限公司"],
        ),
    ],
    target: Annotated[
        str,
        Query(min_length=1, max_length=MAX_REF, description="end: id or name / 终点", examples=["region:天衢新区"]),
    ],
    max_length: Annotated[int, Query(ge=1, le=6, description="longest path considered, in hops / 最大跳数")] = 4,
    max_paths: Annotated[int, Query(ge=1, le=20, description="paths returned / 返回路径数")] = 5,
) -> explain.Result:
    """The shortest paths between two nodes (edges in either direction, sources left out), each hop
    with every edge joining its two nodes; none within ``max_length`` gives an empty list, not an
    error — see docs/queries.md, "Explain path"."""
    params = build(
        explain.Params,
        "target",
        source=resolve(store, source, _CONNECTABLE, "node (not a Source)", "source"),
        target=resolve(store, target, _CONNECTABLE, "node (not a Source)", "target"),
        max_length=max_length,
        max_paths=max_paths,
    )
    return store.run(explain.QUERY, params)
