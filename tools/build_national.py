"""Build ``data/national/`` from the curated staging folders — deterministic, re-runnable.

    .venv/bin/python tools/build_national.py [--staging /work/staging] [--out data/national]

Inputs (read only): the four staging folders of issue 14 — ``soe/`` (central SOE groups and their
principal subsidiaries) and ``leaders_a|b|c/`` (leading enterprises of every segment) — each an
``enterprises.yaml`` and a ``sources.yaml`` in the staging format (``DATA_SPEC.md`` there); the
Dezhou dataset (``data/dezhou``), so that no Dezhou node is defined twice; and the A-share export
(``shared/external/ashare-chain/company.json``), only to report names that disagree with it.

What it does:

1. **One entity per legal entity.** Records of the four files are joined when they share a stock
   code (A-share codes by code; HKEX/US listings by exchange and code) or a normalised legal name
   (the name, or an alias that is itself a company name). A listed company renamed after the 2021
   export is named by its current legal name (``RENAMED``); the export's name stays an alias.
2. **Fields merged by a fixed precedence**: identity, kind, parent and head office from the SOE file
   first (it used head offices throughout), then leaders A, B, C; descriptions from the leaders files
   first (they name products). Aliases are the union, minus any alias another entity also claims.
3. **Segments merged per (entity, segment)**: every claim is kept as its own citation — source,
   evidence, certainty and the rank it gave (``rank`` from a national leaders list, ``soe_rank`` from
   the SOE file, whose order is among central-SOE records only). The edge shows ``rank`` = the best
   national rank and ``certainty`` = the strongest claim's.
4. **Parents** resolve to an entity of the merged set or of the Dezhou data; an unresolvable parent
   is dropped and listed in the report (no bare group invented).
5. **Dezhou overlap**: an entity the Dezhou data already defines (same stock code or legal name) is
   written under the Dezhou record's exact name and kind, so both datasets load into one node; it
   carries only what the Dezhou record lacks (segments with their claims, listing facts, head office,
   a parent the Dezhou side cannot name because the parent is national).
6. **Regions**: the head-office provinces and cities as ``regions.yaml`` (a city PART_OF its
   province; municipalities and SARs are their own province-level region), except those the Dezhou
   data defines. Each enterprise is LOCATED_IN its head-office city (``home_region`` names it).

The script prints a report (counts, conflicts settled, parents dropped, aliases dropped) and exits
non-zero if an invariant fails (a segment name unknown to the chains, a source key undefined, an
entity headquartered in Dezhou).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from chainkg.schema.normalize import normalize_name  # noqa: E402

COMPILED = "2026-12"
FILES = ("soe", "leaders_a", "leaders_b", "leaders_c", "curation")
#: chainkg's own additions, in the staging format, kept in the repository beside this script
CURATION = Path(__file__).resolve().parent / "national_curation"
#: staging's shared key for facts checked in the export → the Dezhou dataset's key for the same file
SOURCE_KEYS = {"ashare-export": "ashare-2021"}
FOREIGN_EXCHANGES = {"HKEX", "NYSE", "NASDAQ", "other"}

#: Listed companies renamed after the 2021 export, as their staging notes state (code → current
#: legal name). Only renames the notes state as fact; "reported" or "unverified" ones are not here.
RENAMED = {
    "002129": "TCL中环新能源科技股份有限公司",
    "603185": "弘元绿色能源股份有限公司",
    "300655": "晶瑞电子材料股份有限公司",
    "002407": "多氟多新材料股份有限公司",
    "603501": "豪威集成电路(集团)股份有限公司",
    "603986": "兆易创新科技集团股份有限公司",
    "002865": "海南钧达新能源科技股份有限公司",
    "300763": "锦浪科技股份有限公司",
    "688390": "固德威技术股份有限公司",
    "002335": "科华数据股份有限公司",
    "002665": "首航高科能源技术股份有限公司",
    "300442": "润泽智算科技集团股份有限公司",
    "600188": "兖矿能源集团股份有限公司",
    "600929": "雪天盐业集团股份有限公司",
    "002064": "华峰化学股份有限公司",
    "002641": "公元股份有限公司",
    "300470": "中密控股股份有限公司",
    "000530": "冰山冷热科技股份有限公司",
    "600251": "新疆冠农股份有限公司",
    "600398": "海澜之家集团股份有限公司",
    "300171": "东富龙科技集团股份有限公司",
    "600763": "通策医疗股份有限公司",
    "600328": "中盐内蒙古化工股份有限公司",
    "600876": "凯盛新能源股份有限公司",
}

#: Corrections to the staging data, each with its reason and the source that backs it
#: (stock code or name → fields to set; ``parent: None`` removes a parent).
OVERRIDES: dict[str, dict[str, Any]] = {
    "688432": {
        "kind": "joint_venture",
        "parent": None,
        "sources+": ["national-gritek-2026"],
        "why": "controlling shareholder is RS Technologies (26.16%), with 有研艾斯 30.77% — not a GRINM subsidiary",
    },
}
OVERRIDES["中国国家铁路集团有限公司"] = {
    "kind": "soe",
    "why": "a central enterprise held by the Ministry of Finance, not on SASAC's list (kind central_soe_group)",
}
#: Groups the SOE file keeps on the list but doubts (its NOTES: 102 groups where SASAC counted 100
#: after 2025-07): the record says so, and a claim resting on curated knowledge alone is inferred.
DOUBTED_GROUPS = (
    "中国数联物流信息有限公司",
    "中国雅江集团有限公司",
    "上海诺基亚贝尔股份有限公司",
    "中国建筑科学研究院有限公司",
)
DOUBT = "是否在国资委现行中央企业名录上未能核实（2025年7月国资委称监管100家，本表的来源合计102家）"
for _group in DOUBTED_GROUPS:
    OVERRIDES[_group] = {"doubt": DOUBT, "why": "membership of the current SASAC list not confirmed"}
#: Sources the corrections cite (not in the staging folders).
EXTRA_SOURCES = [
    {
        "key": "national-gritek-2026",
        "title": "有研硅：控股股东及其一致行动人减持股份计划公告（2026-002）",
        "publisher": "爱金股（上交所公告转载）",
        "date": "2026-01",
        "url": "https://www.aijingu.com/notices/688432/AN202601161817837226.html",
        "authority": 1,
    },
]

#: County-level cities the staging files name as head-office cities (placed under their province).
COUNTY_CITIES = {"格尔木市", "东方市", "石河子市", "阿拉尔市"}
#: Head-office "city" spellings that mean a province-level region.
PROVINCE_LEVEL_CITY = {"香港": "香港特别行政区", "澳门": "澳门特别行政区"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staging", type=Path, default=Path("/work/staging"))
    parser.add_argument("--out", type=Path, default=REPO / "data" / "national")
    parser.add_argument("--export", type=Path, default=Path("/work/shared/external/ashare-chain/company.json"))
    args = parser.parse_args()
    build = Build(args.staging, REPO / "data" / "dezhou", args.export)
    build.run()
    build.write(args.out)
    build.print_report()
    return 1 if build.errors else 0


def legal_like(name: str) -> bool:
    """An alias that is itself a company's legal name (joins records), not a short name."""
    return name.endswith("公司") or "有限公司" in name or name.endswith("Inc.") or name.endswith("Ltd.")


def listing_key(record: dict[str, Any]) -> tuple[str, str] | None:
    code = str(record.get("stock_code") or "").strip()
    if not code:
        return None
    exchange = record.get("exchange") or ""
    return (exchange if exchange in FOREIGN_EXCHANGES else "A", code)


class Build:
    def __init__(self, staging: Path, dezhou: Path, export: Path):
        self.staging, self.dezhou_dir, self.export_path = staging, dezhou, export
        self.errors: list[str] = []
        self.report: dict[str, list[str]] = defaultdict(list)
        self.records: list[dict[str, Any]] = []
        self.sources: dict[str, dict[str, Any]] = {}
        self.inputs: dict[str, str] = {}
        for folder in FILES:
            base = CURATION if folder == "curation" else staging / folder
            for stem in ("enterprises", "sources"):
                path = base / f"{stem}.yaml"
                label = f"tools/national_curation/{stem}.yaml" if folder == "curation" else f"{folder}/{stem}.yaml"
                self.inputs[label] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            for i, record in enumerate(yaml.safe_load((base / "enterprises.yaml").read_text("utf-8"))):
                record["_file"], record["_i"] = folder, i
                self.records.append(record)
            for source in yaml.safe_load((base / "sources.yaml").read_text("utf-8")):
                if source["key"] in self.sources:
                    self.errors.append(f"source key {source['key']} defined twice")
                self.sources[source["key"]] = source
        self.dezhou = yaml.safe_load((dezhou / "enterprises.yaml").read_text("utf-8"))
        self.dezhou_regions = yaml.safe_load((dezhou / "regions.yaml").read_text("utf-8"))
        self.dezhou_sources = {s["key"] for s in yaml.safe_load((dezhou / "sources.yaml").read_text("utf-8"))}
        self.segment_names = set()
        for chain in sorted((dezhou / "chains").glob("*.yaml")):
            self.segment_names |= {s["name"] for s in yaml.safe_load(chain.read_text("utf-8"))["segments"]}
        self.export: dict[str, dict[str, str]] = {}
        if export.is_file():
            for line in export.read_text("utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    self.export.setdefault(str(row["code"]).split(".")[0], row)
        self.entities: list[dict[str, Any]] = []
        self.regions: list[dict[str, Any]] = []

    # --- grouping ----------------------------------------------------------------------------

    def groups(self) -> list[list[dict[str, Any]]]:
        parent = list(range(len(self.records)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        seen: dict[Any, int] = {}
        for i, record in enumerate(self.records):
            keys: list[Any] = [("name", normalize_name(record["name"]))]
            keys += [("name", normalize_name(a)) for a in record.get("aliases") or [] if legal_like(a)]
            if listing_key(record):
                keys.append(listing_key(record))
            for key in keys:
                if key in seen:
                    parent[find(i)] = find(seen[key])
                else:
                    seen[key] = i
        members: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for i, record in enumerate(self.records):
            members[find(i)].append(record)
        return [members[root] for root in sorted(members)]

    # --- the run ------------------------------------------------------------------------------

    def run(self) -> None:
        dz_legal: dict[str, str] = {}
        dz_short: dict[str, str] = {}
        for rec in self.dezhou:
            dz_legal[normalize_name(rec["name"])] = rec["name"]
            for alias in rec.get("aliases") or []:
                (dz_legal if legal_like(alias) else dz_short)[normalize_name(alias)] = rec["name"]
            if rec.get("stock_code"):
                dz_legal[f"code:{rec['stock_code']}"] = rec["name"]
        dz_by_name = {rec["name"]: rec for rec in self.dezhou}

        entities = [self.merge(group) for group in self.groups()]
        for ent in entities:
            fix = OVERRIDES.get(str(ent.get("stock_code") or "")) or OVERRIDES.get(ent["name"])
            if fix:
                for key, value in fix.items():
                    if key == "parent" and value is None:
                        ent["_parents"] = []
                    elif key == "sources+":
                        ent["sources"] += [k for k in value if k not in ent["sources"]]
                    elif key == "doubt":
                        ent["description"] = f"{ent.get('description') or ''}；{value}".lstrip("；")
                        ent["sources"] = [
                            {"source": k, "certainty": "inferred", "evidence": value} if k == "curated-knowledge" else k
                            for k in ent["sources"]
                        ]
                    elif key != "why":
                        ent[key] = value
                self.report["corrected"].append(f"{ent['name']}: {fix['why']}")
        # Dezhou overlap: same stock code or legal name → the Dezhou record's name and kind
        for ent in entities:
            keys = [normalize_name(n) for n in [ent["name"], *ent["aliases"]] if n == ent["name"] or legal_like(n)]
            keys += [normalize_name(n) for n in ent["_names"]]
            if ent.get("stock_code"):
                keys.append(f"code:{ent['stock_code']}")
            hits = sorted({dz_legal[k] for k in keys if k in dz_legal})
            if len(hits) > 1:
                self.errors.append(f"{ent['name']} matches several Dezhou records: {hits}")
            if hits:
                self.overlap(ent, dz_by_name[hits[0]])
        # aliases: one owner each (within the national set, and never a Dezhou record's other key)
        owners: dict[str, set[int]] = defaultdict(set)
        for i, ent in enumerate(entities):
            for alias in ent["aliases"]:
                owners[normalize_name(alias)].add(i)
        names = {normalize_name(e["name"]): i for i, e in enumerate(entities)}
        for i, ent in enumerate(entities):
            kept = []
            for alias in ent["aliases"]:
                key = normalize_name(alias)
                other_dz = (dz_legal.get(key) or dz_short.get(key)) not in (None, ent.get("_dezhou"))
                shared = len(owners[key]) > 1 or names.get(key, i) != i
                if key == normalize_name(ent["name"]) or (not shared and not other_dz):
                    kept.append(alias)
                elif not (key in names and names[key] == i):
                    self.report["alias dropped (claimed by another entity)"].append(f"{ent['name']}: {alias}")
            ent["aliases"] = kept
        self.resolve_parents(entities, dz_legal, dz_short)
        self.entities = entities
        self.make_regions()
        self.check()

    def merge(self, group: list[dict[str, Any]]) -> dict[str, Any]:
        order = {f: i for i, f in enumerate(FILES)}
        group = sorted(group, key=lambda r: (order[r["_file"]], r["_i"]))
        first = group[0]
        listings = sorted({listing_key(r) for r in group if listing_key(r)}, key=lambda k: (k[0] != "A", k))
        a_codes = {code for ex, code in listings if ex == "A"}
        if len(a_codes) > 1:
            self.errors.append(f"{first['name']}: several A-share codes {sorted(a_codes)}")
        primary = next((r for r in group if listing_key(r) == listings[0]), first) if listings else first
        names = [r["name"] for r in group]
        name = RENAMED.get(str(primary.get("stock_code") or ""), first["name"])
        if len(set(names)) > 1 or name != first["name"]:
            self.report["name settled"].append(f"{name} ← {sorted(set(names))}")
        aliases: list[str] = []
        for alias in [*names, *(a for r in group for a in r.get("aliases") or [])]:
            if alias != name and alias not in aliases:
                aliases.append(alias)
        ent: dict[str, Any] = {"name": name, "aliases": aliases, "_names": names, "_files": [r["_file"] for r in group]}
        kinds = [r["kind"] for r in group]
        ent["kind"] = kinds[0]
        if len(set(kinds)) > 1:
            self.report["kind settled"].append(f"{name}: {kinds[0]} ← {kinds}")
        if listings:
            ent["stock_code"] = primary["stock_code"]
            ent["exchange"] = primary["exchange"]
        notes = []
        for r in group:
            note = str(r.get("listing_note") or "").strip()
            if note and note not in notes:
                notes.append(note)
        for ex, code in listings[1:]:
            extra = f"also {ex} {code}" if ex != "A" else f"also A-share {code}"
            if not any(code in n for n in notes):
                notes.append(extra)
        if notes:
            ent["listing_note"] = "; ".join(notes)
        heads = [(r.get("province"), r.get("city")) for r in group if r.get("province")]
        if heads:
            ent["province"], ent["city"] = heads[0]
            if len(set(heads)) > 1:
                self.report["head office settled"].append(f"{name}: {heads[0]} ← {sorted(set(heads), key=str)}")
        described = sorted(group, key=lambda r: (r["_file"] == "soe", order[r["_file"]]))
        ent["description"] = next((r["description"] for r in described if r.get("description")), None)
        ent["segments"] = self.merge_segments(group)
        # the SOE file names the group; a leaders file may name the direct parent: keep them all, and
        # resolve_parents takes the most direct one that is an entity of the data
        ent["_parents"] = [
            dict(r["parent"]) for r in sorted(group, key=lambda r: r["_file"] == "soe") if r.get("parent")
        ]
        sources: list[str] = []
        for r in group:
            for key in r.get("sources") or []:
                key = SOURCE_KEYS.get(key, key)
                if key not in sources:
                    sources.append(key)
        ent["sources"] = sources
        return ent

    def merge_segments(self, group: list[dict[str, Any]]) -> list[dict[str, Any]]:
        claims: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for r in group:
            for seg in r.get("segments") or []:
                claims.setdefault(seg["name"], []).append((r["_file"], seg))
        out = []
        for segment, items in claims.items():
            national = [seg["rank"] for f, seg in items if f != "soe" and seg.get("rank")]
            stated = any(seg.get("certainty") == "stated" for _, seg in items)
            entry: dict[str, Any] = {"name": segment}
            if national:
                entry["rank"] = min(national)
            entry["certainty"] = "stated" if stated else "inferred"
            citations = []
            for f, seg in items:
                claim = {"soe_rank" if f == "soe" else "rank": seg["rank"]} if seg.get("rank") else {}
                for key in seg.get("sources") or []:
                    citation = {
                        "source": SOURCE_KEYS.get(key, key),
                        "evidence": seg.get("evidence") or "",
                        "certainty": seg.get("certainty") or "inferred",
                    }
                    if claim:
                        citation["claims"] = claim
                    if citation not in citations:
                        citations.append(citation)
            entry["sources"] = citations
            out.append(entry)
        return out

    def overlap(self, ent: dict[str, Any], dz: dict[str, Any]) -> None:
        """Write the entity under the Dezhou record's name and kind, with only what Dezhou lacks."""
        ent["_dezhou"] = dz["name"]
        if ent["name"] != dz["name"]:
            ent["aliases"] = [a for a in [ent["name"], *ent["aliases"]] if a != dz["name"]]
            self.report["Dezhou name kept"].append(f"{dz['name']} ← {ent['name']}")
            ent["name"] = dz["name"]
        if ent["kind"] != dz.get("kind"):
            self.report["Dezhou kind kept"].append(f"{dz['name']}: {dz.get('kind')} (staging {ent['kind']})")
            ent["kind"] = dz.get("kind")
        known = {normalize_name(a) for a in [dz["name"], *(dz.get("aliases") or [])]}
        ent["aliases"] = [a for a in ent["aliases"] if normalize_name(a) not in known]
        if dz.get("stock_code") and ent.get("stock_code") and str(ent["stock_code"]) != str(dz["stock_code"]):
            self.errors.append(f"{dz['name']}: Dezhou code {dz['stock_code']} vs staging {ent['stock_code']}")
        if dz.get("description"):
            ent["description"] = None
        dz_segments = set(dz.get("segments") or [])
        for seg in ent["segments"]:
            if seg["name"] in dz_segments:
                self.report["segment claims added to a Dezhou record's segment"].append(f"{dz['name']}: {seg['name']}")
        if dz.get("parent"):
            dz_parent = dz["parent"]["name"] if isinstance(dz["parent"], dict) else dz["parent"]
            staged = {p["name"] for p in ent.get("_parents", [])} - {dz_parent}
            if staged:
                self.report["Dezhou parent kept"].append(f"{dz['name']}: {dz_parent} (staging {sorted(staged)})")
            ent["_dezhou_parent"] = True
        # A source both records cite must carry the same evidence in both, or each load would
        # overwrite the other's (one CITES link per node and source): take the Dezhou citation.
        dz_cites = {}
        for spec in dz.get("sources") or []:
            spec = spec if isinstance(spec, dict) else {"source": spec}
            dz_cites[spec["source"]] = spec if len(spec) > 1 else spec["source"]
        ent["sources"] = [dz_cites.get(k, k) if isinstance(k, str) else k for k in ent["sources"]]
        ent["_dezhou_located"] = bool(dz.get("located_in"))
        ent["_dezhou_home"] = dz.get("home_region")

    def resolve_parents(
        self, entities: list[dict[str, Any]], dz_legal: dict[str, str], dz_short: dict[str, str]
    ) -> None:
        by_key: dict[str, str] = {}
        for ent in entities:
            for n in [ent["name"], *ent["_names"], *ent["aliases"]]:
                by_key.setdefault(normalize_name(n), ent["name"])
        for ent in entities:
            parents = ent.pop("_parents", [])
            if ent.get("_dezhou_parent") or not parents:
                continue
            resolved = []
            for parent in parents:
                key = normalize_name(parent["name"])
                target = by_key.get(key) or dz_legal.get(key) or dz_short.get(key)
                if target is None or target == ent["name"]:
                    self.report["parent dropped (not an entity of the data)"].append(
                        f"{ent['name']} → {parent['name']}"
                    )
                elif target not in (t for t, _ in resolved):
                    resolved.append((target, parent))
            if not resolved:
                continue
            target, parent = resolved[0]
            if len(resolved) > 1:
                self.report["parent: the direct one kept"].append(
                    f"{ent['name']}: {target} ← also {[t for t, _ in resolved[1:]]}"
                )
            spec: dict[str, Any] = {"name": target}
            if parent.get("stake_pct") is not None:
                spec["stake_pct"] = parent["stake_pct"]
            spec["certainty"] = parent.get("certainty") or "inferred"
            if parent.get("evidence"):
                spec["evidence"] = parent["evidence"]
            ent["parent"] = spec

    # --- regions ------------------------------------------------------------------------------

    def make_regions(self) -> None:
        dz_regions = {normalize_name(r["name"]) for r in self.dezhou_regions}
        for r in self.dezhou_regions:
            dz_regions |= {normalize_name(a) for a in r.get("aliases") or []}
        provinces: list[str] = []
        cities: dict[str, str] = {}
        for ent in self.entities:
            province, city = ent.pop("province", None), ent.pop("city", None)
            city = PROVINCE_LEVEL_CITY.get(city or "", city)
            if not province:
                continue
            if province not in provinces:
                provinces.append(province)
            place = province
            if city and city != province:
                if cities.setdefault(city, province) != province:
                    self.errors.append(f"city {city} under two provinces")
                place = city
            if city == "德州市":
                self.errors.append(f"{ent['name']} is headquartered in Dezhou: it belongs in data/dezhou")
            if ent.get("_dezhou"):
                if not ent["_dezhou_home"]:
                    ent["home_region"] = place
                if not ent["_dezhou_located"]:
                    ent["located_in"] = place
            else:
                ent["home_region"] = place
                ent["located_in"] = place
        names = [*provinces, *cities]
        shorts: dict[str, list[str]] = defaultdict(list)
        for n in names:
            shorts[short_name(n)].append(n)
        for n in provinces:
            if normalize_name(n) in dz_regions:
                continue
            self.regions.append(region(n, "province", None, shorts))
        for n, province in cities.items():
            if normalize_name(n) in dz_regions:
                continue
            self.regions.append(region(n, "county_city" if n in COUNTY_CITIES else "city", province, shorts))

    # --- checks -------------------------------------------------------------------------------

    def check(self) -> None:
        defined = set(self.sources) | self.dezhou_sources | {"curated-knowledge", "national-admin"}
        defined |= {s["key"] for s in EXTRA_SOURCES}
        for ent in self.entities:
            for seg in ent["segments"]:
                if seg["name"] not in self.segment_names:
                    self.errors.append(f"{ent['name']}: unknown segment {seg['name']}")
                for c in seg["sources"]:
                    if c["source"] not in defined:
                        self.errors.append(f"{ent['name']}: undefined source {c['source']}")
            for key in ent["sources"]:
                key = key["source"] if isinstance(key, dict) else key
                if key not in defined:
                    self.errors.append(f"{ent['name']}: undefined source {key}")
            code = str(ent.get("stock_code") or "")
            if code and ent.get("exchange") not in FOREIGN_EXCHANGES:
                row = self.export.get(code)
                keys = {normalize_name(n) for n in [ent["name"], *ent["aliases"]]}
                if row is None or not {normalize_name(row["fullname"]), normalize_name(row["name"])} & keys:
                    if not ent.get("listing_note"):
                        self.errors.append(f"{ent['name']} {code}: not as in the export and no listing_note")
                    else:
                        self.report["code not matched in the export (listing_note explains)"].append(
                            f"{ent['name']} {code}: {ent['listing_note'][:60]}"
                        )

    # --- output -------------------------------------------------------------------------------

    def cited(self) -> list[str]:
        keys: list[str] = []
        for ent in self.entities:
            record_keys = [k["source"] if isinstance(k, dict) else k for k in ent["sources"]]
            for key in [*record_keys, *(c["source"] for s in ent["segments"] for c in s["sources"])]:
                if key not in keys:
                    keys.append(key)
        return keys

    def write(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        header = (
            "# Generated by tools/build_national.py — do not edit by hand; edit the staging data or the\n"
            f"# script's tables and run it again. Compiled {COMPILED} from the issue-14 staging files\n"
            "# (sha256, first 16 hex digits):\n"
            + "".join(f"#   {name}: {digest}\n" for name, digest in sorted(self.inputs.items()))
        )
        cited = self.cited()
        sources = [
            {
                "key": "curated-knowledge",
                "title": "chainkg 整理的公开常识（未找到可引用页面的事实，一律标为 inferred）",
                "publisher": "chainkg",
                "date": COMPILED,
                "authority": 0,
            },
            {
                "key": "national-admin",
                "title": "中华人民共和国省级和地级行政区划（公开资料整理）",
                "publisher": "chainkg 整理，依据民政部公布的行政区划",
                "date": COMPILED,
                "authority": 0,
            },
        ]
        sources += [s for s in EXTRA_SOURCES if s["key"] in cited]
        for key in sorted(k for k in cited if k in self.sources):
            src = {k: v for k, v in self.sources[key].items() if v not in (None, "")}
            if "date" in src:
                src["date"] = str(src["date"])
            sources.append(src)
        dump(out / "sources.yaml", header, sources)
        dump(out / "regions.yaml", header, self.regions)
        # enterprises as JSON Lines: a thousand records parse in a tenth of the YAML time
        (out / "enterprises.yaml").unlink(missing_ok=True)
        lines = [json.dumps(self.record(e), ensure_ascii=False) for e in self.entities]
        (out / "enterprises.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for stem, what in (("parks", "parks"), ("projects", "projects")):
            note = f"# The national dataset has no {what}: enterprises are placed by their head-office region.\n"
            (out / f"{stem}.yaml").write_text(header + note + "[]\n", encoding="utf-8")

    def record(self, ent: dict[str, Any]) -> dict[str, Any]:
        rec: dict[str, Any] = {"name": ent["name"]}
        if ent["aliases"]:
            rec["aliases"] = ent["aliases"]
        rec["kind"] = ent["kind"]
        for key in ("stock_code", "exchange", "listing_note", "home_region", "located_in", "description"):
            if ent.get(key):
                rec[key] = str(ent[key])
        if ent["segments"]:
            rec["segments"] = ent["segments"]
        if ent.get("parent"):
            rec["parent"] = ent["parent"]
        rec["sources"] = ent["sources"]
        return rec

    def print_report(self) -> None:
        kinds: dict[str, int] = defaultdict(int)
        for ent in self.entities:
            kinds[ent["kind"]] += 1
        print(f"{len(self.records)} staging records → {len(self.entities)} entities {dict(kinds)}")
        merged = sum(1 for e in self.entities if e.get("_dezhou"))
        print(f"{merged} merged into Dezhou records; {len(self.regions)} regions")
        for title, lines in sorted(self.report.items()):
            print(f"\n## {title} ({len(lines)})")
            for line in lines:
                print(f"  {line}")
        for error in self.errors:
            print(f"ERROR {error}", file=sys.stderr)


def short_name(name: str) -> str:
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def region(name: str, level: str, parent: str | None, shorts: dict[str, list[str]]) -> dict[str, Any]:
    rec: dict[str, Any] = {"name": name, "level": level}
    short = short_name(name)
    if short != name and shorts[short] == [name]:
        rec["aliases"] = [short]
    if parent:
        rec["parent"] = parent
    rec["sources"] = ["national-admin"]
    return rec


def dump(path: Path, header: str, items: list[dict[str, Any]]) -> None:
    body = yaml.dump(items, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
