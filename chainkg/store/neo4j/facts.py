"""Per-segment facts precomputed per place, kept per graph version: what the chain queries read instead
of walking every local member on each call.

Why: a chain map, a gap analysis, a profile or the chains overview of the home city needs, for each
segment, its *local* enterprises and active projects (LOCATED_IN a place the scope covers: see
:mod:`chainkg.queries.common`), counted without duplicates, and per chain the distinct members over
its segments. Walking them takes 50k–400k database hits per call at city scale. The answers only
change with a write, so they are derived once per graph version, for every place as a scope root
(a region or park with every place under it), and read with a few index lookups.

What is derived, all as nodes labelled :data:`FACT` (never an ``Entity``, never
a kind label, no relationships: no read, export, count or comparison of the stored graph sees them):

- :data:`SEGMENT_FACT` ``{place, segment}`` for every (root place, segment) with a local member:
  ``enterprise_count``, ``project_count`` (active), ``investment_cny`` (the active projects' CNY
  investment) and the ids of the first :data:`HEAD` enterprises and projects by id, their names beside
  them (``enterprise_names``, ``project_names``; the id for a member without one);
- :data:`CHAIN_FACT` ``{place, chain}``: the distinct local enterprises and projects over the chain's
  segments — ``enterprise_count``, ``active_count``, ``active_cny``, and every local project of any
  status counted per status (``statuses``, ``status_projects``, ``status_cny`` as
  :func:`chainkg.queries.common.cny` counts, ``status_ledger_cny`` as the project ledger does);
- :data:`PLACE_FACT` ``{place}`` for every region and park: ``name``, ``places`` (the places it covers,
  itself included, sorted) and their ``place_names``, ``enterprise_count``, its local leaders
  (``leader_ids``, enterprises with a LEADS edge, by id, and ``leader_names``) and its local projects
  per status;
- :data:`GRAPH_FACT` ``{chain}``: the whole graph's per-chain statistics (:mod:`chainkg.queries.stats`);
- each chain's shape (:mod:`chainkg.store.neo4j.shapes`), and on the :data:`STATE` the ``home`` region.

A name kept here is the node's name, or its id when it has none (a list property holds no null).

Freshness. Every write transaction of the store creates a :data:`WRITE` marker node (:data:`MARK`; a
new node each time, so concurrent writers never wait on each other). The facts are *fresh* when the
:data:`STATE` node exists and no marker does (:data:`FRESH`, a count-store read). A derivation
(:func:`chainkg.store.neo4j.derive.derive`) takes the state with a token of its own (:data:`LOCK`;
nothing to do when the facts are fresh), collects the markers it sees, then rebuilds the facts in
transactions of bounded size — a province's 1.45M members do not fit one transaction's memory —
each starting with :data:`CLAIM` (a later derivation takes the state over and the earlier one
stops), and last deletes the markers it collected (:data:`DONE`). The facts are stale throughout (the
markers, or no state of this format, are there until :data:`DONE`), so no reader sees them half
built; a write that commits meanwhile leaves its marker, so the facts stay stale. Readers that
find them stale answer from the graph as before (:func:`saw_stale` tells the store, which derives
them again); readers never get stale facts.

When: at the end of a load (:meth:`Neo4jStore.save`, and :func:`chainkg.loaders.bulk.bulk_load`), on
connect when stale or never derived (a database written before the facts existed, or a kept province
database: ``Neo4jStore(uri, …).connect()`` or :meth:`Neo4jStore.refresh_facts`), and after a read
that found them stale.
"""

from __future__ import annotations

from contextvars import ContextVar

from chainkg.schema.kinds import Currency, EdgeKind, NodeKind, ProjectStatus, StoreLabel

__all__ = [
    "CHAIN_FACT",
    "CLEAR",
    "FACT",
    "FORMAT",
    "FRESH",
    "GRAPH_FACT",
    "HEAD",
    "MARK",
    "PLACE_FACT",
    "SEGMENT_FACT",
    "STATE",
    "WRITE",
    "saw_stale",
    "schema_statements",
    "watch",
]

FACT = "ChainkgFact"
SEGMENT_FACT = "ChainkgSegmentFact"
CHAIN_FACT = "ChainkgChainFact"
PLACE_FACT = "ChainkgPlaceFact"
GRAPH_FACT = "ChainkgGraphFact"
STATE = "ChainkgFactsState"
WRITE = "ChainkgWrite"

#: Members (ids) kept per segment fact: the gap analysis shows 3, the workbench's chain map 3, a chain
#: map 20 by default. A chain map asking for more reads the lists from the graph (and the rest from
#: the facts). Kept short because the large places' facts are many: a province's 17 cities hold some
#: 700 segments each.
HEAD = 50

#: The shape of the facts: facts derived by a version of chainkg that wrote another shape are stale.
#: 2: with recommend's groups (:mod:`chainkg.store.neo4j.groups`). 3: the chains' shapes
#: (:mod:`chainkg.store.neo4j.shapes`), the members' and places' names beside their ids, the home region.
FORMAT = 3

#: Cypher condition: the facts describe the graph as it is now, in this version's shape.
FRESH = f"(COUNT {{ (:{STATE} {{format: {FORMAT}}}) }} > 0 AND COUNT {{ (:{WRITE}) }} = 0)"

#: What every write transaction runs: the graph changed, the facts are stale.
MARK = f"CREATE (:{WRITE})"

#: Every fact, marker and the state (the graph cleared: nothing derived any more), 5,000 per
#: transaction (a province holds 225k facts: one transaction for all of them is a heap's worth).
CLEAR = f"""
MATCH (n) WHERE n:{FACT} OR n:{WRITE} OR n:{STATE}
CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 5000 ROWS"""

_ENTITY = StoreLabel.ENTITY.value
_REGION = NodeKind.REGION.value
_PARK = NodeKind.PARK.value
_ENTERPRISE = NodeKind.ENTERPRISE.value
_PROJECT = NodeKind.PROJECT.value
_SEGMENT = NodeKind.SEGMENT.value
_CHAIN = NodeKind.CHAIN.value
_LOCATED_IN = EdgeKind.LOCATED_IN.value
_PART_OF = EdgeKind.PART_OF.value
_IN_SEGMENT = EdgeKind.IN_SEGMENT.value
_LEADS = EdgeKind.LEADS.value
_CNY = Currency.CNY.value
#: The active statuses (:data:`chainkg.queries.common.ACTIVE_STATUSES`), as the ``$active`` parameter.
ACTIVE = sorted(s.value for s in ProjectStatus if s.active)


def _cny(var: str) -> str:
    """:func:`chainkg.queries.common.cny`: the investment when in 元 (no currency: 元)."""
    return (
        f"CASE WHEN coalesce({var}.currency, '{_CNY}') = '{_CNY}' THEN coalesce({var}.total_investment, 0) ELSE 0 END"
    )


def _ledger_cny(var: str) -> str:
    """The project ledger's CNY amount (:func:`chainkg.queries.ledger._row`: an empty currency is 元)."""
    return (
        f"CASE WHEN coalesce({var}.currency, '') IN ['', '{_CNY}'] THEN coalesce({var}.total_investment, 0) ELSE 0 END"
    )


def _buckets(var: str) -> str:
    """A CALL subquery over the list ``var`` of projects binding their counts per raw status
    (``''`` for none): ``statuses`` (sorted), ``status_projects``, ``status_cny``, ``status_ledger_cny``."""
    return f"""
CALL ({var}) {{
  UNWIND {var} AS p
  WITH coalesce(p.status, '') AS status, p
  WITH status, count(p) AS n, sum({_cny("p")}) AS cny, sum({_ledger_cny("p")}) AS ledger
  ORDER BY status
  RETURN collect(status) AS statuses, collect(n) AS status_projects, collect(cny) AS status_cny,
         collect(ledger) AS status_ledger_cny
}}"""


def schema_statements() -> list[str]:
    """The facts' indexes and the state's constraint (idempotent)."""
    return [
        f"CREATE CONSTRAINT chainkg_facts_state_id IF NOT EXISTS FOR (n:{STATE}) REQUIRE n.id IS UNIQUE",
        f"CREATE INDEX chainkg_segment_fact IF NOT EXISTS FOR (n:{SEGMENT_FACT}) ON (n.place, n.segment)",
        f"CREATE INDEX chainkg_chain_fact IF NOT EXISTS FOR (n:{CHAIN_FACT}) ON (n.place, n.chain)",
        f"CREATE INDEX chainkg_place_fact IF NOT EXISTS FOR (n:{PLACE_FACT}) ON (n.place)",
        f"CREATE INDEX chainkg_graph_fact IF NOT EXISTS FOR (n:{GRAPH_FACT}) ON (n.chain)",
    ]


#: Take the state (made on first use) for the derivation ``$token`` and say whether the facts are
#: fresh already (then nothing is taken over).
LOCK = f"""
MERGE (state:{STATE} {{id: 'facts'}})
WITH state, COUNT {{ (:{WRITE}) }} = 0 AND state.derived IS NOT NULL AND state.format = {FORMAT} AS fresh
SET state.deriving = CASE WHEN fresh THEN state.deriving ELSE $token END
RETURN fresh"""

#: The first statement of each later transaction of a derivation: write-locks the state (so the
#: transactions of two derivations never interleave) and says whether derivation ``$token`` still
#: owns it (a later derivation took it over, or the graph was cleared: none).
CLAIM = f"""
MATCH (state:{STATE} {{id: 'facts'}})
SET state.claimed = datetime()
RETURN state.deriving = $token AS ours"""

#: The markers this derivation answers for (those committed before it reads the graph).
MARKERS = f"MATCH (w:{WRITE}) RETURN elementId(w) AS id"

#: Drop up to ``$slice`` facts of the previous version (repeated until none is left).
DROP = f"""
MATCH (f:{FACT})
WITH f LIMIT $slice
DETACH DELETE f
RETURN count(*) AS dropped"""

#: Every region and park with the places it covers (walking up from each place, as
#: :func:`chainkg.queries.cypher.common.places_under` walks), as place facts.
PLACES = f"""
MATCH (p) WHERE p:{_REGION} OR p:{_PARK}
CALL (p) {{
  MATCH (p)((child)-[link:{_PART_OF}|{_LOCATED_IN}]->(parent)
            WHERE (link:{_PART_OF} AND child:{_REGION}) OR (link:{_LOCATED_IN} AND child:{_PARK}))*(root)
  WHERE root:{_REGION} OR root:{_PARK}
  WITH DISTINCT root.id AS root ORDER BY root
  RETURN collect(root) AS within
}}
WITH p, within
UNWIND within AS root
WITH root, p.id AS place, coalesce(p.name, p.id) AS name ORDER BY place
WITH root, collect(place) AS places, collect(name) AS names
CREATE (:{FACT}:{PLACE_FACT} {{place: root, places: places, place_names: names,
                              name: COLLECT {{ MATCH (r:{_ENTITY} {{id: root}}) RETURN coalesce(r.name, r.id) }}[0]}})
RETURN count(*) AS places"""

#: Every place fact with its weight (the places it covers), to cut the member facts into transactions.
WEIGHTS = f"MATCH (rf:{PLACE_FACT}) RETURN rf.place AS place, size(rf.places) AS weight ORDER BY place"

#: Per root place of ``$places``: its local members (once each, by id), then the segment, chain and place facts.
MEMBERS = f"""
MATCH (rf:{PLACE_FACT}) WHERE rf.place IN $places
CALL (rf) {{
  UNWIND rf.places AS id
  MATCH (:{_ENTITY} {{id: id}})<-[:{_LOCATED_IN}]-(m)
  WHERE m:{_ENTERPRISE} OR m:{_PROJECT}
  WITH DISTINCT m ORDER BY m.id
  WITH collect(m) AS members
  CALL (rf, members) {{
    UNWIND members AS m
    WITH m WHERE m:{_ENTERPRISE} OR m.status IN $active
    MATCH (m)-[:{_IN_SEGMENT}]->(s:{_SEGMENT})
    WITH DISTINCT s, m ORDER BY m.id
    WITH s, collect(CASE WHEN m:{_ENTERPRISE} THEN m END) AS es, collect(CASE WHEN m:{_PROJECT} THEN m END) AS ps
    CREATE (:{FACT}:{SEGMENT_FACT} {{
      place: rf.place, segment: s.id,
      enterprise_count: size(es),
      enterprise_ids: [e IN es[..$head] | e.id],
      enterprise_names: [e IN es[..$head] | coalesce(e.name, e.id)],
      project_count: size(ps),
      project_ids: [p IN ps[..$head] | p.id],
      project_names: [p IN ps[..$head] | coalesce(p.name, p.id)],
      investment_cny: reduce(total = 0, p IN ps | total + {_cny("p")})
    }})
    RETURN count(*) AS segment_facts
  }}
  CALL (rf, members) {{
    UNWIND members AS m
    MATCH (m)-[:{_IN_SEGMENT}]->(:{_SEGMENT})-[:{_PART_OF}]->(c:{_CHAIN})
    WITH DISTINCT c, m
    WITH c, collect(m) AS ms
    WITH c, size([m IN ms WHERE m:{_ENTERPRISE}]) AS enterprises, [m IN ms WHERE m:{_PROJECT}] AS ps
    WITH c, enterprises, ps, [p IN ps WHERE p.status IN $active] AS active
    {_buckets("ps")}
    CREATE (:{FACT}:{CHAIN_FACT} {{
      place: rf.place, chain: c.id, enterprise_count: enterprises,
      active_count: size(active), active_cny: reduce(total = 0, p IN active | total + {_cny("p")}),
      statuses: statuses, status_projects: status_projects, status_cny: status_cny,
      status_ledger_cny: status_ledger_cny
    }})
    RETURN count(*) AS chain_facts
  }}
  CALL (rf, members) {{
    WITH rf, [m IN members WHERE m:{_ENTERPRISE}] AS es, [m IN members WHERE m:{_PROJECT}] AS ps
    WITH rf, size(es) AS enterprises, [e IN es WHERE EXISTS {{ (e)-[:{_LEADS}]->() }}] AS leaders, ps
    {_buckets("ps")}
    SET rf.enterprise_count = enterprises,
        rf.leader_ids = [e IN leaders | e.id],
        rf.leader_names = [e IN leaders | coalesce(e.name, e.id)],
        rf.statuses = statuses, rf.status_projects = status_projects, rf.status_cny = status_cny,
        rf.status_ledger_cny = status_ledger_cny
    RETURN count(*) AS place_facts
  }}
  RETURN sum(segment_facts) AS segment_facts, sum(chain_facts) AS chain_facts
}}
RETURN sum(segment_facts) AS segment_facts, sum(chain_facts) AS chain_facts, count(*) AS places"""

#: Every chain's id.
CHAINS = f"MATCH (c:{_CHAIN}) RETURN c.id AS id ORDER BY id"

#: The whole graph's statistics per chain of ``$chains`` (:mod:`chainkg.queries.stats`).
GRAPH = f"""
MATCH (c:{_CHAIN}) WHERE c.id IN $chains
OPTIONAL MATCH (s)-[:{_PART_OF}]->(c)
WITH c, collect(DISTINCT s) AS segments
CALL (segments) {{
  UNWIND segments AS s
  OPTIONAL MATCH (m)-[:{_IN_SEGMENT}]->(s) WHERE m:{_ENTERPRISE} OR m:{_PROJECT}
  WITH DISTINCT m
  WITH collect(m) AS members
  WITH [m IN members WHERE m:{_ENTERPRISE}] AS es, [m IN members WHERE m:{_PROJECT}] AS ps
  RETURN size(es) AS enterprises, size(ps) AS projects, reduce(total = 0, p IN ps | total + {_cny("p")}) AS cny
}}
CALL (c) {{
  OPTIONAL MATCH (leader)-[:{_LEADS}]->(c)
  RETURN count(DISTINCT leader) AS leaders
}}
CREATE (:{FACT}:{GRAPH_FACT} {{chain: c.id, name: c.name, segments: size(segments), enterprises: enterprises,
                              projects: projects, investment_cny: cny, leaders: leaders}})
RETURN count(*) AS chains"""

#: Stamp the state and delete the markers this derivation answered for (after :data:`CLAIM`).
DONE = f"""
MATCH (state:{STATE} {{id: 'facts'}})
SET state.derived = datetime(), state.deriving = null, state.format = {FORMAT},
    state.home = COLLECT {{ MATCH (r:{_REGION}) WHERE r.home = true RETURN r.id ORDER BY r.id LIMIT 1 }}[0]
WITH state
UNWIND $markers AS marker
MATCH (w:{WRITE}) WHERE elementId(w) = marker
DELETE w"""


_STALE: ContextVar[list[bool] | None] = ContextVar("chainkg_facts_stale", default=None)


def watch() -> list[bool]:
    """Start noting, in this context, whether a read found the facts stale (see :func:`saw_stale`)."""
    seen: list[bool] = []
    _STALE.set(seen)
    return seen


def saw_stale() -> None:
    """A query's Cypher form found the facts stale (it answered from the graph instead)."""
    seen = _STALE.get()
    if seen is not None:
        seen.append(True)
