"""Every query endpoint through the real ASGI app: the API answers exactly what the query module
answers for the same parameters, ids arrive percent-encoded, and names resolve to ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from pydantic import BaseModel

from chainkg.app.settings import Settings
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.queries import chain_map, entity, explain, footprint, gaps, profile, recommend, search, stats, supply_chain
from chainkg.queries.base import Query
from chainkg.schema.kinds import NodeKind, Stage
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from tests.conftest import load_dataset

pytestmark = pytest.mark.anyio

IC = "chain:集成电路"
TIANQU = "region:天衢新区"
GRINM = "ent:有研科技集团有限公司"
YINGWANG = "ent:英望科技(山东)有限公司"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(dezhou: MemoryStore, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(home=tmp_path), dezhou)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as c:
        yield c


def q(node_id: str) -> str:
    """An id as a client puts it in a URL path: every reserved and non-ASCII character percent-encoded."""
    return quote(node_id, safe="")


def expected(store: MemoryStore, query: Query[Any, Any], params: BaseModel) -> object:
    return store.run(query, params).model_dump(mode="json")


async def get_ok(client: httpx.AsyncClient, url: str, **params: object) -> object:
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


async def test_chain_map_is_the_query_result(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    body = await get_ok(client, f"/api/v1/chains/{q(IC)}/map", scope=TIANQU, max_members=3)
    assert body == expected(dezhou, chain_map.QUERY, chain_map.Params(chain=IC, scope=TIANQU, max_members=3))
    assert {s["segment"]["name"] for s in body["segments"] if s["covered"]} >= {"硅片", "溅射靶材"}


async def test_gaps_with_every_parameter(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    body = await get_ok(
        client,
        f"/api/v1/chains/{q(IC)}/gaps",
        scope=TIANQU,
        min_enterprises=3,
        min_investment_share=0.1,
        w_upstream=2.0,
        w_midstream=1.0,
        w_downstream=0.5,
        limit=4,
    )
    params = gaps.Params(
        chain=IC,
        scope=TIANQU,
        min_enterprises=3,
        min_investment_share=0.1,
        stage_weights={Stage.UPSTREAM: 2.0, Stage.MIDSTREAM: 1.0, Stage.DOWNSTREAM: 0.5},
        limit=4,
    )
    assert body == expected(dezhou, gaps.QUERY, params)
    assert len(body["fill"]) == 4 and body["fill"][0]["path"]


async def test_supply_chain_upstream(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    body = await get_ok(client, f"/api/v1/entities/{q(YINGWANG)}/supply-chain", direction="upstream", depth=2)
    assert body == expected(
        dezhou, supply_chain.QUERY, supply_chain.Params(node=YINGWANG, direction="upstream", depth=2)
    )
    assert {s["direction"] for s in body["segments"]} == {"upstream"}


async def test_recommendations(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    body = await get_ok(client, f"/api/v1/segments/{q('seg:高纯金属')}/recommendations", scope=TIANQU, limit=5)
    params = recommend.Params(segment="seg:高纯金属", scope=TIANQU, limit=5)
    assert body == expected(dezhou, recommend.QUERY, params)
    assert "ent:有研新材料股份有限公司" in [c["enterprise"]["id"] for c in body["candidates"]]


async def test_footprint(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    body = await get_ok(client, f"/api/v1/enterprises/{q(GRINM)}/footprint", max_depth=3)
    assert body == expected(dezhou, footprint.QUERY, footprint.Params(group=GRINM, max_depth=3))
    assert body["total_investment_cny"] == 8_600_000_000


async def test_profile(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    body = await get_ok(client, f"/api/v1/places/{q(TIANQU)}/profile", top_gaps=2)
    assert body == expected(dezhou, profile.QUERY, profile.Params(place=TIANQU, top_gaps=2))


async def test_search_with_kinds(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    response = await client.get("/api/v1/search", params=[("text", "有研"), ("kinds", "Enterprise"), ("limit", "3")])
    assert response.status_code == 200
    params = search.Params(text="有研", kinds=[NodeKind.ENTERPRISE], limit=3)
    assert response.json() == expected(dezhou, search.QUERY, params)


async def test_entity_detail_with_paging_of_neighbours(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    body = await get_ok(client, f"/api/v1/entities/{q(GRINM)}", edge_kind="SUBSIDIARY_OF", offset=1, limit=1)
    assert body == expected(dezhou, entity.QUERY, entity.Params(id=GRINM, edge_kind="SUBSIDIARY_OF", offset=1, limit=1))
    assert body["sources"], "the detail shows the sources that state the node"


async def test_explain_path(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    source = "ent:有研新材料股份有限公司"
    body = await get_ok(client, "/api/v1/paths", source=source, target=TIANQU, max_length=3, max_paths=2)
    params = explain.Params(source=source, target=TIANQU, max_length=3, max_paths=2)
    assert body == expected(dezhou, explain.QUERY, params)
    assert body["length"] == 2


async def test_stats(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    assert await get_ok(client, "/api/v1/stats") == expected(dezhou, stats.QUERY, stats.Params())


async def test_names_and_aliases_resolve_to_the_same_answer_as_ids(client: httpx.AsyncClient) -> None:
    by_id = await get_ok(client, f"/api/v1/chains/{q(IC)}/gaps", scope=TIANQU)
    by_name = await get_ok(client, "/api/v1/chains/集成电路/gaps", scope="天衢新区")
    by_alias = await get_ok(client, "/api/v1/chains/芯片产业链/gaps", scope="天衢新区")
    assert by_id == by_name == by_alias
    footprint_by_short_name = await get_ok(client, "/api/v1/enterprises/有研集团/footprint")
    assert footprint_by_short_name["group"]["id"] == GRINM
    upstream_by_name = await get_ok(client, "/api/v1/entities/英望科技/supply-chain", direction="upstream")
    assert upstream_by_name["node"]["id"] == YINGWANG


async def test_ids_arrive_raw_or_percent_encoded(client: httpx.AsyncClient) -> None:
    encoded = await client.get(f"/api/v1/entities/{q(GRINM)}")
    raw = await client.get(f"/api/v1/entities/{GRINM}")  # httpx encodes only what it must
    assert encoded.status_code == raw.status_code == 200
    assert encoded.json() == raw.json()
    assert "%E6%9C%89" in str(encoded.request.url) and "%3A" in str(encoded.request.url)


async def test_an_id_with_a_slash_reaches_its_node(dezhou: MemoryStore, tmp_path: Path) -> None:
    """Ids are normalised names, and a name may hold '/': path parameters take the rest of the path."""
    store = MemoryStore(dezhou.graph.copy(), dezhou.manifest())
    csv = tmp_path / "slash.csv"
    csv.write_text("企业名称,所属行业,地址\n德州甲/乙科技有限公司,硅片,山东省德州市天衢新区\n", encoding="utf-8")
    (report,) = run_load(store, [csv], default_loaders())
    assert report.records_loaded == 1
    node_id = "ent:德州甲/乙科技有限公司"
    app = create_app(Settings(home=tmp_path / "home"), store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client:
        detail = await client.get(f"/api/v1/entities/{q(node_id)}")
        upstream = await client.get(f"/api/v1/entities/{q(node_id)}/supply-chain", params={"direction": "upstream"})
    assert detail.status_code == 200 and detail.json()["node"]["id"] == node_id
    assert upstream.status_code == 200 and upstream.json()["start_segments"][0]["id"] == "seg:硅片"


async def test_depth_and_size_caps_are_the_query_caps(client: httpx.AsyncClient) -> None:
    """The API accepts what the query's Params accept and refuses the rest, cap by cap."""
    paths = {"source": "有研新材料股份有限公司", "target": "天衢新区"}
    cases: list[tuple[str, dict[str, str], str, int]] = [
        (f"/api/v1/entities/{q(YINGWANG)}/supply-chain", {}, "depth", supply_chain.MAX_DEPTH),
        (f"/api/v1/chains/{q(IC)}/gaps", {}, "limit", 500),
        (f"/api/v1/chains/{q(IC)}/map", {}, "max_members", 200),
        (f"/api/v1/enterprises/{q(GRINM)}/footprint", {}, "max_depth", 10),
        ("/api/v1/paths", paths, "max_length", 6),
        (f"/api/v1/entities/{q(GRINM)}", {}, "limit", 100),
        ("/api/v1/search", {"text": "有研"}, "limit", 50),
        ("/api/v1/enterprises", {}, "limit", 200),
    ]
    for url, base, name, cap in cases:
        ok = await client.get(url, params={**base, name: cap})
        over = await client.get(url, params={**base, name: cap + 1})
        assert ok.status_code == 200, (url, ok.text)
        assert over.status_code == 422 and over.json()["details"]["field"] == name, (url, over.text)


async def test_fresh_store_behind_the_same_app_factory(tmp_path: Path) -> None:
    """Tests, the CLI and both backends use one factory; a store built here serves the same routes."""
    store = MemoryStore()
    load_dataset(store)
    app = create_app(Settings(home=tmp_path), store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as client:
        assert (await client.get("/api/v1/stats")).json()["nodes"]["Chain"] == 12
