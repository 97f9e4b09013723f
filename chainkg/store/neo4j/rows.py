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

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from neo4j.graph import Node, Path, Relationship

if TYPE_CHECKING:
    import neo4j

__all__ = ["ONE_MAP", "Sent", "in_one_map", "one_map", "plain", "rows", "sent"]

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


ONE_MAP = "p"
"""The name of the one map parameter a read statement is sent with (:func:`in_one_map`)."""

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@lru_cache(maxsize=4096)
def one_map(statement: str) -> str:
    """``statement`` with every parameter ``$x`` read as ``$p.x`` from one map parameter.

    Why: Neo4j 5's plan cache keys a statement on its parameters' types *and size classes* (a string or
    list of another length bucket, or null instead of a value, is another key): the same read
    statement was planned again for most calls — 0.4–1.9 s each for the larger forms at province
    (BENCHMARKS 4k). A map parameter is one key whatever it holds: the query cases of
    ``benchmarks.neo4j_queries`` made 68 plans for 35 statement texts with their parameters sent
    apart, 45 with them in one map: one per text, one more per text run over ten times (the server's
    compiled form of a hot statement) and the benchmark's own (BENCHMARKS 4n; tested in
    ``tests/neo4j/test_plans.py``). Statements are chainkg's own texts (no ``$`` inside their string
    literals); the values stay parameters.
    """
    return _PARAMETER.sub(rf"${ONE_MAP}.\1", statement)


def in_one_map(statement: str, parameters: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``statement`` and ``parameters`` for ``tx.run`` as one map parameter (:func:`one_map`)."""
    return one_map(statement), {ONE_MAP: sent(parameters)}
