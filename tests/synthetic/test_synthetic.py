"""Synthetic datasets and the JSONL path they travel: determinism, shape, clean loads, exact rejects.

Tiny custom sizes only (a few hundred enterprises): the presets are for ``benchmarks/``.
"""

from __future__ import annotations

import gc
import json
import shutil
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from chainkg.cli import app as cli_app
from chainkg.loaders import dataset as dataset_module
from chainkg.loaders import fast_nodes
from chainkg.loaders.fast_nodes import fast_node_record
from chainkg.loaders.pipeline import FIELD_IGNORED, ROW_REJECTED
from chainkg.schema.kinds import EdgeKind, NodeKind, ProjectStatus
from chainkg.schema.models import Enterprise, Project, make_edge
from chainkg.schema.records import Provenance
from chainkg.store.gc_pause import gc_paused
from chainkg.store.memory import MemoryStore
from chainkg.synthetic.generator import PRESETS, generate
from chainkg.synthetic.names import credit_code
from tests.conftest import load_dataset

TINY = PRESETS["park"].resized(400)
GOOD_CODE = credit_code("371400", 12_345)
BAD_CODE = GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1")  # wrong check digit


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "tiny"
    generate(out, TINY, seed=11)
    return out


@pytest.fixture(scope="module")
def tiny_store(tiny: Path) -> MemoryStore:
    store = MemoryStore()
    report = load_dataset(store, tiny)
    assert report.rejects == [], report.rejects[:5]
    return store


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _edges(store: MemoryStore, kind: EdgeKind) -> list[tuple[str, str, dict[str, Any]]]:
    return [(u, v, a) for u, v, a in store.graph.edges(data=True) if a["kind"] == kind.value]


def _nodes(store: MemoryStore, kind: NodeKind) -> dict[str, dict[str, Any]]:
    return {n: a for n, a in store.graph.nodes(data=True) if a["kind"] == kind.value}


# --- determinism -------------------------------------------------------------------------------


def test_same_seed_writes_the_same_bytes(tiny: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, TINY, seed=11)
    assert _files(again) == _files(tiny)


def test_another_seed_writes_another_dataset(tiny: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(other, TINY, seed=12)
    for name in ("enterprises.jsonl", "projects.jsonl", "parks.jsonl"):
        assert (other / name).read_bytes() != (tiny / name).read_bytes(), name
    assert (other / "chains").is_dir() and _files(other / "chains") == _files(tiny / "chains")


def test_the_real_ontology_is_copied_not_invented(tiny: Path) -> None:
    real = Path(__file__).resolve().parents[2] / "data" / "dezhou" / "chains"
    assert _files(tiny / "chains") == {k: v for k, v in _files(real).items() if k.endswith(".yaml")}


# --- the generated graph ---------------------------------------------------------------------


def test_loads_through_the_normal_pipeline_with_nothing_rejected(tiny: Path, tiny_store: MemoryStore) -> None:
    meta = json.loads((tiny / "synthetic.json").read_text(encoding="utf-8"))
    counts = tiny_store.counts()
    assert counts.nodes["Enterprise"] == meta["records"]["enterprises"] == 400
    assert counts.nodes["Project"] == meta["records"]["projects"]
    assert counts.nodes["Chain"] == 12
    # the generator's prediction of the edges is exact: no link was dropped or merged away (the
    # status events the load derives from the projects, with their links, come on top)
    events = set(_nodes(tiny_store, NodeKind.PROJECT_EVENT))
    derived = sum(1 for u, _, _ in tiny_store.graph.edges(data=True) if u in events)
    assert counts.total_edges - derived == meta["total_edges_expected"]


def test_loading_it_twice_changes_nothing(tiny: Path, tiny_store: MemoryStore) -> None:
    store = MemoryStore()
    load_dataset(store, tiny)
    again = load_dataset(store, tiny)
    assert again.write.touched == 0
    assert store.counts() == tiny_store.counts()


def test_chains_stay_dags_and_supplies_follow_feeds(tiny_store: MemoryStore) -> None:
    feeds = {(u, v) for u, v, _ in _edges(tiny_store, EdgeKind.FEEDS)}
    for chain in _nodes(tiny_store, NodeKind.CHAIN):
        members = {u for u, v, _ in _edges(tiny_store, EdgeKind.PART_OF) if v == chain}
        inner = nx.DiGraph([(u, v) for u, v in feeds if u in members and v in members])
        assert nx.is_directed_acyclic_graph(inner)
    segments: dict[str, set[str]] = {}
    for u, v, _ in _edges(tiny_store, EdgeKind.IN_SEGMENT):
        segments.setdefault(u, set()).add(v)
    supplies = _edges(tiny_store, EdgeKind.SUPPLIES)
    assert len(supplies) > 200
    for supplier, customer, attrs in supplies:
        product = f"seg:{attrs['product']}"
        assert product in segments[supplier]
        assert any((product, seg) in feeds for seg in segments[customer]), (supplier, customer)


def test_groups_are_heavy_tailed_and_several_levels_deep(tiny_store: MemoryStore) -> None:
    parent = {u: v for u, v, _ in _edges(tiny_store, EdgeKind.SUBSIDIARY_OF)}
    assert nx.is_directed_acyclic_graph(nx.DiGraph(list(parent.items())))

    def root(node: str) -> tuple[str, int]:
        depth = 0
        while node in parent:
            node, depth = parent[node], depth + 1
        return node, depth

    roots = [root(n) for n in _nodes(tiny_store, NodeKind.ENTERPRISE)]
    sizes = sorted(Counter(r for r, _ in roots).values(), reverse=True)
    assert sizes[0] >= 10 * statistics.median(sizes)  # a few big groups, most enterprises alone
    assert max(d for _, d in roots) >= 2  # group → subsidiary → its subsidiary
    stakes = [a.get("stake_pct") for _, _, a in _edges(tiny_store, EdgeKind.SUBSIDIARY_OF)]
    assert all(s is None or 0 < s <= 100 for s in stakes) and any(s == 100 for s in stakes)


def test_segments_and_places_are_skewed(tiny_store: MemoryStore) -> None:
    per_segment = Counter(v for _, v, _ in _edges(tiny_store, EdgeKind.IN_SEGMENT) if v.startswith("seg:"))
    ordered = sorted(per_segment.values(), reverse=True)
    top_fifth = sum(ordered[: max(1, len(ordered) // 5)])
    assert top_fifth > 0.5 * sum(ordered)
    parks = Counter(v for u, v, _ in _edges(tiny_store, EdgeKind.LOCATED_IN) if v.startswith("park:"))
    assert len(parks) >= 2 and max(parks.values()) > 2 * min(parks.values())


def test_projects_have_plausible_statuses_dates_and_amounts(tiny_store: MemoryStore) -> None:
    projects = _nodes(tiny_store, NodeKind.PROJECT)
    statuses = Counter(p.get("status") for p in projects.values())
    generated = {s.value for s in ProjectStatus if s not in (ProjectStatus.LEAD, ProjectStatus.TERMINATED)}
    assert set(statuses) == generated
    amounts = [p["total_investment"] for p in projects.values() if p.get("currency") == "CNY"]
    assert all(5_000_000 <= a <= 2_000_000_000_000 for a in amounts)
    assert 50_000_000 <= statistics.median(amounts) <= 2_000_000_000  # median of a few 亿元
    for p in projects.values():
        if p.get("status") == ProjectStatus.IN_PRODUCTION.value:
            assert p["signed_date"] <= p["start_date"] <= p["production_date"]
    disputed = [p for p in projects.values() if p.get("disputed")]
    assert disputed and all(p["disputed"] == ["status"] and p.get("status") for p in disputed)
    investors = {v for _, v, _ in _edges(tiny_store, EdgeKind.INVESTS_IN)}
    assert investors == set(projects)


def test_every_fact_cites_a_generated_source(tiny_store: MemoryStore) -> None:
    cited = {u for u, _, _ in _edges(tiny_store, EdgeKind.CITES)}
    uncited = [n for n, a in tiny_store.graph.nodes(data=True) if a["kind"] != "Source" and n not in cited]
    assert uncited == []
    for u, v, attrs in tiny_store.graph.edges(data=True):
        if attrs["kind"] != EdgeKind.CITES.value:
            assert attrs["provenance"], (u, v)
    sources = _nodes(tiny_store, NodeKind.SOURCE)
    generated = [s for s in sources if s.startswith("src:syn-")]
    assert generated and all("合成" in sources[s]["name"] for s in generated)
    leads = _edges(tiny_store, EdgeKind.LEADS)
    assert leads and all(a["scope"].startswith(("region:", "park:")) for _, _, a in leads)


def test_generate_command_writes_a_dataset(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["generate", str(tmp_path / "ds"), "--enterprises", "50", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "enterprises.jsonl: 50" in result.output
    assert len((tmp_path / "ds" / "enterprises.jsonl").read_text(encoding="utf-8").splitlines()) == 50
    bad = CliRunner().invoke(cli_app, ["generate", str(tmp_path / "x"), "--preset", "galaxy"])
    assert bad.exit_code == 2


# --- JSON Lines with planted errors ------------------------------------------------------------

PLANTED_ENTERPRISES = [
    '{"name": "好企业甲", "kind": "private", "segments": ["硅片"], "sources": ["syn-admin"]}',  # 1: good
    "",  # 2: blank, skipped (still counts as a line)
    '{"name": "坏JSON", "sources": ["syn-admin"]',  # 3: invalid JSON
    '["not", "a", "mapping"]',  # 4: not a mapping
    f'{{"name": "坏代码企业", "credit_code": "{BAD_CODE}", "sources": ["syn-admin"]}}',  # 5
    '{"name": "未知字段企业", "colour": "red", "sources": ["syn-admin"]}',  # 6
    '{"name": "坏资本企业", "registered_capital": "很多", "sources": ["syn-admin"]}',  # 7
    '{"name": "未知来源企业", "sources": ["syn-nope"]}',  # 8
    '{"name": "好企业乙", "parent": "火星集团", "segments": ["不存在"], "sources": ["syn-admin"]}',  # 9
    '{"name": "  ", "sources": ["syn-admin"]}',  # 10: blank name
    '{"name": "坏日期企业", "established": "2023-02-30", "sources": ["syn-admin"]}',  # 11
]
PLANTED_PROJECTS = [
    '{"name": "倒序项目", "signed_date": "2022-05", "start_date": "2021-01", "sources": ["syn-admin"]}',  # 1
    '{"name": "好项目", "total_investment": "3亿元", "status": "在建", "investors": ["好企业甲"], '
    '"sources": ["syn-admin"]}',  # 2
    '{"name": "坏状态项目", "status": "规划中", "sources": ["syn-admin"]}',  # 3
]


def _planted(tiny: Path, tmp_path: Path) -> Path:
    ds = tmp_path / "planted"
    shutil.copytree(tiny, ds)
    (ds / "enterprises.jsonl").write_text("\n".join(PLANTED_ENTERPRISES) + "\n", encoding="utf-8")
    with (ds / "enterprises.jsonl").open("ab") as out:
        out.write(b'{"name": "\xff\xfe bytes", "sources": ["syn-admin"]}\n')  # 12: not UTF-8
    (ds / "projects.jsonl").write_text("\n".join(PLANTED_PROJECTS) + "\n", encoding="utf-8")
    return ds


def test_jsonl_rejects_name_the_line_numbers(tiny: Path, tmp_path: Path) -> None:
    store = MemoryStore()
    report = load_dataset(store, _planted(tiny, tmp_path), report_dir=tmp_path / "reports")
    rows = {(Path(r.file).name, r.row, r.field, r.action) for r in report.rejects}
    assert rows == {
        ("enterprises.jsonl", 3, "", ROW_REJECTED),
        ("enterprises.jsonl", 4, "", ROW_REJECTED),
        ("enterprises.jsonl", 5, "credit_code", ROW_REJECTED),
        ("enterprises.jsonl", 6, "colour", ROW_REJECTED),
        ("enterprises.jsonl", 7, "registered_capital", ROW_REJECTED),
        ("enterprises.jsonl", 8, "sources[0]", ROW_REJECTED),
        ("enterprises.jsonl", 9, "parent", FIELD_IGNORED),
        ("enterprises.jsonl", 9, "segments", FIELD_IGNORED),
        ("enterprises.jsonl", 10, "name", ROW_REJECTED),
        ("enterprises.jsonl", 11, "established", ROW_REJECTED),
        ("enterprises.jsonl", 12, "", ROW_REJECTED),
        ("projects.jsonl", 1, "record", ROW_REJECTED),
        ("projects.jsonl", 3, "status", ROW_REJECTED),
    }
    reasons = {(Path(r.file).name, r.row): r.reason for r in report.rejects}
    assert reasons[("enterprises.jsonl", 3)].startswith("invalid JSON")
    assert reasons[("enterprises.jsonl", 4)] == "expected a mapping of field: value"
    assert reasons[("enterprises.jsonl", 12)].startswith("not UTF-8")
    assert store.node("ent:好企业甲") is not None and store.node("ent:好企业乙") is not None
    assert store.graph.has_edge("ent:好企业甲", "proj:好项目")
    text = (tmp_path / "reports" / "planted.rejects.csv").read_text(encoding="utf-8-sig")
    assert "enterprises.jsonl,3," in text


def test_yaml_and_jsonl_of_one_list_both_load(tmp_path: Path) -> None:
    """A JSONL file next to the YAML one adds to it; the YAML file loads first."""
    from tests.conftest import DATASET

    ds = tmp_path / "both"
    shutil.copytree(DATASET, ds)
    line = {"name": "补充企业", "parent": "有研科技集团有限公司", "sources": ["seed-000"]}
    (ds / "enterprises.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    store = MemoryStore()
    report = load_dataset(store, ds)
    assert report.rejects == []
    assert store.graph.has_edge("ent:补充企业", "ent:有研科技集团有限公司")
    assert store.node("ent:有研科技集团有限公司") is not None


# --- the fast path rejects exactly what the models reject ----------------------------------------


def test_fast_path_is_enabled_for_the_reviewed_models() -> None:
    assert all(fast_nodes.ENABLED[model] for model in (Enterprise, Project)), (
        "chainkg.schema.models changed shape: review chainkg/loaders/fast_nodes.py against them, then update _REVIEWED"
    )


def test_fast_and_model_paths_load_planted_records_identically(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = _planted(tiny, tmp_path)
    fast_store, slow_store = MemoryStore(), MemoryStore()
    fast = load_dataset(fast_store, planted)
    monkeypatch.setattr(fast_nodes, "ENABLED", {Enterprise: False, Project: False})
    slow = load_dataset(slow_store, planted)
    assert fast.rejects == slow.rejects
    assert fast.records_loaded == slow.records_loaded
    assert nx.utils.graphs_equal(fast_store.graph, slow_store.graph)


PROV = [Provenance("src:x")]
_text = st.one_of(
    st.sampled_from(
        ["有研亿金新材料(山东)有限公司", "有研億金", " 前后空格 ", "", "  ", "ＡＢＣ１２３", "a\u200bb", "x" * 201]
    ),
    st.text(alphabet=st.sampled_from("有研亿億金 \t（）()ＡaBb1１\u3000\u200b-—·、"), max_size=12),
)
_maybe_text = st.one_of(st.none(), _text, st.integers(-5, 5), st.booleans())
_dates = st.one_of(
    st.none(),
    st.sampled_from(["2020", "2020-02", "2020-02-29", "2021-02-29", "2020-13", "1899", " 2020", "2020-1", 2020]),
)
_ENTERPRISE = st.fixed_dictionaries(
    {"name": _text},
    optional={
        "aliases": st.one_of(st.lists(_text, max_size=3), _text),
        "enterprise_kind": st.sampled_from(["private", "soe", "bogus", " private", None, 3]),
        "credit_code": st.sampled_from([GOOD_CODE, GOOD_CODE.lower(), BAD_CODE, f" {GOOD_CODE}", "", " ", None]),
        "home_region": _maybe_text,
        "stock_code": _maybe_text,
        "registered_capital": st.one_of(st.none(), st.integers(-3, 10**12), st.booleans(), st.just(1.0)),
        "established": _dates,
        "description": _maybe_text,
        "colour": st.just("red"),
    },
)
_PROJECT = st.fixed_dictionaries(
    {"name": _text},
    optional={
        "aliases": st.lists(_text, max_size=2),
        "total_investment": st.one_of(st.none(), st.integers(-1, 10**11), st.booleans(), st.just("1亿元")),
        "currency": st.sampled_from(["CNY", "USD", "RMB", None]),
        "status": st.sampled_from(["签约", "投产", "规划中", None, 1]),
        "status_as_of": _dates,
        "negotiation_date": _dates,
        "signed_date": _dates,
        "start_date": _dates,
        "production_date": _dates,
        "planned_production_date": _dates,
        "capacity": st.one_of(st.none(), st.just("年产5万吨"), st.just("x" * 501)),
        "area": st.one_of(st.none(), st.just("占地100亩"), st.just("y" * 201)),
        "description": _maybe_text,
    },
)


def _slow(model: type[Enterprise] | type[Project], fields: dict[str, Any]) -> Any:
    try:
        instance = model.model_validate(fields)
    except ValidationError:
        return "rejected"
    record = instance.to_record(PROV)
    return (record.kind, record.id, record.props, instance.model_fields_set)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.tuples(st.just(Enterprise), _ENTERPRISE), st.tuples(st.just(Project), _PROJECT)))
def test_fast_path_accepts_only_what_the_model_accepts_and_builds_the_same_record(case: tuple[Any, Any]) -> None:
    model, fields = case
    slow = _slow(model, fields)
    fast = fast_node_record(model, fields, PROV)
    if fast is None:
        return  # not plain input: the model decides, as it just did
    record, fields_set = fast
    assert slow != "rejected", fields
    assert (record.kind, record.id, record.props, fields_set) == slow
    assert list(record.props) == list(slow[2])  # same key order, so snapshots are byte-identical


def test_fast_path_takes_the_plain_records_the_generator_writes(tiny: Path) -> None:
    line = json.loads((tiny / "enterprises.jsonl").read_text(encoding="utf-8").splitlines()[0])
    fields = {k: v for k, v in line.items() if k in Enterprise.model_fields}
    fields["registered_capital"] = 14_830_000
    assert fast_node_record(Enterprise, fields, PROV) is not None


@pytest.mark.parametrize("props", [{"stake_pct": 1}, {"stake_pct": True}, {"stake_pct": 1.0}, {"stake_pct": "51"}])
def test_remembered_edge_properties_are_what_make_edge_gives(props: dict[str, Any]) -> None:
    for _ in range(2):  # second time from the memo
        fast = dataset_module._make_edge(EdgeKind.SUBSIDIARY_OF, "ent:a", "ent:b", dict(props), PROV)
        slow = make_edge(EdgeKind.SUBSIDIARY_OF, "ent:a", "ent:b", dict(props), PROV)
        assert (fast.key, fast.props, fast.provenance) == (slow.key, slow.props, slow.provenance)
        assert [type(v) for v in fast.props.values()] == [type(v) for v in slow.props.values()]
    with pytest.raises(ValidationError):
        dataset_module._make_edge(EdgeKind.SUBSIDIARY_OF, "ent:a", "ent:b", {"stake_pct": 0}, PROV)
    with pytest.raises(ValidationError):
        dataset_module._make_edge(EdgeKind.SUBSIDIARY_OF, "ent:a", "ent:b", {"stake_pct": 0}, PROV)


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


# --- the embedded store's batch checks, now remembered per batch, still refuse the same ----------


def test_store_still_refuses_unknown_sources_and_endpoints_on_edges() -> None:
    from chainkg.schema.models import Segment, Source
    from chainkg.schema.records import Batch
    from chainkg.store.protocol import StoreError

    store = MemoryStore()
    store.write(Batch(nodes=[Source(name="来源", key="k").to_record()]))
    seg = Segment(name="硅片", stage="上游").to_record([Provenance("src:k")])
    store.write(Batch(nodes=[seg]))
    ok = make_edge(EdgeKind.FEEDS, "seg:硅片", "seg:硅片", provenance=[Provenance("src:k")])
    unknown = make_edge(EdgeKind.FEEDS, "seg:硅片", "seg:硅片", provenance=[Provenance("src:nope")])
    with pytest.raises(StoreError, match="cites unknown source 'src:nope'"):
        store.write(Batch(edges=[ok, unknown, unknown]))  # a known source first, then the unknown
    with pytest.raises(StoreError, match="'seg:无' does not exist"):
        store.write(Batch(edges=[ok, make_edge(EdgeKind.FEEDS, "seg:硅片", "seg:无")]))
    with pytest.raises(StoreError, match="cannot join"):
        store.write(Batch(edges=[ok, make_edge(EdgeKind.IN_SEGMENT, "seg:硅片", "seg:硅片")]))
    assert store.counts().edges == {"CITES": 1}


def test_the_home_city_is_marked_so_queries_have_a_default_scope(tiny_store: MemoryStore) -> None:
    from chainkg.queries import gaps

    homes = [n for n, a in tiny_store.graph.nodes(data=True) if a.get("home")]
    assert homes == ["region:德州市"]
    chain = next(n for n, k in tiny_store.graph.nodes(data="kind") if k == "Chain")
    result = tiny_store.run(gaps.QUERY, gaps.Params(chain=chain))
    assert result.scope.id == "region:德州市"
