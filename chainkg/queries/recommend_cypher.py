"""The Cypher twin of :mod:`chainkg.queries.recommend`: Cypher gathers the :class:`~chainkg.queries.recommend.Facts`
(the candidates, who is present and their ownership links, the local leaders), and
:func:`~chainkg.queries.recommend.rank` scores them as on the embedded store.

Where the work is at city scale: in the home city nearly every enterprise is present (50,000, of
which 37,000 in an ownership structure), and the groups present need each one's ownership chain. The
embedded store keeps an ownership index; here the ``present`` statement, which visits every present
enterprise anyway, also returns each one's SUBSIDIARY_OF parents, so ``owners`` only walks up from
what that leaves unknown: the parents outside the present set and the candidates (an ownership chain
walked from each of the 37,000 present enterprises read 1.7M database hits).

That is the path from the graph, taken when the kept groups are stale (a write since the last
derivation); when they are fresh, :mod:`chainkg.queries.recommend_kept` reads them instead (one or
two statements, a few thousand database hits).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chainkg.queries.common import NodeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.groups import follow_parents
from chainkg.queries.recommend_kept import run_kept
from chainkg.queries.recommend_rank import Facts, Params, Result, rank
from chainkg.schema.kinds import EdgeKind, NodeKind, RegionLevel

__all__ = ["CYPHER", "run_cypher"]

_PRESENT = (
    f"""EXISTS {{ MATCH (e)-[:{cy.INVESTS_IN}]->(p:{cy.PROJECT}) WHERE p.status IN $active AND {cy.local("p")} }}"""
)

#: The statements. An enterprise is *present* when it is local or invests in a local active project.
CYPHER = {
    # the segment: its chains, what it FEEDS, whether it is covered here
    "segment": f"""
MATCH (s:{cy.ENTITY} {{id: $segment}})
{cy.segment_chains("s")}
CALL (s) {{
  OPTIONAL MATCH (s)-[:{cy.FEEDS}]->(customer)
  RETURN collect(CASE WHEN customer IS NOT NULL THEN [customer.id, customer.name] END) AS fed
}}
RETURN chains, fed, EXISTS {{ MATCH (e:{cy.ENTERPRISE})-[:{cy.IN_SEGMENT}]->(s) WHERE {cy.local("e")} }}
  OR EXISTS {{ MATCH (p:{cy.PROJECT})-[:{cy.IN_SEGMENT}]->(s) WHERE p.status IN $active AND {cy.local("p")} }}
  AS covered""",
    # local leaders of the segment's chains: the segments they work in, the chains they lead
    "leaders": f"""
MATCH (:{cy.ENTITY} {{id: $segment}})-[:{cy.PART_OF}]->(chain)<-[:{cy.LEADS}]-(leader)
WHERE (leader:{cy.ENTERPRISE} OR leader:{cy.PROJECT}) AND {cy.local("leader")}
WITH DISTINCT leader
RETURN leader.id AS id, leader.name AS name,
       COLLECT {{ MATCH (leader)-[:{cy.IN_SEGMENT}]->(s) RETURN s.id }} AS segments,
       COLLECT {{ MATCH (leader)-[lead:{cy.LEADS}]->(c) WHERE c.id IN $chains AND lead.key = $leads_key
                  RETURN c.id }} AS led
ORDER BY id""",
    # the candidates: the segment's enterprises that are not present, with their record, their place in
    # the segment and whether their head office is in the scope's province ($near: its places)
    "candidates": f"""
MATCH (e:{cy.ENTERPRISE})-[placed:{cy.IN_SEGMENT}]->(:{cy.ENTITY} {{id: $segment}})
WHERE NOT {cy.local("e")} AND NOT {_PRESENT}
WITH DISTINCT e, placed {{.rank, .certainty, .basis}} AS placement
RETURN collect({{id: e.id, name: e.name, stock_code: e.stock_code, enterprise_kind: e.enterprise_kind,
  placement: placement, near: EXISTS {{ (e)-[:{cy.LOCATED_IN}]->(office) WHERE office.id IN $near }},
  projects: COUNT {{ (e)-[:{cy.INVESTS_IN}]->() }},
  supplies: COLLECT {{ MATCH (e)-[:{cy.SUPPLIES}]->(customer) RETURN customer.id }}}}) AS candidates""",
    # the first province-level region above the scope (itself, if it is one)
    "province": f"""
MATCH (root:{cy.ENTITY} {{id: $root}})
MATCH path = (root)((child)-[link:{cy.PART_OF}|{cy.LOCATED_IN}]->(parent) WHERE parent:{cy.REGION} OR parent:{cy.PARK})*
      (province:{cy.REGION} {{level: $province}})
RETURN province.id AS id, province.name AS name ORDER BY length(path), id LIMIT 1""",
    # present enterprises that belong to an ownership structure (the others cannot share a group), each
    # with its SUBSIDIARY_OF parents (read only where it has some: a group's top has none)
    "present": f"""
UNWIND $places AS id
MATCH (:{cy.ENTITY} {{id: id}})<-[:{cy.LOCATED_IN}]-(m)
WHERE m:{cy.ENTERPRISE} OR m:{cy.PROJECT}
WITH DISTINCT m
CALL (m) {{
  WITH m WHERE m:{cy.ENTERPRISE}
  RETURN m AS e
  UNION
  WITH m WHERE m:{cy.PROJECT} AND m.status IN $active
  MATCH (e)-[:{cy.INVESTS_IN}]->(m)
  RETURN e
}}
WITH DISTINCT e WHERE EXISTS {{ (e)-[:{cy.SUBSIDIARY_OF}]-() }}
RETURN collect([e.id, e.name, CASE WHEN EXISTS {{ (e)-[:{cy.SUBSIDIARY_OF}]->() }}
  THEN COLLECT {{ MATCH (e)-[:{cy.SUBSIDIARY_OF}]->(parent) RETURN [parent.id, parent.name] }} ELSE [] END])
  AS present""",
    # SUBSIDIARY_OF links above the given enterprises, up to the tops of their groups
    "owners": f"""
UNWIND $ids AS id
MATCH (:{cy.ENTITY} {{id: id}})-[:{cy.SUBSIDIARY_OF}*0..]->(owned)
WITH DISTINCT owned
MATCH (owned)-[:{cy.SUBSIDIARY_OF}]->(parent)
RETURN collect([owned.id, owned.name, parent.id, parent.name]) AS links""",
    # where a present enterprise is: its first place if local, else its first local project
    "anchors": f"""
UNWIND $ids AS id
MATCH (e:{cy.ENTITY} {{id: id}})
RETURN id, CASE WHEN (e:{cy.ENTERPRISE} OR e:{cy.PROJECT}) AND {cy.local("e")}
  THEN COLLECT {{ MATCH (e)-[:{cy.LOCATED_IN}]->(place) RETURN [place.id, place.name] ORDER BY place.id LIMIT 1 }}
  ELSE COLLECT {{ MATCH (e)-[:{cy.INVESTS_IN}]->(p) WHERE (p:{cy.PROJECT} OR p:{cy.ENTERPRISE}) AND {cy.local("p")}
                  RETURN [p.id, p.name] ORDER BY p.id LIMIT 1 }}
  END AS anchor""",
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`chainkg.queries.recommend.run_networkx`: from the kept groups when they
    are fresh (:mod:`chainkg.queries.recommend_kept`), else from the graph."""
    answer = run_kept(execute, params)
    if answer is not None:
        return answer
    segment = cy.require(execute, params.segment, (NodeKind.SEGMENT,), "segment")
    scope, places = cy.resolve_scope(execute, params.scope)
    provinces = execute(CYPHER["province"], {"root": scope.id, "province": RegionLevel.PROVINCE.value})
    near = cy.places_of(execute, provinces[0]["id"]) if provinces else []
    args: dict[str, Any] = {"segment": params.segment, "places": places, "active": cy.ACTIVE, "near": near}
    (seg,) = execute(CYPHER["segment"], args)
    chains = [c["id"] for c in seg["chains"]]
    leaders = execute(CYPHER["leaders"], {**args, "chains": chains, "leads_key": EdgeKind.LEADS.value})
    candidates = {item["id"]: item for item in execute(CYPHER["candidates"], args)[0]["candidates"]}
    (row,) = execute(CYPHER["present"], args)  # statements with many rows return one list: rows cost the driver
    present = {node for node, _, _ in row["present"]}

    refs = _Refs(execute)  # names come with the statements: a round trip per name cost more than all else
    refs.know([(params.segment, segment.get("name")), *((c["id"], c["name"]) for c in seg["chains"])])
    refs.know((node, name) for node, name, _ in row["present"])
    refs.know((node, name) for node, name in seg["fed"])
    refs.know((row["id"], row["name"]) for row in [*leaders, *candidates.values()])
    links: dict[str, set[str]] = {}
    for node, _, ps in row["present"]:
        links[node] = {parent for parent, _ in ps}
        refs.know((parent, name) for parent, name in ps)
    # walk up from what the present set leaves unknown: parents outside it, and the candidates
    unknown = {p for ps in links.values() for p in ps if p not in links} | set(candidates)
    if unknown:
        (row,) = execute(CYPHER["owners"], {"ids": sorted(unknown)})
        for child, child_name, parent, parent_name in row["links"]:
            links.setdefault(child, set()).add(parent)
            refs.know([(child, child_name), (parent, parent_name)])
    parents = {child: sorted(ps) for child, ps in links.items()}
    lineage: dict[str, list[str]] = {}

    def ancestors_of(enterprise: str) -> list[str]:
        if enterprise not in lineage:
            lineage[enterprise] = follow_parents(enterprise, lambda e: parents.get(e, []))
        return lineage[enterprise]

    def group(enterprise: str) -> str:
        chain = ancestors_of(enterprise)
        return chain[-1] if chain else enterprise

    groups = {group(e) for e in present}
    wanted = groups & {group(c) for c in candidates}
    peers = sorted(e for e in present if group(e) in wanted)
    rows = execute(CYPHER["anchors"], {**args, "ids": peers})
    anchors = {row["id"]: (row["anchor"] or [[None]])[0][0] for row in rows}
    refs.know(tuple(row["anchor"][0]) for row in rows if row["anchor"])

    facts = Facts(
        segment=cy.ref(params.segment, segment.get("name")),
        scope=scope,
        covered_here=seg["covered"],
        pool=sorted(candidates),
        present=present,
        group_of=group,
        ancestors=ancestors_of,
        # the top of a present enterprise's chain has a subsidiary: the one below it on the chain, or,
        # when the chain is the enterprise alone, one of its own (it is in a structure, with no parent
        # but itself); so every group present counts, as on the embedded store
        has_subsidiaries=lambda g: g in groups,
        chains=chains,
        leaders=[row["id"] for row in leaders],
        leader_segments={row["id"]: set(row["segments"]) for row in leaders},
        led_chains={row["id"]: [c for c in chains if c in row["led"]] for row in leaders},
        fed={node for node, _ in seg["fed"]},
        supplies=lambda e: candidates[e]["supplies"],
        projects=lambda e: candidates[e]["projects"],
        attrs=lambda e: candidates[e],
        placement=lambda e: {k: v for k, v in candidates[e]["placement"].items() if v is not None},
        near=lambda e: candidates[e]["near"],
        province=cy.ref(provinces[0]["id"], provinces[0]["name"]) if provinces else None,
        anchor=lambda e: anchors.get(e),
        ref=refs,
    )
    return rank(facts, params)


class _Refs:
    """Node references from the names the statements returned; any other (a place or project on a
    path) is fetched on first use."""

    def __init__(self, execute: cy.Execute):
        self._execute = execute
        self._names: dict[str, str | None] = {}

    def know(self, pairs: Iterable[tuple[str, str | None]]) -> None:
        self._names.update(pairs)

    def __call__(self, node: str) -> NodeRef:
        if node not in self._names:
            self._names.update(cy.names(self._execute, [node]))
        return cy.ref(node, self._names.get(node))
