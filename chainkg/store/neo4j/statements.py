"""The Cypher the Neo4j store itself runs: upserts, checks, counts, lookups, the manifest.

Why one module of small functions: every statement the store sends is here, built once at import
from the schema enums (labels, relationship types) and the store's own constants (property names),
so a reviewer reads the whole write path in one place and no label is typed by hand. Values —
everything that comes from data or from a user — travel only as parameters (``$rows``, ``$id``…).

Stored shape (the same as :class:`~chainkg.store.memory.MemoryStore`'s, item by item):

- a node has its kind's label, :attr:`StoreLabel.ENTITY`, ``id`` and its record's properties; its
  kind is its label (and its id prefix), so there is no ``kind`` property;
- a relationship has its kind's type, ``key`` (:func:`chainkg.schema.ids.edge_key`), its record's
  properties and ``provenance``, the sorted list of the JSON texts of its sources;
- node provenance: one ``CITES`` relationship node → Source per source, with ``evidence``,
  ``claims`` (JSON) and ``certainty``;
- :attr:`StoreLabel.META` node ``{id: 'manifest'}`` holds the manifest, one JSON text per input;
  ``{id: 'writer'}`` is the writers' lock (:data:`WRITER`).

Every write statement returns how many rows it wrote (``rows``: fewer than it was sent means an end
it matched was gone, and the store refuses the batch) and how many it created and changed, compared
property by property as the MemoryStore does, so both stores report the same counts for the same
load. Node statements also return each node's element id; relationship statements match their ends
by it (``row.ea``, ``row.eb``, checked against the ids ``row.a``, ``row.b``) instead of seeking the
``id`` index again.
"""

from __future__ import annotations

from chainkg.schema.kinds import EdgeKind, NodeKind, StoreLabel
from chainkg.store.neo4j.ddl import GRAMS, MAX_SIZE
from chainkg.store.protocol import UNION_LISTS

__all__ = [
    "BACKFILL_GRAMS",
    "CLAIMS",
    "CLEAR",
    "COUNTS",
    "EDGE_COUNT",
    "EXISTING",
    "FIND_IDS",
    "HAS_INDEX",
    "INDEX_STATES",
    "KEEP_PLAN",
    "MANIFEST_ID",
    "NAMES",
    "NODE",
    "NODES",
    "READ_MANIFEST",
    "SET_EDGE_PROPS",
    "SET_NODE_PROPS",
    "UNKNOWN_IDS",
    "WRITER",
    "WRITER_ID",
    "WRITE_MANIFEST",
    "create_cites",
    "create_edges",
    "create_nodes",
    "upsert_cites",
    "upsert_edges",
    "upsert_nodes",
]

_ENTITY = StoreLabel.ENTITY.value
_META = StoreLabel.META.value
_CITES = EdgeKind.CITES.value

#: Id of the bookkeeping node.
MANIFEST_ID = "manifest"

#: The head of every statement a write sends, and of the store's own lookups by id that a load
#: also runs: keep the first plan. A load grows the graph from nothing, so Neo4j finds each
#: statement's statistics "stale" again and again (a tenfold growth is a divergence far above its
#: threshold) and replans it every ``min_replan_interval``; each replan plans anew, generates new
#: expression classes and sets the JIT compiling them (keeping the plans took a warm server's CPU
#: for a 135k-record load from 26.7 to 11.6 s, and 14% off a city load: BENCHMARKS.md, Neo4j 2.).
#: Each of these finds its nodes through a uniqueness constraint (``id``), whose seek the planner
#: picks whatever the statistics say, so the first plan stays the right one.
KEEP_PLAN = "CYPHER replan=skip"

_COUNTED = """
RETURN count(*) AS rows, sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> properties({var}) THEN 1 ELSE 0 END) AS changed"""

#: What a node statement returns besides its counts: the element id of each row's node, which the
#: batch's relationship statements then match by (``elementId(n) = row.ea``: a direct seek, about half
#: the server's CPU of the ``id`` index seek per end). Element ids are valid within the transaction
#: that read them; Neo4j reuses a deleted node's id only after every transaction open at its deletion
#: has closed.
_ELEMENT_IDS = """,
       collect(n.id) AS ids, collect(elementId(n)) AS eids"""


def _ends(a: str, b: str) -> str:
    """A relationship row's two ends: by element id (``row.ea``, ``row.eb``: a direct seek, no index),
    and only if the node there still has the row's id (``row.a``, ``row.b``). An element id read in an
    earlier transaction names the same node unless that node was deleted since — and then Neo4j may have
    given the element id to a new node: the id check makes that row match nothing, which refuses the
    batch (:mod:`chainkg.store.neo4j.writer`), instead of joining a node it was not meant for."""
    return (
        f"MATCH ({a}) WHERE elementId({a}) = row.ea AND {a}.id = row.a\n"
        f"MATCH ({b}) WHERE elementId({b}) = row.eb AND {b}.id = row.b"
    )


def _union(var: str, name: str) -> str:
    """``SET`` item: the stored list, then the row's values it does not hold yet (MemoryStore's rule)."""
    return (
        f"{var}.{name} = CASE WHEN row.{name} IS NULL THEN {var}.{name} "
        f"ELSE coalesce({var}.{name}, []) + [x IN row.{name} WHERE NOT x IN coalesce({var}.{name}, [])] END"
    )


def upsert_nodes(kind: NodeKind) -> str:
    """Merge one kind's nodes by id: ``row.props`` overwrite, ``row.aliases``/``row.keys`` accumulate.

    Rows must have distinct ids (the store sends repeats of an id in a later statement), so the
    ``before`` each row reads is the node as the previous statements left it.
    """
    label = kind.value
    unions = ",\n    ".join(_union("n", name) for name in (*UNION_LISTS, GRAMS))
    return (
        f"""{KEEP_PLAN}
UNWIND $rows AS row
OPTIONAL MATCH (old:{label} {{id: row.id}})
WITH row, properties(old) AS before
MERGE (n:{label} {{id: row.id}})
  ON CREATE SET n:{_ENTITY}
SET n += row.props
SET {unions}"""
        + _COUNTED.format(var="n")
        + _ELEMENT_IDS
    )


def upsert_cites() -> str:
    """One CITES relationship per (node, source), the ends by element id (:func:`_ends`); its
    properties are replaced by the row's."""
    return f"""{KEEP_PLAN}
UNWIND $rows AS row
{_ends("n", "s")}
OPTIONAL MATCH (n)-[old:{_CITES} {{key: row.key}}]->(s)
WITH n, s, row, properties(old) AS before
MERGE (n)-[r:{_CITES} {{key: row.key}}]->(s)
SET r = row.props""" + _COUNTED.format(var="r")


def upsert_edges(kind: EdgeKind) -> str:
    """Merge one kind's relationships by (source, target, key), the ends by element id (:func:`_ends`):
    properties overwrite, provenance is the sorted union of the stored and the written
    JSON texts. A relationship the ``MERGE`` creates takes the row's provenance as it is (the plan
    sends it sorted and distinct), and so does one that holds exactly it already; only the others go
    through the union, a subquery per row that cost as much as the rest of the statement."""
    rel = kind.value
    return f"""{KEEP_PLAN}
UNWIND $rows AS row
{_ends("a", "b")}
OPTIONAL MATCH (a)-[old:{rel} {{key: row.key}}]->(b)
WITH a, b, row, properties(old) AS before
MERGE (a)-[r:{rel} {{key: row.key}}]->(b)
  ON CREATE SET r += row.props, r.provenance = row.provenance
  ON MATCH SET r += row.props
WITH r, row, before
CALL (r, row) {{
  WITH r, row WHERE coalesce(r.provenance, []) <> row.provenance
  CALL (r, row) {{
    UNWIND coalesce(r.provenance, []) + row.provenance AS text
    WITH DISTINCT text ORDER BY text
    RETURN collect(text) AS provenance
  }}
  SET r.provenance = provenance
}}""" + _COUNTED.format(var="r")


_CREATED = """
RETURN count(*) AS rows, count(*) AS created, 0 AS changed"""


def create_nodes(kind: NodeKind) -> str:
    """Create one kind's nodes that the store knows to be new (absent when the batch began and not
    created earlier in it): no lookup, no comparison. ``row.props`` holds every property, ``id``
    and the accumulating lists included."""
    return (
        f"""{KEEP_PLAN}
UNWIND $rows AS row
CREATE (n:{kind.value}:{_ENTITY})
SET n = row.props"""
        + _CREATED
        + _ELEMENT_IDS
    )


def create_cites() -> str:
    """CITES relationships that cannot exist yet (:mod:`chainkg.store.neo4j.plan`), the ends by element id."""
    return (
        f"""{KEEP_PLAN}
UNWIND $rows AS row
{_ends("n", "s")}
CREATE (n)-[r:{_CITES}]->(s)
SET r = row.props"""
        + _CREATED
    )


def create_edges(kind: EdgeKind) -> str:
    """Relationships that cannot exist yet — an end is a node this store created, and it has not written
    this relationship (:mod:`chainkg.store.neo4j.own`). The ends by element id; ``row.props`` holds the
    key, the properties and the provenance."""
    return (
        f"""{KEEP_PLAN}
UNWIND $rows AS row
{_ends("a", "b")}
CREATE (a)-[r:{kind.value}]->(b)
SET r = row.props"""
        + _CREATED
    )


#: The first statement of every write transaction of the store: takes the lock of the bookkeeping
#: node ``$id`` (:data:`WRITER_ID`; the ``SET`` takes the lock before anything reads the node, and the
#: lock is held until the transaction ends, so chainkg's write transactions run one at a time), and
#: swaps the token of the writer whose transaction last committed (``before``) for ``$token``
#: (:mod:`chainkg.store.neo4j.own`).
WRITER = f"""{KEEP_PLAN}
MERGE (w:{_META} {{id: $id}})
SET w.writes = coalesce(w.writes, 0) + 1
WITH w, w.writer AS before
SET w.writer = $token
RETURN before"""

#: Id of the bookkeeping node that :data:`WRITER` locks.
WRITER_ID = "writer"

#: Kind labels and element ids of the ids a batch mentions that exist already (the checks run on the
#: labels; the relationship statements match the ends by element id), as one row of three lists: a
#: row per id would cost the driver more than the lookups cost the server.
EXISTING = f"""{KEEP_PLAN}
UNWIND $ids AS id
MATCH (n:{_ENTITY} {{id: id}})
RETURN collect(n.id) AS ids, collect([label IN labels(n) WHERE label <> '{_ENTITY}']) AS kinds,
       collect(elementId(n)) AS eids"""

#: Ids among ``$ids`` that name no node.
UNKNOWN_IDS = f"""{KEEP_PLAN}
UNWIND $ids AS id
OPTIONAL MATCH (n:{_ENTITY} {{id: id}})
WITH id, n WHERE n IS NULL
RETURN id"""

#: Overwrite properties; a null value removes the property (``+=`` semantics).
SET_NODE_PROPS = f"""{KEEP_PLAN}
UNWIND $rows AS row
MATCH (n:{_ENTITY} {{id: row.id}})
SET n += row.props"""

#: Overwrite properties of relationships of one type, found by their ends and key.
SET_EDGE_PROPS = {
    k: f"""{KEEP_PLAN}
UNWIND $rows AS row
MATCH (a:{_ENTITY} {{id: row.source}})-[r:{k.value} {{key: row.key}}]->(b:{_ENTITY} {{id: row.target}})
SET r += row.props"""
    for k in EdgeKind
}

#: Nodes per kind label and relationships per type; each ``count`` is answered from Neo4j's count store.
#: (``count`` before the constant columns: a count with a grouping key, even a constant one, is
#: planned as a scan of every node or relationship of the kind instead of a read of the count store.)
COUNTS = "\nUNION ALL\n".join(
    [f"MATCH (n:{k.value}) WITH count(n) AS n RETURN 'node' AS what, '{k.value}' AS kind, n" for k in NodeKind]
    + [f"MATCH ()-[r:{k.value}]->() WITH count(r) AS n RETURN 'edge' AS what, '{k.value}' AS kind, n" for k in EdgeKind]
)

#: Relationships of one type, by kind value.
EDGE_COUNT = {k: f"MATCH ()-[r:{k.value}]->() RETURN count(r) AS n" for k in EdgeKind}

#: How many of the indexes named ``$names`` exist.
HAS_INDEX = "SHOW INDEXES YIELD name WHERE name IN $names RETURN count(*) AS n"

#: ``grams`` (:func:`chainkg.store.neo4j.ddl.key_grams`) for every node with keys whose grams are missing
#: or hold no sized term: a database written before them. In its own transactions (an auto-commit statement).
BACKFILL_GRAMS = f"""
MATCH (n:{_ENTITY}) WHERE size(n.keys) > 0 AND (n.{GRAMS} IS NULL OR none(g IN n.{GRAMS} WHERE size(g) > 2))
CALL (n) {{
  SET n.{GRAMS} = COLLECT {{
    UNWIND n.keys AS k
    WITH COLLECT {{ UNWIND range(0, size(k) - 2) AS i RETURN DISTINCT substring(k, i, 2) }} AS grams
    WITH grams, right('000' + toString(CASE WHEN size(grams) > {MAX_SIZE} THEN {MAX_SIZE}
      ELSE size(grams) END), 4) AS width
    UNWIND grams AS g
    UNWIND [g, g + '#' + width] AS term
    RETURN DISTINCT term
  }}
}} IN TRANSACTIONS OF 10000 ROWS"""

#: One node's properties and labels.
NODE = f"""{KEEP_PLAN}
MATCH (n:{_ENTITY} {{id: $id}})
RETURN properties(n) AS props, [label IN labels(n) WHERE label <> '{_ENTITY}'] AS kinds"""

#: Properties and labels of the nodes among ``$ids`` that exist.
NODES = f"""{KEEP_PLAN}
UNWIND $ids AS id
MATCH (n:{_ENTITY} {{id: id}})
RETURN id, properties(n) AS props, [label IN labels(n) WHERE label <> '{_ENTITY}'] AS kinds"""

#: Ids of one kind whose keys hold ``$key`` exactly: an exact term of the keyword full-text index.
FIND_IDS = """
CALL db.index.fulltext.queryNodes($index, $query) YIELD node
WHERE $kind IN labels(node) AND $key IN node.keys
RETURN node.id AS id ORDER BY id"""

#: Every key of one kind → the smallest id holding it.
NAMES = {k: f"MATCH (n:{k.value}) UNWIND coalesce(n.keys, []) AS key RETURN key, min(n.id) AS id" for k in NodeKind}

#: The CITES relationships of the given nodes, with what conflict resolution needs of each source. The plan is kept
#: (``KEEP_PLAN``), so it is pinned to seeking each id (``USING INDEX``): planned on a young graph of a few sources
#: cited by many nodes, the planner could otherwise start from the sources and keep that plan.
CLAIMS = f"""{KEEP_PLAN}
UNWIND $ids AS id
MATCH (n:{_ENTITY} {{id: id}})-[c:{_CITES}]->(s:{NodeKind.SOURCE.value})
USING INDEX n:{_ENTITY}(id)
RETURN id, s.id AS source, c.evidence AS evidence, c.claims AS claims, s.date AS date, s.authority AS authority
ORDER BY id, source"""

#: The state of every index (ONLINE, POPULATING, FAILED): the schema is ready when all are online.
INDEX_STATES = "SHOW INDEXES YIELD state RETURN state"

READ_MANIFEST = f"MATCH (m:{_META} {{id: $id}}) RETURN m.entries AS entries"
WRITE_MANIFEST = f"MERGE (m:{_META} {{id: $id}}) SET m.entries = $entries"

#: Every chainkg node (and so every relationship), in transactions of bounded size: auto-commit only.
#: First the relationships leaving chainkg's nodes, 10,000 a transaction, then the nodes, 5,000 a
#: transaction: deleting nodes alone put a source and all its CITES (tens of thousands at city scale)
#: into one transaction, which overran a 1 GiB heap. Nodes without chainkg's labels (someone else's
#: data in the same database) are left alone.
CLEAR = (
    f"""
MATCH (n)-[r]->() WHERE n:{_ENTITY} OR n:{_META}
CALL (r) {{ DELETE r }} IN TRANSACTIONS OF 10000 ROWS""",
    f"""
MATCH (n) WHERE n:{_ENTITY} OR n:{_META}
CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 5000 ROWS""",
)
