"""Stable ids: derived from what a thing is called (or its registry code), never from load order.

Both stores and every loader compute ids with these functions, so loading the same facts twice, in
any order, into either store lands on the same nodes.
"""

from __future__ import annotations

import re

from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.normalize import normalize_name

__all__ = ["credit_code_problem", "edge_key", "enterprise_id", "event_id", "kind_of_id", "node_id", "source_id"]

_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def node_id(kind: NodeKind, name: str) -> str:
    """``<prefix>:<normalised name>``, e.g. ``seg:硅片``; raises ValueError for a blank name."""
    key = normalize_name(name)
    if not key:
        raise ValueError(f"a {kind.value} needs a non-empty name")
    return f"{kind.prefix}:{key}"


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code (GB 32100-2015), or None if it is."""
    if not _CODE_SHAPE.match(code):
        return "must be 18 characters: digits and capital letters except I, O, S, V, Z"
    total = sum(_CODE_ALPHABET.index(c) * w for c, w in zip(code[:17], _CODE_WEIGHTS, strict=True))
    expected = _CODE_ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"check digit is {code[17]!r} but should be {expected!r}"
    return None


def enterprise_id(name: str, credit_code: str | None = None) -> str:
    """The credit code identifies an enterprise across renamings; without one, its name does."""
    if credit_code:
        return f"{NodeKind.ENTERPRISE.prefix}:{credit_code.strip().upper()}"
    return node_id(NodeKind.ENTERPRISE, name)


def source_id(key: str) -> str:
    return node_id(NodeKind.SOURCE, key)


def event_id(project_id: str, tag: str) -> str:
    """A project event's id: the project's key and what the event is about — its status (one event per
    status reached) or its period (one investment record per period), e.g. ``event:有研艾斯项目@开工``.
    Loading the same event again, from any source, lands on the same node."""
    prefix, sep, key = project_id.partition(":")
    if prefix != NodeKind.PROJECT.prefix or not sep or not key:
        raise ValueError(f"{project_id!r} is not a project id")
    if not tag:
        raise ValueError("an event needs a status or a period")
    return f"{NodeKind.PROJECT_EVENT.prefix}:{key}@{tag}"


def edge_key(kind: EdgeKind, discriminator: str = "") -> str:
    """Key of an edge among the edges joining the same two nodes.

    Usually one edge of a kind joins two nodes; the discriminator separates the rare parallel ones
    (an enterprise that both invests in and builds a project).
    """
    return f"{kind.value}:{discriminator}" if discriminator else kind.value


_KIND_BY_PREFIX = {kind.prefix: kind for kind in NodeKind}


def kind_of_id(node_id_: str) -> NodeKind:
    """The kind an id belongs to, read from its prefix; raises ValueError for a malformed id."""
    prefix, sep, rest = node_id_.partition(":")
    kind = _KIND_BY_PREFIX.get(prefix)
    if not sep or not rest or kind is None:
        known = ", ".join(sorted(_KIND_BY_PREFIX))
        raise ValueError(f"{node_id_!r} is not a chainkg id: it must look like <kind>:<name> with kind one of {known}")
    return kind
