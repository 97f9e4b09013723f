"""Turning what a person types (an id, a name, a 简称) into the id a query needs.

Every front end (API, CLI, viz pages, notebooks) builds a query's params with :func:`bind`: each
value of a field marked :class:`~chainkg.queries.params.Refers` is resolved by :func:`resolve_ref`
— an id is used as given, with no search; otherwise an exact name or alias wins, else a single
clearly best prefix match. A name that fits nothing is :class:`NotFound` with the closest names, one
that fits several equally is :class:`Ambiguous` listing them; either names the field it is about in
``details["field"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from chainkg.queries import search
from chainkg.queries.errors import Ambiguous, InvalidQuery, NotFound
from chainkg.queries.params import Refers, refers
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import NodeKind
from chainkg.store.protocol import GraphStore

__all__ = ["bind", "resolve", "resolve_ref"]

P = TypeVar("P", bound=BaseModel)


def resolve_ref(store: GraphStore, text: str, kinds: tuple[NodeKind, ...], what: str) -> str:
    """An id as given, or the single best-matching name of the given kinds.

    A name must match well (an exact name/alias, or a prefix); when two nodes match equally well
    the caller gets both in the error instead of a silent guess.
    """
    try:
        if kind_of_id(text) in kinds and store.node(text) is not None:
            return text
    except ValueError:
        pass
    hits = store.run(search.QUERY, search.Params(text=text[:100], kinds=list(kinds), limit=5)).hits
    if not hits or hits[0].score < 0.75:
        suggestions = [{"id": h.id, "name": h.name} for h in hits]
        raise NotFound(what, text, suggestions)
    tied = [h for h in hits if h.score == hits[0].score]
    if len(tied) > 1 and hits[0].score < 1.0:
        raise Ambiguous(what, text, [{"id": h.id, "name": h.name} for h in tied])
    return hits[0].id


def resolve(store: GraphStore, ref: Refers, value: str, field: str) -> str:
    """The id ``value`` stands for; errors name the request ``field`` they are about. A text with
    nothing left once normalised cannot name anything: not found, with no suggestions."""
    try:
        return resolve_ref(store, value, ref.kinds, ref.what)
    except (NotFound, Ambiguous) as exc:
        exc.details["field"] = field
        raise
    except InvalidQuery as exc:
        error = NotFound(ref.what, value, [])
        error.details["field"] = field
        raise error from exc


def bind(store: GraphStore, model: type[P], values: Mapping[str, Any]) -> P:
    """``model`` validated from ``values`` after resolving every value (not None) of a field that
    names a node; an error names the field."""
    resolved = dict(values)
    for name, value in values.items():
        ref = refers(model, name)
        if ref is not None and value is not None:
            resolved[name] = resolve(store, ref, value, name)
    return model.model_validate(resolved)
