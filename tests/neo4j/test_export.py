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


def test_a_big_api_load_into_neo4j_runs_in_a_worker(
    empty: Neo4jStore, neo4j_server: object, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """On Neo4j the worker process writes to the server itself; the API answers with its report."""
    import logging

    from fastapi.testclient import TestClient

    from chainkg.app.settings import Settings
    from chainkg.server import create_app
    from tests.app.test_recovery import registry_csv

    uri, (user, password) = neo4j_server.uri, neo4j_server.auth  # type: ignore[attr-defined]
    settings = Settings(
        store="neo4j",
        home=tmp_path / "home",
        neo4j_uri=uri,
        neo4j_user=user,
        neo4j_password=password,
        api_key="neo4j-worker-key",
        load_worker_bytes=0,
        watch_seconds=0,
    )
    csv = registry_csv(tmp_path / "r.csv", 12, prefix="图库工人")
    with caplog.at_level(logging.WARNING, logger="chainkg.api"), TestClient(create_app(settings, empty)) as client:
        upload = {"file": ("r.csv", csv.read_bytes())}
        response = client.post("/api/v1/loads", headers={"X-API-Key": "neo4j-worker-key"}, files=upload)
    assert response.status_code == 200, response.text
    assert response.json()["records_loaded"] == 12 and not caplog.records, "loaded by the worker, no fallback"
    assert len(empty.read("MATCH (e:Enterprise) WHERE e.name STARTS WITH '图库工人' RETURN e.id AS id")) == 12
    empty.clear()
