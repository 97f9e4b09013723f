"""``chainkg policy``, ``pipeline``, ``project``, ``report`` and ``lead add`` as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from chainkg.cli import app
from tests.conftest import LEDGER, REPO

runner = CliRunner()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A state folder whose graph is the bundled one (dataset and policies) plus the test ledger."""
    folder = tmp_path_factory.mktemp("home")
    loaded = runner.invoke(app, ["load", str(LEDGER), "--home", str(folder), "--no-progress"])
    assert loaded.exit_code == 0, loaded.output
    return folder


def _json(home: Path, *args: str) -> dict:
    result = runner.invoke(app, [*args, "--home", str(home), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_policy_match_json_carries_id_name_eligible_benefit_and_unmet(home: Path) -> None:
    for amount, eligible, benefit in (("3亿", True, 15_000_000), ("20亿元", True, 50_000_000), ("0.5亿", False, None)):
        data = _json(home, "policy", "match", "山东有研艾斯12英寸硅片项目", "--actual-investment", amount)
        verdict = next(v for v in data["verdicts"] if v["policy"]["id"] == "policy:德州市招商引资激励办法")
        assert verdict["policy"] == {"id": "policy:德州市招商引资激励办法", "name": "德州市招商引资激励办法"}
        assert (verdict["eligible"], verdict["benefit_cny"]) == (eligible, benefit)
        assert isinstance(verdict["unmet"], list)
        if not eligible:
            assert "1亿元" in verdict["unmet"][0]["reason"]
    table = runner.invoke(app, ["policy", "match", "德州科技职业学院德州校区项目", "--home", str(home)])
    assert table.exit_code == 0 and "不符合" in table.output
    bad = runner.invoke(
        app, ["policy", "match", "有研艾斯12英寸硅片项目", "--actual-investment", "很多", "--home", str(home)]
    )
    assert bad.exit_code == 2 and "--actual-investment" in bad.output


def test_policy_list_and_eligible(home: Path) -> None:
    listed = _json(home, "policy", "list")
    assert listed["total"] == 5 and sum(item["computable"] for item in listed["items"]) == 1
    qualifies = _json(home, "policy", "eligible", "招商引资激励办法", "--scope", "天衢新区")
    assert qualifies["total_cny"] == 14_500_000 and qualifies["by_county"][0]["county"]["name"] == "天衢新区"
    missing = runner.invoke(app, ["policy", "eligible", "不存在的政策", "--home", str(home)])
    assert missing.exit_code == 2 and "no policy" in missing.output


def test_pipeline_project_and_report_with_its_workbook(home: Path, tmp_path: Path) -> None:
    overdue = _json(home, "pipeline", "--overdue", "--scope", "天衢新区")
    assert [i["project"]["name"] for i in overdue["items"]][:2] == ["示例电子特气项目", "示例光刻胶项目"]
    history = _json(home, "project", "示例电子特气项目", "--as-of", "2023-03-10")
    assert history["status"] == "开工" and history["status_on"] == "签约"
    out = tmp_path / "q1.xlsx"
    result = runner.invoke(app, ["report", "天衢新区", "--period", "2023-Q1", "--xlsx", str(out), "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "77.3%" in result.stdout
    book = load_workbook(out)
    assert book.sheetnames == ["概览", "分产业链", "重点项目", "项目动态"]
    overview = book["概览"]
    header = [c.value for c in overview[4]]
    row = dict(zip(header, (c.value for c in overview[5]), strict=True))
    assert (row["计划投资"], row["实际投资（到位资金）"], row["完成计划%"]) == (22000.0, 17000.0, 77.3)
    assert row["签约"] == 2 and row["新增线索"] == 1
    moves = [(r[0].value, r[1].value) for r in book["项目动态"].iter_rows(min_row=2)]
    assert ("开工", "示例电子特气项目") in moves


def test_a_lead_entered_at_the_desk_joins_the_pipeline_and_is_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    args = ["lead", "add", "示例靶材回收项目", "--owner", "集成电路", "--next-action", "约见企业负责人"]
    args += [
        "--due",
        "2024-01-31",
        "--segment",
        "溅射靶材",
        "--place",
        "天衢新区",
        "--investment",
        "2亿",
        "--date",
        "2023-12-01",
    ]
    added = runner.invoke(app, [*args, "--home", str(home)])
    assert added.exit_code == 0, added.output
    data = _json(home, "pipeline", "--overdue")
    (item,) = data["items"]
    assert item["project"]["name"] == "示例靶材回收项目" and item["status"] == "线索" and item["overdue"]
    assert item["owner"]["name"] == "集成电路产业链链长办公室" and item["total_investment_cny"] == 200_000_000
    # a new follow-up replaces the old one; the lead keeps its date
    follow_up = ["lead", "add", "示例靶材回收项目", "--owner", "集成电路", "--next-action", "报送签约材料"]
    again = runner.invoke(app, [*follow_up, "--due", "2099-01-31", "--home", str(home)])
    assert again.exit_code == 0, again.output
    assert _json(home, "pipeline", "--overdue")["items"] == []
    history = _json(home, "project", "示例靶材回收项目")
    assert history["next_action"] == "报送签约材料" and history["changes"][0]["date"] == "2023-12-01"
    assert (home / "leads" / "leads.yaml").read_text(encoding="utf-8").count("示例靶材回收项目") == 1
    no_owner = runner.invoke(
        app, ["lead", "add", "x项目", "--next-action", "y", "--due", "2024-01-01", "--home", str(home)]
    )
    assert no_owner.exit_code == 2


def test_an_accepted_news_candidate_becomes_a_lead_citing_its_article(tmp_path: Path) -> None:
    home = tmp_path / "home"
    article = REPO / "benchmarks" / "extraction_eval" / "heldout" / "h12_canal_list.txt"
    assert runner.invoke(app, ["extract", str(article), "--home", str(home)]).exit_code == 0
    listed = runner.invoke(app, ["review", "list", "--kind", "project", "--json", "--home", str(home)])
    queued = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    logistics = next(c for c in queued if c["name"] == "智能仓储物流中心项目")
    follow_up = ["--owner", "集成电路", "--next-action", "回访企业", "--due", "2024-08-01", "--home", str(home)]
    pending = runner.invoke(app, ["lead", "add", "--candidate", logistics["id"], *follow_up])
    assert pending.exit_code == 2 and "review accept" in pending.output, "only an accepted candidate"
    accepted = runner.invoke(app, ["review", "accept", logistics["id"], "--home", str(home)])
    assert accepted.exit_code == 0, accepted.output
    added = runner.invoke(app, ["lead", "add", "--candidate", logistics["id"], *follow_up])
    assert added.exit_code == 0, added.output
    history = _json(home, "project", "智能仓储物流中心项目")
    lead = history["changes"][0]
    assert lead["status"] == "线索" and lead["date"] == logistics["source"]["date"] == "2024-06-30"
    assert {s["id"] for s in lead["sources"]} >= {f"src:{logistics['source']['key']}"}, "the article is cited"
    assert history["owner"]["name"] == "集成电路产业链链长办公室" and history["next_action"] == "回访企业"
    (item,) = _json(home, "pipeline", "--overdue", "--as-of", "2024-09-01")["items"]
    assert item["project"]["name"] == "智能仓储物流中心项目" and item["overdue"]
