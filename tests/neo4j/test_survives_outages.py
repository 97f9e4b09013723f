"""Neo4j going away: killed in the middle of a load, under a running API.

A load that loses its server fails with a message saying so (StoreUnavailable, from the pipeline
and from ``chainkg load``), the batch in flight is rolled back — after the restart none of it is
there while every earlier batch is — and loading again completes with exactly the graph of an
uninterrupted load. The API answers 503 with Retry-After while the server is down and serves again,
without a restart of chainkg, once it is back: the driver reconnects by itself.

One outage serves all of it (a restart costs seconds). It kills and restarts the session's server,
so this module runs last (file order); the restart keeps the server's port and data.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainkg.app.settings import Settings
from chainkg.cli import app as cli
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.schema.records import Batch
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import StoreUnavailable, WriteResult
from tests.conftest import DATASET, load_dataset
from tests.neo4j.conftest import connect
from tests.neo4j.contents import memory_contents, neo4j_contents

#: The batch during which the server dies (the pipeline writes the Dezhou data in a few dozen).
KILLED_IN_BATCH = 4


class DyingServerStore(Neo4jStore):
    """A store that kills the server after the first write statement of batch :data:`KILLED_IN_BATCH` has
    run — inside its open transaction — and remembers which batches committed before."""

    server: Any = None
    committed: list[Batch]
    in_flight: Batch | None = None

    def write(self, batch: Batch) -> WriteResult:
        if self._batches + 1 == KILLED_IN_BATCH:
            self.in_flight = batch
        result = super().write(batch)
        self.committed.append(batch)
        return result

    def _run(self, tx: Any, statement: str, parameters: Any) -> list[dict]:
        rows = super()._run(tx, statement, parameters)
        if self._batches == KILLED_IN_BATCH and "$rows" in statement and self.server.running:  # a write
            self.server.kill()  # SIGKILL: no shutdown, no commit of the open transaction
        return rows


@pytest.fixture(scope="module")
def uninterrupted() -> MemoryStore:
    store = MemoryStore()
    load_dataset(store)
    return store


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


#: What the API is asked during the outage and after it: readiness, a count, a search, an analysis.
URLS = ["/readyz", "/api/v1/stats", "/api/v1/search?text=有研", "/api/v1/chains/chain:集成电路/gaps"]


async def _answers(app: Any) -> dict[str, tuple[int, Any]]:
    """Status and body per URL; the readiness body without ``backend`` (the one thing that differs)."""
    answers = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client:
        for url in URLS:
            response = await client.get(url)
            body = response.json()
            if isinstance(body, dict):
                body.pop("backend", None)
                body.get("details", {}).pop("backend", None)
            answers[url] = (response.status_code, body)
    return answers


@pytest.mark.anyio
async def test_a_server_killed_mid_load_fails_the_load_cleanly_and_the_api_recovers_by_itself(
    neo4j_server: Any, neo4j_store: Neo4jStore, uninterrupted: MemoryStore, tmp_path: Path
) -> None:
    """One outage, every promise: the load fails with a clear StoreUnavailable, the API answers 503 with
    Retry-After meanwhile, after the restart no half batch is there and the same running API answers
    (as the embedded store would on the batches that committed), and loading again gives exactly the
    graph of an uninterrupted load."""
    neo4j_store.clear()
    # No read retries: a request during the outage fails at once, and the first one after the restart
    # must succeed on its own — on a fresh connection, the pooled ones having died with the server.
    served = connect(neo4j_server, read_retry_seconds=0)
    app = create_app(Settings(home=tmp_path, retry_after=7), served)
    dying = DyingServerStore(neo4j_server.uri, *neo4j_server.auth, write_retry_seconds=1.0, read_retry_seconds=0.5)
    dying.server, dying.committed = neo4j_server, []
    late: TestClient | None = None
    try:
        # 1. the load: the server dies inside batch KILLED_IN_BATCH
        with pytest.raises(StoreUnavailable) as failure:
            run_load(dying, [DATASET], default_loaders(), batch_size=40)
        message = str(failure.value)
        assert f"Neo4j at {neo4j_server.uri} is unavailable while writing batch {KILLED_IN_BATCH} (" in message
        assert "rolled back" in message and "run it again" in message
        assert len(dying.committed) == KILLED_IN_BATCH - 1 and dying.in_flight is not None

        # 2. the API meanwhile: 503, Retry-After, the error shape
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client:
            for url in URLS:
                response = await client.get(url)
                assert response.status_code == 503, (url, response.text)
                assert response.headers["retry-after"] == "7"
                assert response.json()["code"] == "store_unavailable"
                assert "unavailable" in response.json()["message"]

        # 2b. an app started while the server is down: 503 "retrying", not a dead process
        late = TestClient(create_app(_late_settings(neo4j_server, tmp_path)))
        late.__enter__()
        response = late.get("/readyz")
        assert response.status_code == 503 and response.headers["retry-after"] == "1"
        assert response.json()["details"] == {"state": "retrying"}
        assert "retrying every 1 s" in response.json()["message"]
        assert late.get("/api/v1/stats").status_code == 503

        # 3. back: the committed batches are all there, nothing of the interrupted one
        neo4j_server.restart()
        nodes_before = {n.id for b in dying.committed for n in b.nodes}
        edges_before = {e.identity for b in dying.committed for e in b.edges}
        assert all(neo4j_store.node(node_id) is not None for node_id in nodes_before)
        assert all(_edge_exists(neo4j_store, edge) for edge in edges_before)
        new_nodes = {n.id for n in dying.in_flight.nodes} - nodes_before
        new_edges = {e.identity for e in dying.in_flight.edges} - edges_before
        assert new_nodes, "the interrupted batch should have had nodes of its own"
        assert [n for n in new_nodes if neo4j_store.node(n) is not None] == []  # none of its nodes…
        assert [e for e in new_edges if _edge_exists(neo4j_store, e)] == []  # …and none of its edges
        partial = MemoryStore()
        for batch in dying.committed:
            partial.write(batch)
        assert neo4j_contents(neo4j_store) == memory_contents(partial)

        # 4. the same app and store object answer again, as the embedded store does on that graph —
        # and so does the app that started during the outage, having opened the store by itself
        assert await _answers(app) == await _answers(create_app(Settings(home=tmp_path), partial))
        deadline = time.monotonic() + 60
        while late.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert late.get("/readyz").status_code == 200, late.get("/readyz").text
        assert late.get("/api/v1/stats").json() == served_stats(app)

        # 5. loading again completes: the uninterrupted graph, item by item, and the API agrees
        report = load_dataset(neo4j_store)
        assert report.rejects == []
        assert neo4j_store.counts() == uninterrupted.counts()
        assert neo4j_contents(neo4j_store) == memory_contents(uninterrupted)
        assert await _answers(app) == await _answers(create_app(Settings(home=tmp_path), uninterrupted))
    finally:
        if late is not None:
            late.__exit__(None, None, None)
        dying.close()
        served.close()
        if not neo4j_server.running:
            neo4j_server.restart()


def _late_settings(server: Any, home: Path) -> Settings:
    """Settings of an app on the test server that retries opening it every second."""
    user, password = server.auth
    return Settings(
        store="neo4j",
        home=home / "late",
        neo4j_uri=server.uri,
        neo4j_user=user,
        neo4j_password=password,
        neo4j_read_retry_seconds=0,
        retry_after=1,
    )


def served_stats(app: Any) -> Any:
    with TestClient(app) as client:
        return client.get("/api/v1/stats").json()


def _edge_exists(store: Neo4jStore, identity: tuple[str, str, str]) -> bool:
    rows = store.read(
        "MATCH (a:Entity {id: $a})-[r {key: $key}]->(b:Entity {id: $b}) RETURN count(r) AS n",
        {"a": identity[0], "b": identity[1], "key": identity[2]},
    )
    return rows[0]["n"] > 0


def test_chainkg_load_says_the_server_is_gone(neo4j_server: Any, tmp_path: Path) -> None:
    from tools.neo4j_server import free_port

    env = {
        "CHAINKG_NEO4J_URI": f"bolt://127.0.0.1:{free_port()}",
        "CHAINKG_NEO4J_WRITE_RETRY_SECONDS": "0",
        "CHAINKG_HOME": str(tmp_path),
    }
    result = CliRunner().invoke(cli, ["load", "--store", "neo4j", "--no-progress", str(DATASET)], env=env)
    assert result.exit_code == 3, result.output
    assert "is unavailable while connecting" in " ".join(result.output.split())
    assert "Traceback" not in result.output


@pytest.fixture
def dezhou_loaded(neo4j_store: Neo4jStore, uninterrupted: MemoryStore) -> Neo4jStore:
    """The server holds the Dezhou graph (loaded again only if it does not)."""
    if neo4j_store.counts() != uninterrupted.counts():
        neo4j_store.clear()
        load_dataset(neo4j_store)
    return neo4j_store


def test_chainkg_commands_run_on_neo4j(
    neo4j_server: Any, dezhou_loaded: Neo4jStore, uninterrupted: MemoryStore, tmp_path: Path
) -> None:
    """``--store neo4j`` for load and stats, ``CHAINKG_STORE`` for a query command."""
    env = {
        "CHAINKG_NEO4J_URI": neo4j_server.uri,
        "CHAINKG_NEO4J_USER": neo4j_server.auth[0],
        "CHAINKG_NEO4J_PASSWORD": neo4j_server.auth[1],
        "CHAINKG_HOME": str(tmp_path),
    }
    runner = CliRunner()
    loaded = runner.invoke(cli, ["load", "--store", "neo4j", "--no-progress", str(DATASET)], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert "nodes +0 ~0, edges +0 ~0" in " ".join(loaded.output.split())  # already there: nothing changes
    counted = runner.invoke(cli, ["stats", "--store", "neo4j", "--json"], env=env)
    assert counted.exit_code == 0, counted.output
    assert f'"Enterprise": {uninterrupted.counts().nodes["Enterprise"]}' in counted.output
    found = runner.invoke(cli, ["search", "有研", "--json"], env={**env, "CHAINKG_STORE": "neo4j"})
    assert found.exit_code == 0 and "ent:有研科技集团有限公司" in found.output
    assert not (tmp_path / "memory.snapshot").exists()  # Neo4j keeps the graph itself
