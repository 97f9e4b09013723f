"""The Cypher side of :func:`chainkg.queries.coverage.segment_facts`: segments' local members in a scope.

"Local" means LOCATED_IN one of the scope's places. That can be found from either side. One way
tests every member of every segment for locality: that is cheap for a city, whose places hold most
members, and costly for a park, where nearly every test fails. The other way walks the scope's
located members to their segments, which is the reverse. At city scale a chain's facts in a park
take about 100 ms one way and 15 ms the other, and in the city about 200 ms and 700 ms. So
:func:`local_facts` first counts both sides (two degree sums, read from Neo4j's counts and never by
walking) and runs the statement for the smaller one — in the same statement (:func:`chosen`, one
round trip). Both sides return the same rows, which a test holds for every chain and place of the
Dezhou graph.

Both are the fallback: when the precomputed facts are fresh (:mod:`chainkg.store.neo4j.facts`),
:func:`scoped_facts` reads them with the scope in one statement instead.
"""

from __future__ import annotations

from typing import Any

from chainkg.queries.common import ScopeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.cypher import facts as kf
from chainkg.store.neo4j.facts import HEAD

__all__ = ["BY_PLACE", "BY_SEGMENT", "SIZES", "chosen", "local_facts", "scoped_facts", "statement", "uncovered"]

#: How many members each side would visit: the scope's LOCATED_IN members, the segments' members.
SIZES = f"""
CALL () {{
  UNWIND $places AS id
  MATCH (place:{cy.ENTITY} {{id: id}})
  RETURN sum(COUNT {{ ()-[:{cy.LOCATED_IN}]->(place) }}) AS located
}}
CALL () {{
  UNWIND $segments AS id
  MATCH (s:{cy.ENTITY} {{id: id}})
  RETURN sum(COUNT {{ ()-[:{cy.IN_SEGMENT}]->(s) }}) AS members
}}
RETURN located, members"""

BY_SEGMENT = "by_segment"
BY_PLACE = "by_place"


def statement(side: str, head: int | None) -> str:
    """The facts of every segment in ``$segments`` with a local member, from one side.

    Rows: ``id``, ``enterprise_count``, ``project_count``, ``investment_cny`` (of the local active
    projects, ``$active``, on ``$as_of`` when it is set) and ``enterprises`` / ``projects`` as
    ``{id, name}`` maps (projects also with ``cny``) ordered by id. That is all of them when ``head``
    is None, else the first ``head``.
    Segments with no local member have no row.
    """
    cut = "" if head is None else f"[..{int(head)}]"
    project = f"{{.id, .name, cny: {cy.cny_at('p')}}}"
    if side == BY_SEGMENT:
        return f"""
UNWIND $segments AS id
MATCH (s:{cy.ENTITY} {{id: id}})
CALL (s) {{
  OPTIONAL MATCH (e:{cy.ENTERPRISE})-[:{cy.IN_SEGMENT}]->(s) WHERE {cy.local("e")}
  WITH DISTINCT e ORDER BY e.id
  RETURN count(e) AS enterprise_count, collect(e {{.id, .name}}){cut} AS enterprises
}}
CALL (s) {{
  OPTIONAL MATCH (p:{cy.PROJECT})-[:{cy.IN_SEGMENT}]->(s) WHERE {cy.status_at("p")} IN $active AND {cy.local("p")}
  WITH DISTINCT p ORDER BY p.id
  RETURN count(p) AS project_count, collect(p {project}){cut} AS projects, sum({cy.cny_at("p")}) AS investment_cny
}}
WITH s, enterprise_count, enterprises, project_count, projects, investment_cny
WHERE enterprise_count > 0 OR project_count > 0
RETURN s.id AS id, enterprise_count, enterprises, project_count, projects, investment_cny"""
    if side == BY_PLACE:
        return f"""
UNWIND $places AS id
MATCH (:{cy.ENTITY} {{id: id}})<-[:{cy.LOCATED_IN}]-(m)
WHERE m:{cy.ENTERPRISE} OR (m:{cy.PROJECT} AND {cy.status_at("m")} IN $active)
MATCH (m)-[:{cy.IN_SEGMENT}]->(s:{cy.SEGMENT}) WHERE s.id IN $segments
WITH DISTINCT s, m ORDER BY m.id
WITH s, collect(CASE WHEN m:{cy.ENTERPRISE} THEN m END) AS es, collect(CASE WHEN m:{cy.PROJECT} THEN m END) AS ps
RETURN s.id AS id, size(es) AS enterprise_count, [e IN es{cut} | e {{.id, .name}}] AS enterprises,
       size(ps) AS project_count, [p IN ps{cut} | p {project}] AS projects,
       reduce(total = 0, p IN ps | total + {cy.cny_at("p")}) AS investment_cny"""
    raise ValueError(f"unknown side {side!r}")


def chosen(head: int | None) -> str:
    """:func:`statement` from the cheaper side, chosen by :data:`SIZES` inside the statement: each
    side is a branch of a UNION guarded by the choice, so the other branch reads nothing."""
    return f"""
CALL () {{{SIZES}
}}
WITH located < members AS by_place
CALL (by_place) {{
  WITH by_place WHERE by_place{_indent(statement(BY_PLACE, head))}
  UNION ALL
  WITH by_place WHERE NOT by_place{_indent(statement(BY_SEGMENT, head))}
}}
RETURN id, enterprise_count, enterprises, project_count, projects, investment_cny"""


def _indent(text: str) -> str:
    return text.replace("\n", "\n  ")


def local_facts(
    execute: cy.Execute, segments: list[str], places: list[str], head: int | None = None, as_of: str | None = None
) -> dict[str, dict[str, Any]]:
    """Segment id → its row of :func:`statement`, from the cheaper side, for every segment asked
    about (one with no local member: zero counts, empty lists); projects active on ``as_of``."""
    args = {"segments": segments, "places": places, "active": cy.ACTIVE, "as_of": as_of}
    found = {row["id"]: row for row in execute(chosen(head), args)}
    return {segment: found.get(segment) or uncovered(segment) for segment in segments}


_SCOPED = kf.scoped(kf.SEGMENT_FACTS)
_SCOPED_PLACES = kf.scoped(kf.SEGMENT_FACTS, places=True)


def scoped_facts(
    execute: cy.Execute, scope: str | None, segments: list[str], head: int | None, as_of: str | None = None
) -> tuple[ScopeRef, list[str], dict[str, dict[str, Any]]]:
    """The scope (as :func:`chainkg.queries.cypher.common.resolve_scope`), its places and
    :func:`local_facts` of ``segments`` in it: one statement when the precomputed facts are fresh
    (and hold ``head`` members), else that statement and :func:`local_facts`."""
    held = head is not None and head <= HEAD
    args = {"scope": scope or None, "as_of": as_of, "segments": segments, "head": head if held else HEAD}
    (row,) = execute(_SCOPED if held else _SCOPED_PLACES, args)
    ref, places = kf.resolve(execute, row)
    if row["fresh"] and held:
        found = kf.segment_facts(row["segment_facts"])
        return ref, places, {segment: found.get(segment) or uncovered(segment) for segment in segments}
    return ref, places, local_facts(execute, segments, places, head, as_of)


def uncovered(segment: str) -> dict[str, Any]:
    """The facts of a segment with no local member."""
    return {
        "id": segment,
        "enterprise_count": 0,
        "enterprises": [],
        "project_count": 0,
        "projects": [],
        "investment_cny": 0,
    }
