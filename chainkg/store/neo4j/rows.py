"""A statement's rows as plain Python values, decoded once.

Why: the driver's ``Result.data()`` passes every value of every row through
:class:`neo4j._data.RecordExporter`, which tests each one against the graph types and then against
``typing.Sequence`` and ``typing.Mapping`` (abstract base classes: slow ``isinstance`` checks). A
query that ships a list of ten thousand ids paid more for that walk than for the Bolt decoding
itself. :func:`rows` gives the same values — strings, numbers, booleans, None, temporal and spatial
values as they are, lists and maps walked, nodes as maps of their properties, relationships and paths
as the exporter writes them — with a type test per value instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from neo4j.graph import Node, Path, Relationship

if TYPE_CHECKING:
    import neo4j

__all__ = ["Sent", "plain", "rows", "sent"]

_SCALARS = frozenset((str, int, float, bool, type(None)))


def plain(value: Any) -> Any:
    """``value`` as ``Record.data()`` would give it (a list or map of plain values: itself)."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        for item in value:
            if type(item) not in _SCALARS:
                return [v if type(v) in _SCALARS else plain(v) for v in value]
        return value
    if kind is dict:
        for item in value.values():
            if type(item) not in _SCALARS:
                return {k: v if type(v) in _SCALARS else plain(v) for k, v in value.items()}
        return value
    if isinstance(value, Node):
        return plain(dict(value))
    if isinstance(value, Relationship):
        assert value.start_node is not None and value.end_node is not None
        return (plain(dict(value.start_node)), type(value).__name__, plain(dict(value.end_node)))
    if isinstance(value, Path):
        path: list[Any] = [plain(value.start_node)]
        for relationship, node in zip(value.relationships, value.nodes[1:], strict=True):
            path += [type(relationship).__name__, plain(node)]
        return path
    return value  # temporal and spatial values, as the driver's exporter leaves them


class Sent(list[Any]):
    """A list parameter whose ``repr`` is short. The driver (neo4j 6.4, ``Bolt5x5.run``) formats every
    RUN message's parameters for its debug log — ``" ".join(map(repr, fields))`` — before it asks
    whether debug logging is on: for a write statement's thousand rows that ``repr`` cost as much as
    the Bolt encoding itself (a third of the store's writer thread in a load's profile). The encoder
    packs a ``list`` subclass exactly as a list (same bytes)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} items>"


def sent(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """``parameters`` for ``tx.run``, each list a :class:`Sent`."""
    return {name: Sent(value) if type(value) is list else value for name, value in parameters.items()}


def rows(result: neo4j.Result) -> list[dict[str, Any]]:
    """Every row of ``result`` as a dict of plain values (:func:`plain`)."""
    keys = result.keys()
    return [
        {key: value if type(value) in _SCALARS else plain(value) for key, value in zip(keys, record, strict=True)}
        for record in result
    ]
