"""Reading the precomputed facts (:mod:`chainkg.store.neo4j.facts`): a scope and what the chain queries
need of it, in one statement.

:func:`scoped` builds that statement: the scope's root (``$scope``, else the home region), whether
the facts are fresh, the places the scope covers (the root's place fact when fresh, else walked as
:func:`chainkg.queries.cypher.common.resolve_scope` walks them), and the facts a query asks for —
read only when they are fresh and ``$as_of`` is null (facts describe the graph as it is now; a map on
a past day is computed from the timelines as before). A query whose facts were not usable answers
from the graph with its earlier statements, and the store is told (:func:`chainkg.store.neo4j.facts.saw_stale`)
so it derives them again; the answer is the same either way.
"""

from __future__ import annotations

from typing import Any

from chainkg.queries.common import ScopeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.params import PLACE
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import NodeKind, ProjectStatus
from chainkg.store.neo4j import facts as kept

__all__ = [
    "CHAIN_FACTS",
    "CHAIN_IDS",
    "LEADERS",
    "PLACE_NAMES",
    "SEGMENT_FACTS",
    "SEGMENT_FACTS_ALL",
    "by_status",
    "ledger_counts",
    "resolve",
    "scoped",
    "segment_facts",
]


def _named(ids: str) -> str:
    """A COLLECT subquery: ``{id, name}`` of the nodes ``ids`` lists, by id."""
    return f"COLLECT {{ UNWIND {ids} AS i MATCH (n:{cy.ENTITY} {{id: i}}) RETURN n {{.id, .name}} ORDER BY n.id }}"


#: Segment facts of ``$segments`` in the scope, each list cut to ``$head``.
SEGMENT_FACTS = f"""
CALL (root_id, fresh) {{
  WITH root_id, fresh WHERE fresh
  UNWIND $segments AS sid
  MATCH (f:{kept.SEGMENT_FACT} {{place: root_id, segment: sid}})
  RETURN collect(f {{.segment, .enterprise_count, .project_count, .investment_cny,
    enterprises: {_named("f.enterprise_ids[..$head]")}, projects: {_named("f.project_ids[..$head]")}}}) AS segment_facts
}}"""

#: Every segment fact of the scope (the segments of every chain), each list cut to ``$head``.
_BY_SEGMENT = f"UNWIND $segments AS sid\n  MATCH (f:{kept.SEGMENT_FACT} {{place: root_id, segment: sid}})"
assert _BY_SEGMENT in SEGMENT_FACTS
SEGMENT_FACTS_ALL = SEGMENT_FACTS.replace(_BY_SEGMENT, f"MATCH (f:{kept.SEGMENT_FACT} {{place: root_id}})")

#: Chain facts of ``$chains`` in the scope.
CHAIN_FACTS = f"""
CALL (root_id, fresh) {{
  WITH root_id, fresh WHERE fresh
  UNWIND $chains AS cid
  MATCH (f:{kept.CHAIN_FACT} {{place: root_id, chain: cid}})
  RETURN collect(f {{.*}}) AS chain_facts
}}"""

#: Local enterprises leading a chain of ``$chains``, with the place each LEADS edge names, by chain,
#: enterprise id and place (:mod:`chainkg.queries.chain_map` ``leaders``); read from the graph, they are few.
LEADERS = f"""
CALL (places) {{
  UNWIND $chains AS cid
  MATCH (e:{cy.ENTERPRISE})-[lead:{cy.LEADS}]->(:{cy.CHAIN} {{id: cid}})
  WHERE EXISTS {{ (e)-[:{cy.LOCATED_IN}]->(place) WHERE place.id IN places }}
  OPTIONAL MATCH (place:{cy.ENTITY} {{id: lead.scope}})
  WITH cid, e, lead, place ORDER BY cid, e.id, lead.scope
  RETURN collect({{chain: cid, id: e.id, name: e.name, scope: lead.scope, place: place.id,
                   place_name: place.name}}) AS leaders
}}"""

#: Every chain's id, in id order.
CHAIN_IDS = f"""
CALL () {{
  MATCH (c:{cy.CHAIN})
  WITH c.id AS id ORDER BY id
  RETURN collect(id) AS chain_ids
}}"""

#: Names of the places the scope covers, itself left out (:mod:`chainkg.queries.profile` ``places``).
PLACE_NAMES = f"""
CALL (root_id, places) {{
  UNWIND places AS pid
  WITH pid WHERE pid <> root_id
  MATCH (n:{cy.ENTITY} {{id: pid}})
  RETURN collect(n {{.id, .name}}) AS place_names
}}"""

_PARTS = {
    SEGMENT_FACTS: "segment_facts",
    SEGMENT_FACTS_ALL: "segment_facts",
    CHAIN_FACTS: "chain_facts",
    LEADERS: "leaders",
    CHAIN_IDS: "chain_ids",
    PLACE_NAMES: "place_names",
}


def scoped(*parts: str, places: bool = False) -> str:
    """The scope statement with ``parts`` (the CALL subqueries of this module, in order: each binds
    the column its constant is named after, in lower case) before its RETURN.

    Rows: one, with ``root_id``, ``name``, ``kinds`` (of the root), ``facts_fresh`` (the facts
    describe the graph now), ``fresh`` (and are used: the root is a place, ``$as_of`` is null),
    ``place_count``, ``places`` (their ids; empty when fresh unless ``places``: only the statements
    that answer without the facts need them), ``place_fact`` (the root's, when fresh) and each part's column.
    """
    columns = "".join(f", {_PARTS[part]}" for part in parts)
    shipped = "places" if places else "CASE WHEN fresh THEN [] ELSE places END"
    return f"""
WITH coalesce($scope, COLLECT {{ MATCH (r:{cy.REGION}) WHERE r.home = true RETURN r.id ORDER BY r.id LIMIT 1 }}[0])
     AS root_id
OPTIONAL MATCH (root:{cy.ENTITY} {{id: root_id}})
OPTIONAL MATCH (pf:{kept.PLACE_FACT} {{place: root_id}})
WITH root_id, root, pf, {kept.FRESH} AS facts_fresh
WITH root_id, root, pf, facts_fresh, facts_fresh AND pf IS NOT NULL AND $as_of IS NULL AS fresh
CALL (root, pf, fresh) {{
  WITH pf, fresh WHERE fresh
  RETURN pf.places AS places
  UNION ALL
  WITH root, fresh WHERE NOT fresh AND root IS NOT NULL
  RETURN {cy.places_below("root")} AS places
  UNION ALL
  WITH root, fresh WHERE NOT fresh AND root IS NULL
  RETURN [] AS places
}}{"".join(parts)}
RETURN root_id, root.name AS name, [label IN labels(root) WHERE label <> '{cy.ENTITY}'] AS kinds, facts_fresh,
       fresh, size(places) AS place_count, {shipped} AS places,
       CASE WHEN fresh THEN pf {{{_PLACE_FACT}, leaders: {_named("pf.leader_ids")}}} END AS place_fact{columns}"""


#: What a place fact holds besides its places.
_PLACE_FACT = ", ".join(
    f".{name}"
    for name in (
        "enterprise_count",
        "statuses",
        "status_projects",
        "status_cny",
        "status_ledger_cny",
    )
)


def resolve(execute: cy.Execute, row: dict[str, Any]) -> tuple[ScopeRef, list[str]]:
    """The scope of a :func:`scoped` row and its places (none when the facts are used), as
    :func:`chainkg.queries.cypher.common.resolve_scope` gives them (and raises as it does); tells the
    store when the facts were stale."""
    if not row["facts_fresh"]:
        kept.saw_stale()
    root = row["root_id"]
    if root is None:
        cy.home_region(execute)  # raises: the graph has no home region
    kinds = row["kinds"]
    kind = kinds[0] if kinds else None
    if kind is None or NodeKind(kind) not in PLACE.kinds:
        cy.require(execute, root, PLACE.kinds, PLACE.what)  # raises NotFound with close names
    places = sorted(row["places"])
    name = row["name"] if row["name"] is not None else root
    return ScopeRef(id=root, kind=kind_of_id(root), name=name, places=row["place_count"]), places


def segment_facts(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Segment id → its facts in the shape of :func:`chainkg.queries.cypher.segment_facts.local_facts`
    (projects without their ``cny``: the facts' totals hold it)."""
    out: dict[str, dict[str, Any]] = {}
    for f in rows:
        out[f["segment"]] = {
            "id": f["segment"],
            "enterprise_count": f["enterprise_count"],
            "enterprises": f["enterprises"],
            "project_count": f["project_count"],
            "projects": f["projects"],
            "investment_cny": f["investment_cny"],
        }
    return out


_STATUSES = {s.value for s in ProjectStatus}
_LEDGER_ORDER = [s.value for s in ProjectStatus]
UNKNOWN = "未知"


def ledger_counts(fact: dict[str, Any] | None) -> tuple[int, int, list[tuple[str, int, int]]]:
    """(projects, CNY investment, [(status, projects, investment)]) of a chain or place fact, counted
    as the project ledger counts (:func:`chainkg.queries.ledger.select`: known statuses in pipeline
    order, any other status as 未知 last)."""
    buckets: dict[str, list[int]] = {}
    if fact is not None:
        for status, n, cny in zip(fact["statuses"], fact["status_projects"], fact["status_ledger_cny"], strict=True):
            bucket = buckets.setdefault(status if status in _STATUSES else UNKNOWN, [0, 0])
            bucket[0] += n
            bucket[1] += cny
    order = [*_LEDGER_ORDER, UNKNOWN]
    counts = [(s, buckets[s][0], buckets[s][1]) for s in order if s in buckets]
    return sum(b[0] for b in buckets.values()), sum(b[1] for b in buckets.values()), counts


def by_status(fact: dict[str, Any]) -> list[tuple[str, int, int]]:
    """[(status, projects, investment)] of a place fact as a profile counts them (no status: 未知; by
    status name; :func:`chainkg.queries.common.cny`)."""
    buckets: dict[str, list[int]] = {}
    for status, n, cny in zip(fact["statuses"], fact["status_projects"], fact["status_cny"], strict=True):
        bucket = buckets.setdefault(status or UNKNOWN, [0, 0])
        bucket[0] += n
        bucket[1] += cny
    return [(s, b[0], b[1]) for s, b in sorted(buckets.items())]
