"""Entity routes: one node in detail, and what a segment, enterprise or project depends on or feeds."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, path_param, query_param, run
from chainkg.queries import entity, supply_chain
from chainkg.schema.kinds import EdgeKind

__all__ = ["router"]

router = APIRouter(prefix="/entities", tags=["entities"], responses=QUERY_ERRORS)


# Registered before the bare /{id} route: ids may contain "/", so /{id} would otherwise take this path too.
@router.get(
    "/{node:path}/supply-chain",
    operation_id="get_supply_chain",
    summary="Upstream / downstream / 上下游分析",
)
def get_supply_chain(
    store: StoreDep,
    node: str = path_param(supply_chain.QUERY, "node"),
    direction: Literal["upstream", "downstream", "both"] = query_param(supply_chain.QUERY, "direction"),
    depth: int = query_param(supply_chain.QUERY, "depth"),
    scope: str | None = query_param(supply_chain.QUERY, "scope"),
    max_suppliers: int = query_param(supply_chain.QUERY, "max_suppliers"),
) -> supply_chain.Result:
    """The segments upstream (suppliers) and/or downstream (customers) of the node, up to ``depth``
    FEEDS hops, with the local enterprises in each, the missing ones, and for an enterprise or
    project its local supporting rate (本地配套率) — see docs/queries.md, "Upstream / downstream"."""
    values = {"node": node, "direction": direction, "depth": depth, "scope": scope, "max_suppliers": max_suppliers}
    return run(store, supply_chain.QUERY, values)


@router.get("/{id:path}", operation_id="get_entity", summary="Entity detail / 实体详情")
def get_entity(
    store: StoreDep,
    id: str = path_param(entity.QUERY, "id"),
    edge_kind: EdgeKind | None = query_param(entity.QUERY, "edge_kind"),
    offset: int = query_param(entity.QUERY, "offset"),
    limit: int = query_param(entity.QUERY, "limit"),
) -> entity.Result:
    """One node: its properties, the sources that state it (with evidence and claimed values) and
    its neighbours grouped by edge kind and direction, one page per group — see docs/queries.md,
    "Entity detail"."""
    return run(store, entity.QUERY, {"id": id, "edge_kind": edge_kind, "offset": offset, "limit": limit})
