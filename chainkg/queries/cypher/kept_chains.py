"""Chains' segments with their precomputed facts in a scope, in one statement (gap analysis's fast path).

:func:`chainkg.queries.gaps.run_cypher` needed two statements: the chain's segments and their FEEDS
neighbours (:func:`chainkg.queries.gaps.chain_segments_cypher`), then the scope with those segments'
facts (:func:`chainkg.queries.cypher.segment_facts.scoped_facts`). With the facts fresh, :data:`KEPT`
reads both at once and ships lists rather than maps (each map's keys cost the client a decoding
per row). The rows are given back in the two shapes the analysis reads, so
:func:`chainkg.queries.gaps.analyse_chain` applies the same definition to either.

When the facts are stale, the scope is not a place or a chain has no row (no such chain, or no
segments), :func:`kept_chains` says so (None) and the caller answers with its earlier statements.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from chainkg.queries.common import ScopeRef
from chainkg.queries.cypher import common as cy
from chainkg.schema.ids import kind_of_id
from chainkg.store.neo4j import facts as kept

__all__ = ["KEPT", "Kept", "kept_chains"]


def _named(ids: str) -> str:
    """A COLLECT subquery: ``[id, name]`` of the nodes ``ids`` lists, by id."""
    return f"COLLECT {{ UNWIND {ids} AS i MATCH (n:{cy.ENTITY} {{id: i}}) RETURN [n.id, n.name] ORDER BY n.id }}"


#: One row: ``facts_fresh``, ``ok`` (the facts are fresh and the scope — ``$scope``, else the home
#: region — is a place), ``root_id``, ``name``, ``place_count``; when ok, ``chains``: per chain of
#: ``$chains`` (null: every chain) with segments ``[id, name, segments]``, each segment (the chain's
#: and their FEEDS neighbours) ``[id, name, stage, member, [[chain id, name]], feeds out, feeds in,
#: fact]`` where fact is null (no local member) or ``[enterprise_count, project_count,
#: investment_cny, [[id, name]] of the first $head enterprises, the same of the projects]``; with
#: ``$place`` also ``place`` (the place fact: ``[enterprise_count, statuses, status_projects,
#: status_cny, status_ledger_cny, [[id, name]] of its leaders]``) and ``place_names`` (``[id, name]``
#: of the places it covers, itself left out); with ``$overview`` also ``chain_facts`` (the chain
#: facts of ``$chains``), ``leaders`` (as :data:`chainkg.queries.cypher.facts.LEADERS`) and ``place``.
KEPT = f"""
WITH coalesce($scope, COLLECT {{ MATCH (r:{cy.REGION}) WHERE r.home = true RETURN r.id ORDER BY r.id LIMIT 1 }}[0])
     AS root_id
OPTIONAL MATCH (root:{cy.ENTITY} {{id: root_id}})
OPTIONAL MATCH (pf:{kept.PLACE_FACT} {{place: root_id}})
WITH root_id, root, pf, {kept.FRESH} AS facts_fresh
WITH root_id, root, pf, facts_fresh, facts_fresh AND pf IS NOT NULL AS ok
CALL (root_id, ok) {{
  WITH root_id WHERE ok
  UNWIND coalesce($chains, COLLECT {{ MATCH (c:{cy.CHAIN}) RETURN c.id ORDER BY c.id }}) AS chain_id
  MATCH (chain:{cy.CHAIN} {{id: chain_id}})
  OPTIONAL MATCH (member)-[:{cy.PART_OF}]->(chain)
  OPTIONAL MATCH (member)-[:{cy.FEEDS}]-(neighbour)
  WITH root_id, chain, collect(DISTINCT member) AS members, collect(DISTINCT neighbour) AS neighbours
  UNWIND members + neighbours AS s
  WITH DISTINCT root_id, chain, s, s IN members AS member
  OPTIONAL MATCH (f:{kept.SEGMENT_FACT} {{place: root_id, segment: s.id}})
  WITH chain, collect([
    s.id, s.name, s.stage, member,
    COLLECT {{ MATCH (s)-[:{cy.PART_OF}]->(c) WITH DISTINCT c ORDER BY c.id RETURN [c.id, c.name] }},
    COLLECT {{ MATCH (s)-[:{cy.FEEDS}]->(x) WITH x ORDER BY x.id RETURN x.id }},
    COLLECT {{ MATCH (x)-[:{cy.FEEDS}]->(s) WITH x ORDER BY x.id RETURN x.id }},
    CASE WHEN f IS NULL THEN null ELSE [f.enterprise_count, f.project_count, f.investment_cny,
      {_named("f.enterprise_ids[..$head]")}, {_named("f.project_ids[..$head]")}] END
  ]) AS segments
  RETURN collect([chain.id, chain.name, segments]) AS chains
}}
RETURN facts_fresh, ok, root_id, root.name AS name, size(pf.places) AS place_count, chains,
       CASE WHEN ok AND ($place OR $overview) THEN [pf.enterprise_count, pf.statuses, pf.status_projects, pf.status_cny,
                                    pf.status_ledger_cny, {_named("pf.leader_ids")}] END AS place,
       CASE WHEN ok AND $place THEN COLLECT {{
         UNWIND pf.places AS pid WITH pid WHERE pid <> root_id
         MATCH (n:{cy.ENTITY} {{id: pid}}) RETURN [n.id, n.name] ORDER BY n.id }} END AS place_names,
       CASE WHEN ok AND $overview THEN COLLECT {{
         UNWIND $chains AS cid MATCH (f:{kept.CHAIN_FACT} {{place: root_id, chain: cid}}) RETURN f {{.*}} }} END
         AS chain_facts,
       CASE WHEN ok AND $overview THEN COLLECT {{
         UNWIND $chains AS cid
         MATCH (e:{cy.ENTERPRISE})-[lead:{cy.LEADS}]->(:{cy.CHAIN} {{id: cid}})
         WHERE EXISTS {{ (e)-[:{cy.LOCATED_IN}]->(place) WHERE place.id IN pf.places }}
         OPTIONAL MATCH (place:{cy.ENTITY} {{id: lead.scope}})
         WITH cid, e, lead, place ORDER BY cid, e.id, lead.scope
         RETURN {{chain: cid, id: e.id, name: e.name, scope: lead.scope, place: place.id, place_name: place.name}}
       }} END AS leaders"""


class Kept(NamedTuple):
    """What :func:`kept_chains` read."""

    scope: ScopeRef
    chains: list[dict[str, Any]]  # rows of chainkg.queries.gaps.chain_segments_cypher
    facts: dict[str, dict[str, Any]]  # segment → facts, as chainkg.queries.cypher.segment_facts.local_facts
    place: dict[str, Any] | None  # the place fact's counts and leaders (``place``)
    place_names: list[list[str]]  # [id, name] of the places the scope covers (``place``)
    chain_facts: list[dict[str, Any]]  # the chains' facts (``overview``)
    leaders: list[dict[str, Any]]  # the chains' local leaders (``overview``)


def kept_chains(
    execute: cy.Execute,
    scope: str | None,
    chains: list[str] | None,
    head: int,
    *,
    place: bool = False,
    overview: bool = False,
) -> Kept | None:
    """The scope, the rows of :func:`chainkg.queries.gaps.chain_segments_cypher` for ``chains`` (None:
    every chain) and the facts of their segments in the scope (``head`` members each), with
    ``place`` the place fact's figures too, with ``overview`` the chains' facts and leaders — or
    None when :data:`KEPT` cannot answer (see the module's docstring)."""
    if head > kept.HEAD:
        return None
    args = {"scope": scope or None, "chains": chains, "head": head, "place": place, "overview": overview}
    (row,) = execute(KEPT, args)
    if not row["facts_fresh"]:
        kept.saw_stale()
    if not row["ok"] or (chains is not None and len(row["chains"]) != len(set(chains))):
        return None
    root = row["root_id"]
    ref = ScopeRef(
        id=root, kind=kind_of_id(root), name=row["name"] if row["name"] is not None else root, places=row["place_count"]
    )
    facts: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    for chain_id, chain_name, segments in row["chains"]:
        shaped = []
        for segment, name, stage, member, in_chains, feeds_out, feeds_in, fact in segments:
            shaped.append(
                {
                    "id": segment,
                    "name": name,
                    "stage": stage,
                    "member": member,
                    "chains": [{"id": c, "name": n} for c, n in in_chains],
                    "feeds_out": feeds_out,
                    "feeds_in": feeds_in,
                }
            )
            if segment not in facts:
                count, projects, cny, enterprise_heads, project_heads = fact or (0, 0, 0, [], [])
                facts[segment] = {
                    "id": segment,
                    "enterprise_count": count,
                    "enterprises": [{"id": i, "name": n} for i, n in enterprise_heads],
                    "project_count": projects,
                    "projects": [{"id": i, "name": n} for i, n in project_heads],
                    "investment_cny": cny,
                }
        rows.append({"chain": chain_id, "name": chain_name, "segments": shaped})
    figures = None
    if row["place"] is not None:
        enterprises, statuses, status_projects, status_cny, status_ledger_cny, leaders = row["place"]
        figures = {
            "enterprise_count": enterprises,
            "statuses": statuses,
            "status_projects": status_projects,
            "status_cny": status_cny,
            "status_ledger_cny": status_ledger_cny,
            "leaders": [{"id": i, "name": n} for i, n in leaders],
        }
    return Kept(ref, rows, facts, figures, row["place_names"] or [], row["chain_facts"] or [], row["leaders"] or [])
