"""The /viz/… routes and ``chainkg viz``: pages served as HTML, errors as readable pages or messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainkg.app.settings import Settings
from chainkg.cli import app as cli
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from chainkg.viz import Limits
from chainkg.viz.routes import page_limits
from tests.viz.test_viz_pages import assert_offline


@pytest.fixture(scope="module")
def client(dezhou: MemoryStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(home=tmp_path_factory.mktemp("home")), dezhou)
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/viz/chain/chain:集成电路?scope=region:天衢新区", "<title>集成电路 产业链图谱 · 天衢新区</title>"),
        ("/viz/chain/集成电路?scope=天衢新区&members=2", "<title>集成电路 产业链图谱 · 天衢新区</title>"),
        ("/viz/entity/有研集团?hops=2", "<title>有研科技集团有限公司 · 2 跳邻域</title>"),
        (f"/viz/entity/{quote('ent:有研科技集团有限公司', safe='')}", "<title>有研科技集团有限公司 · 1 跳邻域</title>"),
        (
            "/viz/footprint/有研集团?scope=天衢新区&local_only=true",
            "<title>有研科技集团有限公司 布局 · 天衢新区</title>",
        ),
        (
            "/viz/explain?source=有研新材料&target=天衢新区",
            "<title>关系路径：有研新材料股份有限公司 → 天衢新区</title>",
        ),
    ],
)
def test_pages_are_served_as_offline_html(client: TestClient, url: str, title: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[-500:]
    assert response.headers["content-type"].startswith("text/html")
    assert title in response.text
    assert 'var nav = "/viz/entity/"' in response.text  # double-click leads to the neighbourhood page
    assert_offline(response.text)


def test_index_links_every_chain_map(client: TestClient) -> None:
    response = client.get("/viz/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.text.count('<a href="/viz/chain/chain:') == 12
    assert '<a href="/viz/chain/chain:集成电路">集成电路</a>' in response.text


def test_unknown_name_is_a_404_page_with_close_names(client: TestClient) -> None:
    response = client.get("/viz/footprint/有研科技集团有限责任公司X")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-error="not_found"' in response.text and "您是否要找" in response.text
    assert "ent:有研科技集团有限公司" in response.text


def test_too_large_request_is_a_422_page_naming_what_to_narrow(client: TestClient) -> None:
    client.app.dependency_overrides[page_limits] = lambda: Limits(max_nodes=15)  # type: ignore[attr-defined]
    try:
        response = client.get("/viz/entity/德州市?hops=2")
    finally:
        client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert response.status_code == 422
    assert 'data-error="too_large"' in response.text
    assert "单页最多 15 个节点" in response.text
    for parameter in ("hops", "per_group", "edge_kind"):
        assert f"<li>{parameter}:" in response.text
    assert "vis.Network" not in response.text  # nothing for a browser to choke on


def test_bad_parameters_are_refused(client: TestClient) -> None:
    assert client.get("/viz/entity/有研集团?hops=9").status_code == 422
    same = client.get("/viz/explain?source=天衢新区&target=region:天衢新区")
    assert same.status_code == 422 and "must be different" in same.text


# --- the command --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One state directory for the module: the first command builds the graph, the others reuse it."""
    return tmp_path_factory.mktemp("cli-home")


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["chain", "集成电路", "--scope", "天衢新区"], "集成电路 产业链图谱 · 天衢新区"),
        (["entity", "有研集团", "--hops", "2", "--edge-kind", "SUBSIDIARY_OF"], "有研科技集团有限公司 · 2 跳邻域"),
        (["footprint", "有研集团", "--local-only"], "有研科技集团有限公司 布局 · 德州市"),
        (["explain", "有研新材料", "天衢新区", "--max-paths", "2"], "关系路径：有研新材料股份有限公司 → 天衢新区"),
    ],
)
def test_viz_command_writes_a_self_contained_page(home: Path, tmp_path: Path, args: list[str], title: str) -> None:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(cli, ["viz", *args, "-o", str(out), "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert f"{title}:" in result.output and str(out) in result.output.replace("\n", "")
    html = out.read_text(encoding="utf-8")
    assert f"<title>{title}</title>" in html
    assert "var nav" not in html  # a file has no server to navigate to
    assert_offline(html)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "天衢新区"], "takes 2 argument(s)"),
        (["graph", "集成电路"], "not a valid VizKind"),
        (["chain", "不存在的产业链"], "no chain"),
        (["entity", "有研集团", "--edge-kind", "OWNS"], "edge_kind"),
    ],
)
def test_viz_command_explains_bad_requests(home: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(cli, ["viz", *args, "-o", str(out), "--home", str(home)])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()
