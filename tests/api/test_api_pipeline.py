"""The pipeline and policy routes through the real ASGI app: they answer what the query modules answer,
names resolve, the report downloads as a workbook, and bad parameters are 422s naming the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from openpyxl import load_workbook

from chainkg.app.settings import Settings
from chainkg.queries import chain_map, pipeline, report
from chainkg.queries.policies import eligible, match
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore

pytestmark = pytest.mark.anyio
INCENTIVE = "policy:德州市招商引资激励办法"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(dezhou_pipeline: MemoryStore, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(home=tmp_path), dezhou_pipeline)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as c:
        yield c


async def test_policy_routes_answer_what_the_queries_answer(
    client: httpx.AsyncClient, dezhou_pipeline: MemoryStore
) -> None:
    listed = (await client.get("/api/v1/policies")).json()
    assert listed["total"] == 5
    response = await client.get(
        "/api/v1/policies/match", params={"subject": "有研艾斯12英寸硅片项目", "actual_investment": 2_000_000_000}
    )
    assert response.status_code == 200
    expected = dezhou_pipeline.run(
        match.QUERY, match.Params(subject="proj:山东有研艾斯12英寸硅片项目", actual_investment=2_000_000_000)
    )
    assert response.json() == expected.model_dump(mode="json")
    verdict = response.json()["verdicts"][0]
    assert verdict["policy"]["id"] == INCENTIVE and verdict["eligible"] is True and verdict["benefit_cny"] == 50_000_000
    path = f"/api/v1/policies/{quote(INCENTIVE, safe='')}/eligible"
    qualifies = (await client.get(path, params={"scope": "天衢新区"})).json()
    assert qualifies == dezhou_pipeline.run(
        eligible.QUERY, eligible.Params(policy=INCENTIVE, scope="region:天衢新区")
    ).model_dump(mode="json")
    same = await client.get(f"/api/v1/projects/{quote('示例电子特气项目')}/policies")
    assert same.status_code == 200 and same.json()["eligible"] == 1


async def test_pipeline_history_and_report_routes(client: httpx.AsyncClient, dezhou_pipeline: MemoryStore) -> None:
    listed = await client.get(
        "/api/v1/projects", params={"scope": "天衢新区", "as_of": "2023-02-15", "status": ["签约", "线索"]}
    )
    assert listed.status_code == 200
    params = pipeline.Params(scope="region:天衢新区", as_of=dt.date(2023, 2, 15), statuses=["签约", "线索"])
    assert listed.json() == dezhou_pipeline.run(pipeline.QUERY, params).model_dump(mode="json")
    history = (await client.get(f"/api/v1/projects/{quote('proj:示例电子特气项目', safe='')}/history")).json()
    assert [c["status"] for c in history["changes"]] == ["线索", "洽谈", "签约", "开工"]
    got = (await client.get("/api/v1/reports", params={"target": "集成电路", "period": "2023-Q1"})).json()
    assert got == dezhou_pipeline.run(
        report.QUERY, report.Params(target="chain:集成电路", period="2023-Q1")
    ).model_dump(mode="json")
    download = await client.get("/api/v1/reports.xlsx", params={"target": "天衢新区", "period": "2023-Q1"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in download.headers["content-disposition"]
    book = load_workbook(BytesIO(download.content))
    assert book["概览"]["A1"].value.startswith("天衢新区")


async def test_chain_map_and_gaps_take_as_of(client: httpx.AsyncClient, dezhou_pipeline: MemoryStore) -> None:
    got = await client.get(f"/api/v1/chains/{quote('chain:集成电路', safe='')}/map", params={"as_of": "2019-06-01"})
    params = chain_map.Params(chain="chain:集成电路", as_of=dt.date(2019, 6, 1))
    assert got.json() == dezhou_pipeline.run(chain_map.QUERY, params).model_dump(mode="json")
    gaps = await client.get("/api/v1/chains/集成电路/gaps", params={"as_of": "2019-06-01"})
    assert gaps.status_code == 200 and gaps.json()["as_of"] == "2019-06-01"


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/api/v1/reports", {"target": "天衢新区", "period": "2023-Q5"}, 422, "period"),
        ("/api/v1/reports", {"target": "硅片", "period": "2023"}, 404, "target"),
        ("/api/v1/projects", {"as_of": "2023-02-30"}, 422, "as_of"),
        (
            "/api/v1/policies/match",
            {"subject": "有研艾斯12英寸硅片项目", "actual_investment": -1},
            422,
            "actual_investment",
        ),
        ("/api/v1/policies/match", {"subject": "不存在的项目"}, 404, "subject"),
        ("/api/v1/policies/不存在的政策/eligible", {}, 404, "policy"),
    ],
)
async def test_bad_parameters_name_the_field(
    client: httpx.AsyncClient, path: str, params: dict, status: int, field: str
) -> None:
    response = await client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.json()["details"]["field"] == field
