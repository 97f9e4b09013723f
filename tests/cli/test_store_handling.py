"""Every command opens and closes the store the same way: an unreachable store is exit 3 with a
message (never a traceback), a name that fits nothing is exit 2 with "did you mean", and the store
a command opened is closed however the command ends."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from chainkg.app.settings import Settings
from chainkg.cli import app
from chainkg.cli.common import store_for
from chainkg.queries.errors import NotFound
from chainkg.store.memory import MemoryStore
from chainkg.store.protocol import StoreUnavailable

REPO = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


#: Every command that opens the graph store.
COMMANDS = [
    ["extract", str(REPO / "README.md"), "--no-save"],
    ["review", "accept", "c0123456789"],
    ["viz", "chain", "集成电路", "-o", "page.html"],
    ["stats"],
    ["gaps", "集成电路"],
    ["load", str(REPO / "data" / "dezhou"), "--no-progress"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_an_unreachable_store_is_exit_3_with_a_message(args: list[str], tmp_path: Path) -> None:
    env = {
        "CHAINKG_STORE": "neo4j",
        "CHAINKG_NEO4J_URI": f"bolt://127.0.0.1:{_closed_port()}",
        "CHAINKG_NEO4J_READ_RETRY_SECONDS": "0",
        "CHAINKG_NEO4J_WRITE_RETRY_SECONDS": "0",
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(app, [*args, "--home", str(tmp_path)], env=env)
    assert result.exit_code == 3, result.output
    assert "unavailable" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # typer.Exit, not an exception escaping the command


class _Recording(MemoryStore):
    """The embedded store, remembering whether it was closed."""

    closed = False

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (NotFound("chain", "chain:不存在", [{"id": "chain:集成电路", "name": "集成电路"}]), 2),
        (StoreUnavailable("gone"), 3),
    ],
)
def test_the_store_is_closed_however_the_command_ends(failure: Exception, code: int, tmp_path: Path) -> None:
    store = _Recording()
    with pytest.raises(typer.Exit) as info, store_for(Settings(home=tmp_path), opener=lambda _: store):
        raise failure
    assert info.value.exit_code == code and store.closed
    store = _Recording()
    with store_for(Settings(home=tmp_path), opener=lambda _: store) as opened:
        assert opened is store and not store.closed
    assert store.closed
