"""Enterprise registry exports: four encodings, Chinese/English/traditional headers, Excel, rejects."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import FIELD_IGNORED, FILE_REJECTED, ROW_REJECTED, LoadReport, run_load
from chainkg.loaders.readers.encoding import EncodingError, decode
from chainkg.loaders.registry.headers import match_header
from chainkg.schema.ids import enterprise_id
from chainkg.schema.kinds import NodeKind
from chainkg.store.memory import MemoryStore
from tests.conftest import load_dataset
from tests.schema.test_normalize import _with_check_digit

GOOD_CODE = _with_check_digit("91371400MA3C12345")

CSV_TEMPLATE = f"""企业名称,统一社会信用代码,注册资本（万元）,所属行业,地址,所在园区,母公司,持股比例,企业类型,简称,备注
山東德晶半導體材料有限公司,{GOOD_CODE},5000,半导体硅片,山东省德州市天衢新区崇德九大道1号,,有研集团,51%,央企子公司,德晶,
,,100,硅片,德州市,,,,,,
德州{{rare}}光刻材料有限公司,91370000ABCDEFGHIJ,abc,光刻胶,山东省德州市德城区平原路8号,,,,民营,,
有研億金,,,溅射靶材,,,,,,,
德州某电子有限公司,,1000,不知道的行业,北京市海淀区,火星园区,新母公司集团,abc,外资,,
"""
#: (row, field, action) of the problems planted above; row numbers as Excel shows them.
PLANTED = {
    (1, "备注", FIELD_IGNORED),
    (3, "name", ROW_REJECTED),
    (4, "credit_code", FIELD_IGNORED),
    (4, "registered_capital", FIELD_IGNORED),
    (6, "segment", FIELD_IGNORED),
    (6, "park", FIELD_IGNORED),
    (6, "stake_pct", FIELD_IGNORED),
}


def _write(tmp_path: Path, encoding: str, rare: str = "") -> Path:
    text = CSV_TEMPLATE.replace("{rare}", rare)
    path = tmp_path / f"registry-{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    return path


def _load(store: MemoryStore, path: Path, tmp_path: Path) -> LoadReport:
    (report,) = run_load(store, [path], default_loaders(), report_dir=tmp_path / "reports")
    return report


@pytest.fixture
def graph() -> MemoryStore:
    store = MemoryStore()
    load_dataset(store)
    return store


@pytest.mark.parametrize(
    ("encoding", "rare"),
    [("utf-8", ""), ("utf-8-sig", ""), ("gbk", ""), ("gb18030", "䶮")],  # 䶮 (U+4DAE) exists in GB18030, not GBK
)
def test_four_encodings_load_the_same_rows(graph: MemoryStore, tmp_path: Path, encoding: str, rare: str) -> None:
    path = _write(tmp_path, encoding, rare)
    assert decode(path.read_bytes())[1] == encoding
    report = _load(graph, path, tmp_path)
    assert {(r.row, r.field, r.action) for r in report.rejects} == PLANTED
    assert report.records_read == 5 and report.records_loaded == 4

    dejing = enterprise_id("山东德晶半导体材料有限公司", GOOD_CODE)
    attrs = graph.node(dejing)
    assert attrs is not None
    assert attrs["name"] == "山东德晶半导体材料有限公司"  # traditional input stored simplified
    assert attrs["registered_capital"] == 50_000_000  # 5000 in a 万元 column
    assert attrs["enterprise_kind"] == "soe" and attrs["aliases"] == ["德晶"]
    assert graph.graph.has_edge(dejing, "seg:硅片")  # 半导体硅片 → alias of 硅片
    assert graph.graph.has_edge(dejing, "region:天衢新区")  # most specific region in the address
    stake = graph.graph.get_edge_data(dejing, "ent:有研科技集团有限公司", "SUBSIDIARY_OF")
    assert stake == {**stake, "stake_pct": 51.0}

    litho = graph.node(f"ent:德州{rare}光刻材料有限公司")
    assert litho is not None and "credit_code" not in litho and "registered_capital" not in litho
    assert graph.graph.has_edge(f"ent:德州{rare}光刻材料有限公司", "region:德城区")  # not 平原 from 平原路

    # 有研億金 is an alias of the curated node: the row enriches it, no duplicate appears
    assert graph.find_ids(NodeKind.ENTERPRISE, "有研亿金") == ["ent:有研亿金新材料(山东)有限公司"]
    stub = graph.node("ent:新母公司集团")
    assert stub is not None and stub["name"] == "新母公司集团"
    assert graph.graph.has_edge("ent:德州某电子有限公司", "ent:新母公司集团")

    lines = (
        (tmp_path / "reports" / path.name).with_suffix(".csv.rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    )
    assert len(lines) == 1 + len(PLANTED)


def test_reload_is_idempotent(graph: MemoryStore, tmp_path: Path) -> None:
    path = _write(tmp_path, "gbk")
    _load(graph, path, tmp_path)
    before = nx.node_link_data(graph.graph, edges="links")
    again = _load(graph, path, tmp_path)
    assert again.write.touched == 0
    assert nx.node_link_data(graph.graph, edges="links") == before


def test_excel_with_traditional_english_mixed_headers(graph: MemoryStore, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企業名稱", "credit_code", "所屬行業", "address", "成立日期"])
    sheet.append(["德州測試封裝有限公司", None, "封裝測試", "山東省德州市運河經濟開發區", "2021/5/6"])
    sheet.append(["德州第二测试有限公司", None, "晶圆制造", "临邑县", "not a date"])
    path = tmp_path / "tenants.xlsx"
    book.save(path)
    report = _load(graph, path, tmp_path)
    assert {(r.row, r.field) for r in report.rejects} == {(3, "established")}
    first = graph.node("ent:德州测试封装有限公司")
    assert first is not None and first["established"] == "2021-05-06"
    assert graph.graph.has_edge("ent:德州测试封装有限公司", "seg:封装测试")
    assert graph.graph.has_edge("ent:德州测试封装有限公司", "region:运河经济开发区")
    assert graph.graph.has_edge("ent:德州第二测试有限公司", "region:临邑县")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        ("公司,地址\n某公司,德州\n".encode(), "no enterprise-name column"),
        (b"\x80abc\xff", "not UTF-8, GBK, GB18030 or Big5"),
    ],
)
def test_unreadable_files_are_rejected_whole(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    report = _load(MemoryStore(), path, tmp_path)
    assert [r.action for r in report.rejects] == [FILE_REJECTED]
    assert reason in report.rejects[0].reason


def test_one_bad_file_does_not_stop_the_next(graph: MemoryStore, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    good = _write(tmp_path, "utf-8")
    reports = run_load(graph, [bad, tmp_path / "missing.csv", good], default_loaders())
    assert [r.files_rejected for r in reports] == [1, 1, 0]
    assert reports[2].records_loaded == 4


def test_header_aliases() -> None:
    assert match_header("注册资本（萬元）") == ("registered_capital", "万元")
    assert match_header("Company Name") == ("name", None)
    assert match_header("統一社會信用代碼") == ("credit_code", None)
    assert match_header("备注") == (None, None)


def test_decode_refuses_binary() -> None:
    with pytest.raises(EncodingError, match="binary"):
        decode(b"PK\x03\x04\x00\x00")


def test_big5_export_is_read_as_big5_not_gbk(graph: MemoryStore, tmp_path: Path) -> None:
    """Most Big5 byte pairs are valid GBK too; the reading that looks like ordinary text must win."""
    path = tmp_path / "taiwan.csv"
    path.write_bytes("公司名稱,所屬行業,地址\n德州測試電子股份有限公司,封裝測試,山東省德州市天衢新區\n".encode("big5"))
    assert decode(path.read_bytes())[1] == "big5"
    report = _load(graph, path, tmp_path)
    assert report.rejects == []
    assert graph.graph.has_edge("ent:德州测试电子股份有限公司", "seg:封装测试")


def test_enriching_a_known_enterprise_keeps_what_the_row_does_not_state(graph: MemoryStore, tmp_path: Path) -> None:
    path = tmp_path / "one-column.csv"
    path.write_text("企业名称\n有研亿金新材料（山东）有限公司\n", encoding="utf-8")
    _load(graph, path, tmp_path)
    attrs = graph.node("ent:有研亿金新材料(山东)有限公司")
    assert attrs is not None and attrs["enterprise_kind"] == "soe"
