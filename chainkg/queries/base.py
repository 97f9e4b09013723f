"""One typed object per query: :class:`Query` holds its parameters type, result type, networkx and
Cypher forms, and where its definition is written (the module docstring).

Every query module ends with ``QUERY = Query(...)``; :mod:`chainkg.queries.registry` lists them all
once. Front ends read names, summaries, limits, defaults and descriptions from here (the params
model's fields) instead of writing them again; a store runs ``store.run(gaps.QUERY, params)`` and the
type checker knows the answer is a ``gaps.Result``.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import networkx as nx
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from chainkg.store.protocol import Execute

__all__ = ["Limits", "Query", "field_limits"]

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class Limits:
    """A field's bounds as its params model declares them (None: unbounded)."""

    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    lt: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Query(Generic[P, R]):
    """A question the graph answers.

    ``name`` is the stable handle (registry key, benchmark case, log messages); ``summary`` the
    short title in English and Chinese; ``command`` the CLI command that runs it (None: API only).
    """

    name: str
    summary: str
    params: type[P]
    result: type[R]
    run_networkx: Callable[[nx.MultiDiGraph[str], P], R]
    run_cypher: Callable[[Execute, P], R]
    module: str
    command: str | None = None

    # --- the forms a store runs (chainkg.store.protocol.QueryForms) ---------------------------

    def networkx(self, graph: nx.MultiDiGraph[str], params: P) -> R:
        return self.run_networkx(graph, params)

    def cypher(self, execute: Execute, params: P) -> R:
        return self.run_cypher(execute, params)

    # --- what front ends read -----------------------------------------------------------------

    @property
    def definition(self) -> str:
        """The module docstring: the query's definition (title line first)."""
        return inspect.cleandoc(sys.modules[self.module].__doc__ or "")

    @property
    def title(self) -> str:
        return self.definition.partition("\n")[0].rstrip(".")

    def field(self, name: str) -> FieldInfo:
        """The params model's field ``name`` (KeyError when it has none)."""
        return self.params.model_fields[name]

    def default(self, name: str) -> Any:
        """The default of a params field (its factory called)."""
        return self.field(name).get_default(call_default_factory=True)

    def description(self, name: str) -> str:
        return self.field(name).description or ""

    def limits(self, name: str) -> Limits:
        """The bounds the params model puts on a field (``Field(ge=…, le=…, max_length=…)``)."""
        return field_limits(self.field(name))


def field_limits(field: FieldInfo) -> Limits:
    """The bounds a pydantic field declares (``Field(ge=…, le=…, max_length=…, pattern=…)``)."""
    found: dict[str, Any] = {}
    for meta in field.metadata:
        for key in ("ge", "le", "gt", "lt", "min_length", "max_length", "pattern"):
            value = getattr(meta, key, None)
            if value is not None:
                found[key] = value
    return Limits(**found)
