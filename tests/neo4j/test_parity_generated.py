"""Parity on generated graphs: hypothesis draws small cities (tests/queries/generated.py) — chains with
odd FEEDS shapes, ownership trees, projects in every status, places inside and outside the home city —
and every query, over every segment, enterprise and place of the draw, answers the same on both stores.

Where Dezhou is one realistic graph, these are many unrealistic ones: empty segments, a chain with no
covered segment, a group with no local member, cycles of nothing but edge cases."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from chainkg.queries import (
    chain_map,
    entity,
    explain,
    footprint,
    gaps,
    ledger,
    overview,
    pipeline,
    profile,
    project_history,
    recommend,
    report,
    search,
    stats,
    supply_chain,
)
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.queries.listing import parks as listing_parks
from chainkg.queries.listing import regions as listing_regions
from chainkg.queries.listing import segments as listing_segments
from chainkg.queries.policies import eligible as policy_eligible
from chainkg.queries.policies import listing as policy_list
from chainkg.queries.policies import match as policy_match
from chainkg.queries.registry import QUERIES
from chainkg.schema.kinds import NodeKind
from chainkg.schema.records import Batch
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.nx_index import nodes_of_kind
from tests.neo4j.contents import memory_contents, neo4j_contents
from tests.neo4j.parity import differences
from tests.queries.generated import PLACES, Spec, records, specs

CHAIN_A, CHAIN_B = "chain:链a", "chain:链b"
DAY = dt.date(2021, 6, 30)


def _params(memory: MemoryStore, seed: int) -> dict[str, Sequence[BaseModel]]:
    """Parameters for every query of the registry, by query name."""
    graph = memory.graph
    segments = list(nodes_of_kind(graph, NodeKind.SEGMENT))
    enterprises = list(nodes_of_kind(graph, NodeKind.ENTERPRISE))
    projects = list(nodes_of_kind(graph, NodeKind.PROJECT))
    scopes = [None, "region:东区", "park:东区园", "region:外市"]
    rng = random.Random(seed)
    groups = [e for e in enterprises if graph.in_degree(e) > 1]  # a CITES-free in-edge: a subsidiary or investor
    facts = [n for n in sorted(graph.nodes) if not n.startswith("src:")]
    pairs = [tuple(rng.sample(facts, 2)) for _ in range(4)]
    return {
        stats.QUERY.name: [stats.Params()],
        chain_map.QUERY.name: [chain_map.Params(chain=CHAIN_A, scope=s, max_members=2) for s in scopes]
        + [chain_map.Params(chain=CHAIN_A, as_of=DAY)],
        gaps.QUERY.name: (
            [gaps.Params(chain=CHAIN_A, scope=s, min_enterprises=2) for s in scopes]
            + [gaps.Params(chain=CHAIN_B, min_enterprises=1, min_investment_share=0.3)]
            + [gaps.Params(chain=CHAIN_A, as_of=DAY)]
        ),
        supply_chain.QUERY.name: (
            [supply_chain.Params(node=s, depth=2, scope=rng.choice(scopes)) for s in segments[::2]]
            + [supply_chain.Params(node=e, direction="upstream", depth=3) for e in enterprises[::2]]
            + [supply_chain.Params(node=p, direction="downstream", depth=1) for p in projects[:2]]
        ),
        recommend.QUERY.name: (
            [recommend.Params(segment=s, scope=scope) for s in segments for scope in (None, "region:东区")][::2]
        ),
        footprint.QUERY.name: (
            [footprint.Params(group=g, max_depth=6) for g in groups[:3]]
            + [footprint.Params(group=g, scope="park:东区园", max_depth=1) for g in groups[:1]]
        ),
        profile.QUERY.name: [profile.Params(place=p, top_gaps=2) for p in PLACES],
        search.QUERY.name: [search.Params(text=t) for t in ("企业1", "环节", "項目", "东区园", "链")],
        entity.QUERY.name: [entity.Params(id=n, offset=1, limit=2) for n in rng.sample(facts, min(6, len(facts)))],
        explain.QUERY.name: [explain.Params(source=a, target=b, max_paths=3) for a, b in pairs],
        listing_chains.QUERY.name: [listing_chains.Params(limit=1)],
        listing_segments.QUERY.name: [listing_segments.Params(chain=CHAIN_B), listing_segments.Params(limit=2)],
        listing_regions.QUERY.name: [listing_regions.Params(scope="region:本市")],
        listing_parks.QUERY.name: [listing_parks.Params(scope="region:本市")],
        listing_enterprises.QUERY.name: [listing_enterprises.Params(scope="region:本市", limit=3)],
        ledger.QUERY.name: [ledger.Params(scope=s) for s in scopes] + [ledger.Params(chain=CHAIN_A, sort="investment")],
        overview.QUERY.name: [overview.Params(scope=s, top_gaps=2) for s in scopes],
        # the pipeline and policy queries on graphs written without a ledger or policies: projects with
        # a status and no status events, no policy (an unknown one is the same error on both stores)
        pipeline.QUERY.name: [pipeline.Params(scope=s) for s in scopes[:2]]
        + [pipeline.Params(chain=CHAIN_A, as_of=DAY, overdue_only=True)],
        project_history.QUERY.name: [project_history.Params(project=p, as_of=DAY) for p in projects[:2]],
        report.QUERY.name: [report.Params(target=t, period="2021") for t in ("region:本市", CHAIN_A, "park:东区园")],
        policy_list.QUERY.name: [policy_list.Params()],
        policy_match.QUERY.name: [policy_match.Params(subject=n) for n in [*projects[:1], *enterprises[:1]]],
        policy_eligible.QUERY.name: [policy_eligible.Params(policy="policy:不存在")],
    }


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs(), seed=st.integers(0, 10_000))
def test_every_query_answers_the_same_on_generated_graphs(neo4j_store: Neo4jStore, spec: Spec, seed: int) -> None:
    nodes, edges = records(spec)
    memory = MemoryStore()
    memory.write(Batch(nodes=nodes, edges=edges))
    neo4j_store.clear()
    neo4j_store.write(Batch(nodes=nodes, edges=edges))
    assert neo4j_contents(neo4j_store) == memory_contents(memory)
    problems: list[str] = []
    every = _params(memory, seed)
    assert set(every) == {query.name for query in QUERIES}, "a query without parameters here"
    for query in QUERIES:
        problems += differences(memory, neo4j_store, query, every[query.name])[1]
    assert not problems, "\n".join(problems)
