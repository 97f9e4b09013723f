"""Park / region profile (园区画像): what a place holds and where its chains are thin.

Definition. For a park or region P taken as the scope (see :mod:`chainkg.queries.common`):

- ``places``: the regions and parks P covers (itself excluded), by id;
- ``enterprises``: number of local enterprises; ``leaders``: local enterprises with a LEADS edge;
- ``projects_by_status``: local projects counted per status (unknown status as 未知) with their
  CNY investment; ``investment_cny``: CNY total over all local projects, any status, each once;
- ``chains``: every chain with at least one segment covered in P, with covered/total segments, the
  completeness index, and its ``top_gaps`` largest 补链 gaps as defined and scored by
  :mod:`chainkg.queries.gaps`; ordered by completeness (descending) then chain id.
"""

from __future__ import annotations

from typing import Annotated, Any

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries import gaps
from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, ScopeRef, chain_segments, cny, node_ref, require, resolve_scope
from chainkg.queries.coverage import segment_facts
from chainkg.queries.cypher import common as cy
from chainkg.queries.cypher import facts as kf
from chainkg.queries.cypher.kept_chains import kept_chains
from chainkg.queries.cypher.segment_facts import local_facts, uncovered
from chainkg.queries.params import PLACE
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.graph_tables import node_table, pred_table
from chainkg.store.nx_index import cached, cached_per_scope, nodes_of_kind, places_under

__all__ = ["CYPHER", "QUERY", "ChainPresence", "Params", "Result", "StatusCount", "run_cypher", "run_networkx"]


class Params(BaseModel):
    place: Annotated[str, PLACE] = Field(
        description="park or region: id or name / 园区或区域", examples=["park:天衢新区集成电路关键材料基地"]
    )
    top_gaps: int = Field(default=3, ge=0, le=20, description="largest fill gaps listed per chain / 每条链列出的缺口数")


class StatusCount(BaseModel):
    status: str
    projects: int
    investment_cny: int


class ChainPresence(BaseModel):
    chain: NodeRef
    covered: int
    total: int
    completeness: float
    covered_segments: list[NodeRef]
    top_gaps: list[gaps.Gap]


class Result(BaseModel):
    place: ScopeRef
    places: list[NodeRef]
    enterprises: int
    leaders: list[NodeRef]
    projects: int
    projects_by_status: list[StatusCount]
    investment_cny: int
    chains: list[ChainPresence]


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    require(graph, params.place, PLACE.kinds, PLACE.what)
    scope, local = resolve_scope(graph, params.place)
    summary = cached_per_scope(graph, "place_summary", local, lambda: _Summary(graph, local))

    presence: list[ChainPresence] = []
    for chain in nodes_of_kind(graph, NodeKind.CHAIN):
        if not any(segment_facts(graph, s, local).covered for s in chain_segments(graph, chain)):
            continue  # what the gap analysis would find (no segment covered), without making it
        result = gaps.run_networkx(graph, gaps.Params(chain=chain, scope=params.place, limit=max(params.top_gaps, 1)))
        if not result.covered:
            continue
        presence.append(
            ChainPresence(
                chain=result.chain,
                covered=result.completeness.covered,
                total=result.completeness.total,
                completeness=result.completeness.index,
                covered_segments=result.covered,
                top_gaps=result.fill[: params.top_gaps],
            )
        )
    presence.sort(key=lambda c: (-c.completeness, c.chain.id))
    return Result(
        place=scope,
        places=[node_ref(graph, p) for p in sorted(places_under(graph, params.place) - {params.place})],
        enterprises=summary.enterprises,
        leaders=[node_ref(graph, e) for e in summary.leaders],
        projects=summary.projects,
        projects_by_status=[
            StatusCount(status=status, projects=count, investment_cny=investment)
            for status, count, investment in summary.by_status
        ],
        investment_cny=summary.investment_cny,
        chains=presence,
    )


class _Summary:
    """The counts of a profile that do not depend on chains, kept per graph version and scope (the
    home city's are a walk over sixty thousand local enterprises and projects)."""

    __slots__ = ("by_status", "enterprises", "investment_cny", "leaders", "projects")

    def __init__(self, graph: nx.MultiDiGraph[str], local: frozenset[str]):
        nodes = node_table(graph)
        enterprises: list[str] = []
        by_status: dict[str, list[str]] = {}
        projects = 0
        for node in local:
            attrs = nodes[node]
            if attrs["kind"] == _ENTERPRISE:
                enterprises.append(node)
            elif attrs["kind"] == _PROJECT:
                projects += 1
                by_status.setdefault(attrs.get("status") or "未知", []).append(node)
        leading = _leading(graph)
        self.enterprises = len(enterprises)
        self.leaders = tuple(sorted(e for e in enterprises if e in leading))
        self.projects = projects
        self.by_status = tuple(
            (status, len(members), sum(cny(nodes[p]) for p in members)) for status, members in sorted(by_status.items())
        )
        self.investment_cny = sum(investment for _, _, investment in self.by_status)


def _leading(graph: nx.MultiDiGraph[str]) -> frozenset[str]:
    """Every node with an out-going LEADS edge, once per graph version. LEADS edges end at chains
    (the store checks endpoint kinds), so the chains' in-edges hold them all."""

    def build() -> frozenset[str]:
        pred = pred_table(graph)
        return frozenset(
            u
            for chain in nodes_of_kind(graph, NodeKind.CHAIN)
            for u, keydict in pred[chain].items()
            if any(attrs.get("kind") == _LEADS for attrs in keydict.values())
        )

    return cached(graph, "leading", build)


_ENTERPRISE = NodeKind.ENTERPRISE.value
_PROJECT = NodeKind.PROJECT.value
_LEADS = EdgeKind.LEADS.value


# --- Cypher twin -------------------------------------------------------------------------------

#: The Cypher twin: counts over the local enterprises and projects of the place (``$places``) and
#: the chains, in one statement; then every chain's gaps, with the facts of all their segments
#: fetched at once (:func:`chainkg.queries.gaps.chain_segments_cypher`,
#: :func:`chainkg.queries.cypher.segment_facts.local_facts`).
CYPHER = {
    "summary": f"""
CALL () {{
  UNWIND $places AS id
  MATCH (:{cy.ENTITY} {{id: id}})<-[:{cy.LOCATED_IN}]-(m)
  WHERE m:{cy.ENTERPRISE} OR m:{cy.PROJECT}
  WITH DISTINCT m
  RETURN collect(m) AS members
}}
WITH [m IN members WHERE m:{cy.ENTERPRISE}] AS es, [m IN members WHERE m:{cy.PROJECT}] AS ps
CALL (ps) {{
  UNWIND ps AS m
  WITH CASE WHEN m.status IS NULL OR m.status = '' THEN '未知' ELSE m.status END AS status, m
  WITH status, count(m) AS projects, sum({cy.cny("m")}) AS investment_cny
  RETURN collect({{status: status, projects: projects, investment_cny: investment_cny}}) AS projects
}}
RETURN size(es) AS enterprises,
       [m IN es WHERE EXISTS {{ (m)-[:{cy.LEADS}]->() }} | m {{.id, .name}}] AS leaders,
       projects,
       COLLECT {{ MATCH (c:{cy.CHAIN}) RETURN c.id ORDER BY c.id }} AS chains""",
}


#: The place with its precomputed facts: the summary, every segment's facts there, the chains, the
#: names of the places it covers (:mod:`chainkg.queries.cypher.facts`).
CYPHER["scope"] = kf.scoped(kf.SEGMENT_FACTS_ALL, kf.CHAIN_IDS, kf.PLACE_NAMES)


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`: one statement with fresh precomputed facts (the place,
    every chain's segments and their facts there: :func:`chainkg.queries.cypher.kept_chains.kept_chains`),
    else more (the place with its facts; the chains' segments), six without facts
    (:func:`_run_cypher_from_graph`)."""
    found = kept_chains(execute, params.place, None, gaps.EVIDENCE_MEMBERS, place=True)
    if found is not None and found.place is not None:
        facts = found.facts
        place = found.place
        by_status = [StatusCount(status=s, projects=n, investment_cny=c) for s, n, c in kf.by_status(place)]
        return Result(
            place=found.scope,
            places=sorted((cy.ref(i, n) for i, n in found.place_names), key=lambda r: r.id),
            enterprises=place["enterprise_count"],
            leaders=cy.refs(place["leaders"]),
            projects=sum(r.projects for r in by_status),
            projects_by_status=by_status,
            investment_cny=sum(r.investment_cny for r in by_status),
            chains=_presence(found.chains, facts, found.scope, params),
        )
    args = {"scope": params.place, "as_of": None, "head": gaps.EVIDENCE_MEMBERS}
    (row,) = execute(CYPHER["scope"], args)
    scope, _ = kf.resolve(execute, row)
    if not row["fresh"]:
        return _run_cypher_from_graph(execute, params)
    chains = gaps.chain_segments_cypher(execute, row["chain_ids"])
    facts = kf.segment_facts(row["segment_facts"])
    for chain in chains:
        for segment in chain["segments"]:
            facts.setdefault(segment["id"], uncovered(segment["id"]))
    place = row["place_fact"]
    by_status = [StatusCount(status=s, projects=n, investment_cny=c) for s, n, c in kf.by_status(place)]
    return Result(
        place=scope,
        places=sorted(cy.refs(row["place_names"]), key=lambda r: r.id),
        enterprises=place["enterprise_count"],
        leaders=cy.refs(place["leaders"]),
        projects=sum(r.projects for r in by_status),
        projects_by_status=by_status,
        investment_cny=sum(r.investment_cny for r in by_status),
        chains=_presence(chains, facts, scope, params),
    )


def _presence(
    chains: list[dict[str, Any]], facts: dict[str, dict[str, Any]], scope: ScopeRef, params: Params
) -> list[ChainPresence]:
    """The chains covered in the place, from their rows of :func:`gaps.chain_segments_cypher` and the
    facts of their segments, ordered as defined."""
    presence: list[ChainPresence] = []
    views: dict[str, Any] = {}  # the segments' views, shared by the chains' analyses
    for chain in chains:
        gap_params = gaps.Params(chain=chain["chain"], scope=params.place, limit=max(params.top_gaps, 1))
        result = gaps.analyse_chain(chain, facts, scope, gap_params, views)
        if not result.covered:
            continue
        presence.append(
            ChainPresence(
                chain=result.chain,
                covered=result.completeness.covered,
                total=result.completeness.total,
                completeness=result.completeness.index,
                covered_segments=result.covered,
                top_gaps=result.fill[: params.top_gaps],
            )
        )
    presence.sort(key=lambda c: (-c.completeness, c.chain.id))
    return presence


def _run_cypher_from_graph(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin without the precomputed facts: five statements, whatever the number of chains."""
    scope, places = cy.resolve_scope(execute, params.place)
    (row,) = execute(CYPHER["summary"], {"places": places, "active": cy.ACTIVE})
    chains = gaps.chain_segments_cypher(execute, row["chains"])
    segments = sorted({segment["id"] for chain in chains for segment in chain["segments"]})
    facts = local_facts(execute, segments, places, gaps.EVIDENCE_MEMBERS)
    presence = _presence(chains, facts, scope, params)
    inside = sorted(set(places) - {params.place})
    place_names = cy.names(execute, inside)
    by_status = sorted((StatusCount(**item) for item in row["projects"]), key=lambda r: r.status)
    return Result(
        place=scope,
        places=[cy.ref(p, place_names[p]) for p in inside],
        enterprises=row["enterprises"],
        leaders=sorted(cy.refs(row["leaders"]), key=lambda r: r.id),
        projects=sum(r.projects for r in by_status),
        projects_by_status=by_status,
        investment_cny=sum(r.investment_cny for r in by_status),
        chains=presence,
    )


QUERY: Query[Params, Result] = Query(
    name="profile",
    summary="Park / region profile / 园区画像",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="profile",
)
