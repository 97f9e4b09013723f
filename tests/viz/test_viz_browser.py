"""The pages in a real browser with no network: headless Chromium (Debian's ``chromium``) opens each
page the API serves, saved to a file, and the test checks that the canvas is drawn (non-blank
pixels in a screenshot), that the console shows no error, and that nothing was fetched.

Chromium is driven through Playwright's Python package pointed at ``/usr/bin/chromium`` — no browser
download. ``scripts/test.sh`` installs the package when it is missing; without it this test fails
and says how to install it, rather than skipping.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageChops
from playwright.sync_api import Browser, Route, sync_playwright
from playwright.sync_api import Page as BrowserPage
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from chainkg.app.settings import Settings
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore

CHROMIUM = Path("/usr/bin/chromium")
#: Every page the browser opens: the URL the API serves it at.
PAGES = {
    "chain": "/viz/chain/集成电路?scope=天衢新区",
    "entity": "/viz/entity/有研集团?hops=2",
    "footprint": "/viz/footprint/有研集团",
    "explain": "/viz/explain?source=有研新材料&target=天衢新区",
}
#: A channel differing from white by more than this counts as drawn (anti-aliasing stays below it).
INK = 40


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test needs Debian's Chromium. "
            "Install it with `apt-get install -y chromium` (scripts/test.sh does this when it is missing)."
        )
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
def page_files(dezhou: MemoryStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The served pages, saved as an analyst would save them (and opened from disk, not from a server)."""
    folder = tmp_path_factory.mktemp("pages")
    out: dict[str, Path] = {}
    with TestClient(create_app(Settings(home=folder / "home"), dezhou)) as client:
        for kind, url in PAGES.items():
            response = client.get(url)
            assert response.status_code == 200, response.text[-300:]
            out[kind] = folder / f"{kind}.html"
            out[kind].write_text(response.text, encoding="utf-8")
    return out


@dataclass
class Visit:
    errors: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    seconds: float = 0.0
    screenshot: bytes = b""


def _open(browser: Browser, path: Path, after: Callable[[BrowserPage], None] | None = None) -> Visit:
    """Open a file in an offline context where every non-local request is also aborted and recorded."""
    visit = Visit()
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            visit.fetched.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and visit.errors.append(message.text))
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("requestfailed", lambda request: visit.fetched.append(request.url))
    try:
        start = time.monotonic()
        page.goto(path.as_uri(), wait_until="load")
        try:
            # physics is off, so the first completed draw is the stable picture
            page.wait_for_selector("body[data-drawn='1']", state="attached", timeout=10_000)
        except PlaywrightTimeout:
            visit.errors.append("the network was never drawn within 10 s")
            return visit
        visit.seconds = time.monotonic() - start
        visit.screenshot = page.locator("#graph canvas").screenshot()
        if after is not None:
            after(page)
    finally:
        context.close()
    return visit


def _ink(png: bytes) -> float:
    """Share of pixels that differ clearly from the white background."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    r, g, b = ImageChops.invert(image).split()  # distance from white, per channel
    distance = ImageChops.lighter(ImageChops.lighter(r, g), b)
    drawn = distance.point(lambda v: 255 if v > INK else 0).histogram()[255]
    return drawn / (image.width * image.height)


@pytest.mark.parametrize("kind", list(PAGES))
def test_page_draws_offline_without_console_errors(browser: Browser, page_files: dict[str, Path], kind: str) -> None:
    visit = _open(browser, page_files[kind])
    assert visit.errors == [], visit.errors
    assert visit.fetched == [], f"the page tried to fetch {visit.fetched}"
    ink = _ink(visit.screenshot)
    assert ink > 0.002, f"the canvas looks blank ({ink:.4%} drawn)"
    assert ink < 0.6, f"the canvas looks filled, not drawn ({ink:.2%})"
    assert visit.seconds < 10, f"{kind} took {visit.seconds:.1f}s to draw"


def test_hovering_a_node_shows_its_facts_and_sources(browser: Browser, page_files: dict[str, Path]) -> None:
    seen: dict[str, str] = {}

    def hover(page: BrowserPage) -> None:
        spot = page.evaluate(
            """() => { const n = window.chainkg.network;
                       const p = n.canvasToDOM(n.getPosition("proj:山东有研艾斯12英寸硅片项目"));
                       const box = document.getElementById("graph").getBoundingClientRect();
                       return {x: box.left + p.x, y: box.top + p.y}; }"""
        )
        page.mouse.move(spot["x"], spot["y"])
        tooltip = page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        seen["text"] = tooltip.inner_text()

    visit = _open(browser, page_files["chain"], after=hover)
    assert visit.errors == []
    assert "总投资：62亿元" in seen["text"] and "来源：" in seen["text"]


def test_the_ink_measure_tells_blank_from_drawn() -> None:
    """The threshold above is not vacuous: a white canvas measures 0, a drawn line does not."""
    blank = Image.new("RGB", (200, 100), "white")
    buffer = io.BytesIO()
    blank.save(buffer, format="PNG")
    assert _ink(buffer.getvalue()) == 0
    for x in range(200):
        blank.putpixel((x, 50), (30, 30, 30))
    buffer = io.BytesIO()
    blank.save(buffer, format="PNG")
    assert _ink(buffer.getvalue()) == pytest.approx(200 / 20000)
