"""The workbench in a real browser: headless Chromium (Debian's ``/usr/bin/chromium``, driven by
Playwright) against the app served by uvicorn on 127.0.0.1, with every other request refused.

A person's path through it — dashboard → chain → segment → a recommendation → its enterprise page;
the map drawing one shape per county, shaded as the data says; a download that opens in openpyxl
holding the rows shown; the type-ahead; the 404 page — with no console error and no request
leaving 127.0.0.1. Screenshots go to ``$CHAINKG_SCREENSHOTS`` when it is set (``docs/`` holds the
README's), else to the test's temporary folder.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Response, Route, expect, sync_playwright

from chainkg.web.mapdata import city_map
from tests.web.conftest import TIANQU, rows_shown

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does when it is missing)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CHAINKG_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Session:
    page: Page
    context: BrowserContext
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@pytest.fixture
def session(browser: Browser, live_url: str) -> Iterator[Session]:
    """A fresh page at 1366×768 where any request not to the live server is aborted and recorded."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    s = Session(page, context)

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(live_url + "/") or url == live_url or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            s.outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page.on("console", lambda message: message.type == "error" and s.errors.append(message.text))
    page.on("pageerror", lambda error: s.errors.append(str(error)))
    try:
        yield s
    finally:
        context.close()
    assert s.outside == [], f"requests left 127.0.0.1: {s.outside}"


def _clean(s: Session, *allowed: str) -> None:
    errors = [e for e in s.errors if not any(a in e for a in allowed)]
    assert errors == [], errors


def _fits(page: Page) -> None:
    """The page fits the 1366-pixel width: nothing scrolls sideways (wide tables scroll in their box)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"], f"sideways scroll: {page.url}"


def _painted(page: Page) -> None:
    """Two animation frames later: what the charts drew is on the screen (a condition, not a delay)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def test_the_test_machine_has_a_cjk_font() -> None:
    """Screenshots are only legible with a CJK font (scripts/test.sh installs one when missing)."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        found = ""
    assert found.strip(), "no CJK font: apt-get install fonts-wqy-microhei (scripts/test.sh does this)"


def test_dashboard_to_chain_to_segment_to_a_recommendation(session: Session, live_url: str, shots: Path) -> None:
    page = session.page
    page.goto(f"{live_url}/?scope={TIANQU}")
    expect(page.locator("h1")).to_contain_text("天衢新区")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator(".bars .bar-row").count() == 12, "a bar pair per chain"
    _fits(page)
    page.screenshot(path=str(shots / "workbench-dashboard.png"))

    page.locator("a.chain-card[data-chain='chain:集成电路']").click()
    page.wait_for_url(re.compile(r"/chain/chain:"))
    expect(page.locator("h1")).to_contain_text("集成电路产业链全景图")
    assert "scope=" in page.url, "the scope travels with the click"
    panorama = page.locator("#panorama")
    assert int(panorama.get_attribute("data-drawn") or 0) > 5, "FEEDS links are drawn"
    wafer = page.locator("[data-seg='seg:硅片']")
    wafer.hover()
    assert page.locator("#panorama svg.links path.hot").count() >= 2, "hovering highlights its FEEDS links"
    linked = page.evaluate(
        """() => new Set([...document.querySelectorAll('#panorama path.hot')]
                         .flatMap(p => [p.dataset.from, p.dataset.to])).size"""
    )
    assert page.locator("#panorama .seg-card.lit").count() == linked, "its suppliers and customers light up"
    page.evaluate("window.scrollTo(0, document.getElementById('panorama').getBoundingClientRect().top - 110)")
    page.locator("[data-seg='seg:晶圆制造']").hover()
    page.screenshot(path=str(shots / "workbench-chain.png"))
    _fits(page)

    page.locator("[data-seg='seg:溅射靶材']").click()
    page.wait_for_url(re.compile(r"/segment/"))
    expect(page.locator(".verdict")).to_contain_text("薄弱")
    candidate = page.locator("table[data-table='candidates'] tbody tr").first
    expect(candidate).to_contain_text("→")  # its explaining path
    _fits(page)
    page.locator("#table-candidates").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "workbench-segment.png"))
    candidate.locator("td").nth(1).locator("a").click()
    page.wait_for_url(re.compile(r"/enterprise/"))
    expect(page.locator("h1")).to_contain_text("有研新材料股份有限公司")
    expect(page.locator(".sources")).to_be_visible()
    _fits(page)
    _clean(session)


def test_the_map_draws_every_county_shaded_by_the_data(session: Session, live_url: str, shots: Path) -> None:
    page = session.page
    page.goto(f"{live_url}/map?measure=enterprises")
    page.wait_for_selector("#attraction-map[data-drawn='1']")
    _painted(page)
    drawn = page.evaluate(
        """() => {
          const chart = window.chainkg.charts["attraction-map"];
          const series = chart.getModel().getSeriesByIndex(0);
          const data = series.getData();
          const geo = chart.getModel().getComponent("geo");
          const regions = geo.coordinateSystem.regions;
          const box = document.getElementById("attraction-map").getBoundingClientRect();
          const out = [];
          for (let i = 0; i < data.count(); i++) {
            const name = data.getName(i);
            const region = regions.find(r => r.name === name);
            const at = chart.convertToPixel({geoIndex: 0}, region.getCenter());
            out.push({name, value: data.get("value", i), fill: data.getItemVisual(i, "style").fill,
                      x: box.left + at[0], y: box.top + at[1]});
          }
          return {areas: out, regions: regions.length};
        }"""
    )
    names = city_map("德州市").names  # type: ignore[union-attr]
    assert drawn["regions"] == len(names) == 11, "one shape per county or district"
    assert sorted(a["name"] for a in drawn["areas"]) == sorted(names)

    shown = {row[0]: int(row[1]) for row in rows_shown(page.content(), "areas")}
    assert {a["name"]: a["value"] for a in drawn["areas"]} == shown, "the map shows the table's figures"
    assert len(set(shown.values())) > 1, "the data differ between counties"

    def darkness(colour: str) -> float:
        r, g, b = (int(x) for x in re.findall(r"\d+", colour)[:3]) if colour.startswith("rgb") else _hex(colour)
        return 1 - (0.299 * r + 0.587 * g + 0.114 * b) / 255

    by_value = sorted(drawn["areas"], key=lambda a: a["value"])
    for low, high in itertools.pairwise(by_value):
        if high["value"] > low["value"]:
            assert darkness(high["fill"]) > darkness(low["fill"]), (low, high)
        else:
            assert high["fill"] == low["fill"]

    picture = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    for area in drawn["areas"]:  # the painted pixels near each county's centre follow its shade
        painted = _dominant(picture, area["x"], area["y"])
        assert _close(painted, _rgb(area["fill"])), (area["name"], painted, area["fill"])
    page.screenshot(path=str(shots / "workbench-map.png"))
    _fits(page)

    county = max(drawn["areas"], key=lambda a: a["value"])
    page.mouse.click(county["x"], county["y"] + 12)
    page.wait_for_url(re.compile(r"/region/"))
    expect(page.locator("h1")).to_contain_text(county["name"])
    _clean(session)


def _hex(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _rgb(colour: str) -> tuple[int, int, int]:
    if colour.startswith("rgb"):
        r, g, b = (int(float(x)) for x in re.findall(r"[\d.]+", colour)[:3])
        return r, g, b
    return _hex(colour)


def _dominant(picture: Image.Image, x: float, y: float, radius: int = 14) -> tuple[int, int, int]:
    """The most frequent colour around a point (labels and borders are thin; the fill dominates)."""
    box = (int(x) - radius, int(y) - radius, int(x) + radius, int(y) + radius)
    colours = picture.crop(box).getcolors(maxcolors=4 * radius * radius) or []
    return max(colours)[1]


def _close(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def test_a_download_opens_in_openpyxl_with_the_rows_shown(session: Session, live_url: str) -> None:
    page = session.page
    page.goto(f"{live_url}/ledger?chain=chain:集成电路&sort=investment")
    shown = rows_shown(page.content(), "ledger")
    with page.expect_download() as info:
        page.locator("#table-ledger a[data-export='xlsx']").click()
    download = info.value
    assert unquote(download.suggested_filename) == "项目台账_集成电路_德州市.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [r[0] for r in shown] and len(rows) == len(shown) + 1
    _clean(session)


def test_the_ledger_sorts_and_filters_in_place(session: Session, live_url: str) -> None:
    page = session.page
    page.goto(f"{live_url}/ledger")
    page.locator("th a.sort", has_text="总投资").click()
    page.wait_for_url(re.compile(r"sort=investment"))
    expect(page.locator("table[data-table='ledger'] tbody tr").first).to_contain_text("国家北方应急")
    page.locator("input[name='status'][value='投产']").check()
    page.locator("#ledger-filters button[type='submit']").click()
    page.wait_for_url(re.compile(r"status="))
    statuses = page.locator("table[data-table='ledger'] tbody td.status").all_inner_texts()
    assert statuses and set(statuses) == {"投产"}
    assert "<header" in page.content(), "the page stays a whole page after htmx swaps"
    _fits(page)
    _clean(session)


def test_the_type_ahead_offers_names_as_you_type(session: Session, live_url: str) -> None:
    """Waits on conditions only: the page ready, the suggestions' answer received, the list filled
    (a busy machine makes each take longer, never makes the test wrong)."""
    page = session.page
    page.goto(f"{live_url}/chains")
    page.wait_for_selector("body[data-ready='1']")  # htmx has bound the search box

    def asked(response: Response) -> bool:
        return "/search/suggest" in response.url and "有研集團" in unquote(response.url)

    with page.expect_response(asked, timeout=60_000) as answer:
        page.locator("#search-text").fill("有研集團")  # traditional input
    assert answer.value.ok
    option = page.locator("#suggest a").first
    expect(option).to_contain_text("有研", timeout=60_000)
    option.click()
    page.wait_for_url(re.compile(r"/(enterprise|project|park)/"))
    _clean(session)


def test_a_missing_enterprise_shows_a_friendly_page(session: Session, live_url: str, shots: Path) -> None:
    page = session.page
    response = page.goto(f"{live_url}/enterprise/有研集團X")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_contain_text("没有找到")
    expect(page.locator(".suggestions a").first).to_be_visible()
    _fits(page)
    page.screenshot(path=str(shots / "workbench-404.png"))
    _clean(session, "404")  # the browser logs the page's own 404 status
