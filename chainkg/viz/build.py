"""One entry for the HTTP routes, the CLI and notebooks: a page kind, the names or ids a person
typed, the options.

Names are resolved with :func:`chainkg.queries.refs.resolve` (an id as given, else the single best
name or 简称 of the kinds the query behind the page takes), so ``chainkg viz chain 集成电路 --scope
天衢新区`` works as ``chainkg chain`` does and ``/viz/chain/集成电路?scope=天衢新区`` as the API does.
:class:`VizOptions` is the one declaration of the pages' options: the routes' query parameters and
the command's options are read from it.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from chainkg.queries import entity, explain, footprint, gaps
from chainkg.queries.errors import InvalidQuery
from chainkg.queries.params import Refers, Scope, refers, same_as
from chainkg.queries.refs import resolve
from chainkg.schema.kinds import EdgeKind
from chainkg.store.protocol import GraphStore
from chainkg.viz.chain import DEFAULT_MEMBERS, build_chain_page
from chainkg.viz.explain import build_explain_page
from chainkg.viz.footprint import build_footprint_page
from chainkg.viz.neighbourhood import DEFAULT_PER_GROUP, MAX_HOPS, build_entity_page
from chainkg.viz.page import Limits, Page

__all__ = ["VizKind", "VizOptions", "build_page"]


class VizKind(StrEnum):
    CHAIN = "chain"
    ENTITY = "entity"
    FOOTPRINT = "footprint"
    EXPLAIN = "explain"

    @property
    def arguments(self) -> tuple[str, ...]:
        """What the kind needs after it on the command line (and the names of the page's parameters)."""
        return tuple(name for name, _ in _ARGUMENTS[self])

    def refers(self) -> list[tuple[str, Refers]]:
        """Each argument's name and the node kinds it may name: those of the query field it fills."""
        out = []
        for argument, (model, field) in _ARGUMENTS[self]:
            ref = refers(model, field)
            assert ref is not None, f"{model.__module__}.{field} names no node"
            out.append((argument, ref))
        return out


#: Each kind's arguments: the name a person gives it, and the query field whose node kinds it takes.
_ARGUMENTS: dict[VizKind, tuple[tuple[str, tuple[type[BaseModel], str]], ...]] = {
    VizKind.CHAIN: (("chain", (gaps.Params, "chain")),),
    VizKind.ENTITY: (("node", (entity.Params, "id")),),
    VizKind.FOOTPRINT: (("group", (footprint.Params, "group")),),
    VizKind.EXPLAIN: (("source", (explain.Params, "source")), ("target", (explain.Params, "target"))),
}


class VizOptions(BaseModel):
    """Options of every page kind; each kind reads the ones it needs. Where a page passes an option
    on to a query, the option is that query's parameter (same limits, default and description)."""

    scope: Scope = None
    members: int = Field(
        default=DEFAULT_MEMBERS,
        ge=0,
        le=50,
        description="enterprises/projects drawn per segment / 每个环节显示的企业和项目数",
    )
    min_enterprises: int = same_as(gaps.Params, "min_enterprises")
    hops: int = Field(default=1, ge=1, le=MAX_HOPS, description="hops around the node / 跳数")
    per_group: int = Field(
        default=DEFAULT_PER_GROUP, ge=1, le=100, description="neighbours drawn per relation / 每类关系显示的邻居数"
    )
    edge_kind: EdgeKind | None = Field(default=None, description="only this relation / 只看一种关系")
    max_depth: int = same_as(footprint.Params, "max_depth")
    local_only: bool = Field(
        default=False, description="only subsidiaries that are local or lead to local projects / 只看本地相关"
    )
    max_length: int = same_as(explain.Params, "max_length")
    max_paths: int = same_as(explain.Params, "max_paths")


def build_page(
    store: GraphStore,
    kind: VizKind | str,
    refs: list[str],
    options: VizOptions | None = None,
    *,
    limits: Limits | None = None,
    nav: str | None = None,
) -> Page:
    """Resolve the references, run the queries, draw the page; query errors pass through unchanged
    (a name that fits nothing or several nodes names the argument it was given for)."""
    kind = VizKind(kind)
    opts = options or VizOptions()
    if len(refs) != len(kind.arguments):
        raise InvalidQuery(
            f"viz {kind.value} takes {len(kind.arguments)} argument(s): {' '.join(kind.arguments)}; got {len(refs)}"
        )
    scope_ref = refers(VizOptions, "scope")
    assert scope_ref is not None
    scope = resolve(store, scope_ref, opts.scope, "scope") if opts.scope else None
    ids = [resolve(store, ref, text, argument) for (argument, ref), text in zip(kind.refers(), refs, strict=True)]
    if kind is VizKind.CHAIN:
        return build_chain_page(
            store, ids[0], scope, members=opts.members, min_enterprises=opts.min_enterprises, limits=limits, nav=nav
        )
    if kind is VizKind.ENTITY:
        return build_entity_page(
            store, ids[0], hops=opts.hops, per_group=opts.per_group, edge_kind=opts.edge_kind, limits=limits, nav=nav
        )
    if kind is VizKind.FOOTPRINT:
        return build_footprint_page(
            store, ids[0], scope, max_depth=opts.max_depth, local_only=opts.local_only, limits=limits, nav=nav
        )
    return build_explain_page(
        store, ids[0], ids[1], max_length=opts.max_length, max_paths=opts.max_paths, limits=limits, nav=nav
    )
