"""Parity for the pipeline and policies on a real Neo4j: Dezhou with its policies and the test ledger,
loaded through the pipeline into both stores, hold the same graph (status events and the derived
timelines included), survive a reload unchanged, and answer every new query — and the chain map and
gap analysis as of a day — the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.queries import chain_map, gaps, pipeline, project_history, report
from chainkg.queries.policies import eligible, listing, match
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from tests.conftest import LEDGER, POLICIES, load_pipeline
from tests.neo4j.contents import memory_contents, neo4j_contents
from tests.neo4j.parity import assert_same

DAYS = [None, dt.date(2019, 6, 1), dt.date(2023, 2, 15)]
INCENTIVE = "policy:德州市招商引资激励办法"


@pytest.fixture(scope="module")
def stores(neo4j_store: Neo4jStore) -> Iterator[tuple[MemoryStore, Neo4jStore]]:
    memory = MemoryStore()
    memory_reports = load_pipeline(memory)
    neo4j_store.clear()
    neo4j_reports = load_pipeline(neo4j_store)
    assert [r.rejects for r in neo4j_reports] == [r.rejects for r in memory_reports] == [[], [], []]
    assert [r.write for r in neo4j_reports] == [r.write for r in memory_reports]
    yield memory, neo4j_store


def test_the_same_graph_with_its_history_and_a_reload_changes_nothing(stores: tuple[MemoryStore, Neo4jStore]) -> None:
    memory, neo = stores
    contents = neo4j_contents(neo)
    assert contents["nodes"] == memory_contents(memory)["nodes"]
    assert contents["edges"] == memory_contents(memory)["edges"]
    events = [n for n, a in contents["nodes"].items() if a["kind"] == "ProjectEvent"]
    assert len(events) > 50
    again = run_load(neo, [POLICIES, LEDGER], default_loaders())
    assert [r.write.touched for r in again] == [0, 0]
    assert neo4j_contents(neo)["nodes"] == contents["nodes"]


def test_chain_map_and_gaps_as_of_a_day_answer_the_same(stores: tuple[MemoryStore, Neo4jStore]) -> None:
    memory, neo = stores
    chains = ["chain:集成电路", "chain:新材料"]
    scopes = [None, "region:天衢新区"]
    maps = [chain_map.Params(chain=c, scope=s, as_of=d) for c in chains for s in scopes for d in DAYS]
    maps.append(chain_map.Params(chain="chain:食品加工", scope="park:中国(德州)农业食品创新产业园"))
    assert assert_same(memory, neo, chain_map.QUERY, maps) == 13
    analyses = [gaps.Params(chain=c, scope="region:天衢新区", as_of=d) for c in chains for d in DAYS]
    assert assert_same(memory, neo, gaps.QUERY, analyses) == 6


def test_pipeline_history_and_reports_answer_the_same(stores: tuple[MemoryStore, Neo4jStore]) -> None:
    memory, neo = stores
    today = dt.date(2023, 4, 10)
    lists = [pipeline.Params(as_of=d, today=today, scope="region:天衢新区") for d in DAYS]
    lists += [pipeline.Params(chain="chain:集成电路", as_of=dt.date(2023, 2, 15))]
    lists += [pipeline.Params(overdue_only=True, today=today), pipeline.Params(statuses=["终止", "线索"], today=today)]
    assert assert_same(memory, neo, pipeline.QUERY, lists) == 6
    projects = [
        "proj:示例电子特气项目",
        "proj:示例功能糖项目",
        "proj:山东有研集成电路用大尺寸硅材料规模化生产项目",
        "proj:鲁西北城市数据湖产业园项目",
        "proj:认证检测公共服务平台项目",
    ]
    histories = [project_history.Params(project=p, as_of=dt.date(2023, 3, 10)) for p in projects]
    assert assert_same(memory, neo, project_history.QUERY, histories) == 5
    targets = ["region:德州市", "chain:集成电路", "park:天衢新区集成电路关键材料基地"]
    reports = [report.Params(target=t, period=p) for t in targets for p in ("2023-Q1", "2023-02")]
    assert assert_same(memory, neo, report.QUERY, reports) == 6


def test_policies_answer_the_same(stores: tuple[MemoryStore, Neo4jStore]) -> None:
    memory, neo = stores
    assert assert_same(memory, neo, listing.QUERY, [listing.Params(), listing.Params(text="激励")]) == 2
    subjects = [
        ("proj:山东有研艾斯12英寸硅片项目", 300_000_000),
        ("proj:山东有研艾斯12英寸硅片项目", 50_000_000),
        ("proj:示例电子特气项目", None),
        ("proj:德州科技职业学院德州校区项目", 2_000_000_000),
        ("ent:有研科技集团有限公司", None),
    ]
    day = dt.date(2024, 1, 1)
    matches = [match.Params(subject=s, actual_investment=a, as_of=day) for s, a in subjects]
    matches += [match.Params(subject="proj:示例电子特气项目", policy=INCENTIVE, as_of=dt.date(2023, 3, 31))]
    assert assert_same(memory, neo, match.QUERY, matches) == 6
    qualifiers = [eligible.Params(policy=p, as_of=day) for p in (INCENTIVE, "policy:德州市人才政策")]
    qualifiers += [eligible.Params(policy=INCENTIVE, scope="region:天衢新区", as_of=dt.date(2023, 3, 31))]
    assert assert_same(memory, neo, eligible.QUERY, qualifiers) == 3
