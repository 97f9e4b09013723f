"""The workbench over the Dezhou graph: through the real app in-process (``client``) and served by a
real uvicorn on 127.0.0.1 for the browser (``live_url``)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from chainkg.app.settings import Settings
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore

TIANQU = "region:天衢新区"


@pytest.fixture(scope="module")
def client(dezhou: MemoryStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(home=tmp_path_factory.mktemp("web-home")), dezhou)
    with TestClient(app) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(store: MemoryStore, home: Path) -> Iterator[str]:
    """The app over ``store`` served by uvicorn on a free port of 127.0.0.1, in a thread; yields its URL."""
    app = create_app(Settings(home=home), store)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the workbench server did not start within 20 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_url(dezhou: MemoryStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a free port of 127.0.0.1, in a thread, for the session."""
    with serving(dezhou, tmp_path_factory.mktemp("web-live")) as url:
        yield url


class Tables(HTMLParser):
    """The rows of every ``<table class="data" data-table=…>`` of a page, as cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[str] = []
        self.sources: list[str] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self._empty_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"] or "")
        if tag in ("script", "img", "iframe") and attr.get("src"):
            self.sources.append(attr["src"] or "")
        if tag == "link" and attr.get("href"):
            self.sources.append(attr["href"] or "")
        if tag == "table" and "data" in (attr.get("class") or "").split():
            self._table = attr.get("data-table") or ""
            self.tables[self._table] = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None and not self._in_head:
            self._row, self._empty_row = [], False
        elif tag == "td" and self._row is not None:
            self._cell = []
            self._empty_row |= "empty" in (attr.get("class") or "").split()

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag == "td" and self._row is not None and self._cell is not None:
            self._row.append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if not self._empty_row:  # the "nothing here" row is not a data row
                self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> Tables:
    parser = Tables()
    parser.feed(html)
    return parser


def rows_shown(html: str, table: str) -> list[list[str]]:
    """The data rows a page shows in one of its tables, as cell texts."""
    return parse(html).tables[table]
