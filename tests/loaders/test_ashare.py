"""The A-share export loader: a real, messy format → candidate enterprises placed in segments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import FIELD_IGNORED, ROW_REJECTED, LoadReport, run_load
from chainkg.queries import recommend
from chainkg.schema.kinds import EdgeKind
from chainkg.store.memory import MemoryStore
from tests.conftest import DATASET, load_dataset, shared

EXTERNAL = shared("external", "ashare-chain")

COMPANIES = [
    {"name": "有研新材", "fullname": "有研新材料股份有限公司", "code": "600206.SH", "location": "上海证券交易所"},
    {"name": "中芯国际", "fullname": "中芯国际集成电路制造有限公司", "code": "688981", "location": "上海证券交易所"},
    {"name": "示例光刻", "fullname": "示例光刻胶材料股份有限公司", "code": "300998", "location": "深圳证券交易所"},
    {"name": "示例封测", "fullname": "示例半导体股份有限公司", "code": "603998.SH", "location": "上海证券交易所"},
    {"name": "示例新名", "fullname": "示例控股股份有限公司", "code": "603997", "time": "2015-05-05"},
    {"name": "示例旧名", "fullname": "示例实业股份有限公司", "code": "603997", "time": "2015-05-05"},
    {"name": "错位甲", "fullname": "错位甲股份有限公司", "code": "688999", "time": "2020-01-02"},
    {"name": "错位甲", "fullname": "错位乙股份有限公司", "code": "688999", "time": "2020-03-04"},
    {"name": "错位丙", "fullname": "错位丙股份有限公司", "code": "688998", "time": "2012-03-09"},
    {"name": "无全称", "fullname": "", "code": "000001.SZ"},
    "not json",
    {"name": "坏代码", "fullname": "坏代码公司", "code": "12AB"},
]
INDUSTRIES = [
    {"company_code": "600206.SH", "industry_name": "半导体材料"},  # deliberately unmapped: too broad
    {"company_code": "688981.SH", "industry_name": "集成电路制造"},
    {"company_code": "300998.SZ", "industry_name": "半导体材料"},
    {"company_code": "603998.SH", "industry_name": "集成电路封测"},
]


def _write(tmp_path: Path) -> Path:
    folder = tmp_path / "ashare"
    folder.mkdir()
    lines = [c if isinstance(c, str) else json.dumps(c, ensure_ascii=False) for c in COMPANIES]
    (folder / "company.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "company_industry.json").write_text(
        "\n".join(json.dumps(i, ensure_ascii=False) for i in INDUSTRIES) + "\n", encoding="utf-8"
    )
    return folder


def _load(store: MemoryStore, folder: Path) -> LoadReport:
    (report,) = run_load(store, [folder], default_loaders())
    return report


def _in_segment(store: MemoryStore, node: str, segment: str) -> dict | None:
    return store.graph.get_edge_data(node, f"seg:{segment}", EdgeKind.IN_SEGMENT.value)


def test_companies_are_placed_sharpest_first(tmp_path: Path) -> None:
    store = MemoryStore()
    load_dataset(store)
    report = _load(store, _write(tmp_path))
    assert report.loader == "ashare"
    rejected = {(r.row, r.field) for r in report.rejects if r.action == ROW_REJECTED}
    # misaligned rows (one code, two listing dates; a STAR code "listed" in 2012) and bad rows
    assert rejected == {(7, "code"), (8, "code"), (9, "time"), (10, "fullname"), (11, ""), (12, "code")}
    assert {(r.row, r.field) for r in report.rejects if r.action == FIELD_IGNORED} == {(5, "industry"), (6, "code")}
    # a rename: one node, the other row's names are aliases
    renamed = store.node("ent:示例控股股份有限公司")
    assert renamed is not None and {"示例实业股份有限公司", "示例旧名"} <= set(renamed["aliases"])
    # 1. curated: the national record places 中芯国际 (rank and certainty of its list) — not rewritten
    smic = _in_segment(store, "ent:中芯国际集成电路制造有限公司", "晶圆制造")
    assert smic is not None and smic["rank"] == 1 and smic["certainty"] == "stated" and "basis" not in smic
    youyan = store.node("ent:有研新材料股份有限公司")
    assert youyan is not None and youyan["enterprise_kind"] == "soe"  # the curated kind stays
    # 2. a product keyword in the name beats the (too broad, unmapped) industry
    resist = _in_segment(store, "ent:示例光刻胶材料股份有限公司", "光刻胶")
    assert resist is not None and (resist["basis"], resist["certainty"]) == ("name", "inferred")
    assert "光刻胶" in resist["provenance"][0]
    # 3. the Shenwan industry when nothing sharper is known
    osat = _in_segment(store, "ent:示例半导体股份有限公司", "封装测试")
    assert osat is not None and (osat["basis"], osat["certainty"]) == ("industry", "inferred")
    # and the candidates rank curated leaders above the industry-level guess
    result = store.run(recommend.QUERY, recommend.Params(segment="seg:封装测试", limit=50))
    names = [c.enterprise.id for c in result.candidates]
    assert "ent:示例半导体股份有限公司" in names and names.index("ent:示例半导体股份有限公司") >= 5


def test_curated_placement_without_the_curated_dataset_loaded(tmp_path: Path) -> None:
    """Loaded over the Dezhou data only, a code of the national list still gets its curated
    segments, name and rank (the loader reads the curated files), citing the export."""
    store = MemoryStore()
    load_dataset(store, DATASET)
    _load(store, _write(tmp_path))
    smic = _in_segment(store, "ent:中芯国际集成电路制造有限公司", "晶圆制造")
    assert smic is not None and (smic["basis"], smic["rank"]) == ("curated", 1)


def test_reload_is_idempotent(tmp_path: Path) -> None:
    store = MemoryStore()
    load_dataset(store)
    folder = _write(tmp_path)
    _load(store, folder)
    again = _load(store, folder)
    assert again.write.touched == 0


def test_the_real_export_loads_with_its_mess_reported() -> None:
    if not (EXTERNAL / "company.json").is_file():
        pytest.skip(f"the A-share export is not present at {EXTERNAL} (it lives in the workplace, not the repo)")
    store = MemoryStore()
    load_dataset(store)
    report = _load(store, EXTERNAL)
    assert report.records_loaded > 4000
    assert all(r.reason for r in report.rejects)
    assert store.node("ent:宁波江丰电子材料股份有限公司") is not None
    # the misaligned 688078 rows are refused, so 中国交建 keeps its own code
    assert store.graph.nodes["ent:中国交通建设股份有限公司"]["stock_code"] == "601800"
    # a back-door listing: the export's shell name is an alias of the curated legal entity
    aiko = store.graph.nodes["ent:上海爱旭新能源股份有限公司"]
    assert aiko["stock_code"] == "600732" and "上海新梅置业股份有限公司" in aiko["aliases"]


def test_every_mapped_segment_exists_in_the_ontology(dezhou: MemoryStore) -> None:
    import yaml

    from chainkg.loaders.ashare import MAPPING, PRODUCTS

    for path, segments_of in ((MAPPING, lambda m: {s for v in m.values() for s in v}), (PRODUCTS, set)):
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        missing = sorted(n for n in segments_of(mapping) if dezhou.node(f"seg:{n}") is None)
        assert missing == [], path.name
