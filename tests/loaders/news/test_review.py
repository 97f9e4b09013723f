"""The review queue: nothing unreviewed reaches the graph; accepted candidates become ordinary facts
with their source and evidence, idempotently and only if still valid; rejected ones stay rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chainkg.loaders.news.accept import NewsLoader
from chainkg.loaders.news.candidates import (
    Candidate,
    ExtractReport,
    QueueError,
    Review,
    accepted_path,
    load_queue,
    queue_path,
    save_queue,
)
from chainkg.loaders.news.loader import extract_files
from chainkg.loaders.news.review import accept, queue_extraction, reject, select
from chainkg.loaders.pipeline import run_load
from chainkg.schema.ids import source_id
from chainkg.schema.kinds import EdgeKind
from chainkg.store.memory import MemoryStore
from tests.conftest import load_dataset

ARTICLE = """示例集团再投资德州 两个项目签约
来源:德州新闻网 2024-05-06
5月5日,由央企中国示例装备集团控股的示例氢能(德州)有限公司与天衢新区签约,投资11.5亿元建设电解槽装备制造项目,项目选址德州经济技术开发区。
有研亿金新材料(山东)有限公司计划投资12亿元建设超高纯靶材二期项目,总投资12亿元的该项目于2024年5月5日签约。
"""


@pytest.fixture
def store(dezhou: MemoryStore) -> MemoryStore:
    """A private copy of the Dezhou graph: these tests write to it."""
    return MemoryStore(dezhou.graph.copy(), dezhou.manifest())


@pytest.fixture
def queued(store: MemoryStore, tmp_path: Path) -> tuple[Path, ExtractReport]:
    article = tmp_path / "news.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    home = tmp_path / "home"
    return home, queue_extraction(home, extract_files([article], store))


def by_name(home: Path) -> dict[str, Candidate]:
    out: dict[str, Candidate] = {}
    for c in load_queue(queue_path(home)):
        name = getattr(c, "name", None) or (f"{c.child.name}→{c.parent.name}" if c.kind == "relation" else c.id)
        out[name] = c
    return out


def snapshot(store: MemoryStore) -> tuple[int, int, str]:
    counts = store.counts()
    return counts.total_nodes, counts.total_edges, json.dumps(store.node("proj:有研亿金集成电路用高纯度靶材项目"))


def test_extracting_queues_candidates_and_leaves_the_graph_alone(
    store: MemoryStore, queued: tuple[Path, ExtractReport], dezhou: MemoryStore
) -> None:
    home, report = queued
    assert snapshot(store) == snapshot(dezhou)
    assert report.added == len(load_queue(queue_path(home))) > 0
    assert all(c.review is Review.PENDING for c in select(home))
    assert not accepted_path(home).exists()


def test_accepting_writes_facts_with_source_and_evidence(
    store: MemoryStore, queued: tuple[Path, ExtractReport]
) -> None:
    home, _ = queued
    names = by_name(home)
    wanted = [names["电解槽装备制造项目"].id, names["示例氢能(德州)有限公司"].id]
    decisions, report = accept(store, home, wanted)
    assert all(d.ok for d in decisions) and report is not None and report.rejects == []

    candidate = names["电解槽装备制造项目"]
    source = source_id(candidate.source.key)
    project = "proj:电解槽装备制造项目"
    props = store.node(project)
    assert props is not None and (props["total_investment"], props["status"]) == (1_150_000_000, "签约")
    cites = store.graph.get_edge_data(project, source, "CITES")
    assert (
        cites["evidence"] in candidate.evidence[0] and json.loads(cites["claims"])["total_investment"] == 1_150_000_000
    )
    assert store.node(source)["name"] == "示例集团再投资德州 两个项目签约"
    investor = "ent:示例氢能(德州)有限公司"
    assert store.graph.has_edge(investor, project, "INVESTS_IN:investor")
    assert store.graph.has_edge(project, "park:德州经济技术开发区", "LOCATED_IN")
    assert {c.id for c in load_queue(accepted_path(home))} == set(wanted)
    assert all(c.review is Review.ACCEPTED for c in load_queue(queue_path(home)) if c.id in wanted)


def test_accepting_twice_changes_nothing(store: MemoryStore, queued: tuple[Path, ExtractReport]) -> None:
    home, _ = queued
    ids = [c.id for c in select(home)]
    accept(store, home, ids)
    before = (snapshot(store), accepted_path(home).read_bytes())
    decisions, report = accept(store, home, ids)
    assert report is None and {d.message for d in decisions} == {"already accepted; nothing changed"}
    assert (snapshot(store), accepted_path(home).read_bytes()) == before


def test_an_existing_node_is_enriched_not_overwritten(store: MemoryStore, queued: tuple[Path, ExtractReport]) -> None:
    home, _ = queued
    names = by_name(home)
    yyj = names["有研亿金新材料(山东)有限公司"]
    assert yyj.node_id == "ent:有研亿金新材料(山东)有限公司"
    before = store.node("ent:有研亿金新材料(山东)有限公司")
    accept(store, home, [yyj.id])
    after = store.node("ent:有研亿金新材料(山东)有限公司")
    assert after is not None and before is not None
    assert after["enterprise_kind"] == before["enterprise_kind"] == "soe"
    assert store.graph.has_edge("ent:有研亿金新材料(山东)有限公司", source_id(yyj.source.key), "CITES")


def test_a_relation_needs_both_enterprises_and_says_so(store: MemoryStore, queued: tuple[Path, ExtractReport]) -> None:
    home, _ = queued
    names = by_name(home)
    relation = names["示例氢能(德州)有限公司→中国示例装备集团"]
    (decision,), report = accept(store, home, [relation.id])
    assert not decision.ok and report is None
    assert (
        "not accepted, invalid now" in decision.message and "accept its enterprise candidate first" in decision.message
    )
    assert by_name(home)["示例氢能(德州)有限公司→中国示例装备集团"].review is Review.PENDING
    # accepted together, the enterprises are written first and the relation finds them
    ids = [relation.id, names["中国示例装备集团"].id, names["示例氢能(德州)有限公司"].id]
    decisions, _ = accept(store, home, ids)
    assert all(d.ok for d in decisions)
    edge = store.graph.get_edge_data("ent:示例氢能(德州)有限公司", "ent:中国示例装备集团", "SUBSIDIARY_OF")
    assert edge is not None


def test_an_edited_candidate_that_became_invalid_is_refused(
    store: MemoryStore, queued: tuple[Path, ExtractReport]
) -> None:
    home, _ = queued
    queue = load_queue(queue_path(home))
    target = next(c for c in queue if getattr(c, "name", "") == "电解槽装备制造项目")
    broken = target.model_copy(update={"dates": {"signed_date": "2024-05", "start_date": "2023-01"}})
    save_queue(queue_path(home), [broken if c.id == target.id else c for c in queue])
    (decision,), report = accept(store, home, [target.id])
    assert not decision.ok and report is None
    assert "start_date 2023-01 is earlier than signed_date 2024-05" in decision.message
    assert store.node("proj:电解槽装备制造项目") is None


def test_an_investor_accepted_later_is_linked_then(store: MemoryStore, queued: tuple[Path, ExtractReport]) -> None:
    home, _ = queued
    names = by_name(home)
    (decision,), _ = accept(store, home, [names["电解槽装备制造项目"].id])
    assert decision.ok and any("示例氢能(德州)有限公司" in note for note in decision.notes)
    assert not store.graph.has_edge("ent:示例氢能(德州)有限公司", "proj:电解槽装备制造项目")
    accept(store, home, [names["示例氢能(德州)有限公司"].id])
    assert store.graph.has_edge("ent:示例氢能(德州)有限公司", "proj:电解槽装备制造项目", "INVESTS_IN:investor")


def test_rejected_candidates_stay_rejected(
    store: MemoryStore, queued: tuple[Path, ExtractReport], tmp_path: Path
) -> None:
    home, _ = queued
    names = by_name(home)
    project = names["电解槽装备制造项目"]
    (decision,) = reject(home, [project.id], note="重复线索")
    assert decision.ok
    rejected = by_name(home)["电解槽装备制造项目"]
    assert (rejected.review, rejected.review_note) == (Review.REJECTED, "重复线索")
    # extracting the article again does not bring it back
    report = queue_extraction(home, extract_files([tmp_path / "news.txt"], store))
    assert report.added == 0 and by_name(home)["电解槽装备制造项目"].review is Review.REJECTED
    assert store.node("proj:电解槽装备制造项目") is None
    # an accepted candidate cannot be rejected: review does not delete from the graph
    other = names["示例氢能(德州)有限公司"]
    accept(store, home, [other.id])
    (refused,) = reject(home, [other.id])
    assert not refused.ok and "already accepted" in refused.message


def test_unknown_ids_are_reported(store: MemoryStore, queued: tuple[Path, ExtractReport]) -> None:
    home, _ = queued
    (decision,), _ = accept(store, home, ["c0000000000"])
    assert not decision.ok and "no candidate with this id" in decision.message
    (decision,) = reject(home, ["c0000000000"])
    assert not decision.ok


def test_the_accepted_file_replays_into_a_fresh_graph_through_the_pipeline(
    store: MemoryStore, queued: tuple[Path, ExtractReport], tmp_path: Path
) -> None:
    home, _ = queued
    accept(store, home, [c.id for c in select(home)])
    fresh = MemoryStore()
    load_dataset(fresh)
    (first,) = run_load(fresh, [accepted_path(home)], [NewsLoader()], report_dir=tmp_path / "reports")
    assert first.rows_rejected == 0 and first.records_loaded > 0
    assert fresh.counts() == store.counts()
    (second,) = run_load(fresh, [accepted_path(home)], [NewsLoader()])
    assert second.write.touched == 0  # loading the same accepted facts twice changes nothing
    assert fresh.edge_count(EdgeKind.SUBSIDIARY_OF) == store.edge_count(EdgeKind.SUBSIDIARY_OF)


def test_a_damaged_queue_file_names_the_line(tmp_path: Path) -> None:
    path = queue_path(tmp_path)
    path.write_text('{"kind": "project"}\n', encoding="utf-8")
    with pytest.raises(QueueError, match="line 1"):
        load_queue(path)
