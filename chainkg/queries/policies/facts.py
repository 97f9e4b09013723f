"""Policies and the subjects they are judged on, read from either store.

:func:`policies_nx` / :func:`policies_cypher` read Policy nodes with their terms and sources;
:func:`project_subject` and :func:`enterprise_subject` turn the facts of
:mod:`chainkg.queries.project_facts` into what :func:`chainkg.queries.policies.rules.evaluate` reads.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from chainkg.queries.common import require
from chainkg.queries.cypher import common as cy
from chainkg.queries.policies.rules import PolicyFacts, PolicyRef, Subject
from chainkg.queries.project_facts import EnterpriseFacts, ProjectFacts
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.policy import PolicySubject, Terms
from chainkg.store.nx_index import nodes_of_kind

__all__ = [
    "chain_count_cypher",
    "chain_count_nx",
    "enterprise_subject",
    "policies_cypher",
    "policies_nx",
    "project_subject",
    "require_policy_cypher",
    "require_policy_nx",
]

_POLICY = (NodeKind.POLICY,)


def _facts(policy: str, attrs: dict[str, Any], sources: list[tuple[str, str, str | None]]) -> PolicyFacts:
    props = {k: v for k, v in attrs.items() if k not in ("kind", "keys", "terms", "id")}
    return PolicyFacts(
        ref=PolicyRef(id=policy, name=str(attrs.get("name", policy))),
        terms=Terms.from_json(str(attrs.get("terms") or "{}")),
        props=props,
        sources=tuple(sorted(sources)),
    )


def policies_nx(graph: nx.MultiDiGraph[str], ids: list[str] | None = None) -> list[PolicyFacts]:
    """Every policy (or those named), by id."""
    out = []
    for policy in sorted(ids if ids is not None else nodes_of_kind(graph, NodeKind.POLICY)):
        attrs = graph.nodes[policy]
        sources = [
            (src, str(graph.nodes[src].get("name", src)), graph.nodes[src].get("date"))
            for _, src, kind in graph.out_edges(policy, data="kind", default="")
            if kind == EdgeKind.CITES.value
        ]
        out.append(_facts(policy, attrs, sources))
    return out


_POLICIES = f"""
MATCH (p:{NodeKind.POLICY.value}) WHERE $ids IS NULL OR p.id IN $ids
CALL (p) {{
  OPTIONAL MATCH (p)-[:{cy.CITES}]->(s)
  WITH s ORDER BY s.id
  RETURN collect(s {{.id, .name, .date}}) AS sources
}}
RETURN p.id AS id, properties(p) AS props, sources ORDER BY id"""

_CHAINS = f"MATCH (c:{cy.CHAIN}) RETURN count(c) AS n"


def policies_cypher(execute: cy.Execute, ids: list[str] | None = None) -> list[PolicyFacts]:
    rows = execute(_POLICIES, {"ids": ids})
    return [
        _facts(row["id"], row["props"], [(s["id"], s["name"] or s["id"], s["date"]) for s in row["sources"]])
        for row in rows
    ]


def require_policy_nx(graph: nx.MultiDiGraph[str], policy: str) -> PolicyFacts:
    require(graph, policy, _POLICY, "policy")
    return policies_nx(graph, [policy])[0]


def require_policy_cypher(execute: cy.Execute, policy: str) -> PolicyFacts:
    cy.require(execute, policy, _POLICY, "policy")
    return policies_cypher(execute, [policy])[0]


def chain_count_nx(graph: nx.MultiDiGraph[str]) -> int:
    return len(nodes_of_kind(graph, NodeKind.CHAIN))


def chain_count_cypher(execute: cy.Execute) -> int:
    return int(execute(_CHAINS, {})[0]["n"])


def project_subject(
    facts: ProjectFacts, as_of: str | None, actual: int | None = None, *, reported: bool = True
) -> Subject:
    """A project as the conditions read it on ``as_of`` (None: as it stands now); ``actual``
    replaces its actual investment."""
    planned = facts.cny(as_of)
    return Subject(
        ref=facts.ref,
        kind=PolicySubject.PROJECT,
        chains={c.id for c in facts.chains},
        segments={s.id for s in facts.segments},
        places={p.id for p in facts.above},
        enterprise_kinds={kind for _, kind in facts.investors},
        status=facts.status(as_of),
        actual=actual if actual is not None else facts.actual_to_date(as_of, reported=reported),
        planned=planned or None,
    )


def enterprise_subject(facts: EnterpriseFacts) -> Subject:
    return Subject(
        ref=facts.ref,
        kind=PolicySubject.ENTERPRISE,
        chains={c.id for c in facts.chains},
        segments={s.id for s in facts.segments},
        places={p.id for p in facts.above},
        enterprise_kinds={facts.enterprise_kind},
    )
