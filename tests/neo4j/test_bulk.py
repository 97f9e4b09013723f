"""``chainkg load --store neo4j --bulk``: what it refuses and how it reports a failed import.

The import itself is exercised by the Dezhou parity suite, which runs whole on a bulk-loaded database
(``tests/neo4j/test_parity_dezhou.py``, the ``bulk`` parameter)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chainkg.cli import app as cli
from chainkg.loaders import default_loaders
from chainkg.loaders.bulk import bulk_load, command_importer
from chainkg.schema.kinds import NodeKind
from chainkg.schema.records import Batch, NodeRecord
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import StoreError
from tests.conftest import DATASET


def _env(server: Any, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "CHAINKG_NEO4J_URI": server.uri,
        "CHAINKG_NEO4J_USER": server.auth[0],
        "CHAINKG_NEO4J_PASSWORD": server.auth[1],
        "CHAINKG_HOME": str(tmp_path),
        **extra,
    }


@pytest.fixture
def one_node(neo4j_store: Neo4jStore) -> Iterator[Neo4jStore]:
    """A database holding a single source node; emptied afterwards."""
    neo4j_store.clear()
    neo4j_store.write(Batch(nodes=[NodeRecord(NodeKind.SOURCE, "src:x", {"name": "x"}, [])]))
    yield neo4j_store
    neo4j_store.clear()


def test_bulk_refuses_a_database_that_is_not_empty(one_node: Neo4jStore, tmp_path: Path) -> None:
    def must_not_run(directory: Path) -> None:
        raise AssertionError("the importer ran on a non-empty database")

    with pytest.raises(StoreError, match=r"is not empty \(1 nodes, 0 relationships\): bulk import only fills a new"):
        bulk_load(one_node, [DATASET], default_loaders(), must_not_run, tmp_path)
    assert not list(tmp_path.iterdir())  # refused before the pipeline ran


def test_the_cli_says_why_it_refuses(neo4j_server: Any, one_node: Neo4jStore, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["load", "--store", "neo4j", "--bulk", str(DATASET)]
    needs_command = runner.invoke(cli, args, env=_env(neo4j_server, tmp_path))
    assert needs_command.exit_code == 2 and "CHAINKG_NEO4J_IMPORT_COMMAND" in needs_command.output
    not_empty = runner.invoke(cli, args, env=_env(neo4j_server, tmp_path, CHAINKG_NEO4J_IMPORT_COMMAND="true"))
    assert not_empty.exit_code == 3, not_empty.output
    assert "is not empty (1 nodes" in " ".join(not_empty.output.split())
    memory_store = runner.invoke(cli, ["load", "--bulk", str(DATASET)], env={"CHAINKG_HOME": str(tmp_path)})
    assert memory_store.exit_code == 2 and "--store neo4j" in memory_store.output


def test_a_failing_import_command_is_a_store_error_with_its_output(tmp_path: Path) -> None:
    importer = command_importer("sh -c 'echo importing; echo no such database >&2; exit 7'")
    with pytest.raises(StoreError, match=r"failed \(exit 7\):\nimporting\nno such database"):
        importer(tmp_path)
