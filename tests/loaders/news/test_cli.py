"""``chainkg extract`` and ``chainkg review`` as a user runs them: a batch with bad files, the JSON
schema, the review round trip into the persisted graph, and the documented schema file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.cli import app
from chainkg.loaders.news.candidates import ExtractReport

REPO = Path(__file__).resolve().parents[3]
HELDOUT = REPO / "benchmarks" / "extraction_eval" / "heldout"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, home: Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--home", str(home)], env={"COLUMNS": "250"})
    return result.exit_code, result.stdout, result.stderr


def test_a_batch_with_bad_files_reports_each_and_extracts_the_rest(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    good = HELDOUT / "h12_canal_list.txt"
    no_projects = HELDOUT / "h13_economy_no_projects.html"
    code, out, err = invoke(
        runner, "extract", str(empty), str(binary), str(good), str(no_projects), "--json", home=tmp_path
    )
    assert code == 1  # some files were rejected; the others were still read
    report = ExtractReport.model_validate_json(out)
    outcomes = {Path(f.file).name: (f.outcome.value, f.message) for f in report.files}
    assert outcomes["empty.txt"] == ("rejected", "the file is empty")
    assert outcomes["image.html"] == ("rejected", "this is an image, not an article")
    assert outcomes["h12_canal_list.txt"][0] == "extracted"
    assert outcomes["h13_economy_no_projects.html"][0] == "no_projects"
    assert "file rejected" in err and "empty.txt" in err
    assert report.added == len(report.files[2].candidates) + len(report.files[3].candidates) > 0


def test_review_round_trip_reaches_the_persisted_graph(runner: CliRunner, tmp_path: Path) -> None:
    article = HELDOUT / "h12_canal_list.txt"
    code, out, _ = invoke(runner, "extract", str(article), home=tmp_path)
    assert code == 0 and "review queue" in out
    stats = json.loads(invoke(runner, "stats", "--json", home=tmp_path)[1])

    code, out, _ = invoke(runner, "review", "list", "--kind", "project", "--json", home=tmp_path)
    projects = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert code == 0 and "智能仓储物流中心项目" in {p["name"] for p in projects}

    warehouse = next(p for p in projects if p["name"] == "智能仓储物流中心项目")
    code, out, _ = invoke(runner, "review", "accept", warehouse["id"], home=tmp_path)
    assert code == 0 and f"{warehouse['id']} accepted" in out
    after = json.loads(invoke(runner, "stats", "--json", home=tmp_path)[1])
    assert after["nodes"]["Project"] == stats["nodes"]["Project"] + 1
    assert after["nodes"]["Source"] == stats["nodes"]["Source"] + 1

    code, out, _ = invoke(runner, "review", "accept", warehouse["id"], home=tmp_path)
    assert code == 0 and "already accepted" in out
    assert json.loads(invoke(runner, "stats", "--json", home=tmp_path)[1]) == after

    code, out, _ = invoke(runner, "review", "reject", "--all", "--source", "h12", "--note", "样例", home=tmp_path)
    assert code == 0 and "rejected" in out
    code, out, _ = invoke(runner, "review", "list", home=tmp_path)
    assert "no pending candidates" in out
    code, out, _ = invoke(runner, "review", "list", "--status", "rejected", "--json", home=tmp_path)
    assert all(json.loads(line)["review"] == "rejected" for line in out.splitlines() if line.strip())

    code, _, _ = invoke(runner, "review", "accept", "c0000000000", home=tmp_path)
    assert code == 1


def test_accepting_by_confidence_takes_only_the_candidates_at_or_above_it(runner: CliRunner, tmp_path: Path) -> None:
    article = HELDOUT / "h12_canal_list.txt"
    assert invoke(runner, "extract", str(article), home=tmp_path)[0] == 0
    code, out, _ = invoke(runner, "review", "list", "--json", home=tmp_path)
    pending = [json.loads(line) for line in out.splitlines() if line.strip()]
    floor = sorted(c["confidence"] for c in pending)[len(pending) // 2]
    wanted = {c["id"] for c in pending if c["confidence"] >= floor}
    assert 0 < len(wanted) < len(pending)

    code, out, _ = invoke(runner, "review", "accept", "--min-confidence", str(floor), home=tmp_path)
    assert code == 0, out
    code, out, _ = invoke(runner, "review", "list", "--status", "accepted", "--json", home=tmp_path)
    assert {json.loads(line)["id"] for line in out.splitlines() if line.strip()} == wanted
    code, _, _ = invoke(runner, "review", "accept", "--min-confidence", "1.5", home=tmp_path)
    assert code == 2


def test_review_needs_ids_or_all(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "review", "accept", home=tmp_path)
    assert code == 2 and "--all" in err


def test_the_documented_schema_is_the_models_schema() -> None:
    documented = json.loads((REPO / "docs" / "extract_schema.json").read_text(encoding="utf-8"))
    assert documented == ExtractReport.model_json_schema(), "regenerate: python -m chainkg.loaders.news.candidates"
