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

import functools
import json
from typing import Any, NamedTuple

from chainkg.queries.common import ScopeRef
from chainkg.queries.cypher import common as cy
from chainkg.schema.ids import kind_of_id
from chainkg.store.neo4j import facts as kept
from chainkg.store.neo4j import shapes

__all__ = ["KEPT", "Kept", "kept_chains"]


#: One row: ``facts_fresh``, ``ok`` (the facts are fresh and the scope — ``$scope``, else the home
#: region — is a place), ``root_id``, ``name``, ``place_count``; when ok, ``chains``: per chain of
#: ``$chains`` (null: every chain, by id) that exists, ``[id, name, rows, english, cluster, segment
#: count, leader count]`` with rows its shape's JSON text (:mod:`chainkg.store.neo4j.shapes`: per segment
#: of the chain and its FEEDS neighbours ``[id, name, stage, member, [[chain id, name]], feeds out,
#: feeds in]``), and ``facts``: per segment of those rows with a local member ``[id, enterprise_count,
#: project_count, investment_cny, enterprise ids, their names, project ids, their names]`` (the first
#: ``$head`` members); with ``$place`` or ``$overview`` also ``place`` (the place fact: ``[enterprise_count,
#: statuses, status_projects, status_cny, status_ledger_cny, leader ids, their names]``), with
#: ``$place`` ``place_names`` (``[places, their names]``, the scope itself among them), with ``$overview``
#: also ``chain_facts`` (the chain facts of the chains) and ``leaders`` (as
#: :data:`chainkg.queries.cypher.facts.LEADERS`: the place fact's local leaders, with their LEADS edges to
#: the chains). Every part is an index seek or a few: nothing is walked but the local leaders' LEADS edges.
KEPT = f"""
OPTIONAL MATCH (state:{kept.STATE} {{id: 'facts'}})
WITH coalesce($scope, state.home) AS root_id, {kept.FRESH} AS facts_fresh
OPTIONAL MATCH (pf:{kept.PLACE_FACT} {{place: root_id}})
WITH root_id, pf, facts_fresh, facts_fresh AND pf IS NOT NULL AS ok
WITH root_id, pf, facts_fresh, ok,
     CASE WHEN NOT ok THEN []
          WHEN $chains IS NULL THEN COLLECT {{ MATCH (shape:{shapes.SHAPE}) RETURN shape ORDER BY shape.chain }}
          ELSE COLLECT {{ UNWIND $chains AS cid WITH DISTINCT cid MATCH (shape:{shapes.SHAPE} {{chain: cid}})
                         RETURN shape }} END AS found
RETURN facts_fresh, ok, root_id, pf.name AS name, size(pf.places) AS place_count,
       [shape IN found | [shape.chain, shape.name, shape.rows, shape.english, shape.cluster, shape.segment_count,
                          shape.leader_count]] AS chains,
       COLLECT {{
         UNWIND found AS shape UNWIND shape.segments AS sid WITH DISTINCT sid
         MATCH (f:{kept.SEGMENT_FACT} {{place: root_id, segment: sid}})
         RETURN [f.segment, f.enterprise_count, f.project_count, f.investment_cny, f.enterprise_ids[..$head],
                 f.enterprise_names[..$head], f.project_ids[..$head], f.project_names[..$head]] }} AS facts,
       CASE WHEN ok AND ($place OR $overview) THEN [pf.enterprise_count, pf.statuses, pf.status_projects, pf.status_cny,
                                    pf.status_ledger_cny, pf.leader_ids, pf.leader_names] END AS place,
       CASE WHEN ok AND $place THEN [pf.places, pf.place_names] END AS place_names,
       CASE WHEN ok AND $overview THEN COLLECT {{
         UNWIND found AS shape MATCH (f:{kept.CHAIN_FACT} {{place: root_id, chain: shape.chain}}) RETURN f {{.*}} }} END
         AS chain_facts,
       CASE WHEN ok AND $overview THEN COLLECT {{
         UNWIND found AS shape
         MATCH (chain:{cy.CHAIN} {{id: shape.chain}})<-[lead:{cy.LEADS}]-(e) WHERE e.id IN pf.leader_ids
         OPTIONAL MATCH (place:{cy.ENTITY} {{id: lead.scope}})
         WITH chain.id AS cid, e, lead, place ORDER BY cid, e.id, lead.scope
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
    listing: dict[str, dict[str, Any]]  # chain id → english, cluster, segments, leaders (the chains listing's)


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
    for segment, count, projects, cny, enterprise_ids, enterprise_names, project_ids, project_names in row["facts"]:
        facts[segment] = {
            "id": segment,
            "enterprise_count": count,
            "enterprises": [{"id": i, "name": n} for i, n in zip(enterprise_ids, enterprise_names, strict=True)],
            "project_count": projects,
            "projects": [{"id": i, "name": n} for i, n in zip(project_ids, project_names, strict=True)],
            "investment_cny": cny,
        }
    rows: list[dict[str, Any]] = []
    listing: dict[str, dict[str, Any]] = {}
    for chain_id, chain_name, shape, english, cluster, segment_count, leader_count in row["chains"]:
        shaped = _segments(shape)
        for segment in shaped:
            if segment["id"] not in facts:
                facts[segment["id"]] = _UNCOVERED | {"id": segment["id"], "enterprises": [], "projects": []}
        rows.append({"chain": chain_id, "name": chain_name, "segments": shaped})
        listing[chain_id] = {"english": english, "cluster": cluster, "segments": segment_count, "leaders": leader_count}
    figures = None
    if row["place"] is not None:
        enterprises, statuses, status_projects, status_cny, status_ledger_cny, leader_ids, leader_names = row["place"]
        figures = {
            "enterprise_count": enterprises,
            "statuses": statuses,
            "status_projects": status_projects,
            "status_cny": status_cny,
            "status_ledger_cny": status_ledger_cny,
            "leaders": [{"id": i, "name": n} for i, n in zip(leader_ids, leader_names, strict=True)],
        }
    place_names = []
    if row["place_names"] is not None:
        ids, names = row["place_names"]
        place_names = [[i, n] for i, n in zip(ids, names, strict=True) if i != root]
    return Kept(ref, rows, facts, figures, place_names, row["chain_facts"] or [], row["leaders"] or [], listing)


_UNCOVERED = {"enterprise_count": 0, "project_count": 0, "investment_cny": 0}


@functools.lru_cache(maxsize=256)
def _segments(shape: str) -> list[dict[str, Any]]:
    """A kept shape's rows as :func:`chainkg.queries.gaps.chain_segments_cypher` gives its segments —
    kept per shape text (it changes with the graph only; every caller reads the rows, none changes them)."""
    return [
        {
            "id": segment,
            "name": name,
            "stage": stage,
            "member": member,
            "chains": [{"id": c, "name": n} for c, n in in_chains],
            "feeds_out": feeds_out,
            "feeds_in": feeds_in,
        }
        for segment, name, stage, member, in_chains, feeds_out, feeds_in in json.loads(shape)
    ]
