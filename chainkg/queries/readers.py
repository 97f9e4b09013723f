"""The facts the project and policy queries read, from either store, behind one interface.

A :class:`Reader` answers the few questions the ledger-side queries (pipeline, report, project
history, policy match and eligibility) ask of the graph — a named node that must exist, the facts
of projects and enterprises (:mod:`chainkg.queries.project_facts`), a scope's local members, a
chain's projects (:mod:`chainkg.queries.policies.readers` adds the policies). :class:`NxReader`
reads the embedded graph and :class:`CypherReader` Neo4j, each with its store's functions, so such a query is
written once as ``run(reader, params)`` and its ``run_networkx`` / ``run_cypher`` only pick the
reader: the two stores cannot drift apart in what the query does with the facts.
"""

from __future__ import annotations

from typing import Protocol

import networkx as nx

from chainkg.queries import project_facts as facts
from chainkg.queries.common import NodeRef, ScopeRef, require
from chainkg.queries.cypher import common as cy
from chainkg.queries.project_facts import EnterpriseFacts, ProjectFacts
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import NodeKind

__all__ = ["CypherReader", "NxReader", "Reader"]


class Reader(Protocol):
    """What the ledger-side queries read; every id list is read as given, results keyed by id."""

    def require(self, node_id: str, kinds: tuple[NodeKind, ...], what: str) -> NodeRef:
        """The node's reference, or NotFound naming what was expected and what comes close."""
        ...

    def projects(self, ids: list[str]) -> dict[str, ProjectFacts]: ...

    def enterprises(self, ids: list[str]) -> dict[str, EnterpriseFacts]: ...

    def scope_members(self, scope: str | None) -> tuple[ScopeRef, list[str], list[str]]:
        """The scope (default the home city), its local projects and enterprises, by id."""
        ...

    def chain_projects(self, chain: str) -> list[str]:
        """Projects in a segment of the chain, by id."""
        ...


class NxReader:
    """:class:`Reader` on the embedded store's graph."""

    def __init__(self, graph: nx.MultiDiGraph[str]) -> None:
        self.graph = graph

    def require(self, node_id: str, kinds: tuple[NodeKind, ...], what: str) -> NodeRef:
        attrs = require(self.graph, node_id, kinds, what)
        return NodeRef(id=node_id, kind=kind_of_id(node_id), name=attrs.get("name", node_id))

    def projects(self, ids: list[str]) -> dict[str, ProjectFacts]:
        return facts.projects_nx(self.graph, ids)

    def enterprises(self, ids: list[str]) -> dict[str, EnterpriseFacts]:
        return facts.enterprises_nx(self.graph, ids)

    def scope_members(self, scope: str | None) -> tuple[ScopeRef, list[str], list[str]]:
        return facts.scope_members_nx(self.graph, scope)

    def chain_projects(self, chain: str) -> list[str]:
        return facts.chain_projects_nx(self.graph, chain)


class CypherReader:
    """:class:`Reader` on Neo4j, through a query's ``execute``."""

    def __init__(self, execute: cy.Execute) -> None:
        self.execute = execute

    def require(self, node_id: str, kinds: tuple[NodeKind, ...], what: str) -> NodeRef:
        attrs = cy.require(self.execute, node_id, kinds, what)
        return cy.ref(node_id, attrs.get("name"))

    def projects(self, ids: list[str]) -> dict[str, ProjectFacts]:
        return facts.projects_cypher(self.execute, ids)

    def enterprises(self, ids: list[str]) -> dict[str, EnterpriseFacts]:
        return facts.enterprises_cypher(self.execute, ids)

    def scope_members(self, scope: str | None) -> tuple[ScopeRef, list[str], list[str]]:
        return facts.scope_members_cypher(self.execute, scope)

    def chain_projects(self, chain: str) -> list[str]:
        return facts.chain_projects_cypher(self.execute, chain)
