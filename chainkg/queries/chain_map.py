"""Chain map (产业链图谱): every segment of a chain in a scope, who is there, and how they connect.

Definition. For chain C and scope S (see :mod:`chainkg.queries.common` for scope, local, active, covered):

- ``segments``: every segment PART_OF C, ordered by stage (上游, 中游, 下游), then by C's FEEDS
  order (a supplier before its customers), then by name. For each: its local enterprises and local
  active projects (counts, and the first ``max_members`` of each by id), the CNY investment of
  those projects, ``covered``, and the chains it belongs to besides C;
- ``feeds``: FEEDS edges with both ends in C, ordered by (from, to);
- ``leaders``: local enterprises with a LEADS edge to C, by id;
- ``totals``: segments, covered segments, distinct local enterprises and active projects in C's
  segments, and their CNY investment (each project counted once).

With ``as_of`` (a day), the map is the one the sources supported that day: a project counts when it
was active on that day (its status then, :mod:`chainkg.schema.lifecycle` — projects not yet known
do not exist) with the investment known then; enterprises and the ontology are as they are now.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import (
    NodeRef,
    ScopeRef,
    chain_segments,
    cny,
    node_ref,
    order_segments,
    require,
    resolve_scope,
    segment_chains,
)
from chainkg.queries.coverage import chain_leaders, segment_facts
from chainkg.queries.cypher import common as cy
from chainkg.queries.cypher import facts as kf
from chainkg.queries.cypher.kept_chains import kept_chains
from chainkg.queries.cypher.segment_facts import local_facts
from chainkg.queries.params import CHAIN, AsOf, Scope
from chainkg.schema.kinds import EdgeKind, NodeKind, Stage
from chainkg.schema.lifecycle import investment_at
from chainkg.store.graph_tables import node_table
from chainkg.store.neo4j.facts import HEAD
from chainkg.store.nx_index import cached_per_scope

__all__ = [
    "CYPHER",
    "QUERY",
    "ChainLeader",
    "Feed",
    "Params",
    "Result",
    "SegmentState",
    "Totals",
    "run_cypher",
    "run_networkx",
]


class Params(BaseModel):
    chain: Annotated[str, CHAIN] = Field(
        description="chain: id or name, e.g. chain:集成电路 or 集成电路 / 产业链 id 或名称", examples=["chain:集成电路"]
    )
    scope: Scope = None
    max_members: int = Field(
        default=20, ge=0, le=200, description="enterprises/projects listed per segment / 每个环节列出的企业、项目数"
    )
    as_of: AsOf = None


class SegmentState(BaseModel):
    segment: NodeRef
    stage: Stage
    covered: bool = Field(description="has a local enterprise or active project / 本地已覆盖")
    enterprise_count: int
    enterprises: list[NodeRef]
    project_count: int = Field(description="local active projects")
    projects: list[NodeRef]
    investment_cny: int = Field(description="CNY investment of the local active projects, 元")
    other_chains: list[NodeRef] = Field(description="other chains sharing this segment")


class Feed(BaseModel):
    source: str = Field(description="supplier segment id")
    target: str = Field(description="customer segment id")


class ChainLeader(BaseModel):
    enterprise: NodeRef
    scope: NodeRef | None = Field(description="where the sources say it leads the chain")


class Totals(BaseModel):
    segments: int
    covered: int
    enterprises: int
    projects: int
    investment_cny: int


class Result(BaseModel):
    chain: NodeRef
    scope: ScopeRef
    as_of: dt.date | None = None
    segments: list[SegmentState]
    feeds: list[Feed]
    leaders: list[ChainLeader]
    totals: Totals


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    require(graph, params.chain, (NodeKind.CHAIN,), "chain")
    scope, local = resolve_scope(graph, params.scope)
    as_of = params.as_of.isoformat() if params.as_of else None
    members = chain_segments(graph, params.chain)
    member_set = set(members)
    states: list[SegmentState] = []
    for segment in members:
        facts = segment_facts(graph, segment, local, as_of)
        states.append(
            SegmentState(
                segment=node_ref(graph, segment),
                stage=Stage(graph.nodes[segment]["stage"]),
                covered=facts.covered,
                enterprise_count=len(facts.enterprises),
                enterprises=[node_ref(graph, e) for e in facts.enterprises[: params.max_members]],
                project_count=len(facts.projects),
                projects=[node_ref(graph, p) for p in facts.projects[: params.max_members]],
                investment_cny=facts.investment_cny,
                other_chains=[node_ref(graph, c) for c in segment_chains(graph, segment) if c != params.chain],
            )
        )
    feeds = sorted(
        (u, v)
        for u in members
        for _, v, k in graph.out_edges(u, data="kind", default="")
        if k == EdgeKind.FEEDS.value and v in member_set
    )
    leaders = [
        ChainLeader(enterprise=node_ref(graph, e), scope=node_ref(graph, s) if s is not None and s in graph else None)
        for e, s in chain_leaders(graph, params.chain, local)
    ]
    return Result(
        chain=node_ref(graph, params.chain),
        scope=scope,
        as_of=params.as_of,
        segments=states,
        feeds=[Feed(source=u, target=v) for u, v in feeds],
        leaders=leaders,
        totals=Totals(
            segments=len(states),
            covered=sum(s.covered for s in states),
            **cached_per_scope(
                graph,
                f"chain_totals:{params.chain}@{as_of or ''}",
                local,
                lambda: _totals(graph, members, local, as_of),
            ),
        ),
    )


def _totals(
    graph: nx.MultiDiGraph[str], members: list[str], local: frozenset[str], as_of: str | None
) -> dict[str, int]:
    """Distinct local enterprises and active projects over the chain's segments, and the projects'
    CNY investment (each once; with ``as_of``, the projects active that day and the investment known
    then) — kept per graph version, chain, scope and day: a dashboard asks for every chain of the
    home city, whose segments hold tens of thousands of members."""
    enterprises: set[str] = set()
    projects: set[str] = set()
    for segment in members:
        facts = segment_facts(graph, segment, local, as_of)
        enterprises.update(facts.enterprises)
        projects.update(facts.projects)
    nodes = node_table(graph)
    return {
        "enterprises": len(enterprises),
        "projects": len(projects),
        "investment_cny": sum(_cny(nodes[p], as_of) for p in projects),
    }


def _cny(attrs: dict[str, Any], as_of: str | None) -> int:
    return cny(attrs) if as_of is None else investment_at(attrs.get("investment_timeline"), as_of)


# --- Cypher twin -------------------------------------------------------------------------------

#: The Cypher twin: the chain's segments (with their chains, and the segments of the chain each one
#: FEEDS, once per FEEDS edge) in one statement; the scope, the segments' facts in it, the chain's
#: totals and its local leaders in another (:mod:`chainkg.queries.cypher.facts`).
CYPHER = {
    "segments": f"""
MATCH (s)-[:{cy.PART_OF}]->(c:{cy.CHAIN} {{id: $chain}})
WITH DISTINCT c, s
{cy.segment_chains("s")}
RETURN s.id AS id, s.name AS name, s.stage AS stage, chains,
       COLLECT {{ MATCH (s)-[:{cy.FEEDS}]->(b) WHERE EXISTS {{ (b)-[:{cy.PART_OF}]->(c) }} RETURN b.id }} AS feeds""",
    "scope": kf.scoped(kf.SEGMENT_FACTS, kf.CHAIN_FACTS, kf.LEADERS),
    # for more members per segment than the facts keep: the places too, to read the lists from the graph
    "scope_places": kf.scoped(kf.SEGMENT_FACTS, kf.CHAIN_FACTS, kf.LEADERS, places=True),
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`: one statement when the precomputed facts are fresh and
    hold ``max_members`` per segment (the chain's shape, its segments' facts and totals in the scope and
    its local leaders: :func:`chainkg.queries.cypher.kept_chains.kept_chains`); else three (the chain,
    its segments, the scope with their facts), a fourth for the members from the graph (the first
    ``max_members`` per segment when the facts are fresh, else every local member, as the totals need them)."""
    if params.as_of is None and (
        found := kept_chains(execute, params.scope, [params.chain], params.max_members, overview=True)
    ):
        (shape,) = found.chains
        members = {s["id"] for s in shape["segments"] if s["member"]}
        rows = {s["id"]: {**s, "feeds": [t for t in s["feeds_out"] if t in members]} for s in shape["segments"]}
        rows = {s: row for s, row in rows.items() if s in members}
        chain_fact = found.chain_facts[0] if found.chain_facts else None
        return _result(params, shape["name"], found.scope, rows, found.facts, chain_fact, found.leaders, fresh=True)
    chain = cy.require(execute, params.chain, (NodeKind.CHAIN,), "chain")
    rows = {row["id"]: row for row in execute(CYPHER["segments"], {"chain": params.chain})}
    as_of = params.as_of.isoformat() if params.as_of else None
    held = params.max_members <= HEAD
    args = {
        "scope": params.scope or None,
        "as_of": as_of,
        "segments": sorted(rows),
        "chains": [params.chain],
        "head": min(params.max_members, HEAD),
    }
    (found_row,) = execute(CYPHER["scope" if held else "scope_places"], args)
    scope, places = kf.resolve(execute, found_row)
    if found_row["fresh"]:
        facts = kf.segment_facts(found_row["segment_facts"])
        if not held:  # the first max_members of each segment, counted and cut on the server
            facts = local_facts(execute, sorted(rows), places, params.max_members)
        chain_fact = found_row["chain_facts"][0] if found_row["chain_facts"] else None
    else:
        facts = local_facts(execute, sorted(rows), places, as_of=as_of)
        chain_fact = None
    fresh = bool(found_row["fresh"])
    return _result(params, chain.get("name"), scope, rows, facts, chain_fact, found_row["leaders"], fresh=fresh)


def _result(
    params: Params,
    chain_name: str | None,
    scope: ScopeRef,
    rows: dict[str, dict[str, Any]],
    facts: dict[str, dict[str, Any]],
    chain_fact: dict[str, Any] | None,
    leader_rows: list[dict[str, Any]],
    *,
    fresh: bool,
) -> Result:
    """The chain map from the chain's segments (``rows``: id → name, stage, chains, feeds within the
    chain), their facts in the scope, the chain's fact there (``fresh``: its totals) and its leaders."""
    feeds = sorted((s, t) for s, row in rows.items() for t in row["feeds"])
    order = order_segments(
        {s: (row["name"] if row["name"] is not None else s, row["stage"]) for s, row in rows.items()}, feeds
    )
    states: list[SegmentState] = []
    all_enterprises: set[str] = set()
    investment: dict[str, int] = {}
    for segment in order:
        row = rows[segment]
        fact = facts.get(segment)
        enterprises, projects = (fact["enterprises"], fact["projects"]) if fact else ([], [])
        if not fresh:  # the totals from every member
            all_enterprises.update(e["id"] for e in enterprises)
            investment.update((p["id"], p["cny"]) for p in projects)
        states.append(
            SegmentState(
                segment=cy.ref(segment, row["name"]),
                stage=Stage(row["stage"]),
                covered=bool(fact and (fact["enterprise_count"] or fact["project_count"])),
                enterprise_count=fact["enterprise_count"] if fact else 0,
                enterprises=cy.refs(enterprises[: params.max_members]),
                project_count=fact["project_count"] if fact else 0,
                projects=cy.refs(projects[: params.max_members]),
                investment_cny=fact["investment_cny"] if fact else 0,
                other_chains=[c for c in cy.refs(row["chains"]) if c.id != params.chain],
            )
        )
    leaders = [
        ChainLeader(
            enterprise=cy.ref(row["id"], row["name"]),
            scope=cy.ref(row["place"], row["place_name"]) if row["place"] else None,
        )
        for row in leader_rows
    ]
    if fresh:
        totals = (
            (chain_fact["enterprise_count"], chain_fact["active_count"], chain_fact["active_cny"])
            if chain_fact
            else (0, 0, 0)
        )
    else:
        totals = (len(all_enterprises), len(investment), sum(investment.values()))
    return Result(
        chain=cy.ref(params.chain, chain_name),
        scope=scope,
        as_of=params.as_of,
        segments=states,
        feeds=[Feed(source=u, target=v) for u, v in feeds],
        leaders=leaders,
        totals=Totals(
            segments=len(states),
            covered=sum(s.covered for s in states),
            enterprises=totals[0],
            projects=totals[1],
            investment_cny=totals[2],
        ),
    )


QUERY: Query[Params, Result] = Query(
    name="chain_map",
    summary="Chain map / 产业链图谱",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="chain",
)
