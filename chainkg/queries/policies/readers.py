"""The readers of :mod:`chainkg.queries.readers` with the policies added, for the policy queries."""

from __future__ import annotations

from typing import Protocol

from chainkg.queries.policies import facts
from chainkg.queries.policies.rules import PolicyFacts
from chainkg.queries.readers import CypherReader, NxReader, Reader

__all__ = ["CypherPolicyReader", "NxPolicyReader", "PolicyReader"]


class PolicyReader(Reader, Protocol):
    """A :class:`~chainkg.queries.readers.Reader` that also reads the policies."""

    def policies(self, ids: list[str] | None = None) -> list[PolicyFacts]:
        """Every policy (or those named), by id."""
        ...

    def require_policy(self, policy: str) -> PolicyFacts:
        """The policy, or NotFound as :meth:`Reader.require`."""
        ...

    def chain_count(self) -> int: ...


class NxPolicyReader(NxReader):
    def policies(self, ids: list[str] | None = None) -> list[PolicyFacts]:
        return facts.policies_nx(self.graph, ids)

    def require_policy(self, policy: str) -> PolicyFacts:
        return facts.require_policy_nx(self.graph, policy)

    def chain_count(self) -> int:
        return facts.chain_count_nx(self.graph)


class CypherPolicyReader(CypherReader):
    def policies(self, ids: list[str] | None = None) -> list[PolicyFacts]:
        return facts.policies_cypher(self.execute, ids)

    def require_policy(self, policy: str) -> PolicyFacts:
        return facts.require_policy_cypher(self.execute, policy)

    def chain_count(self) -> int:
        return facts.chain_count_cypher(self.execute)
