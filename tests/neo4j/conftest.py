"""A real Neo4j for the tests: one server per session, started by ``tools/neo4j_server.py``.

The server is Neo4j Community 5.26 running embedded in a small Java launcher with Bolt on
127.0.0.1 (``tools/neo4j-launcher``); :func:`tools.neo4j_server.build` compiles the launcher with
Maven on first use. Without Java/Maven, or when the build or the start fails, the Neo4j tests
skip with the reason — unless ``CHAINKG_REQUIRE_NEO4J=1`` (set by CI), which turns that into a
failure, so CI can never pass by skipping them.

The server has one user database, so the graph in it is shared: each test module loads what it
needs in a module-scoped fixture (clearing first), and tests must leave the graph as they found it
or declare their own fixture.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from chainkg.store.neo4j.store import Neo4jStore

REQUIRE = os.environ.get("CHAINKG_REQUIRE_NEO4J", "") == "1"
#: Generous for a loaded CI machine; the server is usually ready in 5–10 s once its jars are built.
START_TIMEOUT = 90
#: The tests empty and refill the graph hundreds of times; Neo4j would take each refill as a reason
#: to plan every statement again (plans follow data statistics). The plans are the same — answers
#: never depend on them — so the test server keeps its first ones.
TEST_SETTINGS = {"dbms.cypher.min_replan_interval": "1h", "dbms.cypher.statistics_divergence_threshold": "1.0"}
#: A test server lives for minutes and answers small queries: the JIT's quick tier alone warms up in
#: a fraction of the time (start, first load and first queries about a third faster on 2 cores).
TEST_JVM_ARGS = ("-XX:TieredStopAtLevel=1",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.neo4j)


def _unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"CHAINKG_REQUIRE_NEO4J=1 but the Neo4j test server is unavailable: {reason}", pytrace=False)
    pytest.skip(f"Neo4j test server unavailable ({reason}); set CHAINKG_REQUIRE_NEO4J=1 to make this a failure")


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[object]:
    """A started :class:`tools.neo4j_server.Neo4jServer` (building the launcher first if needed)."""
    try:
        from tools.neo4j_server import Neo4jLauncherError, Neo4jServer, build
    except ImportError as exc:  # pragma: no cover - the file is part of the repository
        _unavailable(f"tools/neo4j_server.py cannot be imported: {exc}")
        raise
    started = time.monotonic()
    server = Neo4jServer(settings=TEST_SETTINGS, jvm_args=TEST_JVM_ARGS)
    try:
        build()
        server.start(timeout=START_TIMEOUT)
    except (Neo4jLauncherError, OSError) as exc:
        server.close()  # removes the log: the reason carries its first and last lines
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
        _unavailable(lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1]}")
    print(f"\nNeo4j test server ready at {server.uri} in {time.monotonic() - started:.1f}s")
    try:
        yield server
    finally:
        server.close()


def connect(server: object, **options: float) -> Neo4jStore:
    """A connected store on the test server, with short retries: a test about a dead server must not
    wait half a minute."""
    uri, (user, password) = server.uri, server.auth  # type: ignore[attr-defined]
    store = Neo4jStore(
        uri,
        user,
        password,
        write_retry_seconds=options.get("write_retry_seconds", 3.0),
        read_retry_seconds=options.get("read_retry_seconds", 1.0),
    )
    return store.connect()


@pytest.fixture(scope="session")
def neo4j_store(neo4j_server: object) -> Iterator[Neo4jStore]:
    """The session's store on the test server (schema in place). Modules load their own graph."""
    store = connect(neo4j_server)
    try:
        yield store
    finally:
        store.close()
