"""The policy folder: the curated policies load clean and idempotently; bad fields are rejected with
file, row, field and reason, and nothing else of the file is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import ROW_REJECTED, run_load
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.policy import Terms
from chainkg.store.memory import MemoryStore
from tests.conftest import POLICIES, load_dataset

INCENTIVE = "policy:德州市招商引资激励办法"


@pytest.fixture(scope="module")
def base() -> MemoryStore:
    store = MemoryStore()
    load_dataset(store)
    return store


def _fresh(base: MemoryStore) -> MemoryStore:
    return MemoryStore(base.graph.copy(), base.manifest())


def test_the_curated_policies_load_clean_and_twice_changes_nothing(base: MemoryStore) -> None:
    store = _fresh(base)
    (first,) = run_load(store, [POLICIES], default_loaders())
    assert first.loader == "policies" and first.rejects == [] and first.records_loaded == 5
    (again,) = run_load(store, [POLICIES], default_loaders())
    assert again.write.touched == 0
    policy = store.node(INCENTIVE)
    assert policy is not None and policy["computable"] is True and policy["subject"] == "project"
    terms = Terms.from_json(policy["terms"])
    assert terms.conditions.chains == "all" and terms.conditions.min_actual_investment == 100_000_000
    assert terms.benefits[0].compute(300_000_000) == 15_000_000
    covered = {v for u, v, k in store.graph.edges(keys=False, data="kind") if u == INCENTIVE and k == "COVERS"}
    assert len(covered) == 12  # chains: all → every chain of the graph
    computable = {n: a["computable"] for n, a in store.graph.nodes(data=True) if a["kind"] == NodeKind.POLICY.value}
    assert sum(computable.values()) == 1 and len(computable) == 5  # the others' terms are not stated
    park_policy = "policy:中国(德州)农业食品创新产业园政策"
    assert [v for _, v, k in store.graph.out_edges(park_policy, data="kind") if k == EdgeKind.APPLIES_IN.value] == [
        "park:中国(德州)农业食品创新产业园"
    ]
    cites = {v for _, v, k in store.graph.out_edges(INCENTIVE, data="kind") if k == EdgeKind.CITES.value}
    assert cites == {"src:seed-004"}


BAD = """\
- name: 好政策
  conditions:
    chains: [集成电路]
    min_actual_investment: 5000万元
  benefits:
    - {kind: fixed, amount: 100万元}
  sources: [seed-004]

- name: 比例写错的政策
  benefits:
    - {kind: share, base: actual_investment, rate: 150%}
  sources: [seed-004]

- name: 门槛写错的政策
  conditions:
    min_actual_investment: 一个亿
  sources: [seed-004]

- name: 产业链不存在的政策
  conditions:
    chains: [集成电路, 元宇宙]
  sources: [seed-004]

- name: 字段拼错的政策
  condition:
    chains: all
  sources: [seed-004]

- name: 没有来源的政策
  sources: [no-such-source]

- name: 日期颠倒的政策
  effective_from: 2024-01
  effective_to: 2023-12
  sources: [seed-004]

- name: 阶段写错的政策
  conditions: {statuses: [规划中]}
  sources: [seed-004]

- name: 好政策
  sources: [seed-004]
"""


def test_bad_fields_are_rejected_with_file_row_field_and_reason(base: MemoryStore, tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "policies.yaml").write_text(BAD, encoding="utf-8")
    store = _fresh(base)
    (report,) = run_load(store, [folder], default_loaders(), report_dir=tmp_path / "reports")
    assert report.records_read == 9 and report.records_loaded == 1
    rejects = {(r.row, r.field): r for r in report.rejects}
    assert all(r.action == ROW_REJECTED and r.file.endswith("policies.yaml") for r in report.rejects)
    assert "at most 100%" in rejects[(9, "benefits[0].rate")].reason
    assert "cannot read amount" in rejects[(14, "conditions.min_actual_investment")].reason
    assert rejects[(19, "conditions.chains[1]")].value == "元宇宙"
    assert "unknown field" in rejects[(24, "condition")].reason
    assert "unknown source key" in rejects[(29, "sources[0]")].reason
    assert "earlier than effective_from" in rejects[(32, "record")].reason
    assert (37, "conditions.statuses[0]") in rejects
    assert "line 1" in rejects[(41, "name")].reason  # the same policy twice: merge them
    assert len(report.rejects) == 8
    csv = (tmp_path / "reports" / "policies.rejects.csv").read_text(encoding="utf-8-sig")
    assert "benefits[0].rate" in csv and "元宇宙" in csv
    good = store.node("policy:好政策")
    assert good is not None and json.loads(good["terms"])["conditions"]["chains"] == ["chain:集成电路"]


def test_a_policy_folder_with_its_own_sources_is_not_taken_for_a_dataset(base: MemoryStore, tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    shutil.copytree(POLICIES, folder)
    (folder / "sources.yaml").write_text(
        "- {key: dz-gov-2023-1, title: 德州市招商引资激励办法（正式文本）, publisher: 德州市人民政府, authority: 3}\n",
        encoding="utf-8",
    )
    store = _fresh(base)
    (report,) = run_load(store, [folder], default_loaders())
    assert report.loader == "policies" and report.rejects == [] and store.node("src:dz-gov-2023-1") is not None
