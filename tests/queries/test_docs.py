"""docs/queries.md is generated from the query modules; it must be current."""

from __future__ import annotations

from pathlib import Path

from chainkg.queries import docs
from chainkg.queries.registry import QUERIES

REPO = Path(__file__).resolve().parents[2]


def test_queries_doc_is_up_to_date() -> None:
    current = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    assert current == docs.render(), "run: python -m chainkg.queries.docs > docs/queries.md"


def test_every_query_module_has_the_four_parts() -> None:
    for query in QUERIES:
        assert query.definition and query.params and query.result and callable(query.run_networkx), query.name
