"""SOE footprint (央企布局): everything a group holds and has invested in a scope.

Definition. For enterprise G (usually a central SOE group) and scope S:

- ``subsidiaries``: enterprises reached from G through incoming SUBSIDIARY_OF edges, breadth-first
  to ``max_depth`` levels, each once at its smallest level, with its direct parent, stake, the
  effective stake (product of the stakes on the path when all are known), the certainty of the
  link, and whether it is local to S. Ordered by (level, id).
- ``projects``: projects local to S that G or any subsidiary has an INVESTS_IN edge to, any status;
  per project the investing members with their roles. Ordered by id.
- ``totals``: number of projects and the sum of their CNY ``total_investment`` (each project once,
  whoever in the group invests), also split by status, by park (the parks each project is
  LOCATED_IN; a project in two parks counts in both) and by chain (through the project's segments;
  a project serving two chains counts in both). Projects in other currencies are listed and counted
  but not summed with 元.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, ScopeRef, cny, node_ref, require, resolve_scope, segment_chains
from chainkg.queries.cypher import common as cy
from chainkg.queries.groups import Holding, holdings, walk_holdings
from chainkg.queries.params import ENTERPRISE, Scope
from chainkg.schema.kinds import Currency, EdgeKind, NodeKind

__all__ = [
    "CYPHER",
    "QUERY",
    "Bucket",
    "Params",
    "ProjectEntry",
    "Result",
    "Subsidiary",
    "assemble",
    "run_cypher",
    "run_networkx",
]


class Params(BaseModel):
    group: Annotated[str, ENTERPRISE] = Field(
        description="enterprise group: id or name / 集团 id 或名称", examples=["ent:有研科技集团有限公司"]
    )
    scope: Scope = None
    max_depth: int = Field(default=6, ge=1, le=10, description="subsidiary levels to follow / 子公司层级")


class Subsidiary(BaseModel):
    enterprise: NodeRef
    level: int
    parent: NodeRef
    stake_pct: float | None
    effective_stake_pct: float | None
    certainty: str = Field(description="stated or inferred")
    local: bool


class Investor(BaseModel):
    enterprise: NodeRef
    role: str


class ProjectEntry(BaseModel):
    project: NodeRef
    status: str | None
    total_investment: int | None
    currency: str
    investors: list[Investor]
    parks: list[NodeRef]
    chains: list[NodeRef]


class Bucket(BaseModel):
    key: NodeRef | None = Field(default=None, description="the park or chain (None for a status bucket)")
    status: str | None = None
    projects: int
    investment_cny: int


class Result(BaseModel):
    group: NodeRef
    scope: ScopeRef
    subsidiaries: list[Subsidiary]
    projects: list[ProjectEntry]
    total_projects: int
    total_investment_cny: int
    by_status: list[Bucket]
    by_park: list[Bucket]
    by_chain: list[Bucket]


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    require(graph, params.group, (NodeKind.ENTERPRISE,), "enterprise")
    scope, local = resolve_scope(graph, params.scope)
    tree = holdings(graph, params.group, params.max_depth)
    members = [params.group, *(h.enterprise for h in tree)]

    invested: dict[str, list[Investor]] = {}
    for member in members:
        for _, project, attrs in graph.out_edges(member, data=True):
            if attrs.get("kind") == EdgeKind.INVESTS_IN.value and project in local:
                invested.setdefault(project, []).append(
                    Investor(enterprise=node_ref(graph, member), role=attrs.get("role", "investor"))
                )

    entries: list[ProjectEntry] = []
    for project in sorted(invested):
        attrs = graph.nodes[project]
        parks = sorted(
            v
            for _, v, k in graph.out_edges(project, data="kind", default="")
            if k == EdgeKind.LOCATED_IN.value and graph.nodes[v]["kind"] == NodeKind.PARK.value
        )
        segments = [
            v for _, v, k in graph.out_edges(project, data="kind", default="") if k == EdgeKind.IN_SEGMENT.value
        ]
        chains = sorted({c for s in segments for c in segment_chains(graph, s)})
        entries.append(
            ProjectEntry(
                project=node_ref(graph, project),
                status=attrs.get("status"),
                total_investment=attrs.get("total_investment"),
                currency=attrs.get("currency", Currency.CNY.value),
                investors=sorted(invested[project], key=lambda i: (i.enterprise.id, i.role)),
                parks=[node_ref(graph, p) for p in parks],
                chains=[node_ref(graph, c) for c in chains],
            )
        )
    return assemble(
        node_ref(graph, params.group),
        scope,
        tree,
        lambda n: node_ref(graph, n),
        {h.enterprise for h in tree if h.enterprise in local},
        entries,
        {p: cny(graph.nodes[p]) for p in invested},
    )


def assemble(
    group: NodeRef,
    scope: ScopeRef,
    tree: list[Holding],
    ref: Callable[[str], NodeRef],
    local: set[str],
    entries: list[ProjectEntry],
    investment: dict[str, int],
) -> Result:
    """The result from the holdings, the local subsidiaries, the project entries (by id) and each
    project's CNY investment; shared by both twins."""
    by_status: dict[str, list[str]] = {}
    by_park: dict[str, list[str]] = {}
    by_chain: dict[str, list[str]] = {}
    keys: dict[str, NodeRef] = {}
    for entry in entries:
        project = entry.project.id
        by_status.setdefault(entry.status or "未知", []).append(project)
        for park in entry.parks:
            by_park.setdefault(park.id, []).append(project)
            keys[park.id] = park
        for chain in entry.chains:
            by_chain.setdefault(chain.id, []).append(project)
            keys[chain.id] = chain

    def total(projects: list[str]) -> int:
        return sum(investment[p] for p in projects)

    return Result(
        group=group,
        scope=scope,
        subsidiaries=[
            Subsidiary(
                enterprise=ref(h.enterprise),
                level=h.level,
                parent=ref(h.parent),
                stake_pct=h.stake_pct,
                effective_stake_pct=round(h.effective_stake_pct, 6) if h.effective_stake_pct is not None else None,
                certainty=h.certainty,
                local=h.enterprise in local,
            )
            for h in sorted(tree, key=lambda h: (h.level, h.enterprise))
        ],
        projects=entries,
        total_projects=len(entries),
        total_investment_cny=total([e.project.id for e in entries]),
        by_status=[Bucket(status=s, projects=len(p), investment_cny=total(p)) for s, p in sorted(by_status.items())],
        by_park=[Bucket(key=keys[k], projects=len(p), investment_cny=total(p)) for k, p in sorted(by_park.items())],
        by_chain=[Bucket(key=keys[k], projects=len(p), investment_cny=total(p)) for k, p in sorted(by_chain.items())],
    )


# --- Cypher twin -------------------------------------------------------------------------------


def _subsidiaries(max_depth: int) -> str:
    """The SUBSIDIARY_OF links below every enterprise that can be a parent within ``max_depth`` levels."""
    return f"""
MATCH (:{cy.ENTITY} {{id: $group}})<-[:{cy.SUBSIDIARY_OF}*0..{max_depth - 1}]-(parent)
WITH DISTINCT parent
MATCH (child)-[link:{cy.SUBSIDIARY_OF}]->(parent)
RETURN parent.id AS parent, child.id AS child, child.name AS name, link.stake_pct AS stake_pct,
       link.provenance AS provenance"""


#: The Cypher twin. Variable-length bounds cannot be parameters: one ``subsidiaries`` statement per depth.
CYPHER = {
    **{f"subsidiaries_{n}": _subsidiaries(n) for n in range(1, 11)},
    # local projects the members invest in, with their parks and chains
    "projects": f"""
UNWIND $members AS member
MATCH (m:{cy.ENTITY} {{id: member}})-[investment:{cy.INVESTS_IN}]->(p)
WHERE (p:{cy.PROJECT} OR p:{cy.ENTERPRISE}) AND {cy.local("p")}
WITH p, collect({{id: m.id, name: m.name, role: coalesce(investment.role, 'investor')}}) AS investors
CALL (p) {{
  OPTIONAL MATCH (p)-[:{cy.LOCATED_IN}]->(park:{cy.PARK})
  WITH DISTINCT park ORDER BY park.id
  RETURN collect(park {{.id, .name}}) AS parks
}}
CALL (p) {{
  OPTIONAL MATCH (p)-[:{cy.IN_SEGMENT}]->()-[:{cy.PART_OF}]->(chain)
  WITH DISTINCT chain ORDER BY chain.id
  RETURN collect(chain {{.id, .name}}) AS chains
}}
RETURN p.id AS id, p.name AS name, p.status AS status, p.total_investment AS total_investment,
       coalesce(p.currency, '{Currency.CNY.value}') AS currency, {cy.cny("p")} AS cny, investors, parks, chains
ORDER BY id""",
    # which of the given enterprises are local
    "local": f"""
UNWIND $ids AS id
MATCH (e:{cy.ENTITY} {{id: id}}) WHERE (e:{cy.ENTERPRISE} OR e:{cy.PROJECT}) AND {cy.local("e")}
RETURN e.id AS id""",
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`."""
    group = cy.require(execute, params.group, (NodeKind.ENTERPRISE,), "enterprise")
    scope, places = cy.resolve_scope(execute, params.scope)
    links = execute(CYPHER[f"subsidiaries_{params.max_depth}"], {"group": params.group})
    children: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    names: dict[str, str | None] = {params.group: group.get("name")}
    for row in links:
        names[row["child"]] = row["name"]
        attrs = {"stake_pct": row["stake_pct"], "provenance": row["provenance"] or []}
        children.setdefault(row["parent"], []).append((row["child"], attrs))
    for kids in children.values():
        kids.sort(key=lambda kid: kid[0])
    tree = walk_holdings(params.group, params.max_depth, lambda parent: children.get(parent, []))
    members = [params.group, *(h.enterprise for h in tree)]
    rows = execute(CYPHER["projects"], {"members": members, "places": places})
    entries = [
        ProjectEntry(
            project=cy.ref(row["id"], row["name"]),
            status=row["status"],
            total_investment=row["total_investment"],
            currency=row["currency"],
            investors=sorted(
                (Investor(enterprise=cy.ref(i["id"], i["name"]), role=i["role"]) for i in row["investors"]),
                key=lambda i: (i.enterprise.id, i.role),
            ),
            parks=cy.refs(row["parks"]),
            chains=cy.refs(row["chains"]),
        )
        for row in rows
    ]
    local_members = [
        row["id"] for row in execute(CYPHER["local"], {"ids": [h.enterprise for h in tree], "places": places})
    ]
    return assemble(
        cy.ref(params.group, group.get("name")),
        scope,
        tree,
        lambda n: cy.ref(n, names[n]),
        set(local_members),
        entries,
        {row["id"]: row["cny"] for row in rows},
    )


QUERY: Query[Params, Result] = Query(
    name="footprint",
    summary="Group footprint / 央企布局",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="footprint",
)
