"""Entity routes: one node in detail, and what a segment, enterprise or project depends on or feeds."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, ScopeQuery, id_path, resolve
from chainkg.api.routers.common import resolve_optional as resolve_opt
from chainkg.queries import entity, supply_chain
from chainkg.schema.kinds import EdgeKind, NodeKind

__all__ = ["router"]

router = APIRouter(prefix="/entities", tags=["entities"], responses=QUERY_ERRORS)

_PLACES = (NodeKind.REGION, NodeKind.PARK)
_CHAIN_MEMBERS = (NodeKind.SEGMENT, NodeKind.ENTERPRISE, NodeKind.PROJECT)


# Registered before the bare /{id} route: ids may contain "/", so /{id} would otherwise take this path too.
@router.get(
    "/{node:path}/supply-chain",
    operation_id="get_supply_chain",
    summary="Upstream / downstream / 上下游分析",
)
def get_supply_chain(
    store: StoreDep,
    node: Annotated[
        str, id_path("segment, enterprise or project: id or name / 环节、企业或项目", "ent:英望科技(山东)有限公司")
    ],
    direction: Annotated[
        Literal["upstream", "downstream", "both"],
        Query(description="upstream: suppliers; downstream: customers / 上游、下游或双向"),
    ] = "both",
    depth: Annotated[
        int, Query(ge=1, le=supply_chain.MAX_DEPTH, description="FEEDS hops to follow, at most 6 / 层数")
    ] = 3,
    scope: ScopeQuery = None,
    max_suppliers: Annotated[
        int, Query(ge=0, le=200, description="local enterprises listed per segment / 每个环节列出的本地企业数")
    ] = 20,
) -> supply_chain.Result:
    """The segments upstream (suppliers) and/or downstream (customers) of the node, up to ``depth``
    FEEDS hops, with the local enterprises in each, the missing ones, and for an enterprise or
    project its local supporting rate (本地配套率) — see docs/queries.md, "Upstream / downstream"."""
    params = supply_chain.Params(
        node=resolve(store, node, _CHAIN_MEMBERS, "segment, enterprise or project", "node"),
        direction=direction,
        depth=depth,
        scope=resolve_opt(store, scope, _PLACES, "region or park", "scope"),
        max_suppliers=max_suppliers,
    )
    return store.run(supply_chain.QUERY, params)


@router.get("/{id:path}", operation_id="get_entity", summary="Entity detail / 实体详情")
def get_entity(
    store: StoreDep,
    id: Annotated[str, id_path("any node: id or name / 任意节点的 id 或名称", "ent:有研科技集团有限公司")],
    edge_kind: Annotated[EdgeKind | None, Query(description="only neighbours over this edge kind / 关系类型")] = None,
    offset: Annotated[
        int, Query(ge=0, le=1_000_000, description="neighbours to skip in each group / 每组跳过的条数")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="neighbours per group / 每组条数")] = 20,
) -> entity.Result:
    """One node: its properties, the sources that state it (with evidence and claimed values) and
    its neighbours grouped by edge kind and direction, one page per group — see docs/queries.md,
    "Entity detail"."""
    params = entity.Params(
        id=resolve(store, id, tuple(NodeKind), "node", "id"), edge_kind=edge_kind, offset=offset, limit=limit
    )
    return store.run(entity.QUERY, params)
