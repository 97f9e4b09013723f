"""What the attraction map draws: the home city's county polygons (a GeoJSON file shipped with the
package) and the map points of parks and functional zones (curated in ``data/maps/``).

A map is chosen by the home city's name (:data:`MAPS`); a city with no entry gets the map page's
table without the map. Polygons join the graph's regions by ``properties.name``; points join parks
and regions by name or alias. Both files are read once per process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from chainkg.paths import DATA_DIR
from chainkg.web.render import STATIC_DIR

__all__ = ["MAPS", "CityMap", "MapPoint", "city_map"]


@dataclass(frozen=True)
class MapPoint:
    kind: str  # park | region
    name: str
    lon: float
    lat: float
    crs: str
    certainty: str
    source: str
    note: str


@dataclass(frozen=True)
class CityMap:
    #: The GeoJSON's path under the static folder (served at ``/assets/<asset>``).
    asset: str
    #: The county-level names on it, as the polygons' ``properties.name`` spell them.
    names: tuple[str, ...]
    points: tuple[MapPoint, ...]
    #: Where the points came from (shown under the map).
    points_file: str


#: Home city name → (GeoJSON under chainkg/web/static/, points file under data/maps/).
MAPS = {"德州市": ("map/dezhou.geojson", "dezhou_points.yaml")}


@lru_cache(maxsize=8)
def city_map(city: str) -> CityMap | None:
    """The map of the city, or None when the package has none for it."""
    entry = MAPS.get(city)
    if entry is None:
        return None
    asset, points_name = entry
    geojson = json.loads((STATIC_DIR / asset).read_text(encoding="utf-8"))
    names = tuple(feature["properties"]["name"] for feature in geojson["features"])
    points_path = DATA_DIR / "maps" / points_name
    return CityMap(asset, names, _points(points_path), str(points_path.relative_to(DATA_DIR.parent)))


def _points(path: Path) -> tuple[MapPoint, ...]:
    if not path.is_file():  # an installed wheel without the data folder: polygons only
        return ()
    records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return tuple(
        MapPoint(
            kind=str(r.get("kind", "park")),
            name=str(r["name"]),
            lon=float(r["lon"]),
            lat=float(r["lat"]),
            crs=str(r.get("crs", "")),
            certainty=str(r.get("certainty", "approximate")),
            source=str(r.get("source", "")),
            note=str(r.get("note", "")),
        )
        for r in records
    )
