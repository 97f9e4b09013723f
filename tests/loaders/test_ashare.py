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
from tests.conftest import load_dataset, shared

EXTERNAL = shared("external", "ashare-chain")

COMPANIES = [
    {"name": "有研新材", "fullname": "有研新材料股份有限公司", "code": "600206.SH", "location": "上海证券交易所"},
    {"name": "中芯国际", "fullname": "中芯国际集成电路制造有限公司", "code": "688981", "location": "上海证券交易所"},
    {"name": "长电科技", "fullname": "江苏长电科技股份有限公司", "code": "600584.SH", "location": "上海证券交易所"},
    {"name": "重复", "fullname": "重复的公司", "code": "688981.SH"},
    {"name": "无全称", "fullname": "", "code": "000001.SZ"},
    "not json",
    {"name": "坏代码", "fullname": "坏代码公司", "code": "12AB"},
]
INDUSTRIES = [
    {"company_code": "600206.SH", "industry_name": "半导体材料"},  # deliberately unmapped: too broad
    {"company_code": "688981.SH", "industry_name": "集成电路制造"},
    {"company_code": "600584.SH", "industry_name": "集成电路封测"},
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


def test_companies_become_candidates_in_mapped_segments(tmp_path: Path) -> None:
    store = MemoryStore()
    load_dataset(store)
    report = _load(store, _write(tmp_path))
    assert report.loader == "ashare"
    rejected = {(r.row, r.field) for r in report.rejects if r.action == ROW_REJECTED}
    assert rejected == {(4, "code"), (5, "fullname"), (6, ""), (7, "code")}
    assert [r for r in report.rejects if r.action == FIELD_IGNORED] == []  # every mapped segment exists
    smic = store.node("ent:中芯国际集成电路制造有限公司")
    assert smic is not None and smic["stock_code"] == "688981" and smic["aliases"] == ["中芯国际"]
    edge = store.graph.get_edge_data("ent:中芯国际集成电路制造有限公司", "seg:晶圆制造", EdgeKind.IN_SEGMENT.value)
    assert edge is not None and '"certainty": "inferred"' in edge["provenance"][0]
    # the curated 有研新材 node is enriched, not duplicated, and keeps its kind and segments
    youyan = store.node("ent:有研新材料股份有限公司")
    assert youyan is not None and youyan["enterprise_kind"] == "soe"
    assert store.graph.has_edge("ent:有研新材料股份有限公司", "seg:高纯金属")
    # and the foundry now shows up as a 招商 candidate for the wafer-fab gap
    result = store.run(recommend.QUERY, recommend.Params(segment="seg:晶圆制造", scope="region:天衢新区"))
    assert "ent:中芯国际集成电路制造有限公司" in {c.enterprise.id for c in result.candidates}


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


def test_every_mapped_segment_exists_in_the_ontology(dezhou: MemoryStore) -> None:
    import yaml

    from chainkg.loaders.ashare import MAPPING

    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    names = {name for segments in mapping.values() for name in segments}
    missing = sorted(n for n in names if dezhou.node(f"seg:{n}") is None)
    assert missing == []
