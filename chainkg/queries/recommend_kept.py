"""Recommend on Neo4j from the kept groups (:mod:`chainkg.store.neo4j.groups`): one statement gathers
the :class:`~chainkg.queries.recommend_rank.Facts`, a second (only when a candidate listed has a group
peer here) the peers' anchors and the names on their paths.

The statement reads the scope from its place fact, whether the segment is covered here from its
segment fact (:mod:`chainkg.store.neo4j.facts`), the groups present from the scope's presence fact,
each candidate's ownership chain from its lineage, and for the groups of the candidates only, their
present members with their chains. The rest — the segment, its chains, what it feeds, the local
leaders, the candidates and their record — is read from the graph (the places' facts tell what is
local). A segment's members are hundreds at city scale but 10–24 thousand at province scale, so each
member's LOCATED_IN, INVESTS_IN and SUPPLIES edges are read in one walk of its relationships (not
three), and the server scores the candidates with the ranking's own formula (:data:`_SCORE`) and ships
only those within :data:`MARGIN` of the ``limit``-th, with their count: the client ranks those with
:func:`~chainkg.queries.recommend_rank.rank` as before (at province the home city shipped 13,751
candidate rows and 3,730 groups' members per call, and decoding them cost the client up to 0.8 s).
When the facts are stale (a write since they were derived) :func:`run_kept` answers None and
:mod:`chainkg.queries.recommend_cypher` reads the graph.

FACTS takes 0.8–2 s to plan at province scale, ANCHORS 0.2–0.7 s: the store sends their parameters
in one map, so each is planned once (:func:`chainkg.store.neo4j.rows.one_map`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, NamedTuple

from chainkg.queries.common import NodeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.cypher import facts as kept_facts
from chainkg.queries.recommend_rank import Facts, Params, Result, rank
from chainkg.schema.kinds import Certainty, EdgeKind, EnterpriseKind, RegionLevel, SegmentBasis
from chainkg.store.neo4j import facts as kept
from chainkg.store.neo4j import groups as kept_groups
from chainkg.store.nx_index import SCOPES_KEPT

__all__ = ["ANCHORS", "FACTS", "MARGIN", "run_kept"]


def _local(var: str, places: str = "places") -> str:
    """:func:`chainkg.queries.cypher.common.local` over the list variable ``places``."""
    return f"EXISTS {{ ({var})-[:{cy.LOCATED_IN}]->(place) WHERE place.id IN {places} }}"


def _present(var: str, places: str = "places") -> str:
    """Cypher condition: the enterprise ``var`` is present (local, or invests in a local active project)."""
    invests = (
        f"EXISTS {{ MATCH ({var})-[:{cy.INVESTS_IN}]->(p:{cy.PROJECT}) WHERE p.status IN $active "
        f"AND {_local('p', places)} }}"
    )
    return f"({_local(var, places)} OR {invests})"


#: The score of :func:`chainkg.queries.recommend_rank.rank` in Cypher, over the candidate's ``placed``
#: edge, ``e``, ``grouped`` (its group is present here), ``direct`` (the local leaders it supplies),
#: ``fed_leader``, ``nearby`` and ``projects``: the server ranks the candidates with it and ships only those
#: within :data:`MARGIN` of the ``limit``-th; the client scores those again with ``rank`` itself.
_LEADER = f"""CASE WHEN placed.rank IS NOT NULL
  THEN CASE WHEN 1 - 0.08 * (toFloat(placed.rank) - 1) > 0.2 THEN 1 - 0.08 * (toFloat(placed.rank) - 1) ELSE 0.2 END
       * CASE WHEN placed.certainty = '{Certainty.INFERRED.value}' THEN 0.85 ELSE 1.0 END
  WHEN placed.basis IS NULL OR placed.basis = '{SegmentBasis.CURATED.value}' THEN 0.15
  WHEN placed.basis = '{SegmentBasis.NAME.value}' THEN 0.05 ELSE 0.0 END"""
_RECORD = f"""CASE WHEN coalesce(e.stock_code, '') <> ''
    OR e.enterprise_kind IN ['{EnterpriseKind.SOE.value}', '{EnterpriseKind.CENTRAL_SOE_GROUP.value}']
  THEN 0.5 ELSE 0.0 END + 0.5 * CASE WHEN projects >= 5 THEN 1.0 ELSE toFloat(projects) / 5 END"""
_SCORE = f"""$w_group * CASE WHEN grouped THEN 1.0 ELSE 0.0 END
  + $w_supplier * CASE WHEN size(direct) > 0 THEN 1.0 WHEN fed_leader THEN 0.5 ELSE 0.0 END
  + $w_leader * ({_LEADER}) + $w_region * CASE WHEN nearby THEN 1.0 ELSE 0.0 END + $w_record * ({_RECORD})"""

#: How far below the ``limit``-th server score a candidate is still shipped. The client's order is by
#: the score rounded to 6 decimals, then id; the server's doubles differ from the client's by far less
#: than this, so every candidate the client would list is shipped (the rest are at least
#: MARGIN − 10⁻⁶ below ``limit`` others and rank after them).
MARGIN = 1e-4

#: Everything the ranking needs, when the facts are fresh (``kept`` is null otherwise).
FACTS = f"""
WITH coalesce($scope, COLLECT {{ MATCH (r:{cy.REGION}) WHERE r.home = true RETURN r.id ORDER BY r.id LIMIT 1 }}[0])
     AS root_id
OPTIONAL MATCH (root:{cy.ENTITY} {{id: root_id}})
OPTIONAL MATCH (pf:{kept.PLACE_FACT} {{place: root_id}})
OPTIONAL MATCH (pres:{kept_groups.PRESENCE} {{place: root_id}})
OPTIONAL MATCH (s:{cy.ENTITY} {{id: $segment}}) WHERE s:{cy.SEGMENT}
WITH root_id, root, pf, pres, s, {kept.FRESH} AS facts_fresh
WITH root_id, root, pf, pres, s, facts_fresh,
     facts_fresh AND pf IS NOT NULL AND pres IS NOT NULL AND s IS NOT NULL AS fresh
OPTIONAL CALL (root_id, root, pf, pres, s, fresh) {{
  WITH * WHERE fresh
  WITH root_id, root, pres, s, pf.places AS places
  CALL (s) {{
    OPTIONAL MATCH (s)-[:{cy.PART_OF}]->(chain)
    WITH DISTINCT chain ORDER BY chain.id
    RETURN collect(chain {{.id, .name}}) AS chains
  }}
  CALL (s) {{
    OPTIONAL MATCH (s)-[:{cy.FEEDS}]->(customer)
    RETURN collect(CASE WHEN customer IS NOT NULL THEN [customer.id, customer.name] END) AS fed
  }}
  CALL (s, places, chains) {{
    MATCH (s)-[:{cy.PART_OF}]->(chain)<-[:{cy.LEADS}]-(leader)
    WHERE (leader:{cy.ENTERPRISE} OR leader:{cy.PROJECT}) AND {_local("leader")}
    WITH DISTINCT leader ORDER BY leader.id
    RETURN collect({{id: leader.id, name: leader.name,
      segments: COLLECT {{ MATCH (leader)-[:{cy.IN_SEGMENT}]->(x) RETURN x.id }},
      led: COLLECT {{ MATCH (leader)-[lead:{cy.LEADS}]->(c)
                      WHERE c.id IN [x IN chains | x.id] AND lead.key = $leads_key RETURN c.id }}}}) AS leaders
  }}
  CALL (root) {{
    OPTIONAL MATCH path = (root)((child)-[link:{cy.PART_OF}|{cy.LOCATED_IN}]->(parent)
                                 WHERE parent:{cy.REGION} OR parent:{cy.PARK})*
                          (province:{cy.REGION} {{level: $province}})
    WITH province, path ORDER BY length(path), province.id LIMIT 1
    OPTIONAL MATCH (near:{kept.PLACE_FACT} {{place: province.id}})
    RETURN province {{.id, .name}} AS province, coalesce(near.places, []) AS near
  }}
  CALL (s, places, near, leaders, fed, root_id) {{
    WITH s, root_id, COLLECT {{ MATCH (x:{cy.ENTITY}) WHERE x.id IN places RETURN x }} AS here,
         COLLECT {{ MATCH (x:{cy.ENTITY}) WHERE x.id IN near RETURN x }} AS close,
         COLLECT {{ UNWIND leaders AS l MATCH (x:{cy.ENTITY} {{id: l.id}}) RETURN x }} AS heads,
         any(l IN leaders WHERE any(x IN l.segments WHERE x IN [f IN fed | f[0]])) AS fed_leader
    MATCH (e:{cy.ENTERPRISE})-[placed:{cy.IN_SEGMENT}]->(s)
    WITH e, placed, here, close, heads, fed_leader, root_id,
         COLLECT {{ MATCH (e)-[r:{cy.LOCATED_IN}|{cy.INVESTS_IN}|{cy.SUPPLIES}]->(x) RETURN [type(r), x] }} AS out
    WITH e, placed, close, heads, fed_leader, root_id, [o IN out WHERE o[0] = '{cy.LOCATED_IN}' | o[1]] AS at,
         [o IN out WHERE o[0] = '{cy.INVESTS_IN}' | o[1]] AS invested, out, here
    WHERE none(x IN at WHERE x IN here) AND none(p IN invested WHERE p:{cy.PROJECT}
      AND coalesce(p.status IN $active, false) AND EXISTS {{ (p)-[:{cy.LOCATED_IN}]->(x) WHERE x IN here }})
    OPTIONAL MATCH (lineage:{kept_groups.LINEAGE} {{enterprise: e.id}})
    WITH e, placed, lineage, coalesce(lineage.group, e.id) AS group, any(x IN at WHERE x IN close) AS nearby,
         size(invested) AS projects, fed_leader,
         [o IN out WHERE o[0] = '{cy.SUPPLIES}' AND o[1] IN heads | o[1].id] AS direct
    WITH *, EXISTS {{ (:{kept_groups.PRESENT_GROUP} {{place: root_id, group: group}}) }} AS grouped
    WITH e, placed, lineage, group, nearby, projects, direct, grouped, {_SCORE} AS score
    ORDER BY score DESC
    WITH collect([score, e, placed, lineage, group, nearby, projects, direct, grouped]) AS ranked
    WITH ranked, CASE WHEN size(ranked) > $limit THEN ranked[$limit - 1][0] - {MARGIN} ELSE -1.0 END AS floor
    RETURN size(ranked) AS total, [c IN ranked WHERE c[0] >= floor | [c[1].id, c[1].name, c[1].stock_code,
      c[1].enterprise_kind, c[2].rank, c[2].certainty, c[2].basis, c[5], c[6], c[7], c[4],
      CASE WHEN c[8] THEN c[3].ancestors END]] AS candidates
  }}
  CALL (root_id, candidates) {{
    UNWIND candidates AS c
    WITH c WHERE c[11] IS NOT NULL
    WITH DISTINCT c[10] AS group
    MATCH (pg:{kept_groups.PRESENT_GROUP} {{place: root_id, group: group}})
    RETURN collect(pg {{.group, .members, .depths, .ancestors}}) AS peers
  }}
  RETURN {{chains: chains, fed: fed, leaders: leaders, province: province, candidates: candidates, peers: peers,
    total: total,
    covered: EXISTS {{ (:{kept.SEGMENT_FACT} {{place: root_id, segment: s.id}}) }},
    stamp: pres.stamp, places: places,
    groups: CASE WHEN pres.stamp = $known THEN null ELSE pres.groups END,
    group_names: CASE WHEN pres.stamp = $known THEN null ELSE pres.group_names END}} AS kept
}}
RETURN root_id, root.name AS name, [label IN labels(root) WHERE label <> '{cy.ENTITY}'] AS kinds, facts_fresh,
       fresh, size(kept.places) AS place_count, [] AS places, s.name AS segment_name, kept"""

#: Where each present peer is (its first place if local, else its first local project), whether that
#: anchor is itself a present enterprise in a structure, and the names of ``$ids``.
ANCHORS = f"""
CALL () {{
  UNWIND $peers AS id
  MATCH (e:{cy.ENTITY} {{id: id}})
  WITH id, CASE WHEN (e:{cy.ENTERPRISE} OR e:{cy.PROJECT}) AND {_local("e", "$places")}
    THEN COLLECT {{ MATCH (e)-[:{cy.LOCATED_IN}]->(place) RETURN place ORDER BY place.id LIMIT 1 }}
    ELSE COLLECT {{ MATCH (e)-[:{cy.INVESTS_IN}]->(p)
                    WHERE (p:{cy.PROJECT} OR p:{cy.ENTERPRISE}) AND {_local("p", "$places")}
                    RETURN p ORDER BY p.id LIMIT 1 }}
    END AS anchors
  UNWIND anchors AS anchor
  RETURN collect([id, anchor.id, anchor.name, anchor:{cy.ENTERPRISE}
    AND EXISTS {{ (:{kept_groups.LINEAGE} {{enterprise: anchor.id}}) }}
    AND {_present("anchor", "$places")}]) AS anchors
}}
CALL () {{
  UNWIND $ids AS id
  MATCH (n:{cy.ENTITY} {{id: id}})
  RETURN collect([n.id, n.name]) AS names
}}
RETURN anchors, names"""


class _Candidate(NamedTuple):
    """A candidate as the statement returns it (a list: lists cost the driver less than maps). Its
    SUPPLIES targets only among the local leaders (all the ranking asks of them); its ownership
    chain only when its group is present here (only then is a path through it shown)."""

    id: str
    name: str | None
    stock_code: str | None
    enterprise_kind: str | None
    rank: int | None
    certainty: str | None
    basis: str | None
    near: bool
    projects: int
    supplies: list[str]
    group: str
    ancestors: list[str] | None

    def placement(self) -> dict[str, Any]:
        """Its IN_SEGMENT edge to the segment: ``rank``, ``certainty``, ``basis`` where set."""
        values = {"rank": self.rank, "certainty": self.certainty, "basis": self.basis}
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class _Present:
    """The groups present in a scope as one presence fact holds them: by id, their names, their refs."""

    groups: list[str]
    names: dict[str, str | None]
    refs: list[NodeRef]


#: Presence facts read, by stamp (a derivation's facts never change: each has a stamp of its own), and
#: the stamp last read per scope asked for: the home city's 7,000 groups are shipped and made into
#: refs once per derivation, not on every call. Bounded as the embedded store bounds its scopes.
_READ: OrderedDict[str, _Present] = OrderedDict()
_STAMPS: dict[str | None, str] = {}
_LOCK = threading.Lock()


def _present_groups(scope: str | None, got: dict[str, Any]) -> _Present | None:
    """The scope's present groups from the statement's answer, or from what was read under its stamp
    (None: the answer left them out for a stamp no longer kept; ask again without one)."""
    stamp: str | None = got["stamp"]
    if got["groups"] is None:
        with _LOCK:
            kept = _READ.get(stamp) if stamp is not None else None
            if kept is not None and stamp is not None:
                _READ.move_to_end(stamp)
            return kept
    order = sorted(range(len(got["groups"])), key=got["groups"].__getitem__)  # by id, as the embedded store
    groups = [got["groups"][i] for i in order]
    names = {got["groups"][i]: got["group_names"][i] for i in order}
    kept = _Present(groups, names, [cy.ref(g, names[g]) for g in groups])
    if stamp is None:
        return kept
    with _LOCK:
        _READ[stamp] = kept
        _STAMPS[scope] = stamp
        while len(_READ) > SCOPES_KEPT:
            _READ.popitem(last=False)
        if len(_STAMPS) > 4 * SCOPES_KEPT:
            _STAMPS.clear()
    return kept


def run_kept(execute: cy.Execute, params: Params) -> Result | None:
    """Recommend from the kept groups, or None when they are stale (or the scope or segment needs the
    graph's own answer: an error to explain)."""
    arguments = {
        "scope": params.scope or None,
        "segment": params.segment,
        "active": cy.ACTIVE,
        "province": RegionLevel.PROVINCE.value,
        "leads_key": EdgeKind.LEADS.value,
        "known": _STAMPS.get(params.scope or None),
        "limit": params.limit,
        **{w: getattr(params, w) for w in ("w_group", "w_supplier", "w_leader", "w_region", "w_record")},
    }
    (row,) = execute(FACTS, arguments)
    if not row["facts_fresh"]:
        kept.saw_stale()
    if not row["fresh"]:
        return None
    scope, _ = kept_facts.resolve(execute, row)
    present_groups = _present_groups(params.scope or None, row["kept"])
    if present_groups is None:  # kept no more: read them again
        (row,) = execute(FACTS, {**arguments, "known": None})
        if not row["fresh"]:
            return None
        present_groups = _present_groups(params.scope or None, row["kept"])
        assert present_groups is not None
    got: dict[str, Any] = row["kept"]
    places: list[str] = got["places"]
    names: dict[str, str | None] = {params.segment: row["segment_name"]}
    names.update((c["id"], c["name"]) for c in got["chains"])
    names.update((node, name) for node, name in got["fed"])
    names.update((item["id"], item["name"]) for item in got["leaders"])
    names.update((row[0], row[1]) for row in got["candidates"])
    province = got["province"]
    if province is not None:
        names[province["id"]] = province["name"]

    candidates = {row[0]: _Candidate(*row) for row in got["candidates"]}
    lineage: dict[str, list[str]] = {c: item.ancestors for c, item in candidates.items() if item.ancestors}
    by_group: dict[str, list[str]] = {}
    present: set[str] = set()
    for fact in got["peers"]:
        by_group[fact["group"]] = fact["members"]
        present.update(fact["members"])
        at = 0
        for member, depth in zip(fact["members"], fact["depths"], strict=True):
            lineage[member] = fact["ancestors"][at : at + depth]
            at += depth
    anchors: dict[str, str] = {}

    def prefetch(peers: list[str], nodes: list[str]) -> None:
        unnamed = [n for n in nodes if n not in names and n not in present_groups.names]
        if not peers and not unnamed:
            return
        (got,) = execute(ANCHORS, {"peers": peers, "ids": unnamed, "places": places, "active": cy.ACTIVE})
        for peer, anchor, anchor_name, anchor_present in got["anchors"]:
            anchors[peer] = anchor
            names[anchor] = anchor_name
            if anchor_present:
                present.add(anchor)
        names.update((node, name) for node, name in got["names"])

    def ref(node: str) -> NodeRef:
        if node not in names:
            if node in present_groups.names:
                return cy.ref(node, present_groups.names[node])
            names.update(cy.names(execute, [node]))
        return cy.ref(node, names.get(node))

    def group(enterprise: str) -> str:
        if enterprise in candidates:
            return candidates[enterprise].group
        chain = lineage.get(enterprise, [])
        return chain[-1] if chain else enterprise

    chains = [c["id"] for c in got["chains"]]
    leaders = got["leaders"]
    facts = Facts(
        segment=cy.ref(params.segment, row["segment_name"]),
        scope=scope,
        covered_here=got["covered"],
        pool=sorted(candidates),
        present=present,
        group_of=group,
        ancestors=lambda e: lineage.get(e, []),
        has_subsidiaries=lambda g: True,  # unused: the groups are given
        chains=chains,
        leaders=[item["id"] for item in leaders],
        leader_segments={item["id"]: set(item["segments"]) for item in leaders},
        led_chains={item["id"]: [c for c in chains if c in item["led"]] for item in leaders},
        fed={node for node, _ in got["fed"]},
        supplies=lambda e: candidates[e].supplies,
        projects=lambda e: candidates[e].projects,
        attrs=lambda e: {"stock_code": candidates[e].stock_code, "enterprise_kind": candidates[e].enterprise_kind},
        placement=lambda e: candidates[e].placement(),
        near=lambda e: candidates[e].near,
        province=cy.ref(province["id"], province["name"]) if province is not None else None,
        anchor=anchors.get,
        ref=ref,
        groups=(by_group, present_groups.groups),
        present_refs=present_groups.refs,
        prefetch=prefetch,
        total=got["total"],
    )
    return rank(facts, params)
