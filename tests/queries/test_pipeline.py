"""The investment pipeline: stages and overdue follow-ups, a project's history, period reports whose
sums match the ledger, and the chain map and gap analysis as of a day."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from chainkg.queries import chain_map, gaps, pipeline, project_history, report
from chainkg.queries.errors import NotFound
from chainkg.schema.lifecycle import Period
from chainkg.schema.money import parse_amount
from chainkg.store.memory import MemoryStore
from tests.conftest import LEDGER

GAS = "proj:示例电子特气项目"
RESIST = "proj:示例光刻胶项目"
TIANQU = "region:天衢新区"


def test_the_pipeline_counts_stages_and_shows_overdue_follow_ups_first(dezhou_pipeline: MemoryStore) -> None:
    result = dezhou_pipeline.run(pipeline.QUERY, pipeline.Params(scope=TIANQU, today=dt.date(2023, 4, 10)))
    assert result.total == 23 and sum(result.counts.values()) == 23
    assert result.overdue == 2
    first, second = result.items[:2]
    assert (first.project.id, first.next_action_due, first.overdue) == (GAS, "2023-01-15", True)
    assert (second.project.id, second.overdue) == (RESIST, True)
    assert first.owner is not None and first.owner.id == "office:集成电路产业链链长办公室"
    assert first.status is not None and first.status.value == "开工" and first.reached == "2023-03-06"
    assert first.actual_investment_cny == 290_000_000 and first.total_investment_cny == 300_000_000
    assert [i.overdue for i in result.items[2:]] == [False] * (len(result.items) - 2)
    only = dezhou_pipeline.run(
        pipeline.QUERY, pipeline.Params(overdue_only=True, today=dt.date(2023, 4, 10))
    )  # the whole city: the 综合体 lead in 陵城区 is due 2023-03-31 too; a terminated one is never overdue
    assert [i.project.id for i in only.items] == [GAS, RESIST, "proj:示例商业综合体项目"]


def test_the_pipeline_as_of_a_day_shows_what_was_true_and_known_then(dezhou_pipeline: MemoryStore) -> None:
    feb = dezhou_pipeline.run(pipeline.QUERY, pipeline.Params(as_of=dt.date(2023, 2, 15), chain="chain:集成电路"))
    stages = {i.project.id: i.status.value for i in feb.items if i.status}
    assert stages[GAS] == "签约" and stages[RESIST] == "线索"
    assert "proj:山东有研集成电路用大尺寸硅材料规模化生产项目" in stages
    assert feb.today == dt.date(2023, 2, 15) and feb.overdue == 1  # the gas project's follow-up, not yet the resist's
    before = dezhou_pipeline.run(pipeline.QUERY, pipeline.Params(as_of=dt.date(2019, 1, 1)))
    assert before.total == 0  # no source had reported any project by then
    statuses = dezhou_pipeline.run(
        pipeline.QUERY, pipeline.Params(statuses=["签约", "开工"], chain="chain:集成电路", today=dt.date(2023, 4, 10))
    )
    assert set(statuses.counts) <= {"签约", "开工"} and statuses.total == len(statuses.items)


def test_a_project_history_lists_every_change_with_dates_and_sources(dezhou_pipeline: MemoryStore) -> None:
    history = dezhou_pipeline.run(
        project_history.QUERY, project_history.Params(project=GAS, as_of=dt.date(2023, 3, 10))
    )
    assert [c.status.value for c in history.changes] == ["线索", "洽谈", "签约", "开工"]
    assert [c.on_day for c in history.changes] == [True, True, True, False]  # 开工 was reported in April
    assert history.status is not None and history.status.value == "开工"
    assert history.status_on is not None and history.status_on.value == "签约"
    assert [c.sources[0].id for c in history.changes] == [
        "src:test-ledger-2022-11",
        "src:test-ledger-2022-12",
        "src:test-ledger-2023-01",
        "src:test-ledger-2023-03",
    ]
    assert [(p.period, p.cumulative_actual_cny) for p in history.investment] == [
        ("2023-01", 30_000_000),
        ("2023-02", 90_000_000),
        ("2023-03", 170_000_000),
        ("2023-04", 290_000_000),
    ]
    assert history.actual_investment_cny == 90_000_000  # reported by 2023-03-10: January and February
    seeds = dezhou_pipeline.run(
        project_history.QUERY, project_history.Params(project="proj:山东有研集成电路用大尺寸硅材料规模化生产项目")
    )
    assert [(c.status.value, c.date, c.known_from) for c in seeds.changes] == [
        ("开工", "2019-03", "2019-05-15"),
        ("在建", None, "2019-05-15"),
        ("投产", None, "2020-11-29"),
    ]
    assert seeds.investment == [] and seeds.actual_investment_cny is None
    with pytest.raises(NotFound):
        dezhou_pipeline.run(project_history.QUERY, project_history.Params(project="proj:不存在"))


def _ledger_rows(name: str) -> list[dict]:
    return yaml.safe_load((LEDGER / name).read_text(encoding="utf-8"))


def _ledger_sums(projects: set[str], period: Period) -> tuple[int, int]:
    planned = actual = 0
    for row in _ledger_rows("investment.yaml"):
        inside = Period.parse(str(row["period"]))
        if f"proj:{row['project']}" in projects and period.start <= inside.start and inside.end <= period.end:
            planned += parse_amount(row.get("planned_investment", 0)).amount
            actual += parse_amount(row.get("actual_investment", 0)).amount
    return planned, actual


@pytest.mark.parametrize(
    ("target", "period", "projects"),
    [
        ("region:德州市", "2023-Q1", {GAS, RESIST, "proj:示例功能糖项目", "proj:示例商业综合体项目"}),
        (TIANQU, "2023-Q1", {GAS, RESIST}),
        ("chain:集成电路", "2023-03", {GAS, RESIST}),
        ("park:天衢新区集成电路关键材料基地", "2023-Q1", {RESIST}),
        ("region:陵城区", "2023-Q1", {"proj:示例商业综合体项目"}),
        (TIANQU, "2023", {GAS, RESIST}),
    ],
)
def test_the_report_sums_match_the_ledger(
    dezhou_pipeline: MemoryStore, target: str, period: str, projects: set[str]
) -> None:
    result = dezhou_pipeline.run(report.QUERY, report.Params(target=target, period=period))
    planned, actual = _ledger_sums(projects, Period.parse(period))
    assert (result.totals.planned_cny, result.totals.actual_cny) == (planned, actual)
    assert result.totals.percent_of_plan == (round(actual * 100 / planned, 1) if planned else None)
    dated = {
        (f"proj:{row['project']}", row["status"])
        for row in _ledger_rows("events.yaml")
        if f"proj:{row['project']}" in projects and Period.parse(period).contains(str(row["date"]))
    }
    leads = {
        f"proj:{row['name']}"
        for row in _ledger_rows("leads.yaml")
        if f"proj:{row['name']}" in projects and Period.parse(period).contains(str(row["lead_date"]))
    }
    assert {p.id for p in result.flows.leads} == leads
    assert {p.id for p in result.flows.signed} == {p for p, s in dated if s == "签约"}
    assert {p.id for p in result.flows.started} == {p for p, s in dated if s == "开工"}
    assert {p.id for p in result.flows.terminated} == {p for p, s in dated if s == "终止"}
    assert result.totals.flows.get("签约", 0) == len(result.flows.signed)
    chained = sum(row.totals.actual_cny for row in result.by_chain)
    assert chained >= result.totals.actual_cny  # a project in two chains counts in both


def test_the_quarter_report_in_detail(dezhou_pipeline: MemoryStore) -> None:
    result = dezhou_pipeline.run(report.QUERY, report.Params(target="region:德州市", period="2023-q1", largest=2))
    assert result.period.label == "2023-Q1" and (result.period.start, result.period.end) == ("2023-01-01", "2023-03-31")
    assert result.totals.flows == {"线索": 3, "洽谈": 1, "签约": 3, "开工": 1, "终止": 1}
    assert (result.totals.planned_cny, result.totals.actual_cny, result.totals.percent_of_plan) == (
        320_000_000,
        220_000_000,
        68.8,
    )
    assert [line.project.id for line in result.largest] == [RESIST, GAS]
    unchained = result.by_chain[-1]
    assert unchained.chain is None and unchained.totals.flows == {"线索": 1, "签约": 1}
    month = dezhou_pipeline.run(report.QUERY, report.Params(target="region:德州市", period="2023-02"))
    assert month.partial_records == 1  # the quarter record of the 综合体 is not split into months
    assert (month.totals.planned_cny, month.totals.actual_cny) == (50_000_000, 60_000_000)


def test_a_bad_period_is_refused() -> None:
    for bad in ("2023-Q7", "2023-13", "23-01"):
        with pytest.raises(ValueError, match="period"):
            report.Params(target=TIANQU, period=bad)


def test_the_chain_map_and_gaps_as_of_a_day(dezhou_pipeline: MemoryStore) -> None:
    def projects_on(day: dt.date | None) -> dict[str, list[str]]:
        result = dezhou_pipeline.run(chain_map.QUERY, chain_map.Params(chain="chain:集成电路", scope=TIANQU, as_of=day))
        return {s.segment.name: [p.id for p in s.projects] for s in result.segments if s.projects}

    assert projects_on(dt.date(2019, 6, 1)) == {"硅片": ["proj:山东有研集成电路用大尺寸硅材料规模化生产项目"]}
    assert "电子特气" not in projects_on(dt.date(2023, 2, 2))  # signed 01-18, reported 02-03
    assert projects_on(dt.date(2023, 2, 3))["电子特气"] == [GAS]
    assert projects_on(None)["硅片"] == [
        "proj:山东有研艾斯12英寸硅片项目",
        "proj:山东有研集成电路用大尺寸硅材料规模化生产项目",
    ]
    then = dezhou_pipeline.run(
        chain_map.QUERY, chain_map.Params(chain="chain:集成电路", scope=TIANQU, as_of=dt.date(2019, 6, 1))
    )
    assert then.as_of == dt.date(2019, 6, 1) and then.totals.investment_cny == 1_800_000_000
    early = dezhou_pipeline.run(gaps.QUERY, gaps.Params(chain="chain:新材料", scope=TIANQU, as_of=dt.date(2023, 1, 1)))
    later = dezhou_pipeline.run(gaps.QUERY, gaps.Params(chain="chain:新材料", scope=TIANQU, as_of=dt.date(2023, 3, 1)))
    gas_segment = "seg:电子特气"
    assert gas_segment in {g.segment.id for g in early.fill} and gas_segment not in {g.segment.id for g in later.fill}
    assert early.as_of == dt.date(2023, 1, 1)


def test_the_report_names_unknown_targets(dezhou_pipeline: MemoryStore) -> None:
    with pytest.raises(NotFound):
        dezhou_pipeline.run(report.QUERY, report.Params(target="seg:硅片", period="2023"))
