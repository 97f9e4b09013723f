"""What every query's Cypher twin shares: labels, the scope, node lookups — the twin of :mod:`chainkg.queries.common`.

A twin is ``run_cypher(execute, params) -> Result`` in its query module, beside ``run_networkx``.
``execute(statement, parameters)`` runs one read statement and returns its rows as dicts (the
Neo4j store runs the whole twin in one read transaction). Rules the twins keep:

- labels and relationship types come from the constants below, built from the schema enums at
  import time; everything else — ids, names, thresholds — is a ``$parameter``;
- a node's kind is its label and its id prefix, so rows carry ``id`` and ``name`` and
  :func:`ref` rebuilds the :class:`NodeRef`;
- **scope** (see :mod:`chainkg.queries.common`): :func:`resolve_scope` returns the ids of the places a scope
  covers, and statements test locality with :func:`local` — the same definition, in Cypher.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from chainkg.queries.common import ACTIVE_STATUSES, NodeRef, ScopeRef, named_nodes
from chainkg.queries.errors import InvalidQuery, NotFound
from chainkg.queries.matching import cypher_matches, suggestions
from chainkg.queries.params import PLACE, refers
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import Currency, EdgeKind, NodeKind, StoreLabel
from chainkg.store.neo4j.ddl import DERIVED
from chainkg.store.protocol import Execute

__all__ = [
    "ACTIVE",
    "CHAIN",
    "CITES",
    "ENTERPRISE",
    "ENTITY",
    "FEEDS",
    "INVESTS_IN",
    "IN_SEGMENT",
    "LEADS",
    "LOCATED_IN",
    "PARK",
    "PART_OF",
    "PROJECT",
    "REGION",
    "SEGMENT",
    "SOURCE",
    "SUBSIDIARY_OF",
    "SUPPLIES",
    "Execute",
    "cny",
    "cny_at",
    "fetch_node",
    "home_region",
    "local",
    "names",
    "places_of",
    "places_under",
    "ref",
    "refs",
    "require",
    "require_refs",
    "resolve_scope",
    "segment_chains",
    "segment_members",
    "status_at",
]


ENTITY = StoreLabel.ENTITY.value
CHAIN = NodeKind.CHAIN.value
SEGMENT = NodeKind.SEGMENT.value
ENTERPRISE = NodeKind.ENTERPRISE.value
PROJECT = NodeKind.PROJECT.value
PARK = NodeKind.PARK.value
REGION = NodeKind.REGION.value
SOURCE = NodeKind.SOURCE.value
SUBSIDIARY_OF = EdgeKind.SUBSIDIARY_OF.value
INVESTS_IN = EdgeKind.INVESTS_IN.value
LOCATED_IN = EdgeKind.LOCATED_IN.value
IN_SEGMENT = EdgeKind.IN_SEGMENT.value
PART_OF = EdgeKind.PART_OF.value
FEEDS = EdgeKind.FEEDS.value
LEADS = EdgeKind.LEADS.value
SUPPLIES = EdgeKind.SUPPLIES.value
CITES = EdgeKind.CITES.value

#: The active project statuses, as the ``$active`` parameter.
ACTIVE = sorted(ACTIVE_STATUSES)


def local(var: str) -> str:
    """Cypher condition: ``var`` (an Enterprise or Project) is LOCATED_IN one of ``$places``."""
    return f"EXISTS {{ ({var})-[:{LOCATED_IN}]->(place) WHERE place.id IN $places }}"


def cny(var: str) -> str:
    """Cypher expression: the project's investment if it is in 元, else 0 (:func:`chainkg.queries.common.cny`)."""
    return (
        f"CASE WHEN coalesce({var}.currency, '{Currency.CNY.value}') = '{Currency.CNY.value}' "
        f"THEN coalesce({var}.total_investment, 0) ELSE 0 END"
    )


def status_at(var: str) -> str:
    """Cypher expression: the project's status on ``$as_of`` (its ``status`` when ``$as_of`` is null),
    by :func:`chainkg.schema.lifecycle.status_at` — the last timeline entry true and known by then."""
    return (
        f"CASE WHEN $as_of IS NULL THEN {var}.status ELSE last([x IN coalesce({var}.status_timeline, []) "
        f"WHERE substring(x, 0, 10) <= $as_of AND substring(x, 11, 10) <= $as_of | substring(x, 22)]) END"
    )


def cny_at(var: str) -> str:
    """Cypher expression: :func:`cny` on ``$as_of`` (:func:`chainkg.schema.lifecycle.investment_at`)."""
    known = f"[x IN coalesce({var}.investment_timeline, []) WHERE substring(x, 0, 10) <= $as_of]"
    return f"CASE WHEN $as_of IS NULL THEN {cny(var)} ELSE coalesce(toInteger(substring(last({known}), 11)), 0) END"


def segment_members(var: str) -> str:
    """CALL subqueries binding, for segment ``var`` in the scope ``$places``, ``enterprises``: its
    local enterprises and ``projects``: its local active projects (``$active``) with their
    ``cny`` — each a list of maps ordered by id (:func:`chainkg.queries.coverage.segment_facts`)."""
    return f"""
CALL ({var}) {{
  OPTIONAL MATCH (e:{ENTERPRISE})-[:{IN_SEGMENT}]->({var}) WHERE {local("e")}
  WITH DISTINCT e ORDER BY e.id
  RETURN collect(e {{.id, .name}}) AS enterprises
}}
CALL ({var}) {{
  OPTIONAL MATCH (p:{PROJECT})-[:{IN_SEGMENT}]->({var}) WHERE p.status IN $active AND {local("p")}
  WITH DISTINCT p ORDER BY p.id
  RETURN collect(p {{.id, .name, cny: {cny("p")}}}) AS projects
}}"""


def segment_chains(var: str) -> str:
    """A CALL subquery binding ``chains``: what segment ``var`` is PART_OF, as ``{id, name}`` maps by id."""
    return f"""
CALL ({var}) {{
  OPTIONAL MATCH ({var})-[:{PART_OF}]->(chain)
  WITH DISTINCT chain ORDER BY chain.id
  RETURN collect(chain {{.id, .name}}) AS chains
}}"""


def ref(node_id: str, name: str | None) -> NodeRef:
    """The reference of a node from its id and name (:func:`chainkg.queries.common.node_ref`)."""
    return NodeRef(id=node_id, kind=kind_of_id(node_id), name=name if name is not None else node_id)


def refs(items: list[dict[str, Any]] | None) -> list[NodeRef]:
    """References from ``[{id, name}]`` maps, in their order."""
    return [ref(item["id"], item.get("name")) for item in items or []]


_NODE = f"""
MATCH (n:{ENTITY} {{id: $id}})
RETURN properties(n) AS props, [label IN labels(n) WHERE label <> '{ENTITY}'] AS kinds"""

_NAMES = f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
RETURN n.id AS id, n.name AS name"""

_HOME = f"MATCH (r:{REGION}) WHERE r.home = true RETURN r.id AS id ORDER BY id LIMIT 1"


def places_under(root: str, place: str = "place") -> str:
    """Cypher pattern binding ``place`` to ``root`` and every region PART_OF it and park LOCATED_IN it,
    recursively (mixed: a park in a district of the city), each hop checked as
    :func:`chainkg.store.nx_index.places_under` checks it."""
    return (
        f"({place})((child)-[link:{PART_OF}|{LOCATED_IN}]->(parent) "
        f"WHERE (link:{PART_OF} AND child:{REGION}) OR (link:{LOCATED_IN} AND child:{PARK}))*({root})"
    )


def places_below(root: str) -> str:
    """A COLLECT subquery: the ids of the places ``root`` (a bound variable) covers, itself included
    (:func:`places_under`), walked up from every place rather than down from ``root``.

    Why that way round: the links into a region are its sub-regions and parks, but also every
    enterprise and project LOCATED_IN it. Walking down from a city reads all of them (about 430k
    database hits on the city preset) to keep the 157 places; walking up from each of the places
    (regions and parks, a few hundred) reads their few outgoing links (about 10k). The UNION makes
    the planner start from the places."""
    return f"""COLLECT {{
  CALL () {{ MATCH (p:{REGION}) RETURN p UNION MATCH (p:{PARK}) RETURN p }}
  WITH p AS place
  MATCH {places_under(root)}
  RETURN DISTINCT place.id
}}"""


_PLACES_UNDER = f"""
MATCH (root:{ENTITY} {{id: $root}})
RETURN {places_below("root")} AS places"""

#: The scope in one statement: its root (``$scope``, else the home region), the root's name and
#: kinds, and the places it covers.
_SCOPE = f"""
WITH coalesce($scope, COLLECT {{ MATCH (r:{REGION}) WHERE r.home = true RETURN r.id ORDER BY r.id LIMIT 1 }}[0])
     AS root_id
OPTIONAL MATCH (root:{ENTITY} {{id: root_id}})
RETURN root_id, root.name AS name, [label IN labels(root) WHERE label <> '{ENTITY}'] AS kinds,
       CASE WHEN root IS NULL THEN [] ELSE {places_below("root")} END AS places"""


def fetch_node(execute: Execute, node_id: str) -> dict[str, Any] | None:
    """The node's properties with ``kind`` (as the embedded graph holds them), or None."""
    rows = execute(_NODE, {"id": node_id})
    if not rows:
        return None
    props = {k: v for k, v in rows[0]["props"].items() if k != "id" and k not in DERIVED}
    kinds = rows[0]["kinds"]
    return {"kind": kinds[0] if kinds else kind_of_id(node_id).value, **props}


def require(execute: Execute, node_id: str, kinds: tuple[NodeKind, ...], what: str) -> dict[str, Any]:
    """The node's properties, or NotFound with close names (:func:`chainkg.queries.common.require`)."""
    attrs = fetch_node(execute, node_id)
    if attrs is None or NodeKind(attrs["kind"]) not in kinds:
        expected = " or ".join(k.value for k in kinds)
        raise NotFound(what, node_id, suggest(execute, node_id, kinds), expected=expected)
    return attrs


def require_refs(execute: Execute, params: BaseModel) -> None:
    """:func:`chainkg.queries.common.require_refs` on Neo4j."""
    for name, value in named_nodes(params):
        ref = refers(type(params), name)
        assert ref is not None
        require(execute, value, ref.kinds, ref.what)


def suggest(execute: Execute, text: str, kinds: tuple[NodeKind, ...], limit: int = 5) -> list[dict[str, str]]:
    """:func:`chainkg.queries.common.suggest` on Neo4j: the same names, found through the full-text index."""
    return suggestions(text, lambda key: cypher_matches(execute, key, kinds), limit)


def names(execute: Execute, ids: list[str]) -> dict[str, str | None]:
    """id → name of the given nodes (those that exist)."""
    return {row["id"]: row["name"] for row in execute(_NAMES, {"ids": ids})}


def home_region(execute: Execute) -> str:
    rows = execute(_HOME, {})
    if not rows:
        raise InvalidQuery("the graph has no home region (a Region with home: true); pass a scope explicitly")
    home: str = rows[0]["id"]
    return home


def places_of(execute: Execute, root: str) -> list[str]:
    """Ids of the places ``root`` covers, itself included, sorted."""
    return sorted(execute(_PLACES_UNDER, {"root": root})[0]["places"])


def resolve_scope(execute: Execute, scope: str | None) -> tuple[ScopeRef, list[str]]:
    """The scope's reference and the ids of the places it covers (itself included), sorted: one
    statement, and more only to explain a scope that is not a place."""
    (row,) = execute(_SCOPE, {"scope": scope or None})  # an empty scope is the home region, as before
    root = row["root_id"]
    if root is None:
        home_region(execute)  # raises: the graph has no home region
    kinds = row["kinds"]
    kind = kinds[0] if kinds else None
    if kind is None or NodeKind(kind) not in PLACE.kinds:
        require(execute, root, PLACE.kinds, PLACE.what)  # raises NotFound with close names
    places = sorted(row["places"])
    return ScopeRef(
        id=root, kind=kind_of_id(root), name=row["name"] if row["name"] is not None else root, places=len(places)
    ), places
