"""The curated Dezhou dataset and its loader: structure, provenance, conflicts, rejects, idempotence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import networkx as nx
import pytest

from chainkg.loaders.pipeline import FIELD_IGNORED, ROW_REJECTED
from chainkg.schema.kinds import EdgeKind, NodeKind, Stage
from chainkg.store.memory import MemoryStore
from tests.conftest import DATASET, load_dataset


def _nodes(store: MemoryStore, kind: NodeKind) -> dict[str, dict]:
    return {n: a for n, a in store.graph.nodes(data=True) if a["kind"] == kind.value}


def _edges(store: MemoryStore, kind: EdgeKind) -> list[tuple[str, str, dict]]:
    return [(u, v, a) for u, v, a in store.graph.edges(data=True) if a["kind"] == kind.value]


def test_twelve_chains_each_a_dag_of_at_least_eight_segments(dezhou: MemoryStore) -> None:
    chains = _nodes(dezhou, NodeKind.CHAIN)
    assert len(chains) == 12
    feeds = [(u, v) for u, v, _ in _edges(dezhou, EdgeKind.FEEDS)]
    for chain_id, attrs in chains.items():
        members = {u for u, v, _ in _edges(dezhou, EdgeKind.PART_OF) if v == chain_id}
        assert len(members) >= 8, attrs["name"]
        stages = {dezhou.graph.nodes[s]["stage"] for s in members}
        assert stages == {s.value for s in Stage}, attrs["name"]
        inner = nx.DiGraph([(u, v) for u, v in feeds if u in members and v in members])
        inner.add_nodes_from(members)
        assert nx.is_directed_acyclic_graph(inner), attrs["name"]
        isolated = [dezhou.graph.nodes[s]["name"] for s in members if inner.degree(s) == 0]
        assert not isolated, f"{attrs['name']}: segments without a FEEDS link: {isolated}"


def test_each_chain_has_an_office(dezhou: MemoryStore) -> None:
    overseen = {v for _, v, _ in _edges(dezhou, EdgeKind.OVERSEES)}
    assert overseen == set(_nodes(dezhou, NodeKind.CHAIN))


def test_shared_segments_are_one_node_in_several_chains(dezhou: MemoryStore) -> None:
    def chains_of(segment: str) -> set[str]:
        return {dezhou.graph.nodes[v]["name"] for u, v, _ in _edges(dezhou, EdgeKind.PART_OF) if u == segment}

    assert {"集成电路", "新能源"} <= chains_of("seg:硅片")
    assert {"高端化工", "生物医药"} <= chains_of("seg:医药中间体")
    assert {"食品加工", "现代物流"} <= chains_of("seg:冷链物流")


def test_every_fact_keeps_its_source(dezhou: MemoryStore) -> None:
    cited = {u for u, _, _ in _edges(dezhou, EdgeKind.CITES)}
    uncited = [n for n, a in dezhou.graph.nodes(data=True) if a["kind"] != NodeKind.SOURCE.value and n not in cited]
    assert uncited == []
    for u, v, attrs in dezhou.graph.edges(data=True):
        if attrs["kind"] == EdgeKind.CITES.value:
            continue
        sources = [json.loads(p)["source"] for p in attrs["provenance"]]
        assert sources and all(dezhou.graph.nodes[s]["kind"] == NodeKind.SOURCE.value for s in sources), (u, v)


def test_conflicting_statuses_keep_both_sources_and_latest_wins(dezhou: MemoryStore) -> None:
    project = "proj:山东有研集成电路用大尺寸硅材料规模化生产项目"
    claims = {row.provenance.source: row.provenance.claims_dict() for row in dezhou.claims([project])}
    assert claims["src:seed-000"]["status"] == "在建"
    assert claims["src:seed-001"]["status"] == "投产"
    node = dezhou.node(project)
    assert node is not None
    assert (node["status"], node["status_as_of"]) == ("投产", "2020-11-29")
    assert node["disputed"] == ["status"]


def test_loading_twice_changes_nothing(tmp_path: Path) -> None:
    store = MemoryStore()
    load_dataset(store)
    before = nx.node_link_data(store.graph, edges="links")
    again = load_dataset(store)
    assert again.write.touched == 0
    assert nx.node_link_data(store.graph, edges="links") == before


def test_load_order_of_records_does_not_matter(tmp_path: Path) -> None:
    """Reversing every list file gives the same graph (ids come from names, never from order)."""
    import yaml

    copy = tmp_path / "ds"
    shutil.copytree(DATASET, copy)
    for name in ("regions.yaml", "parks.yaml", "enterprises.yaml", "projects.yaml"):
        items = yaml.safe_load((copy / name).read_text(encoding="utf-8"))
        (copy / name).write_text(yaml.safe_dump(items[::-1], allow_unicode=True), encoding="utf-8")
    a, b = MemoryStore(), MemoryStore()
    load_dataset(a, DATASET)
    report = load_dataset(b, copy)
    assert report.rows_rejected == 0
    assert _canonical(a) == _canonical(b)


def _canonical(store: MemoryStore) -> tuple:
    nodes = sorted(
        (
            n,
            json.dumps(
                {k: v for k, v in a.items() if k not in ("aliases", "keys")}, sort_keys=True, ensure_ascii=False
            ),
        )
        for n, a in store.graph.nodes(data=True)
    )
    edges = sorted(
        (u, v, k, json.dumps(a, sort_keys=True, ensure_ascii=False))
        for u, v, k, a in store.graph.edges(keys=True, data=True)
    )
    return nodes, edges


PLANTED = {
    "projects.yaml": """
- name: 坏金额项目
  total_investment: 十八亿
  sources: [seed-000]
- name: 无来源项目
  total_investment: 1亿元
- name: 好项目
  total_investment: 2亿元
  segments: [硅片, 不存在的环节]
  located_in: [火星园区]
  sources: [seed-000]
- name: 坏状态项目
  sources:
    - source: seed-000
      claims: {status: 规划中}
- name: 未知来源项目
  sources: [seed-999]
""",
}


def test_planted_errors_are_reported_and_good_records_kept(tmp_path: Path) -> None:
    copy = tmp_path / "ds"
    shutil.copytree(DATASET, copy)
    (copy / "projects.yaml").write_text(PLANTED["projects.yaml"], encoding="utf-8")
    store = MemoryStore()
    report = load_dataset(store, copy, report_dir=tmp_path / "reports")
    rows = {(r.row, r.field, r.action) for r in report.rejects if r.file.endswith("projects.yaml")}
    assert rows == {
        (2, "total_investment", ROW_REJECTED),
        (5, "sources", ROW_REJECTED),
        (7, "segments", FIELD_IGNORED),
        (7, "located_in", FIELD_IGNORED),
        (12, "sources[0].claims.status", ROW_REJECTED),
        (16, "sources[0]", ROW_REJECTED),
    }
    good = store.node("proj:好项目")
    assert good is not None and good["total_investment"] == 200_000_000
    assert store.graph.has_edge("proj:好项目", "seg:硅片")
    # the report on disk holds the same lines, readable with a BOM for Excel
    text = (tmp_path / "reports" / "ds.rejects.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "file,row,field,value,reason,action"
    assert "十八亿" in text and "cannot read amount" in text


def test_broken_yaml_file_is_rejected_and_the_rest_loads(tmp_path: Path) -> None:
    copy = tmp_path / "ds"
    shutil.copytree(DATASET, copy)
    (copy / "parks.yaml").write_text("- name: [unclosed\n", encoding="utf-8")
    store = MemoryStore()
    report = load_dataset(store, copy)
    file_rejects = [r for r in report.rejects if r.action == "file rejected"]
    assert len(file_rejects) == 1 and "invalid YAML at line" in file_rejects[0].reason
    assert store.node("ent:有研科技集团有限公司") is not None
    assert _nodes(store, NodeKind.PARK) == {}


def test_cycle_in_a_chain_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "ds"
    shutil.copytree(DATASET, copy)
    chain = copy / "chains" / "integrated_circuits.yaml"
    chain.write_text(chain.read_text(encoding="utf-8") + "  - [封装测试, 多晶硅]\n", encoding="utf-8")
    store = MemoryStore()
    report = load_dataset(store, copy)
    assert [(r.field, r.reason) for r in report.rejects] == [("feeds", "this link would close a cycle in the chain")]
    assert not store.graph.has_edge("seg:封装测试", "seg:多晶硅")


def test_shared_segment_with_another_stage_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "ds"
    shutil.copytree(DATASET, copy)
    chain = copy / "chains" / "new_energy.yaml"
    text = chain.read_text(encoding="utf-8")
    chain.write_text(
        text.replace("  - name: 硅片\n    stage: 上游", "  - name: 硅片\n    stage: 中游", 1), encoding="utf-8"
    )
    report = load_dataset(MemoryStore(), copy)
    assert any(r.field == "stage" and "one stage" in r.reason for r in report.rejects)


@pytest.mark.parametrize("name", ["有研集团", "有研集團", "GRINM", "grinm"])
def test_aliases_resolve(dezhou: MemoryStore, name: str) -> None:
    from chainkg.schema.normalize import normalize_name

    assert dezhou.find_ids(NodeKind.ENTERPRISE, normalize_name(name)) == ["ent:有研科技集团有限公司"]
