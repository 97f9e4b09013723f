"""Query latency: p50/p99 of every query, over a spread of parameters drawn from the loaded graph.

A query is benchmarked by a :class:`QueryCase` in :data:`CASES`: its name, its query object (what
``store.run`` runs) and a function that draws one parameter set from a :class:`Universe`
(the graph's ids, by kind, sorted) and a seeded random generator — a random chain × a random scope
for the gap analysis, a random enterprise, segment or project and a depth for the supply-chain walk,
and so on — so the timings cover the graph rather than one lucky node.

:func:`measure` runs every case on a store: ``warmup`` runs (the first one's time is reported as
``first_ms``: a cold cache, an unplanned statement), then ``repeats`` timed runs, each with freshly
drawn parameters; p50/p99 (nearest rank), the mean and the maximum in milliseconds, and the full
garbage collections of this process during the timed runs (in the embedded store's process each
walks the whole graph). Both stores answer
``store.run(query, params)``; the universe is read from the store itself (networkx for the
embedded store, Cypher for Neo4j), sorted by id, so one seed draws the same parameters on both.

The cases run in the order of :data:`CASES` on one store, so caches one case builds (a scope's
local set, say) serve the cases after it — as they would in a server answering mixed requests.
``benchmarks.run`` calls this in the ``open`` step (embedded store, from the snapshot) and in the
``neo4j`` step (a Neo4j server the benchmark starts and loads). Never part of the test suite.
Every query of :mod:`chainkg.queries.registry` must have a case: a new query without one stops the
benchmark at import, naming it.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from benchmarks.measure import percentiles
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
from chainkg.queries.base import Query
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.queries.listing import parks as listing_parks
from chainkg.queries.listing import regions as listing_regions
from chainkg.queries.listing import segments as listing_segments
from chainkg.queries.listing.base import encode_cursor
from chainkg.queries.registry import QUERIES
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import EnterpriseKind, NodeKind, RegionLevel, Stage
from chainkg.store.protocol import GraphStore

__all__ = ["CASES", "QueryCase", "Universe", "measure", "universe"]

#: Regions whose level makes them a district-sized scope (the others are towns, the city, the province).
_DISTRICT_LEVELS = {
    RegionLevel.DISTRICT.value,
    RegionLevel.COUNTY.value,
    RegionLevel.COUNTY_CITY.value,
    RegionLevel.FUNCTIONAL_ZONE.value,
}


@dataclass(frozen=True)
class Universe:
    """Ids the parameters are drawn from, each list sorted by id (so a seed means the same draws on
    every store), plus names for search texts."""

    home: str
    chains: list[str]
    segments: list[str]
    enterprises: list[str]
    projects: list[str]
    groups: list[str]  # enterprises with subsidiaries and no parent: the tops of ownership trees
    districts: list[str]  # districts, counties, county-level cities, functional zones inside the home city
    towns: list[str]  # the other regions inside the home city
    parks: list[str]  # parks inside the home city
    names: dict[str, str]  # enterprise and segment id → name

    def scope(self, rng: random.Random) -> str | None:
        """None (the default: the home city) a quarter of the time, else a district, a town or a park."""
        pick = rng.randrange(4)
        if pick == 0 or not (self.districts and self.towns and self.parks):
            return None
        return rng.choice((self.districts, self.towns, self.parks)[pick - 1])

    def place(self, rng: random.Random) -> str:
        """A place to profile: the home city a quarter of the time, else a district, a town or a park."""
        return self.scope(rng) or self.home


_UNIVERSE_CYPHER = {
    "nodes": """
MATCH (n:Entity) WHERE n:Chain OR n:Segment OR n:Enterprise OR n:Project
RETURN n.id AS id, CASE WHEN n:Enterprise OR n:Segment THEN n.name END AS name""",
    "groups": """
MATCH (g:Enterprise) WHERE EXISTS { ()-[:SUBSIDIARY_OF]->(g) } AND NOT EXISTS { (g)-[:SUBSIDIARY_OF]->() }
RETURN g.id AS id""",
    "home": "MATCH (r:Region) WHERE r.home = true RETURN r.id AS id ORDER BY id LIMIT 1",
    "places": """
MATCH (root:Entity {id: $home})
MATCH (place)((child)-[link:PART_OF|LOCATED_IN]->(parent)
  WHERE (link:PART_OF AND child:Region) OR (link:LOCATED_IN AND child:Park))*(root)
WITH DISTINCT place
RETURN place.id AS id, place:Park AS park, place.level AS level""",
}


def universe(store: GraphStore) -> Universe:
    """The universe of the store's graph: networkx for the embedded store, Cypher for Neo4j."""
    by_kind: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    places: list[tuple[str, bool, str | None]] = []
    graph = getattr(store, "graph", None)
    if graph is not None:
        from chainkg.queries.common import home_region
        from chainkg.store.nx_index import nodes_of_kind, ownership, places_under

        for kind in (NodeKind.CHAIN, NodeKind.SEGMENT, NodeKind.ENTERPRISE, NodeKind.PROJECT):
            by_kind[kind.value] = list(nodes_of_kind(graph, kind))
        for kind in (NodeKind.ENTERPRISE, NodeKind.SEGMENT):
            names.update((node, graph.nodes[node].get("name", node)) for node in nodes_of_kind(graph, kind))
        owners = ownership(graph)
        groups = list(owners.has_subsidiaries - owners.parents.keys())  # tops of ownership trees
        home = home_region(graph)
        for place in places_under(graph, home):
            attrs = graph.nodes[place]
            places.append((place, attrs["kind"] == NodeKind.PARK.value, attrs.get("level")))
    else:
        read = store.read  # type: ignore[attr-defined]
        for row in read(_UNIVERSE_CYPHER["nodes"]):
            by_kind.setdefault(kind_of_id(row["id"]).value, []).append(row["id"])
            if row["name"] is not None:
                names[row["id"]] = row["name"]
        groups = [row["id"] for row in read(_UNIVERSE_CYPHER["groups"])]
        (home_row,) = read(_UNIVERSE_CYPHER["home"])
        home = home_row["id"]
        places = [(r["id"], r["park"], r["level"]) for r in read(_UNIVERSE_CYPHER["places"], {"home": home})]
    return Universe(
        home=home,
        chains=sorted(by_kind.get(NodeKind.CHAIN.value, [])),
        segments=sorted(by_kind.get(NodeKind.SEGMENT.value, [])),
        enterprises=sorted(by_kind.get(NodeKind.ENTERPRISE.value, [])),
        projects=sorted(by_kind.get(NodeKind.PROJECT.value, [])),
        groups=sorted(groups),
        districts=sorted(p for p, park, level in places if not park and level in _DISTRICT_LEVELS),
        towns=sorted(p for p, park, level in places if not park and level not in _DISTRICT_LEVELS and p != home),
        parks=sorted(p for p, park, _ in places if park),
        names=names,
    )


Draw = Callable[[Universe, random.Random], BaseModel]


@dataclass(frozen=True)
class QueryCase:
    name: str
    query: Query[Any, Any]
    params: Draw
    repeats: int | None = None  # None: the run's default; a whole-graph query may take fewer


# --- parameter draws ------------------------------------------------------------------------------


def _supply_node(u: Universe, rng: random.Random) -> str:
    """A segment, an enterprise or a project, a third of the time each."""
    return rng.choice(rng.choice((u.segments, u.enterprises, u.projects)))


def _supply(direction: str, depth: int | None) -> Draw:
    def draw(u: Universe, rng: random.Random) -> BaseModel:
        return supply_chain.Params(
            node=_supply_node(u, rng), direction=direction, depth=depth or rng.randint(1, 3), scope=u.scope(rng)
        )

    return draw


def _search_text(style: str) -> Callable[[Universe, random.Random], BaseModel]:
    """Search texts of one style, made from a random enterprise's (or segment's) name."""

    def draw(u: Universe, rng: random.Random) -> BaseModel:
        name = u.names[rng.choice(u.enterprises)]
        if style == "short":  # two characters: the start of a name, or a frequent word
            text = rng.choice([name[:2], "集团", "科技", "德州"])
        elif style == "part":  # four characters from inside a name
            start = rng.randrange(max(1, len(name) - 4))
            text = name[start : start + 4]
        elif style == "full":  # an exact name (an enterprise's or a segment's)
            text = name if rng.random() < 0.8 else u.names[rng.choice(u.segments)]
        else:  # "typo": one character of the name replaced
            i = rng.randrange(len(name))
            text = name[:i] + rng.choice("的一是在不了有和人这中大为上个国我以要他") + name[i + 1 :]
        return search.Params(text=text)

    return draw


def _listing_enterprises(u: Universe, rng: random.Random) -> BaseModel:
    """One to three filters out of segment, chain, scope, kind, text; a page after a random cursor
    a third of the time."""
    filters: dict[str, Any] = {}
    for name in rng.sample(["segment", "chain", "scope", "kind", "text"], rng.randint(1, 3)):
        if name == "segment":
            filters["segment"] = rng.choice(u.segments)
        elif name == "chain":
            filters["chain"] = rng.choice(u.chains)
        elif name == "scope":
            filters["scope"] = u.scope(rng) or u.home
        elif name == "kind":
            filters["kind"] = rng.choice(list(EnterpriseKind))
        else:
            filters["text"] = u.names[rng.choice(u.enterprises)][:2]
    if rng.random() < 1 / 3:
        filters["cursor"] = encode_cursor(rng.choice(u.enterprises))
    return listing_enterprises.Params(limit=50, **filters)


def _explain(u: Universe, rng: random.Random) -> BaseModel:
    """An enterprise to a place (half the time) or to another enterprise."""
    source = rng.choice(u.enterprises)
    if rng.random() < 0.5:
        target = rng.choice([u.home, *u.districts, *u.parks])
    else:
        target = rng.choice(u.enterprises)
        while target == source:
            target = rng.choice(u.enterprises)
    return explain.Params(source=source, target=target)


def _hub(u: Universe, rng: random.Random) -> BaseModel:
    """A node with thousands of edges: a segment, a place or a chain."""
    return entity.Params(id=rng.choice(rng.choice((u.segments, [u.home, *u.districts, *u.parks], u.chains))))


def _ledger(u: Universe, rng: random.Random) -> BaseModel:
    """The project ledger in a scope, a third of the time of one chain, sorted one of its ways."""
    sort = rng.choice(["date", "investment", "name", "status", "id"])
    chain = rng.choice(u.chains) if rng.random() < 1 / 3 else None
    return ledger.Params(scope=u.scope(rng), chain=chain, sort=sort)


#: Every query, with the spread of parameters it is timed over.
CASES: list[QueryCase] = [
    QueryCase("chain map", chain_map.QUERY, lambda u, r: chain_map.Params(chain=r.choice(u.chains), scope=u.scope(r))),
    QueryCase("gaps", gaps.QUERY, lambda u, r: gaps.Params(chain=r.choice(u.chains), scope=u.scope(r))),
    QueryCase("upstream d1", supply_chain.QUERY, _supply("upstream", 1)),
    QueryCase("upstream d2", supply_chain.QUERY, _supply("upstream", 2)),
    QueryCase("upstream d3", supply_chain.QUERY, _supply("upstream", 3)),
    QueryCase("downstream d3", supply_chain.QUERY, _supply("downstream", 3)),
    QueryCase("up+down d1-3", supply_chain.QUERY, _supply("both", None)),
    QueryCase(
        "recommend", recommend.QUERY, lambda u, r: recommend.Params(segment=r.choice(u.segments), scope=u.scope(r))
    ),
    QueryCase("footprint", footprint.QUERY, lambda u, r: footprint.Params(group=r.choice(u.groups), scope=u.scope(r))),
    QueryCase("profile", profile.QUERY, lambda u, r: profile.Params(place=u.place(r))),
    QueryCase("search: 2 chars", search.QUERY, _search_text("short")),
    QueryCase("search: part of a name", search.QUERY, _search_text("part")),
    QueryCase("search: full name", search.QUERY, _search_text("full")),
    QueryCase("search: misspelt name", search.QUERY, _search_text("typo")),
    QueryCase("entity: enterprise", entity.QUERY, lambda u, r: entity.Params(id=r.choice(u.enterprises))),
    QueryCase("entity: hub node", entity.QUERY, _hub),
    QueryCase("explain", explain.QUERY, _explain),
    QueryCase(
        "list chains", listing_chains.QUERY, lambda u, r: listing_chains.Params(text=r.choice([None, "新", "材料"]))
    ),
    QueryCase(
        "list segments",
        listing_segments.QUERY,
        lambda u, r: listing_segments.Params(chain=r.choice([None, *u.chains]), stage=r.choice([None, *Stage])),
    ),
    QueryCase("list parks", listing_parks.QUERY, lambda u, r: listing_parks.Params(scope=u.scope(r))),
    QueryCase(
        "list regions",
        listing_regions.QUERY,
        lambda u, r: listing_regions.Params(scope=r.choice([None, u.home, *u.districts])),
    ),
    QueryCase("list enterprises", listing_enterprises.QUERY, _listing_enterprises),
    QueryCase("project ledger", ledger.QUERY, _ledger),
    # kept per graph version and scope: after a scope's first call, the answer is a copy of the kept one
    QueryCase("chains overview", overview.QUERY, lambda u, r: overview.Params(scope=u.scope(r))),
    QueryCase("stats (whole graph)", stats.QUERY, lambda u, r: stats.Params(), repeats=5),
]


def _uncovered() -> list[str]:
    """Queries that no case times (a full run refuses to start while there are any)."""
    return [query.name for query in QUERIES if query.name not in {case.query.name for case in CASES}]


class _Collections:
    """Full (oldest-generation) garbage collections while a case runs: their number and time. In the
    embedded store's process a full collection walks every object of the graph — the cause of most
    outliers in an otherwise flat latency distribution — so each case reports its own."""

    def __init__(self) -> None:
        self.count = 0
        self.ms = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.ms += (time.perf_counter() - self._started) * 1000


def measure(
    store: GraphStore,
    *,
    repeats: int = 100,
    seed: int = 0,
    warmup: int = 3,
    only: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Time every case (or those named in ``only``) on ``store``; one row per case (ms)."""
    if not only and (uncovered := _uncovered()):
        raise RuntimeError(f"queries without a benchmark case (add one to CASES): {', '.join(uncovered)}")
    u = universe(store)
    rows = []
    for index, case in enumerate(CASES):
        if only and case.name not in only:
            continue
        rng = random.Random(f"{seed}:{case.name}")  # each case its own stream: adding a case changes no other
        n = case.repeats or repeats
        first_ms = None
        for _ in range(warmup if case.repeats is None else 1):  # caches, lazy imports, statement plans
            started = time.perf_counter()
            store.run(case.query, case.params(u, rng))
            first_ms = first_ms if first_ms is not None else (time.perf_counter() - started) * 1000
        samples = []
        collections = _Collections()
        gc.callbacks.append(collections)
        try:
            for _ in range(n):
                params = case.params(u, rng)
                started = time.perf_counter()
                store.run(case.query, params)
                samples.append((time.perf_counter() - started) * 1000)
        finally:
            gc.callbacks.remove(collections)
        row = {
            "query": case.name,
            "store": store.backend,
            "runs": n,
            **{f"{k}_ms": round(v, 3) for k, v in percentiles(samples).items()},
            "mean_ms": round(sum(samples) / n, 3),
            "max_ms": round(max(samples), 3),
            "first_ms": round(first_ms or 0.0, 3),
            "full_gc": collections.count,  # full collections during the timed runs (this process's)
            "full_gc_ms": round(collections.ms, 1),
        }
        rows.append(row)
        if progress is not None:
            progress(f"{index + 1}/{len(CASES)} {case.name}: p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms")
    return rows
