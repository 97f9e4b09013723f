"""Turning what a person types (an id, a name, a 简称) into the id a query needs."""

from __future__ import annotations

from chainkg.queries import search
from chainkg.queries.errors import Ambiguous, NotFound
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import NodeKind
from chainkg.store.protocol import GraphStore

__all__ = ["resolve_ref"]


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
    result = store.run(search.QUERY, search.Params(text=text[:100], kinds=list(kinds), limit=5))
    assert isinstance(result, search.Result)
    hits = result.hits
    if not hits or hits[0].score < 0.75:
        suggestions = [{"id": h.id, "name": h.name} for h in hits]
        raise NotFound(what, text, suggestions)
    tied = [h for h in hits if h.score == hits[0].score]
    if len(tied) > 1 and hits[0].score < 1.0:
        raise Ambiguous(what, text, [{"id": h.id, "name": h.name} for h in tied])
    return hits[0].id
