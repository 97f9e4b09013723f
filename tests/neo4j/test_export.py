"""Export and restore across stores on a real Neo4j: an export of the embedded graph loads into Neo4j
as the same graph, and an export of the Neo4j graph loads into the embedded store as the same graph —
every property, source, evidence and claim (``chainkg export`` / ``chainkg load``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainkg.app.backup import export_graph
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from tests.app.test_backup import build_rich_graph, graph_of
from tests.neo4j.contents import neo4j_contents


@pytest.fixture
def empty(neo4j_store: Neo4jStore) -> Neo4jStore:
    neo4j_store.clear()
    return neo4j_store


def test_export_round_trips_through_neo4j(empty: Neo4jStore, tmp_path: Path) -> None:
    original = build_rich_graph(tmp_path)
    export_graph(original, tmp_path / "from-memory")
    (report,) = run_load(empty, [tmp_path / "from-memory"], default_loaders())
    assert report.rejects == []
    in_neo4j = neo4j_contents(empty)
    assert {"nodes": in_neo4j["nodes"], "edges": in_neo4j["edges"]} == graph_of(original)

    export_graph(empty, tmp_path / "from-neo4j")
    back = MemoryStore()
    (report,) = run_load(back, [tmp_path / "from-neo4j"], default_loaders())
    assert report.rejects == []
    assert graph_of(back) == graph_of(original)
    empty.clear()
