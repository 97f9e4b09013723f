"""Operations routes: liveness (/healthz) and readiness (/readyz) for probes and load balancers."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from chainkg.api.errors import APIError, error_responses
from chainkg.store.memory import MemoryStore
from chainkg.store.protocol import GraphStore

__all__ = ["router"]

router = APIRouter(tags=["ops"])

#: Seconds a client should wait when the graph is empty: someone has to load data first.
EMPTY_RETRY_AFTER = 30


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    backend: str = Field(description="memory (embedded) or neo4j")
    nodes: dict[str, int] = Field(description="nodes by kind / 各类节点数")
    edges: dict[str, int] = Field(description="edges by kind / 各类关系数")
    graph: Literal["building", "built"] = Field(
        default="built",
        description="'built' when every query can answer (always on Neo4j); on the embedded store "
        "'building' while the snapshot's graph is built after a start — the start "
        "pages (statistics, chains, overview, the home city's profile, each chain's gaps and map) answer "
        "from the snapshot at once, other queries wait for the graph / 图谱是否已载入",
    )


@router.get("/healthz", operation_id="healthz", summary="Liveness / 存活检查")
def healthz() -> Health:
    """The process is up and answering. Says nothing about the store: see /readyz."""
    return Health()


@router.get("/readyz", operation_id="readyz", summary="Readiness / 就绪检查", responses=error_responses(500, 503))
def readyz(request: Request) -> Ready:
    """The store is reachable and holds a graph; the counts by kind. 503 with Retry-After while the
    store is opening, could not be opened (``details.state``: ``retrying`` while the app keeps
    trying, ``failed`` when only a change of configuration helps), is unreachable, or is empty."""
    store: GraphStore | None = request.app.state.store
    retry = str(request.app.state.settings.retry_after)
    if store is None:
        failed = getattr(request.app.state, "store_error", None)
        raise APIError(
            503,
            "not_ready",
            f"the store could not be opened: {failed}" if failed else "the store is still opening",
            {"state": ("retrying" if request.app.state.store_retrying else "failed") if failed else "starting"},
            headers={"Retry-After": retry},
        )
    counts = store.counts()  # a Neo4j store that cannot be reached raises StoreUnavailable → 503
    if counts.total_nodes == 0:
        raise APIError(
            503,
            "not_ready",
            "the graph is empty; load a dataset (chainkg load, or POST /api/v1/loads)",
            {"state": "empty", "backend": store.backend},
            headers={"Retry-After": str(EMPTY_RETRY_AFTER)},
        )
    building = isinstance(store, MemoryStore) and store.building
    graph: Literal["building", "built"] = "building" if building else "built"
    return Ready(backend=store.backend, nodes=counts.nodes, edges=counts.edges, graph=graph)
