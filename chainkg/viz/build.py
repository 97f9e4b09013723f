"""One entry for the CLI and notebooks: a page kind, the names or ids a person typed, the options.

Names are resolved with :func:`chainkg.queries.refs.resolve_ref` (an id as given, else the single best name or
简称 of the right kind), so ``chainkg viz chain 集成电路 --scope 天衢新区`` works as ``chainkg chain``
does. The HTTP routes call the page builders directly with the same options.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from chainkg.queries.errors import InvalidQuery
from chainkg.queries.refs import resolve_ref
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.protocol import GraphStore
from chainkg.viz.chain import DEFAULT_MEMBERS, build_chain_page
from chainkg.viz.explain import build_explain_page
from chainkg.viz.footprint import build_footprint_page
from chainkg.viz.neighbourhood import DEFAULT_PER_GROUP, MAX_HOPS, build_entity_page
from chainkg.viz.page import Limits, Page

__all__ = ["VizKind", "VizOptions", "build_page"]

_PLACES = (NodeKind.REGION, NodeKind.PARK)
_NOT_SOURCE = tuple(k for k in NodeKind if k is not NodeKind.SOURCE)


class VizKind(StrEnum):
    CHAIN = "chain"
    ENTITY = "entity"
    FOOTPRINT = "footprint"
    EXPLAIN = "explain"

    @property
    def arguments(self) -> tuple[str, ...]:
        """What the kind needs after it on the command line."""
        return {"chain": ("chain",), "entity": ("node",), "footprint": ("group",), "explain": ("source", "target")}[
            self.value
        ]


class VizOptions(BaseModel):
    """Options of every page kind; each kind reads the ones it needs."""

    scope: str | None = Field(default=None, description="region or park: id or name (chain, footprint)")
    members: int = Field(default=DEFAULT_MEMBERS, ge=0, le=50, description="enterprises/projects per segment (chain)")
    min_enterprises: int = Field(default=2, ge=1, le=100, description="fewer local enterprises = weak (chain)")
    hops: int = Field(default=1, ge=1, le=MAX_HOPS, description="hops around the node (entity)")
    per_group: int = Field(default=DEFAULT_PER_GROUP, ge=1, le=100, description="neighbours per relation (entity)")
    edge_kind: EdgeKind | None = Field(default=None, description="only this relation (entity)")
    max_depth: int = Field(default=6, ge=1, le=10, description="subsidiary levels (footprint)")
    local_only: bool = Field(default=False, description="only local subsidiaries and their parents (footprint)")
    max_length: int = Field(default=4, ge=1, le=6, description="longest path in hops (explain)")
    max_paths: int = Field(default=5, ge=1, le=20, description="paths shown (explain)")


def build_page(
    store: GraphStore,
    kind: VizKind | str,
    refs: list[str],
    options: VizOptions | None = None,
    *,
    limits: Limits | None = None,
    nav: str | None = None,
) -> Page:
    """Resolve the references, run the queries, draw the page; query errors pass through unchanged."""
    kind = VizKind(kind)
    opts = options or VizOptions()
    if len(refs) != len(kind.arguments):
        raise InvalidQuery(
            f"viz {kind.value} takes {len(kind.arguments)} argument(s): {' '.join(kind.arguments)}; got {len(refs)}"
        )
    scope = resolve_ref(store, opts.scope, _PLACES, "region or park") if opts.scope else None
    if kind is VizKind.CHAIN:
        chain = resolve_ref(store, refs[0], (NodeKind.CHAIN,), "chain")
        return build_chain_page(
            store, chain, scope, members=opts.members, min_enterprises=opts.min_enterprises, limits=limits, nav=nav
        )
    if kind is VizKind.ENTITY:
        node = resolve_ref(store, refs[0], tuple(NodeKind), "node")
        return build_entity_page(
            store, node, hops=opts.hops, per_group=opts.per_group, edge_kind=opts.edge_kind, limits=limits, nav=nav
        )
    if kind is VizKind.FOOTPRINT:
        group = resolve_ref(store, refs[0], (NodeKind.ENTERPRISE,), "enterprise")
        return build_footprint_page(
            store, group, scope, max_depth=opts.max_depth, local_only=opts.local_only, limits=limits, nav=nav
        )
    source = resolve_ref(store, refs[0], _NOT_SOURCE, "node")
    target = resolve_ref(store, refs[1], _NOT_SOURCE, "node")
    return build_explain_page(
        store, source, target, max_length=opts.max_length, max_paths=opts.max_paths, limits=limits, nav=nav
    )
