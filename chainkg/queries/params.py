"""What query parameters share: fields that name a node, and the scope.

A params field that holds a node id carries a :class:`Refers` in its annotation — the kinds it may
name and how to say so in an error (``Annotated[str, CHAIN]``). Queries take ids; every front end
(API, CLI, viz, web) also takes a name or 简称 there and turns it into the id with
:func:`chainkg.queries.refs.bind`, which reads the marker — so which kinds a parameter names is
written once, here and in the params model, never again in a router or a command.

**Scope** (:data:`Scope`): the region or park a chain query looks at; None means the home city.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Field

from chainkg.schema.kinds import NodeKind

__all__ = [
    "ANY_NODE",
    "CHAIN",
    "CHAIN_MEMBER",
    "CONNECTABLE",
    "ENTERPRISE",
    "PLACE",
    "POLICY",
    "PROJECT",
    "PROJECT_OR_ENTERPRISE",
    "REGION",
    "REPORT_TARGET",
    "SEGMENT",
    "AsOf",
    "Refers",
    "Scope",
    "refers",
    "same_as",
]


@dataclass(frozen=True)
class Refers:
    """Marks a params field that holds a node id: the kinds it may name, and ``what`` they are
    called in messages ("no region or park with id …")."""

    kinds: tuple[NodeKind, ...]
    what: str


CHAIN = Refers((NodeKind.CHAIN,), "chain")
SEGMENT = Refers((NodeKind.SEGMENT,), "segment")
ENTERPRISE = Refers((NodeKind.ENTERPRISE,), "enterprise")
REGION = Refers((NodeKind.REGION,), "region")
#: A place: what a scope may be.
PLACE = Refers((NodeKind.REGION, NodeKind.PARK), "region or park")
PROJECT = Refers((NodeKind.PROJECT,), "project")
POLICY = Refers((NodeKind.POLICY,), "policy")
#: What a policy is matched against.
PROJECT_OR_ENTERPRISE = Refers((NodeKind.PROJECT, NodeKind.ENTERPRISE), "project or enterprise")
#: What a period report is about: a county, a park or a chain.
REPORT_TARGET = Refers((NodeKind.REGION, NodeKind.PARK, NodeKind.CHAIN), "county, park or chain")
#: What has segments up- and downstream of it.
CHAIN_MEMBER = Refers((NodeKind.SEGMENT, NodeKind.ENTERPRISE, NodeKind.PROJECT), "segment, enterprise or project")
ANY_NODE = Refers(tuple(NodeKind), "node")
#: Any node but a Source: what a path may start or end at.
CONNECTABLE = Refers(tuple(k for k in NodeKind if k is not NodeKind.SOURCE), "node (not a Source)")

#: The place a chain query looks at (see :mod:`chainkg.queries.common`, "scope").
Scope = Annotated[
    str | None,
    PLACE,
    Field(
        description="region or park: id or name; default the home city / 范围：区域或园区的 id 或名称，默认全市",
        examples=["region:天衢新区", "park:德州经济技术开发区"],
    ),
]


#: The day a query answers for, from the facts known and true then (see
#: :mod:`chainkg.schema.lifecycle`); None means now.
AsOf = Annotated[
    dt.date | None,
    Field(
        description="as of this day, YYYY-MM-DD; default now / 截至日期（默认当前）",
        examples=["2023-06-30"],
    ),
]


def same_as(model: type[BaseModel], name: str) -> Any:
    """A copy of another params model's field ``name`` (type, default, limits, description), for a
    model that takes the same parameter — e.g. the viz pages' ``min_enterprises`` is the gap
    analysis's: ``min_enterprises: int = same_as(gaps.Params, "min_enterprises")``."""
    return copy.copy(model.model_fields[name])


def refers(model: type[BaseModel], name: str) -> Refers | None:
    """The :class:`Refers` of a params field, or None for a field that names no node."""
    return next((m for m in model.model_fields[name].metadata if isinstance(m, Refers)), None)
