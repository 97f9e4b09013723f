"""The pipeline pages of the workbench over Dezhou with its policies and the test ledger: the pipeline
with overdue follow-ups, the period report and its Excel workbook, and a project's history and
可享受政策 — through the real app, and once in headless Chromium (screenshots kept)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from chainkg.app.settings import Settings
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from tests.web.conftest import parse, rows_shown, serving

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def client(dezhou_pipeline: MemoryStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(home=tmp_path_factory.mktemp("web-pipeline")), dezhou_pipeline)
    with TestClient(app) as test_client:
        yield test_client


def test_the_pipeline_page_lists_stages_and_overdue_follow_ups_first(client: TestClient) -> None:
    page = client.get("/pipeline", params={"scope": "天衢新区"})
    assert page.status_code == 200 and "招商项目全流程" in page.text
    rows = rows_shown(page.text, "pipeline")
    assert len(rows) == 23
    assert rows[0][0] == "示例电子特气项目" and rows[0][-1] == "逾期" and rows[0][6] == "集成电路产业链链长办公室"
    assert "跟进逾期" in page.text
    then = rows_shown(client.get("/pipeline", params={"as_of": "2023-02-15", "chain": "集成电路"}).text, "pipeline")
    stages = {row[0]: row[1] for row in then}
    assert stages["示例电子特气项目"] == "签约" and stages["示例光刻胶项目"] == "线索"
    download = client.get("/pipeline", params={"scope": "天衢新区", "export": "xlsx", "table": "pipeline"})
    sheet = load_workbook(BytesIO(download.content)).active
    assert sheet is not None and sheet.max_row == 24  # a header and the 23 rows shown
    bad = client.get("/pipeline", params={"as_of": "2023-02-30"})
    assert bad.status_code == 422 and "as_of" in bad.text


def test_the_report_page_and_its_workbook(client: TestClient) -> None:
    page = client.get("/report", params={"target": "天衢新区", "period": "2023-Q1"})
    assert page.status_code == 200
    (totals,) = rows_shown(page.text, "totals")
    assert totals[0] == "天衢新区" and totals[-1] == "77.3%"
    moves = {(row[0], row[1]) for row in rows_shown(page.text, "moves")}
    assert moves == {
        ("新增线索", "示例光刻胶项目"),
        ("签约", "示例电子特气项目"),
        ("签约", "示例光刻胶项目"),
        ("开工", "示例电子特气项目"),
    }
    links = [link for link in parse(page.text).links if link.startswith("/report.xlsx")]
    assert links, "the page links its workbook"
    workbook = client.get(links[0])
    assert workbook.status_code == 200 and "filename*=UTF-8''" in workbook.headers["content-disposition"]
    book = load_workbook(BytesIO(workbook.content))
    assert book.sheetnames == ["概览", "分产业链", "重点项目", "项目动态"]
    chain = client.get("/report", params={"target": "集成电路", "period": "2023-03"})
    assert chain.status_code == 200 and "集成电路" in chain.text
    assert client.get("/report", params={"period": "2023-Q9"}).status_code == 422


def test_a_project_page_shows_its_history_and_the_policies_it_can_claim(client: TestClient) -> None:
    page = client.get(f"/project/{quote('proj:示例电子特气项目', safe=':')}")
    assert page.status_code == 200 and "项目全流程" in page.text and "可享受政策" in page.text
    history = rows_shown(page.text, "history")
    assert [row[0] for row in history] == ["线索", "洽谈", "签约", "开工"]
    assert [row[0] for row in rows_shown(page.text, "investment")] == ["2023-01", "2023-02", "2023-03", "2023-04"]
    policies = {row[0]: row for row in rows_shown(page.text, "policies")}
    assert policies["德州市招商引资激励办法"][2:4] == ["符合", "1450万元"]
    what_if = client.get("/project/有研艾斯12英寸硅片项目", params={"actual_wan": "30000"})
    incentive = {row[0]: row for row in rows_shown(what_if.text, "policies")}["德州市招商引资激励办法"]
    assert incentive[2:4] == ["符合", "1500万元"]
    short = client.get("/project/有研艾斯12英寸硅片项目", params={"actual_wan": "5000"})
    reason = {row[0]: row for row in rows_shown(short.text, "policies")}["德州市招商引资激励办法"][4]
    assert "实际投资还差 5,000万元" in reason and "1亿元" in reason
    assert client.get("/project/有研艾斯12英寸硅片项目", params={"actual_wan": "很多"}).status_code == 422


@pytest.fixture(scope="module")
def live(dezhou_pipeline: MemoryStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(dezhou_pipeline, tmp_path_factory.mktemp("web-pipeline-live")) as url:
        yield url


def test_the_pages_draw_in_a_browser_offline(live: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium")
    shots = Path(os.environ.get("CHAINKG_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def guard(route: object) -> None:
                url = route.request.url  # type: ignore[attr-defined]
                if url.startswith(live) or url.startswith(("data:", "blob:", "about:")):
                    route.continue_()  # type: ignore[attr-defined]
                else:
                    outside.append(url)
                    route.abort()  # type: ignore[attr-defined]

            context.route("**/*", guard)
            for name, path in (
                ("pipeline", "/pipeline?scope=region:天衢新区"),
                ("report", "/report?target=region:天衢新区&period=2023-Q1"),
                ("project-policies", "/project/proj:山东有研艾斯12英寸硅片项目?actual_wan=30000"),
            ):
                page.goto(live + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            assert page.locator("table[data-table=policies] td.policy-ok").first.inner_text() == "符合"
        finally:
            browser.close()
    assert errors == [] and outside == []
