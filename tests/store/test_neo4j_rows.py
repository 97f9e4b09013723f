"""The Neo4j store's row decoding (:mod:`chainkg.store.neo4j.rows`) gives what the driver's ``Record.data()`` gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from neo4j._data import RecordExporter
from neo4j.time import Date, DateTime

from chainkg.store.neo4j.rows import Sent, in_one_map, one_map, plain

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5))
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=30,
)


@given(value=_values)
def test_plain_values_decode_as_the_driver_decodes_them(value: Any) -> None:
    assert plain(value) == RecordExporter().transform(value)


def test_temporal_values_are_kept() -> None:
    value = {"on": Date(2026, 12, 6), "at": [DateTime(2026, 12, 6, 19, 0, 0, tzinfo=dt.UTC)]}
    assert plain(value) == RecordExporter().transform(value)


def test_read_statements_take_their_parameters_from_one_map() -> None:
    statement = "MATCH (n {id: $id}) WHERE n.kind IN $kinds AND coalesce($a.scope, '') <> '' RETURN n LIMIT $limit"
    text, parameters = in_one_map(
        statement, {"id": "region:德州市", "kinds": ["Region"], "a": {"scope": None}, "limit": 5}
    )
    assert text == (
        "MATCH (n {id: $p.id}) WHERE n.kind IN $p.kinds AND coalesce($p.a.scope, '') <> '' RETURN n LIMIT $p.limit"
    )
    assert list(parameters) == ["p"]
    assert parameters["p"] == {"id": "region:德州市", "kinds": ["Region"], "a": {"scope": None}, "limit": 5}
    assert type(parameters["p"]["kinds"]) is Sent  # a short repr for the driver's debug line, nested too
    assert one_map(statement) is one_map(statement)  # rewritten once per statement text
