"""The Neo4j store's row decoding (:mod:`chainkg.store.neo4j.rows`) gives what the driver's ``Record.data()`` gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from neo4j._data import RecordExporter
from neo4j.time import Date, DateTime

from chainkg.store.neo4j.rows import plain

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
