"""Parity on the Dezhou graph: loaded through the normal pipeline into both stores, every query with a
spread of parameters answers the same, and so does every store-level read the loaders use.

The Dezhou dataset alone: these tests walk every node, place and group, which the national dataset
would multiply thirtyfold; ``test_parity_national.py`` covers the bundled graph with both datasets.
The whole module runs twice: on a Neo4j database filled by the online loader and on one filled by
the offline importer (``chainkg load --bulk``: :func:`chainkg.loaders.bulk.bulk_load`)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from chainkg.loaders import default_loaders, lifecycle
from chainkg.loaders.bulk import bulk_load
from chainkg.loaders.pipeline import LoadReport
from chainkg.queries import (
    chain_map,
    entity,
    explain,
    footprint,
    gaps,
    ledger,
    overview,
    profile,
    recommend,
    search,
    stats,
    supply_chain,
)
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.queries.listing import parks as listing_parks
from chainkg.queries.listing import regions as listing_regions
from chainkg.queries.listing import segments as listing_segments
from chainkg.queries.matching import _frequencies, candidate_queries, cypher_ranked
from chainkg.queries.search_cypher import RANKED
from chainkg.schema.kinds import EdgeKind, EnterpriseKind, NodeKind, ParkLevel, ProjectStatus, RegionLevel, Stage
from chainkg.schema.normalize import normalize_name
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.nx_index import nodes_of_kind
from tests.conftest import DATASET, load_dataset
from tests.neo4j.contents import memory_contents, neo4j_contents
from tests.neo4j.parity import assert_same

Stores = tuple[MemoryStore, Neo4jStore, LoadReport, LoadReport]


@pytest.fixture(scope="module", params=["online", "bulk"])
def stores(
    request: pytest.FixtureRequest, neo4j_server: Any, neo4j_store: Neo4jStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stores]:
    """Dezhou in a fresh MemoryStore and in the (emptied) Neo4j store: through run_load, or through the
    same pipeline and the offline importer (the test server stops, imports and starts again)."""
    memory = MemoryStore()
    memory_report = load_dataset(memory, DATASET)
    neo4j_store.clear()
    if request.param == "online":
        # the lifecycle in chunks of 5 projects: its next chunk is read beside this one's write (Neo4j only)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(lifecycle, "_CHUNK", 5)
            neo4j_report = load_dataset(neo4j_store, DATASET)
    else:
        result = bulk_load(
            neo4j_store, [DATASET], default_loaders(), neo4j_server.import_full, tmp_path_factory.mktemp("import")
        )
        (neo4j_report,) = result.reports
    yield memory, neo4j_store, memory_report, neo4j_report


@pytest.fixture(scope="module")
def memory(stores: Stores) -> MemoryStore:
    return stores[0]


@pytest.fixture(scope="module")
def neo(stores: Stores) -> Neo4jStore:
    return stores[1]


def _ids(memory: MemoryStore, kind: NodeKind) -> list[str]:
    return list(nodes_of_kind(memory.graph, kind))


def _scopes(memory: MemoryStore) -> list[str | None]:
    """The home city (None), every sixth region and every fourth park: districts, counties, zones, bases."""
    return [None, *_ids(memory, NodeKind.REGION)[1::6], *_ids(memory, NodeKind.PARK)[::4]]


def test_the_load_reports_the_same_and_stores_the_same_graph(stores: Stores) -> None:
    memory, neo, memory_report, neo4j_report = stores
    assert neo4j_report.rejects == memory_report.rejects == []
    assert (neo4j_report.records_read, neo4j_report.records_loaded) == (
        memory_report.records_read,
        memory_report.records_loaded,
    )
    assert neo4j_report.write == memory_report.write
    assert neo4j_contents(neo) == memory_contents(memory)


def test_loading_again_converges(stores: Stores) -> None:
    memory, neo, _, _ = stores
    before = neo4j_contents(neo)
    again = load_dataset(neo, DATASET)
    assert again.write.touched == 0
    assert neo4j_contents(neo) == before == memory_contents(memory)


def test_store_level_reads_agree(memory: MemoryStore, neo: Neo4jStore) -> None:
    assert neo.counts() == memory.counts()
    for kind in EdgeKind:
        assert neo.edge_count(kind) == memory.edge_count(kind), kind
    for kind in NodeKind:
        names = memory.names(kind)
        assert neo.names(kind) == names, kind
        for key in sorted(names)[::3]:
            assert neo.find_ids(kind, key) == memory.find_ids(kind, key), (kind, key)
    every = sorted(memory.graph.nodes)
    for node_id in every[::2]:
        assert neo.node(node_id) == memory.node(node_id), node_id
    assert neo.node("ent:没有这家") is None
    key = lambda r: (r.node_id, r.provenance.source)  # noqa: E731 - a sort key
    assert sorted(neo.claims(every), key=key) == sorted(memory.claims(every), key=key)
    assert neo.manifest() == memory.manifest()


def test_stats(memory: MemoryStore, neo: Neo4jStore) -> None:
    assert_same(memory, neo, stats.QUERY, [stats.Params()])


def test_chain_map(memory: MemoryStore, neo: Neo4jStore) -> None:
    scopes = _scopes(memory)
    params = [
        chain_map.Params(chain=chain, scope=scope, max_members=members)
        for i, chain in enumerate(_ids(memory, NodeKind.CHAIN))
        for scope, members in ((None, 20), (scopes[1 + i % 6], 1), (scopes[1 + (i + 3) % 6], 0))
    ]
    params += [chain_map.Params(chain="chain:不存在"), chain_map.Params(chain="chain:集成电路", scope="seg:硅片")]
    assert assert_same(memory, neo, chain_map.QUERY, params) > 30


def test_gaps(memory: MemoryStore, neo: Neo4jStore) -> None:
    thresholds = [(2, 0.0, 50), (1, 0.2, 3), (5, 0.5, 500)]
    params = [
        gaps.Params(chain=chain, scope=scope, min_enterprises=n, min_investment_share=share, limit=limit)
        for chain in _ids(memory, NodeKind.CHAIN)
        for scope in _scopes(memory)[:4]
        for n, share, limit in thresholds[: 3 if scope is None else 1]
    ]
    params.append(gaps.Params(chain="chain:集成电路", stage_weights={Stage.UPSTREAM: 2.0, Stage.MIDSTREAM: 0.0}))
    assert assert_same(memory, neo, gaps.QUERY, params) > 60


def test_supply_chain(memory: MemoryStore, neo: Neo4jStore) -> None:
    scopes = _scopes(memory)
    directions = ("upstream", "downstream", "both")
    params = [
        supply_chain.Params(node=node, direction=directions[i % 3], depth=3, scope=scopes[i % 3])
        for i, node in enumerate(_ids(memory, NodeKind.ENTERPRISE))
    ]
    params += [
        supply_chain.Params(node=node, direction="both", depth=depth, max_suppliers=suppliers)
        for node in _ids(memory, NodeKind.SEGMENT)[::9] + _ids(memory, NodeKind.PROJECT)[::6]
        for depth, suppliers in ((1, 20), (6, 1))
    ]
    params.append(supply_chain.Params(node="chain:集成电路"))
    assert assert_same(memory, neo, supply_chain.QUERY, params) > 60


def test_recommend(memory: MemoryStore, neo: Neo4jStore) -> None:
    graph = memory.graph
    occupied = [s for s in _ids(memory, NodeKind.SEGMENT) if graph.in_degree(s) > 1]
    scopes = _scopes(memory)
    params = [
        recommend.Params(segment=segment, scope=scope, limit=limit)
        for segment in occupied
        for scope, limit in ((None, 20), (scopes[1 + len(segment) % 6], 3))
    ]
    params += [recommend.Params(segment=s, w_group=0, w_supplier=10, w_record=0.5) for s in occupied[:5]]
    # region ties from a park scope (its province is found through its region)
    params += [
        recommend.Params(segment=s, scope="park:天衢新区集成电路关键材料基地", w_group=0, w_region=10)
        for s in occupied[::3]
    ]
    assert assert_same(memory, neo, recommend.QUERY, params) > 40


def test_footprint_of_every_group(memory: MemoryStore, neo: Neo4jStore) -> None:
    graph = memory.graph
    groups = [
        e
        for e in _ids(memory, NodeKind.ENTERPRISE)
        if any(k == EdgeKind.SUBSIDIARY_OF.value for _, _, k in graph.in_edges(e, data="kind"))
        or graph.nodes[e].get("enterprise_kind") == EnterpriseKind.CENTRAL_SOE_GROUP.value
    ]
    assert groups
    scopes = _scopes(memory)
    params = [
        footprint.Params(group=group, scope=scope, max_depth=depth)
        for group in groups
        for scope, depth in ((None, 6), (scopes[1], 1), (scopes[-1], 10), (scopes[2], 2))
    ]
    params.append(footprint.Params(group="seg:硅片"))
    assert assert_same(memory, neo, footprint.QUERY, params) > 4 * len(groups)


def test_profile_of_every_park_and_region(memory: MemoryStore, neo: Neo4jStore) -> None:
    places = _ids(memory, NodeKind.REGION) + _ids(memory, NodeKind.PARK)
    params = [profile.Params(place=place, top_gaps=[3, 0, 20][i % 3]) for i, place in enumerate(places)]
    params.append(profile.Params(place="chain:集成电路"))
    assert assert_same(memory, neo, profile.QUERY, params) == len(places) + 1


def _search_texts(memory: MemoryStore) -> list[str]:
    """Names, 简称, traditional spellings, fragments, typos, Latin, punctuation, nonsense."""
    texts = [
        "有研", "有研集团", "有研億金", "半導體", "集成電路", "德州", "天衢新区", "德州經濟技術開發區", "乐陵",
        "禹城", "新材料", "光刻胶", "硅", "区", "股份有限公司", "公司", "有限", "科技", "集团", "产业",
        "山东 德州", "ＡＢＣ", "abc", "(山东)", "a*b",
        'x"y', "：", "\\", "新能源汽车零部件产业园", "中国", "zzz",
    ]  # fmt: skip
    rng = random.Random(7)
    names = sorted({attrs.get("name", "") for _, attrs in memory.graph.nodes(data=True)})
    for name in rng.sample(names, 25):
        start = rng.randrange(max(1, len(name) - 2))
        texts += [name, name[start : start + rng.randint(1, 4)], name[:-1] + "某"]
    return [t for t in texts if t.strip()]


def test_search(memory: MemoryStore, neo: Neo4jStore) -> None:
    variants = [
        (20, None),
        (5, [NodeKind.ENTERPRISE, NodeKind.PROJECT]),
        (50, [NodeKind.SOURCE, NodeKind.SEGMENT, NodeKind.CHAIN_OFFICE]),
    ]
    texts = _search_texts(memory)
    params = [
        search.Params(text=text, limit=limit, kinds=kinds)
        for i, text in enumerate(texts)
        for limit, kinds in variants[: 3 if i % 4 == 0 else 1]
    ]
    params.append(search.Params(text=" ， "))
    assert assert_same(memory, neo, search.QUERY, params) > 100


def test_listing_and_search_are_planned_once(memory: MemoryStore, neo: Neo4jStore) -> None:
    """Whatever the filters or the text, the enterprise listing and search run a fixed few statement
    texts with parameters of fixed types (Neo4j plans a statement anew for each text and for each
    parameter's type and, for strings and lists, size bucket: BENCHMARKS.md §4h) — and answer as
    the embedded store does."""
    shapes: set[tuple[str, tuple[tuple[str, str], ...]]] = set()

    def execute(statement: str, parameters: Any) -> list[dict[str, Any]]:
        shapes.add((statement, tuple(sorted((k, type(v).__name__) for k, v in parameters.items()))))
        return neo.read(statement, parameters)

    listings = [
        listing_enterprises.Params(**filters)
        for filters in [
            {},
            {"text": "有研", "kind": EnterpriseKind.PRIVATE},
            {"segment": "seg:高纯金属", "scope": "region:德州市", "cursor": "ZW50Og"},
            {"chain": "chain:集成电路", "scope": "region:天衢新区", "text": "集团"},
            {"scope": "region:德州市"},
            {"chain": "chain:集成电路"},
        ]
    ]
    for params in listings:
        assert listing_enterprises.run_cypher(execute, params) == memory.run(listing_enterprises.QUERY, params)
    assert len(shapes) == len({statement for statement, _ in shapes}) <= 3  # prelude, page, dense page
    shapes.clear()
    texts = ["公司", "德州", "有研", "乐陵", "有研科技集团有限公司", "德州經濟技術開發區", "新材料", "有限公司某"]
    for text in texts:
        params = search.Params(text=text)
        assert search.run_cypher(execute, params) == memory.run(search.QUERY, params)
    assert len(shapes) == 2  # two characters, and the rest


def test_search_builds_its_lucene_queries_as_the_client_does(neo: Neo4jStore) -> None:
    """RANKED writes :func:`chainkg.queries.matching.candidate_queries` (the Dice clauses of
    :func:`~chainkg.queries.matching.dice_clauses`, whose rule tests/store/test_indexes.py checks) in
    Cypher: the Lucene queries it ran are the client's, for texts of 3 to 13 bigrams."""
    ran: list[list[list[str]]] = []

    def execute(statement: str, parameters: Any) -> list[dict[str, Any]]:
        rows = neo.read(statement, parameters)
        if statement == RANKED:
            ran.append(rows[0]["queries"])
        return rows

    for text in ["有研科技集团有限公司", "德州经济技术开发区", "新材料", "有限公司某", "乐陵市泰山钢铁"]:
        query = normalize_name(text)
        ran.clear()
        cypher_ranked(execute, query, [NodeKind.ENTERPRISE], 5)
        frequency = _frequencies(neo.read, query)
        assert ran == [[list(pair) for pair in candidate_queries(query, frequency)]]


def test_entity_detail_with_paging(memory: MemoryStore, neo: Neo4jStore) -> None:
    graph = memory.graph
    every = sorted(graph.nodes)
    busiest = sorted(every, key=lambda n: (-graph.degree(n), n))[:15]
    params = [entity.Params(id=node) for node in every[::2]]
    params += [
        entity.Params(id=node, offset=offset, limit=limit, edge_kind=kind)
        for node in busiest
        for offset, limit, kind in ((1, 1, None), (2, 3, None), (0, 100, EdgeKind.LOCATED_IN), (4, 2, EdgeKind.CITES))
    ]
    params += [entity.Params(id="ent:没有"), entity.Params(id="not-an-id")]
    assert assert_same(memory, neo, entity.QUERY, params) > len(every) // 2


def test_explain(memory: MemoryStore, neo: Neo4jStore) -> None:
    rng = random.Random(11)
    facts = [n for n in sorted(memory.graph.nodes) if not n.startswith(NodeKind.SOURCE.prefix + ":")]
    pairs = [tuple(rng.sample(facts, 2)) for _ in range(30)]
    params = [explain.Params(source=a, target=b) for a, b in pairs]
    params += [explain.Params(source=a, target=b, max_length=6, max_paths=20) for a, b in pairs[:10]]
    params += [explain.Params(source=a, target=b, max_length=1, max_paths=1) for a, b in pairs[10:15]]
    params += [
        explain.Params(source="ent:有研科技集团有限公司", target="region:天衢新区", max_paths=20),
        explain.Params(source="src:dz-gov-2024", target=facts[0]),
        explain.Params(source=facts[0], target="ent:没有"),
    ]
    assert assert_same(memory, neo, explain.QUERY, params) > 40


def _pages(memory: MemoryStore, module: Any, limit: int, **filters: object) -> list[object]:
    """Every page of a listing walk (on the embedded store), as params to replay on both."""
    params, cursor = [], None
    while True:
        p = module.Params(limit=limit, cursor=cursor, **filters)
        params.append(p)
        cursor = memory.run(module.QUERY, p).next_cursor
        if cursor is None:
            return params


def test_listings(memory: MemoryStore, neo: Neo4jStore) -> None:
    chains, regions = _ids(memory, NodeKind.CHAIN), _ids(memory, NodeKind.REGION)
    parks = _ids(memory, NodeKind.PARK)
    checked = 0
    for text in (None, "產業"):
        checked += assert_same(memory, neo, listing_chains.QUERY, _pages(memory, listing_chains, 5, text=text))
        checked += assert_same(memory, neo, listing_regions.QUERY, _pages(memory, listing_regions, 4, text=text))
        checked += assert_same(memory, neo, listing_parks.QUERY, _pages(memory, listing_parks, 3, text=text))
    segment_filters = [{"chain": chains[0]}, {"chain": chains[5], "stage": Stage.UPSTREAM}, {"stage": Stage.DOWNSTREAM}]
    for filters in [{}, *segment_filters, {"text": "材料"}]:
        checked += assert_same(memory, neo, listing_segments.QUERY, _pages(memory, listing_segments, 40, **filters))
    for filters in [{"scope": regions[0]}, {"scope": parks[0], "level": ParkLevel.NATIONAL}]:
        checked += assert_same(memory, neo, listing_parks.QUERY, _pages(memory, listing_parks, 2, **filters))
    for filters in [{"scope": "region:德州市"}, {"level": RegionLevel.COUNTY}]:
        checked += assert_same(memory, neo, listing_regions.QUERY, _pages(memory, listing_regions, 3, **filters))
    enterprise_filters: list[dict[str, object]] = [
        {"text": "  "},
        {"kind": EnterpriseKind.CENTRAL_SOE_GROUP, "chain": "chain:集成电路"},
        {"segment": "seg:高纯金属", "scope": "region:德州市"},
        {"scope": "region:天衢新区", "text": "有研"},
        {"chain": chains[1], "scope": parks[1], "kind": EnterpriseKind.PRIVATE},
        # totals from the facts, pages read in id order (listing.enterprises._dense)
        {"scope": "region:德州市"},
        {"scope": parks[2]},
        {"chain": chains[2]},
        {"chain": chains[3], "scope": "region:天衢新区"},
    ]
    for filters in enterprise_filters:
        checked += assert_same(
            memory, neo, listing_enterprises.QUERY, _pages(memory, listing_enterprises, 9, **filters)
        )
    errors = [
        listing_enterprises.Params(segment="seg:不存在"),
        listing_enterprises.Params(scope="chain:集成电路", cursor="YQ"),
    ]
    checked += assert_same(memory, neo, listing_enterprises.QUERY, errors)
    checked += assert_same(memory, neo, listing_regions.QUERY, [listing_regions.Params(scope="park:不存在")])
    assert checked > 30


def test_segment_facts_are_the_same_from_either_side(memory: MemoryStore, neo: Neo4jStore) -> None:
    """A scope's segment facts on Neo4j come from the segments' members or from the scope's located
    members, whichever is smaller (chainkg.queries.cypher.segment_facts): both statements, and the one
    choosing between them, agree — all members or the first three — for every chain and place (the
    city, each district, town and park), and with the embedded store's segment facts."""
    from chainkg.queries.common import resolve_scope
    from chainkg.queries.coverage import segment_facts
    from chainkg.queries.cypher.common import ACTIVE, places_of
    from chainkg.queries.cypher.segment_facts import BY_PLACE, BY_SEGMENT, chosen, statement

    graph = memory.graph
    places = [*_ids(memory, NodeKind.REGION), *_ids(memory, NodeKind.PARK)]
    compared = 0
    for chain in _ids(memory, NodeKind.CHAIN):
        (row,) = gaps.chain_segments_cypher(neo.read, [chain])
        segments = [segment["id"] for segment in row["segments"]]
        for place in places:
            args = {"segments": segments, "places": places_of(neo.read, place), "active": ACTIVE, "as_of": None}
            _, local = resolve_scope(graph, place)
            for head in (None, 3):
                by_place = {row["id"]: row for row in neo.read(statement(BY_PLACE, head), args)}
                by_segment = {row["id"]: row for row in neo.read(statement(BY_SEGMENT, head), args)}
                chosen_ = {row["id"]: row for row in neo.read(chosen(head), args)}
                assert by_place == by_segment == chosen_, (chain, place, head)
                for segment in segments:
                    facts = segment_facts(graph, segment, local)
                    row = by_place.get(segment)
                    assert facts.covered == (row is not None), (chain, place, segment)
                    if row is None:
                        continue
                    counts = (row["enterprise_count"], row["project_count"], row["investment_cny"])
                    assert counts == (facts.enterprise_count, facts.project_count, facts.investment_cny)
                    assert [e["id"] for e in row["enterprises"]] == list(facts.enterprises[:head])
                    assert [p["id"] for p in row["projects"]] == list(facts.projects[:head])
                    assert sum(p["cny"] for p in row["projects"]) <= row["investment_cny"]
                    compared += 1
    assert compared > 200, "enough covered segments to mean something"


def test_project_ledger(memory: MemoryStore, neo: Neo4jStore) -> None:
    """The ledger's filters, orders and pages (chainkg.queries.ledger) on both stores."""
    rng = random.Random(13)
    chains, segments = _ids(memory, NodeKind.CHAIN), _ids(memory, NodeKind.SEGMENT)
    cases = [ledger.Params(limit=50), ledger.Params(chain="chain:不存在")]
    for sort in ledger.SORTS:
        for descending in (True, False):
            cases.append(ledger.Params(sort=sort, descending=descending, limit=50))
    for _ in range(40):
        cases.append(
            ledger.Params(
                chain=rng.choice([None, *chains]),
                segment=rng.choice([None, None, *segments]),
                scope=rng.choice(_scopes(memory)),
                statuses=rng.choice([None, [ProjectStatus.SIGNED, ProjectStatus.UNDER_CONSTRUCTION]]),
                date_from=rng.choice([None, "2020", "2023-01-15"]),
                min_investment=rng.choice([None, 10**8]),
                text=rng.choice([None, "项目", "有研"]),
                sort=rng.choice(ledger.SORTS),
                offset=rng.choice([0, 2]),
                limit=rng.choice([0, 5, 50]),
            )
        )
    assert assert_same(memory, neo, ledger.QUERY, cases) == len(cases)


def test_chains_overview(memory: MemoryStore, neo: Neo4jStore) -> None:
    params = [overview.Params(scope=scope, top_gaps=top) for scope in _scopes(memory) for top in (0, 5)]
    assert assert_same(memory, neo, overview.QUERY, params) == len(params)
