"""Enterprise groups kept per graph version: each enterprise's ownership chain, and the groups present
in every place as a scope — what :mod:`chainkg.queries.recommend` reads instead of walking them.

Why: recommending for a segment in the home city needs the groups present there (:mod:`chainkg.queries.presence`:
the top of each present enterprise's SUBSIDIARY_OF chain). The city has 50,000 present enterprises,
37,000 of them in an ownership structure; finding them and their parents read about 1.1M database
hits and shipped 37,000 rows per call. Both only change with a write, so they are derived with the
chain facts (:mod:`chainkg.store.neo4j.facts`) and read with a few index lookups.

What is derived, as nodes labelled :data:`~chainkg.store.neo4j.facts.FACT` (no ``Entity``, no kind
label, no relationships: no read, export, count or comparison of the stored graph sees them; dropped
and cleared with the chain facts):

- :data:`LINEAGE` ``{enterprise}`` for every enterprise in an ownership structure (a SUBSIDIARY_OF
  edge either way): ``ancestors``, its chain as :func:`chainkg.store.nx_index.follow_parents` walks it
  (first parent by id at each level, cycle-safe), and ``group``, the chain's last element (the
  enterprise itself when it has no parent). Computed here in Python from the edges, so both stores'
  groups come from one definition;
- :data:`PRESENT_GROUP` ``{place, group}`` for every place as a scope root (a region or park with the
  places its place fact lists) and every group with a present member there (local, or investing in a
  local active project: :class:`chainkg.queries.presence.Presence`) that is in a structure:
  ``members`` (by id), and each one's ancestors as ``depths`` (their counts) and ``ancestors`` (one
  flat list: a property holds no list of lists);
- :data:`PRESENCE` ``{place}``: ``groups``, every group present there, by id, ``group_names``, and a
  ``stamp`` of its own (a random UUID: a reader may keep the lists it read under it, they never change).

Freshness is the chain facts' own: derived in the same refresh, stale from the next write on
(:data:`~chainkg.store.neo4j.facts.FRESH`); a reader that finds them stale answers from the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from chainkg.schema.kinds import EdgeKind, NodeKind, StoreLabel
from chainkg.store.neo4j.facts import ACTIVE, FACT, PLACE_FACT
from chainkg.store.nx_index import follow_parents

__all__ = [
    "LINEAGE",
    "PRESENCE",
    "PRESENT_GROUP",
    "derive",
    "lineages",
    "schema_statements",
]

LINEAGE = "ChainkgLineageFact"
PRESENT_GROUP = "ChainkgPresentGroupFact"
PRESENCE = "ChainkgPresenceFact"

#: Lineages written per statement.
BATCH = 10_000

Run = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]

_ENTITY = StoreLabel.ENTITY.value
_ENTERPRISE = NodeKind.ENTERPRISE.value
_PROJECT = NodeKind.PROJECT.value
_SUBSIDIARY_OF = EdgeKind.SUBSIDIARY_OF.value
_LOCATED_IN = EdgeKind.LOCATED_IN.value
_INVESTS_IN = EdgeKind.INVESTS_IN.value


def schema_statements() -> list[str]:
    """The indexes the readers seek (idempotent)."""
    return [
        f"CREATE INDEX chainkg_lineage_fact IF NOT EXISTS FOR (n:{LINEAGE}) ON (n.enterprise)",
        f"CREATE INDEX chainkg_present_group_fact IF NOT EXISTS FOR (n:{PRESENT_GROUP}) ON (n.place, n.group)",
        f"CREATE INDEX chainkg_presence_fact IF NOT EXISTS FOR (n:{PRESENCE}) ON (n.place)",
    ]


#: Every SUBSIDIARY_OF edge as (child, parent) ids, in two parallel lists (one row: rows cost the driver).
EDGES = f"""
MATCH (child)-[:{_SUBSIDIARY_OF}]->(parent:{_ENTERPRISE})
RETURN collect(child.id) AS children, collect(parent.id) AS parents"""

#: ``$rows``: ``[enterprise, *ancestors]`` each.
WRITE_LINEAGES = f"""
UNWIND $rows AS row
CREATE (:{FACT}:{LINEAGE} {{enterprise: row[0], ancestors: row[1..], group: coalesce(last(row[1..]), row[0])}})"""

#: Every root place of ``$places``: its present groups (after the place facts and the lineages).
PRESENT = f"""
MATCH (rf:{PLACE_FACT}) WHERE rf.place IN $places
CALL (rf) {{
  UNWIND rf.places AS id
  MATCH (:{_ENTITY} {{id: id}})<-[:{_LOCATED_IN}]-(m)
  WHERE m:{_ENTERPRISE} OR (m:{_PROJECT} AND m.status IN $active)
  CALL (m) {{
    WITH m WHERE m:{_ENTERPRISE}
    RETURN m AS e
    UNION
    WITH m WHERE m:{_PROJECT}
    MATCH (e)-[:{_INVESTS_IN}]->(m)
    RETURN e
  }}
  WITH DISTINCT e.id AS id
  MATCH (lf:{LINEAGE} {{enterprise: id}})
  WITH lf ORDER BY lf.enterprise
  WITH lf.group AS group, collect(lf) AS ls
  CREATE (:{FACT}:{PRESENT_GROUP} {{place: rf.place, group: group, members: [l IN ls | l.enterprise],
    depths: [l IN ls | size(l.ancestors)], ancestors: COLLECT {{ UNWIND ls AS l UNWIND l.ancestors AS a RETURN a }}}})
  WITH group
  OPTIONAL MATCH (g:{_ENTITY} {{id: group}})
  WITH group, coalesce(g.name, group) AS name ORDER BY group
  RETURN collect(group) AS groups, collect(name) AS names
}}
CREATE (:{FACT}:{PRESENCE} {{place: rf.place, groups: groups, group_names: names, stamp: randomUUID()}})
RETURN sum(size(groups)) AS groups"""


def lineages(children: list[str], parents: list[str]) -> Iterator[list[str]]:
    """``[enterprise, *ancestors]`` for every enterprise in an ownership structure, by id, from the
    SUBSIDIARY_OF edges given as parallel lists of (child, parent) ids."""
    ups: dict[str, set[str]] = {}
    for child, parent in zip(children, parents, strict=True):
        ups.setdefault(child, set()).add(parent)
    by_id = {child: sorted(ps) for child, ps in ups.items()}
    for enterprise in sorted(set(by_id).union(parents)):
        yield [enterprise, *follow_parents(enterprise, lambda e: by_id.get(e, []))]


def derive(run: Run, places: list[list[str]]) -> dict[str, int]:
    """Derive the lineages (:data:`BATCH` per statement), then the present groups of each run of root
    places in ``places`` (one statement each; the place facts must be there). Each statement goes
    through ``run``: :func:`chainkg.store.neo4j.derive.derive` gives each its own bounded transaction.
    Returns what it wrote."""
    (row,) = run(EDGES, {})
    written = 0
    batch: list[list[str]] = []
    for lineage in lineages(row["children"], row["parents"]):
        batch.append(lineage)
        if len(batch) == BATCH:
            run(WRITE_LINEAGES, {"rows": batch})
            written, batch = written + len(batch), []
    if batch:
        run(WRITE_LINEAGES, {"rows": batch})
        written += len(batch)
    groups = 0
    for roots in places:
        for r in run(PRESENT, {"places": roots, "active": ACTIVE}):
            groups += r["groups"]
    return {"lineages": written, "present_groups": groups}
