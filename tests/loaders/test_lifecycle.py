"""Project lifecycle: loaded facts become status events, the current status is derived from them, a
ledger adds history, and the history survives reloads in any order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import ROW_REJECTED, run_load
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.memory import MemoryStore
from tests.conftest import LEDGER, load_dataset, load_pipeline

WAFER = "proj:山东有研集成电路用大尺寸硅材料规模化生产项目"
GAS = "proj:示例电子特气项目"


def _events(store: MemoryStore, project: str) -> dict[str, dict]:
    return {
        u: dict(store.graph.nodes[u])
        for u, _, kind in store.graph.in_edges(project, data="kind")
        if kind == EdgeKind.EVENT_OF.value
    }


def _contents(store: MemoryStore) -> tuple[dict, list]:
    nodes = {n: dict(a) for n, a in store.graph.nodes(data=True)}
    edges = sorted(
        (u, v, k, sorted((x, str(y)) for x, y in a.items())) for u, v, k, a in store.graph.edges(keys=True, data=True)
    )
    return nodes, edges


def test_seed_facts_become_status_events_with_their_sources(dezhou: MemoryStore) -> None:
    events = _events(dezhou, WAFER)
    assert {e["status"] for e in events.values()} == {"开工", "在建", "投产"}
    started = events[f"event:{WAFER[5:]}@开工"]
    assert (started["date"], started["known_from"]) == ("2019-03", "2019-05-15")
    produced = events[f"event:{WAFER[5:]}@投产"]
    sources = {v for _, v, k in dezhou.graph.out_edges(f"event:{WAFER[5:]}@投产", data="kind") if k == "CITES"}
    assert sources == {"src:seed-001"} and produced.get("date") is None and produced["known_from"] == "2020-11-29"
    # the current status is derived from them and agrees with the claims rule it replaces
    node = dezhou.node(WAFER)
    assert node is not None and (node["status"], node["status_as_of"]) == ("投产", "2020-11-29")
    assert node["status_timeline"][-1] == "2020-11-29|2020-11-29|投产"
    lake = dezhou.node("proj:鲁西北城市数据湖产业园项目")
    assert lake is not None and lake["status_timeline"] == ["2018-08-31|2019-05-15|签约", "2019-03-31|2019-05-15|投产"]


def test_every_project_with_a_status_has_events_and_events_have_no_search_keys(dezhou: MemoryStore) -> None:
    for node, attrs in dezhou.graph.nodes(data=True):
        if attrs["kind"] == NodeKind.PROJECT.value and attrs.get("status"):
            statuses = {e["status"] for e in _events(dezhou, node).values()}
            assert attrs["status"] in statuses, node
        if attrs["kind"] == NodeKind.PROJECT_EVENT.value:
            assert attrs["keys"] == [] and attrs["project"] in dezhou.graph


def test_the_ledger_adds_history_and_the_status_moves_forward(dezhou_pipeline: MemoryStore) -> None:
    node = dezhou_pipeline.node(GAS)
    assert node is not None and node["status"] == "开工" and node["status_as_of"] == "2023-04-05"
    statuses = [e["status"] for e in _events(dezhou_pipeline, GAS).values() if e["event"] == "status"]
    assert sorted(statuses) == sorted(["线索", "洽谈", "签约", "开工"])
    ended = dezhou_pipeline.node("proj:示例功能糖项目")
    assert ended is not None and ended["status"] == "终止"
    reason = dezhou_pipeline.node("event:示例功能糖项目@终止")
    assert reason is not None and reason["reason"] == "企业投资计划调整"
    march = dezhou_pipeline.node("event:示例电子特气项目@2023-03")
    assert march is not None and (march["planned_investment"], march["actual_investment"]) == (100_000_000, 80_000_000)
    owners = [u for u, _, k in dezhou_pipeline.graph.in_edges(GAS, data="kind") if k == EdgeKind.HANDLES.value]
    assert owners == ["office:集成电路产业链链长办公室"]


def test_history_survives_reloads_in_any_order() -> None:
    """Dataset, policies and ledger; then each again, and the dataset again after the ledger: the
    graph is the same, and reloading a project record never undoes a later event."""
    store = MemoryStore()
    load_pipeline(store)
    before = _contents(store)
    for again in [*run_load(store, [LEDGER], default_loaders()), load_dataset(store)]:
        assert again.rejects == [] and again.write.touched == 0, again.summary()
    assert _contents(store) == before
    other = MemoryStore()
    run_load(other, [LEDGER], default_loaders())  # nothing to attach to yet: every row is refused
    load_pipeline(other)
    assert _contents(other) == before


def _copy(store: MemoryStore) -> MemoryStore:
    return MemoryStore(store.graph.copy(), store.manifest())


def test_a_second_ledger_adds_to_the_history_and_conflicting_dates_are_kept(
    dezhou_pipeline: MemoryStore, tmp_path: Path
) -> None:
    store = _copy(dezhou_pipeline)
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    (ledger / "sources.yaml").write_text(
        "- {key: test-ledger-2023-06, title: 测试用台账2023年6月（虚构）, date: 2023-07-04, authority: 0}\n",
        encoding="utf-8",
    )
    (ledger / "events.yaml").write_text(
        "- {project: 示例电子特气项目, status: 开工, date: 2023-03-08, sources: [test-ledger-2023-06]}\n"
        "- {project: 示例电子特气项目, status: 在建, date: 2023-06-20, sources: [test-ledger-2023-06]}\n",
        encoding="utf-8",
    )
    (report,) = run_load(store, [ledger], default_loaders())
    assert report.rejects == []
    started = store.node("event:示例电子特气项目@开工")
    assert started is not None and started["date"] == "2023-03-08" and started["disputed"] == ["date"]
    assert started["known_from"] == "2023-04-05"  # first reported by the March ledger
    claims = {
        row.provenance.source: row.provenance.claims_dict() for row in store.claims(["event:示例电子特气项目@开工"])
    }
    assert claims == {
        "src:test-ledger-2023-03": {"date": "2023-03-06"},
        "src:test-ledger-2023-06": {"date": "2023-03-08"},
    }
    node = store.node(GAS)
    assert node is not None and node["status"] == "在建"


BAD_LEDGER = {
    "leads.yaml": """\
- {name: 无主线索项目, lead_date: 2023-01-01, next_action: 联系, next_action_due: 2023-02-01, sources: [t]}
- {name: 链办不存在项目, owner: 元宇宙, lead_date: 2023-01-01, sources: [t]}
- {name: 日期缺失项目, owner: 集成电路, sources: [t]}
""",
    "events.yaml": """\
- {project: 不存在的项目, status: 签约, date: 2023-01-01, sources: [t]}
- {project: 示例电子特气项目, status: 终止, date: 2023-05-01, sources: [t]}
- {project: 示例电子特气项目, status: 规划, date: 2023-05-01, sources: [t]}
- {project: 示例电子特气项目, status: 投产, date: 2023-13-01, sources: [t]}
""",
    "investment.yaml": """\
- {project: 示例电子特气项目, period: 2023-Q2, actual_investment: 1亿元, sources: [t]}
- {project: 示例电子特气项目, period: 2023-05, actual_investment: 1亿元, sources: [t]}
- {project: 示例电子特气项目, period: 2023-Q9, actual_investment: 1亿元, sources: [t]}
- {project: 示例电子特气项目, period: 2023-07, sources: [t]}
- {project: 示例电子特气项目, period: 2023-08, actual_investment: 100万美元, sources: [t]}
""",
}


@pytest.fixture(scope="module")
def bad_ledger(dezhou_pipeline: MemoryStore, tmp_path_factory: pytest.TempPathFactory) -> tuple[MemoryStore, list]:
    folder = tmp_path_factory.mktemp("bad") / "ledger"
    shutil.copytree(LEDGER, folder)
    (folder / "sources.yaml").write_text("- {key: t, title: 测试（虚构）, date: 2023-06-01}\n", encoding="utf-8")
    for name, text in BAD_LEDGER.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = _copy(dezhou_pipeline)
    (report,) = run_load(store, [folder], default_loaders())
    return store, report.rejects


@pytest.mark.parametrize(
    ("file", "row", "field", "words"),
    [
        ("leads.yaml", 1, "owner", "needs an owner"),
        ("leads.yaml", 2, "owner", "no chain office"),
        ("leads.yaml", 3, "lead_date", "the date it was recorded"),
        ("events.yaml", 1, "project", "no project of that name"),
        ("events.yaml", 2, "reason", "needs the reason"),
        ("events.yaml", 3, "status", "Input should be"),
        ("events.yaml", 4, "date", "out of range"),
        ("investment.yaml", 2, "period", "overlaps 2023-Q2"),
        ("investment.yaml", 3, "period", "quarter"),
        ("investment.yaml", 4, "record", "actual_investment or planned_investment"),
        ("investment.yaml", 5, "actual_investment", "元"),
    ],
)
def test_bad_ledger_rows_are_rejected_with_row_and_reason(
    bad_ledger: tuple[MemoryStore, list], file: str, row: int, field: str, words: str
) -> None:
    _, rejects = bad_ledger
    found = [r for r in rejects if r.file.endswith(file) and r.row == row]
    assert found, f"{file}:{row} was not rejected"
    assert found[0].action == ROW_REJECTED and found[0].field == field and words in found[0].reason, found[0]


def test_good_rows_of_a_bad_ledger_are_kept(bad_ledger: tuple[MemoryStore, list]) -> None:
    store, rejects = bad_ledger
    assert len(rejects) == 11
    assert store.node("event:示例电子特气项目@2023-Q2") is not None
