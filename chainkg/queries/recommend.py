"""Recommendations (招商 targets): whom to approach for a segment, and why.

Definition. For segment G and scope S (see :mod:`chainkg.queries.common`):

- **candidates**: enterprises with an IN_SEGMENT edge to G that are not present in S.
- **present** in S: local enterprises, and investors in local active projects. Their **groups**
  (the top of each one's SUBSIDIARY_OF chain) are the groups present (:mod:`chainkg.queries.presence`).
- **score** = ``w_group``·group + ``w_supplier``·supplier + ``w_leader``·leader + ``w_region``·region
  + ``w_record``·record, where
  - group (以商招商) = 1 when the candidate's group is a group present in S (a sibling, parent or
    child of someone already here — a central SOE group with a subsidiary here puts its other
    subsidiaries in G first), else 0;
  - supplier = 1 when the candidate has a SUPPLIES edge to a local leader (LEADS) of a chain G
    belongs to; 0.5 when, short of that, G FEEDS a segment in which such a leader operates; else 0;
  - leader (segment leadership) = from the candidate's IN_SEGMENT edge to G: with a ``rank`` r in
    the segment's curated list of national leaders, max(0.2, 1 − 0.08·(r − 1)) (r = 1 → 1, r = 10 →
    0.28), times 0.85 when that placement is only ``inferred``; without a rank, 0.15 for a curated
    placement (no ``basis``, or ``curated``), 0.05 for one read from its name (``name``), 0 for one
    read from its Shenwan industry (``industry``);
  - region = 1 when the candidate's head office (LOCATED_IN) is in the province of S (the first
    province-level region above S), else 0;
  - record (listed size, for want of revenue data) = 0.5 when the candidate is listed (has a stock
    code) or state-owned (soe or central_soe_group), plus 0.5·min(1, projects it invests in / 5).
  Defaults: w_group = 5, w_supplier = 2, w_leader = 2, w_region = 0.5, w_record = 0.5 — a relation
  here comes first (the other terms sum to at most 5), then leadership, then proximity and size.
- every candidate carries ``reasons`` (words) and a ``path`` (the nodes that prove its strongest
  reason: candidate → … → group → … → present enterprise → place; or candidate → leader → chain;
  or candidate → segment).

Ordered by score (descending), then enterprise id; at most ``limit``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Annotated, Any

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.candidates import leadership, province_of
from chainkg.queries.common import NodeRef, ScopeRef, kept_refs, require, resolve_scope, segment_chains
from chainkg.queries.coverage import segment_facts
from chainkg.queries.cypher import common as cy
from chainkg.queries.groups import ancestors, follow_parents, group_lookup
from chainkg.queries.params import SEGMENT, Scope
from chainkg.queries.presence import GroupPresence, Presence, group_presence
from chainkg.schema.ids import edge_key
from chainkg.schema.kinds import Certainty, EdgeKind, EnterpriseKind, NodeKind, RegionLevel
from chainkg.store.graph_tables import succ_table
from chainkg.store.nx_index import cached_per_scope, members_by_segment, ownership, places_under

__all__ = [
    "CYPHER",
    "QUERY",
    "Candidate",
    "Facts",
    "GroupPresence",
    "Params",
    "Result",
    "group_presence",
    "leadership",
    "rank",
    "run_cypher",
    "run_networkx",
]

_STATE_KINDS = {EnterpriseKind.SOE.value, EnterpriseKind.CENTRAL_SOE_GROUP.value}


class Params(BaseModel):
    segment: Annotated[str, SEGMENT] = Field(
        description="segment: id or name / 环节 id 或名称", examples=["seg:高纯金属"]
    )
    scope: Scope = None
    limit: int = Field(default=20, ge=1, le=100, description="candidates listed / 推荐数量")
    w_group: float = Field(default=5.0, ge=0, le=10, description="weight of 以商招商 (same group as one present)")
    w_supplier: float = Field(default=2.0, ge=0, le=10, description="weight of supplying a local chain leader")
    w_leader: float = Field(default=2.0, ge=0, le=10, description="weight of leadership of the segment (rank)")
    w_region: float = Field(default=0.5, ge=0, le=10, description="weight of a head office in the scope's province")
    w_record: float = Field(default=0.5, ge=0, le=10, description="weight of size (listed or state-owned) and record")


class Candidate(BaseModel):
    enterprise: NodeRef
    score: float
    group: float
    supplier: float
    leader: float = Field(description="segment leadership: from its rank among the segment's leaders")
    region: float = Field(description="1 when its head office is in the scope's province")
    record: float
    rank: int | None = Field(default=None, description="its rank in the curated list of the segment's leaders")
    reasons: list[str]
    path: list[NodeRef]


class Result(BaseModel):
    segment: NodeRef
    scope: ScopeRef
    covered_here: bool = Field(description="whether the segment is already covered in the scope")
    present_groups: list[NodeRef] = Field(description="groups with an enterprise or investor in the scope")
    candidates: list[Candidate]
    total_candidates: int


@dataclass
class Facts:
    """What the ranking needs to know of the graph; each twin gathers it, :func:`rank` applies the
    definition above once for both stores."""

    segment: NodeRef
    scope: ScopeRef
    covered_here: bool
    pool: list[str]  # the candidates, by id
    present: AbstractSet[str]  # present enterprises (those in an ownership structure suffice)
    group_of: Callable[[str], str]
    ancestors: Callable[[str], list[str]]
    has_subsidiaries: Callable[[str], bool]
    chains: list[str]  # chains the segment is PART_OF, by id
    leaders: list[str]  # local leaders of those chains, by id
    leader_segments: dict[str, set[str]]
    led_chains: dict[str, list[str]]  # leader → those of ``chains`` it LEADS, in chain order
    fed: set[str]  # segments the segment FEEDS
    supplies: Callable[[str], list[str]]  # a candidate's SUPPLIES targets
    projects: Callable[[str], int]  # a candidate's INVESTS_IN edges
    attrs: Callable[[str], dict[str, Any]]  # a candidate's properties (stock_code, enterprise_kind)
    placement: Callable[[str], dict[str, Any]]  # its IN_SEGMENT edge to the segment (rank, certainty, basis)
    near: Callable[[str], bool]  # whether its head office is in the scope's province
    province: NodeRef | None
    anchor: Callable[[str], str | None]  # a present peer's first place if local, else first local project
    ref: Callable[[str], NodeRef]
    groups: GroupPresence | None = None  # group_presence(present, …) when the twin has it at hand, else computed
    present_refs: list[NodeRef] | None = None  # refs of the present groups, kept per scope (shared: never change)


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    require(graph, params.segment, (NodeKind.SEGMENT,), "segment")
    scope, local = resolve_scope(graph, params.scope)
    members = members_by_segment(graph)
    presence = cached_per_scope(graph, "recommend_presence", scope.id, lambda: Presence(graph, scope.id))
    province = cached_per_scope(graph, "province", scope.id, lambda: province_of(graph, scope.id))
    # the province's places (a few hundred): an enterprise's neighbours among them are where it is
    # LOCATED_IN, so one disjointness test per candidate tells its region tie
    near = places_under(graph, province) if province else frozenset()
    chains = segment_chains(graph, params.segment)
    leaders = sorted(
        {
            u
            for chain in chains
            for u, _, k in graph.in_edges(chain, data="kind", default="")
            if k == EdgeKind.LEADS.value and u in local
        }
    )
    succ = succ_table(graph)

    def out(node: str, kind: EdgeKind) -> list[str]:
        """Targets of the node's edges of a kind, one per edge (straight over the adjacency dict:
        this runs for every candidate)."""
        value = kind.value
        return [v for v, keydict in succ[node].items() for attrs in keydict.values() if attrs.get("kind") == value]

    def anchor(peer: str) -> str | None:
        if peer in local:
            places = sorted(out(peer, EdgeKind.LOCATED_IN))
        else:  # present as an investor: show the local project
            places = sorted(v for v in out(peer, EdgeKind.INVESTS_IN) if v in local)
        return places[0] if places else None

    facts = Facts(
        segment=kept_refs(graph)(params.segment),
        scope=scope,
        covered_here=segment_facts(graph, params.segment, local).covered,
        pool=sorted(members.get(params.segment, (frozenset(), frozenset()))[0] - local - presence.everyone),
        present=presence.structured,
        group_of=group_lookup(graph),
        ancestors=lambda e: ancestors(graph, e),
        has_subsidiaries=lambda g: g in ownership(graph).has_subsidiaries,
        chains=chains,
        leaders=leaders,
        leader_segments={leader: set(out(leader, EdgeKind.IN_SEGMENT)) for leader in leaders},
        led_chains={
            leader: [c for c in chains if graph.has_edge(leader, c, EdgeKind.LEADS.value)] for leader in leaders
        },
        fed=set(out(params.segment, EdgeKind.FEEDS)),
        supplies=lambda e: out(e, EdgeKind.SUPPLIES),
        projects=lambda e: len(out(e, EdgeKind.INVESTS_IN)),
        attrs=lambda e: graph.nodes[e],
        placement=lambda e: succ[e].get(params.segment, _NO_EDGES).get(_IN_SEGMENT, _NO_EDGES),
        near=lambda e: not near.isdisjoint(succ[e]),
        province=kept_refs(graph)(province) if province else None,
        anchor=anchor,
        ref=(ref := kept_refs(graph)),  # the present groups' thousands of refs are the same on every call
        groups=presence.groups,
        present_refs=cached_per_scope(graph, "recommend_refs", scope.id, lambda: list(map(ref, presence.groups[1]))),
    )
    return rank(facts, params)


_IN_SEGMENT = edge_key(EdgeKind.IN_SEGMENT)  # one IN_SEGMENT edge per enterprise and segment
_NO_EDGES: dict[str, Any] = {}


def rank(facts: Facts, params: Params) -> Result:
    """Score and order the candidates (the definition in the module docstring).

    Every candidate is scored; reasons and paths (most of the work) only for the ``limit`` returned.
    """
    present = facts.present
    present_by_group, real_groups = facts.groups or group_presence(present, facts.group_of, facts.has_subsidiaries)

    def name(node: str) -> str:
        return facts.ref(node).name

    def group_path(candidate: str, peer: str) -> list[str]:
        """candidate → … → their lowest common owner → … → peer → where the peer is (or its project)."""
        up = [candidate, *facts.ancestors(candidate)]
        down = [peer, *facts.ancestors(peer)]
        common = next(n for n in up if n in down)
        path = up[: up.index(common) + 1] + list(reversed(down[: down.index(common)]))
        anchor = facts.anchor(peer)
        return [*path, anchor] if anchor is not None else path

    leaders, leader_segments, fed = facts.leaders, facts.leader_segments, facts.fed
    fed_leaders = [ld for ld in leaders if leader_segments[ld] & fed]

    def assess(enterprise: str, detail: bool) -> tuple[float, tuple[Any, ...], list[str], list[str]]:
        """The score and its parts (group, supplier, leader, region, record, rank) of a candidate, with
        its reasons and path when ``detail``."""
        reasons: list[str] = []
        path: list[str] = []
        group_score = 0.0
        group = facts.group_of(enterprise)
        if group in present_by_group:
            group_score = 1.0
            if detail:
                path = min(
                    (group_path(enterprise, peer) for peer in present_by_group[group]), key=lambda p: (len(p), p)
                )
                peer = next(n for n in reversed(path) if n in present)
                reasons.append(f"以商招商：与本地的{name(peer)}同属{name(group)}")

        supplier_score = 0.0
        direct = sorted(v for v in facts.supplies(enterprise) if v in leader_segments)
        if direct:
            supplier_score = 1.0
            if detail:
                reasons.append(f"为本地链主{name(direct[0])}供货")
                if not path:
                    path = [enterprise, direct[0], *facts.led_chains[direct[0]][:1]]
        elif fed_leaders:
            supplier_score = 0.5
            if detail:
                target = sorted(leader_segments[fed_leaders[0]] & fed)[0]
                reasons.append(f"所在环节供给本地链主{name(fed_leaders[0])}所在的{name(target)}")
                if not path:
                    path = [enterprise, facts.segment.id, target, fed_leaders[0]]

        placement = facts.placement(enterprise)
        leader = leadership(placement)
        region = 1.0 if facts.near(enterprise) else 0.0
        attrs = facts.attrs(enterprise)
        projects = facts.projects(enterprise)
        big = bool(attrs.get("stock_code")) or attrs.get("enterprise_kind") in _STATE_KINDS
        record = 0.5 * big + 0.5 * min(1.0, projects / 5)
        if detail:
            if placement.get("rank") is not None:
                sure = "" if placement.get("certainty") != Certainty.INFERRED.value else "（推断）"
                reasons.append(f"环节龙头：全国第{placement['rank']}位{sure}")
            if region and facts.province is not None:
                reasons.append(f"总部位于{facts.province.name}")
            if big:
                reasons.append("上市公司或国有企业" if attrs.get("stock_code") else "国有企业")
            if projects:
                reasons.append(f"投资项目{projects}个")
            if not path:
                path = [enterprise, facts.segment.id]
        score = (
            params.w_group * group_score
            + params.w_supplier * supplier_score
            + params.w_leader * leader
            + params.w_region * region
            + params.w_record * record
        )
        parts = (group_score, supplier_score, round(leader, 6), region, round(record, 6), placement.get("rank"))
        return round(score, 6), parts, reasons, path

    order = sorted((-assess(enterprise, False)[0], enterprise) for enterprise in facts.pool)
    candidates: list[Candidate] = []
    for _, enterprise in order[: params.limit]:
        score, (group_score, supplier_score, leader, region, record, rank_), reasons, path = assess(enterprise, True)
        candidates.append(
            Candidate(
                enterprise=facts.ref(enterprise),
                score=score,
                group=group_score,
                supplier=supplier_score,
                leader=leader,
                region=region,
                record=record,
                rank=rank_,
                reasons=reasons or ["在该环节经营"],
                path=[facts.ref(n) for n in path],
            )
        )
    return Result(
        segment=facts.segment,
        scope=facts.scope,
        covered_here=facts.covered_here,
        present_groups=facts.present_refs if facts.present_refs is not None else [facts.ref(g) for g in real_groups],
        candidates=candidates,
        total_candidates=len(facts.pool),
    )


# --- Cypher twin -------------------------------------------------------------------------------

_PRESENT = (
    f"""EXISTS {{ MATCH (e)-[:{cy.INVESTS_IN}]->(p:{cy.PROJECT}) WHERE p.status IN $active AND {cy.local("p")} }}"""
)

#: The Cypher twin. An enterprise is *present* when it is local or invests in a local active project.
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
    # present enterprises that belong to an ownership structure (the others cannot share a group)
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
RETURN collect([e.id, e.name]) AS present""",
    # SUBSIDIARY_OF links above the given enterprises, up to the tops of their groups
    "owners": f"""
UNWIND $ids AS id
MATCH (:{cy.ENTITY} {{id: id}})-[:{cy.SUBSIDIARY_OF}*0..]->(owned)
WITH DISTINCT owned
MATCH (owned)-[:{cy.SUBSIDIARY_OF}]->(parent)
RETURN collect([owned.id, owned.name, parent.id, parent.name]) AS links""",
    "has_subsidiaries": f"""
UNWIND $ids AS id
MATCH (g:{cy.ENTITY} {{id: id}}) WHERE EXISTS {{ ()-[:{cy.SUBSIDIARY_OF}]->(g) }}
RETURN collect(g.id) AS ids""",
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
    """The Cypher twin of :func:`run_networkx`: Cypher gathers the candidates, the present groups'
    ownership links and the local leaders; :func:`rank` scores them."""
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
    present = {node for node, _ in row["present"]}

    refs = _Refs(execute)  # names come with the statements: a round trip per name cost more than all else
    refs.know([(params.segment, segment.get("name")), *((c["id"], c["name"]) for c in seg["chains"])])
    refs.know((node, name) for node, name in [*row["present"], *seg["fed"]])
    refs.know((row["id"], row["name"]) for row in [*leaders, *candidates.values()])
    parents: dict[str, list[str]] = {}
    (row,) = execute(CYPHER["owners"], {"ids": sorted(present | set(candidates))})
    for child, child_name, parent, parent_name in row["links"]:
        parents.setdefault(child, []).append(parent)
        refs.know([(child, child_name), (parent, parent_name)])
    for ps in parents.values():
        ps.sort()
    lineage: dict[str, list[str]] = {}

    def ancestors_of(enterprise: str) -> list[str]:
        if enterprise not in lineage:
            lineage[enterprise] = follow_parents(enterprise, lambda e: parents.get(e, []))
        return lineage[enterprise]

    def group(enterprise: str) -> str:
        chain = ancestors_of(enterprise)
        return chain[-1] if chain else enterprise

    groups = {group(e) for e in present}
    (row,) = execute(CYPHER["has_subsidiaries"], {"ids": sorted(groups)})
    with_subsidiaries = set(row["ids"])
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
        has_subsidiaries=lambda g: g in with_subsidiaries,
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


QUERY: Query[Params, Result] = Query(
    name="recommend",
    summary="Whom to approach for a segment / 招商对象推荐",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="recommend",
)
