"""The workbench through the real app: every page answers in Chinese, links keep the scope, bad ids
get a friendly 404 with suggestions, tables download as .xlsx and CSV holding the rows shown, htmx
gets only the part it asks for, and the extension hooks (sections, current user) work."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from chainkg.app.settings import Settings
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from chainkg.web import sections
from chainkg.web.deps import User, current_user
from tests.web.conftest import TIANQU, parse, rows_shown

PAGES = [
    "/",
    "/chains",
    "/chain/集成电路",
    "/chain/chain:集成电路?min_enterprises=3",
    "/segment/seg:硅片",
    "/segment/溅射靶材?chain=集成电路",
    "/enterprise/有研集团",
    "/group/有研集团",
    "/project/proj:山东有研艾斯12英寸硅片项目",
    "/park/天衢新区集成电路关键材料基地",
    "/region/临邑县",
    "/region/德州市",
    "/source/src:seed-004",
    "/node/chain:新能源",
    "/ledger",
    "/ledger?chain=集成电路&status=签约&status=在建&sort=investment&desc=0&size=20",
    "/map",
    "/map?chain=新能源&measure=investment",
    "/search?text=有研",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_in_chinese(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[-500:]
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.text and "产业链招商工作台" in response.text
    # every script, stylesheet and image comes from the package: nothing is fetched elsewhere
    for src in parse(response.text).sources:
        assert src.startswith("/assets/"), src


def test_the_node_page_sends_a_node_to_its_own_page(client: TestClient) -> None:
    response = client.get("/node/ent:有研科技集团有限公司", follow_redirects=False)
    assert response.status_code == 303
    assert unquote(response.headers["location"]) == "/enterprise/ent:有研科技集团有限公司"


def test_links_keep_the_scope(client: TestClient) -> None:
    html = client.get("/", params={"scope": "天衢新区"}).text
    assert "天衢新区 · 产业链招商总览" in html
    pages = [
        link
        for link in parse(html).links
        if link.startswith(("/chain/", "/segment/", "/ledger", "/map", "/chains", "/project/"))
    ]
    assert len(pages) > 20
    for link in pages:
        assert parse_qs(urlsplit(link).query).get("scope") == [TIANQU], link


def test_the_scope_changes_the_figures(client: TestClient) -> None:
    city = rows_shown(client.get("/chain/集成电路").text, "segments")
    tianqu = rows_shown(client.get("/chain/集成电路", params={"scope": TIANQU}).text, "segments")
    assert [r[0] for r in city] == [r[0] for r in tianqu]  # the same segments, in chain order
    assert city != tianqu or all(r[3] == "0" for r in city)


def test_the_panorama_colours_segments_as_the_gap_analysis_decides(client: TestClient) -> None:
    html = client.get("/chain/集成电路", params={"scope": TIANQU}).text
    rows = {r[0]: r[2] for r in rows_shown(html, "segments")}
    assert rows["硅片"] == "已覆盖"
    assert rows["光刻胶"] == "缺失 · 补链"
    assert rows["溅射靶材"] == "薄弱 · 强链"  # one local enterprise, threshold 2
    assert 'data-seg="seg:光刻胶"' in html and "seg-card v-missing" in html
    # the threshold comes from the URL and goes to the gap analysis
    relaxed = client.get("/chain/集成电路", params={"scope": TIANQU, "min_enterprises": 1}).text
    assert {r[0]: r[2] for r in rows_shown(relaxed, "segments")}["溅射靶材"] == "已覆盖"


def test_the_segment_page_explains_its_verdict_and_recommends(client: TestClient) -> None:
    html = client.get("/segment/溅射靶材", params={"scope": TIANQU, "chain": "chain:集成电路"}).text
    assert "薄弱 · 强链" in html and "仅1家本地企业" in html
    candidates = rows_shown(html, "candidates")
    assert candidates[0][1] == "有研新材料股份有限公司"
    assert "→" in candidates[0][9]  # the explaining path
    assert "/viz/explain?" in html
    # every part of the score has its column, as the recommendation's API answer gives it
    api = client.get(
        "/api/v1/segments/seg:溅射靶材/recommendations", params={"scope": TIANQU, "limit": len(candidates)}
    ).json()
    for row, candidate in zip(candidates, api["candidates"], strict=True):
        assert row[1] == candidate["enterprise"]["name"]
        parts = [float(x) for x in (row[2], row[3], row[4], row[7])]
        assert parts == [candidate[k] for k in ("score", "group", "supplier", "record")]
        assert row[5].startswith(f"{candidate['leader']:g}") and float(row[6]) == candidate["region"]
        assert (f"（第{candidate['rank']}）" in row[5]) == (candidate["rank"] is not None)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/enterprise/有研集團X", "有研"),  # traditional, slightly wrong: suggestions offered
        ("/chain/集成电路链", "集成电路"),
        ("/project/proj:不存在的项目", None),
        ("/?scope=不存在的区", None),
        ("/ledger?chain=不存在", None),
        ("/segment/", None),  # no id at all: no route, still a page
    ],
)
def test_a_missing_id_gets_a_friendly_404_page(client: TestClient, url: str, expected: str | None) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "没有找到" in response.text and "Traceback" not in response.text
    assert 'data-status="404"' in response.text
    if expected:
        assert "您是否要找" in response.text and expected in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/ledger?size=100000",
        "/ledger?page=abc",
        "/ledger?status=完成",
        "/map?measure=area",
        "/chain/集成电路?min_enterprises=0",
    ],
)
def test_bad_parameters_get_a_page_naming_them(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert "参数有误" in response.text


def _download(client: TestClient, url: str, params: dict[str, str], fmt: str, table: str) -> tuple[bytes, str]:
    response = client.get(url, params={**params, "export": fmt, "table": table})
    assert response.status_code == 200, response.text[-300:]
    disposition = response.headers["content-disposition"]
    name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    return response.content, name


@pytest.mark.parametrize(
    ("url", "params", "table"),
    [
        ("/ledger", {"chain": "集成电路", "sort": "investment", "size": "20"}, "ledger"),
        ("/chain/集成电路", {"scope": TIANQU}, "segments"),
        ("/segment/溅射靶材", {"scope": TIANQU}, "candidates"),
        ("/map", {"chain": "新能源"}, "areas"),
        ("/group/有研集团", {}, "subsidiaries"),
    ],
)
def test_tables_download_as_xlsx_and_csv_with_the_rows_shown(
    client: TestClient, url: str, params: dict[str, str], table: str
) -> None:
    shown = rows_shown(client.get(url, params=params).text, table)
    assert shown, "the table shows rows"

    body, name = _download(client, url, params, "xlsx", table)
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == len(shown) + 1  # the header, then exactly the rows shown
    assert [str(r[0]) for r in rows[1:]] == [row[0] for row in shown]

    body, name = _download(client, url, params, "csv", table)
    assert name.endswith(".csv") and body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    records = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert records[0] == list(rows[0])
    assert [r[0] for r in records[1:]] == [row[0] for row in shown]


def test_a_download_is_named_after_what_it_shows(client: TestClient) -> None:
    _, name = _download(client, "/ledger", {"chain": "集成电路", "scope": TIANQU}, "xlsx", "ledger")
    assert name == "项目台账_集成电路_天衢新区.xlsx"
    _, name = _download(client, "/chain/新能源", {}, "csv", "segments")
    assert name == "产业链环节_新能源_德州市.csv"


def test_an_unknown_table_or_format_is_a_404_page(client: TestClient) -> None:
    assert client.get("/ledger", params={"export": "xlsx", "table": "nope"}).status_code == 404
    assert client.get("/ledger", params={"export": "pdf", "table": "ledger"}).status_code == 404


def test_the_ledger_filters_sorts_and_pages(client: TestClient) -> None:
    html = client.get("/ledger", params={"sort": "investment", "desc": "1", "size": "20"}).text
    rows = rows_shown(html, "ledger")
    assert len(rows) == 20 and "共 37 个项目" in html
    assert [r[0] for r in rows[:2]] == [
        "国家北方应急(医疗)救援产业综合示范区项目",
        "山东有研艾斯12英寸硅片项目",
    ]  # 65, 62亿元
    second = rows_shown(client.get("/ledger", params={"sort": "investment", "size": "20", "page": "2"}).text, "ledger")
    assert len(second) == 17 and not {r[0] for r in rows} & {r[0] for r in second}
    filtered = rows_shown(client.get("/ledger", params={"status": "投产", "min_wan": "30000"}).text, "ledger")
    assert filtered and all(r[1] == "投产" for r in filtered)


def test_htmx_gets_only_the_part_it_asks_for(client: TestClient) -> None:
    headers = {"HX-Request": "true", "HX-Target": "ledger_results"}
    response = client.get("/ledger", params={"sort": "name"}, headers=headers)
    assert response.status_code == 200
    assert "<html" not in response.text and 'data-table="ledger"' in response.text
    suggest = client.get("/search/suggest", params={"text": "有研"}, headers={"HX-Request": "true"})
    assert "<html" not in suggest.text and "有研科技集团有限公司" in suggest.text


@pytest.mark.parametrize("text", ["有研", "有研集團", "ＧＲＩＮＭ", "天衢"])
def test_the_type_ahead_finds_names_aliases_and_traditional_input(client: TestClient, text: str) -> None:
    response = client.get("/search/suggest", params={"text": text})
    assert response.status_code == 200
    links = parse(response.text).links
    if text == "ＧＲＩＮＭ":  # full-width letters of an English alias, if the data has one: no error either way
        return
    assert len(links) >= 2


def test_the_assets_are_served_from_the_package(client: TestClient) -> None:
    for path in (
        "/assets/vendor/echarts-5.6.0/echarts.min.js",
        "/assets/vendor/htmx-2.0.11/htmx.min.js",
        "/assets/map/dezhou.geojson",
        "/assets/css/workbench.css",
        "/assets/js/workbench.js",
    ):
        assert client.get(path).status_code == 200, path


@pytest.fixture
def project_section() -> Iterator[None]:
    def policies(ctx: object, node_id: str) -> sections.Section:
        return sections.Section("可享受政策", "partials/facts.html", {"facts": []})

    sections.register("project", policies)
    yield
    sections._REGISTRY["project"].remove(policies)


def test_a_registered_section_appears_on_its_pages(client: TestClient, project_section: None) -> None:
    html = client.get("/project/proj:山东有研艾斯12英寸硅片项目").text
    assert "可享受政策" in html
    assert "可享受政策" not in client.get("/enterprise/有研集团").text


def test_the_current_user_hook_reaches_the_pages(client: TestClient) -> None:
    async def signed_in() -> User:
        return User(id="u1", name="招商局 张三")

    client.app.dependency_overrides[current_user] = signed_in  # type: ignore[attr-defined]
    try:
        assert "招商局 张三" in client.get("/").text
    finally:
        client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert "招商局 张三" not in client.get("/").text


def test_pages_follow_the_servers_access_control(dezhou: MemoryStore, tmp_path: Path) -> None:
    """With protected reads, a browser is sent to sign in; a key's holder sees the pages as themself."""
    settings = Settings(home=tmp_path, keys="招商局张三:viewer:k-viewer-0123456789")
    with TestClient(create_app(settings, dezhou)) as browser:
        refused = browser.get("/ledger", headers={"Accept": "text/html"}, follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/auth/signin")
        page = browser.get("/", headers={"X-API-Key": "k-viewer-0123456789"})
        assert page.status_code == 200 and "招商局张三" in page.text and "/auth/logout" in page.text
