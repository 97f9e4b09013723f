"""The listing endpoints, paged to the end: every item exactly once, in id order, totals that add up,
filters that mean what they say, and a page size that cannot be raised past the cap."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chainkg.app.settings import Settings
from chainkg.queries.listing.base import MAX_PAGE, encode_cursor
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from chainkg.store.nx_index import located_in_places, nodes_of_kind

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(dezhou: MemoryStore, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(home=tmp_path), dezhou)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainkg.test") as c:
        yield c


async def walk(client: httpx.AsyncClient, url: str, **params: Any) -> tuple[list[dict[str, Any]], int, int]:
    """Every item of a listing, following next_cursor; also the total reported and the pages read."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    totals: set[int] = set()
    pages = 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(url, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        assert len(body["items"]) <= params.get("limit", 50)
        items += body["items"]
        totals.add(body["total"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert pages < 1000, "paging does not end"
    assert len(totals) == 1, "total must not change between pages"
    return items, totals.pop(), pages


def ids_of(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/api/v1/chains", NodeKind.CHAIN),
        ("/api/v1/segments", NodeKind.SEGMENT),
        ("/api/v1/parks", NodeKind.PARK),
        ("/api/v1/regions", NodeKind.REGION),
        ("/api/v1/enterprises", NodeKind.ENTERPRISE),
    ],
)
async def test_every_list_pages_to_the_end_in_id_order(
    client: httpx.AsyncClient, dezhou: MemoryStore, url: str, kind: NodeKind
) -> None:
    everything = list(nodes_of_kind(dezhou.graph, kind))
    items, total, pages = await walk(client, url, limit=5)
    assert ids_of(items) == everything, "each node exactly once, ordered by id"
    assert total == len(everything)
    assert pages == -(-len(everything) // 5)
    assert {item["kind"] for item in items} == {kind.value}


async def test_segments_of_a_chain_page_to_the_end(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    members = sorted(u for u, _, k in dezhou.graph.in_edges("chain:集成电路", data="kind") if k == "PART_OF")
    items, total, _ = await walk(client, "/api/v1/chains/集成电路/segments", limit=4)
    assert ids_of(items) == members and total == len(members) == 13
    upstream, _, _ = await walk(client, "/api/v1/segments", chain="chain:集成电路", stage="上游", limit=4)
    assert {s["stage"] for s in upstream} == {"上游"} and len(upstream) == 9


async def test_enterprise_filters_combine(client: httpx.AsyncClient, dezhou: MemoryStore) -> None:
    local, total, _ = await walk(client, "/api/v1/enterprises", chain="集成电路", scope="天衢新区", limit=2)
    graph = dezhou.graph
    in_tianqu = located_in_places(graph, "region:天衢新区")
    ic_segments = {u for u, _, k in graph.in_edges("chain:集成电路", data="kind") if k == EdgeKind.PART_OF.value}
    for item in local:
        assert item["id"] in in_tianqu
        assert {s["id"] for s in item["segments"]} & ic_segments
    assert total == len(local) >= 4
    names = {item["name"] for item in local}
    assert {"山东有研半导体材料有限公司", "威讯联合半导体(德州)有限公司"} <= names

    soe_groups, _, _ = await walk(client, "/api/v1/enterprises", kind="central_soe_group", limit=3)
    expected = sorted(
        n
        for n in nodes_of_kind(graph, NodeKind.ENTERPRISE)
        if graph.nodes[n].get("enterprise_kind") == "central_soe_group"
    )
    assert ids_of(soe_groups) == expected and len(expected) >= 5

    wafers, _, _ = await walk(client, "/api/v1/enterprises", segment="硅片")
    assert ids_of(wafers) == sorted(
        u
        for u, _, k in graph.in_edges("seg:硅片", data="kind")
        if k == EdgeKind.IN_SEGMENT.value and graph.nodes[u]["kind"] == NodeKind.ENTERPRISE.value
    )

    by_name, _, _ = await walk(client, "/api/v1/enterprises", text="有研")
    assert by_name and all("有研" in item["name"] or item["id"] == "ent:有研科技集团有限公司" for item in by_name)
    traditional, _, _ = await walk(client, "/api/v1/enterprises", text="有研億金")
    assert ids_of(traditional) == ["ent:有研亿金新材料(山东)有限公司"]


async def test_parks_and_regions_inside_a_scope(client: httpx.AsyncClient) -> None:
    parks, _, _ = await walk(client, "/api/v1/parks", scope="region:天衢新区")
    assert ids_of(parks) == ["park:天衢新区集成电路关键材料基地", "park:德州经济技术开发区"]
    regions, total, _ = await walk(client, "/api/v1/regions", scope="德州市", limit=4)
    assert "region:德州市" not in ids_of(regions) and total == len(regions) >= 11
    assert all(r["level"] != "province" for r in regions)
    counties, _, _ = await walk(client, "/api/v1/regions", level="county")
    assert counties and {r["level"] for r in counties} == {"county"}


async def test_cursor_is_opaque_and_resumes_after_the_last_id(client: httpx.AsyncClient) -> None:
    first = (await client.get("/api/v1/chains", params={"limit": 3})).json()
    assert first["next_cursor"] and "chain:" not in first["next_cursor"]
    second = (await client.get("/api/v1/chains", params={"limit": 3, "cursor": first["next_cursor"]})).json()
    assert second["items"][0]["id"] > first["items"][-1]["id"]
    # A well-formed cursor names a position in id order, issued by this API or not.
    after = (await client.get("/api/v1/chains", params={"cursor": encode_cursor("chain:新")})).json()
    assert all(item["id"] > "chain:新" for item in after["items"]) and after["items"]


async def test_malformed_cursor_and_oversized_page_are_422_naming_the_field(client: httpx.AsyncClient) -> None:
    for params, field in (
        ({"cursor": "a"}, "cursor"),
        ({"cursor": "***"}, "cursor"),
        ({"limit": MAX_PAGE + 1}, "limit"),
    ):
        response = await client.get("/api/v1/enterprises", params=params)
        assert response.status_code == 422, params
        body = response.json()
        assert body["code"] == "validation_error" and body["details"]["field"] == field
    assert (await client.get("/api/v1/enterprises", params={"limit": MAX_PAGE})).status_code == 200


async def test_unknown_filter_ids_are_404_with_suggestions(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/enterprises", params={"segment": "seg:硅片片"})
    assert response.status_code == 404
    body = response.json()
    assert body["details"]["field"] == "segment"
    assert any(s["id"] == "seg:硅片" for s in body["details"]["suggestions"])
