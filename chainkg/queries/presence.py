"""Who is present in a scope, and which groups that makes present — the basis of 以商招商.

An enterprise is **present** in a scope when it is local (LOCATED_IN a place of the scope) or invests
in an active project located there. Its **group** is the top of its SUBSIDIARY_OF chain
(:mod:`chainkg.queries.groups`); a group is present when one of its members is. The embedded store
keeps these per graph version and scope; :mod:`chainkg.queries.recommend` ranks with them, and its
Cypher twin gathers the same sets.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet

import networkx as nx

from chainkg.queries.common import is_active
from chainkg.queries.groups import group_lookup
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.graph_tables import node_table, pred_table
from chainkg.store.nx_index import cached, ownership, place_members, places_under

__all__ = ["GroupPresence", "Presence", "group_presence", "present_at"]

#: present enterprises by group (each list by id), and the groups that count as present (by id).
GroupPresence = tuple[dict[str, list[str]], list[str]]


class Presence:
    """Who is present in a scope (kept per graph version and scope: every recommendation in the
    scope needs it, and at city scale it is tens of thousands of enterprises).

    ``everyone``: local enterprises and investors in local active projects (the candidates exclude
    them) — the union of :func:`present_at` over the scope's places; ``structured``: those of them
    in an ownership structure, which is all the ranking needs (an enterprise with neither parent nor
    subsidiary shares a group with no candidate — the Cypher twin fetches the same subset);
    ``groups``: :func:`group_presence` of ``structured``.
    """

    __slots__ = ("everyone", "groups", "structured")

    def __init__(self, graph: nx.MultiDiGraph[str], root: str):
        at = present_at(graph)
        owned = ownership(graph)
        self.everyone = frozenset().union(*(at.get(place, ()) for place in places_under(graph, root)))
        self.structured = self.everyone & owned.in_structure
        self.groups = group_presence(self.structured, group_lookup(graph), owned.has_subsidiaries.__contains__)


def present_at(graph: nx.MultiDiGraph[str]) -> dict[str, frozenset[str]]:
    """place → the enterprises located directly there and the investors in active projects located
    directly there (once per graph version; a scope's present enterprises are the union over its
    places, as its local set is the union of their members)."""

    def build() -> dict[str, frozenset[str]]:
        nodes, pred = node_table(graph), pred_table(graph)
        out: dict[str, frozenset[str]] = {}
        for place, members in place_members(graph).items():
            present: set[str] = set()
            for node in members:
                attrs = nodes[node]
                if attrs["kind"] == _ENTERPRISE:
                    present.add(node)
                elif attrs["kind"] == _PROJECT and is_active(attrs):
                    present.update(
                        u
                        for u, keydict in pred[node].items()
                        if any(a.get("kind") == _INVESTS_IN for a in keydict.values())
                    )
            out[place] = frozenset(present)
        return out

    return cached(graph, "present_at", build)


_ENTERPRISE = NodeKind.ENTERPRISE.value
_PROJECT = NodeKind.PROJECT.value
_INVESTS_IN = EdgeKind.INVESTS_IN.value


def group_presence(
    present: AbstractSet[str], group_of: Callable[[str], str], has_subsidiaries: Callable[[str], bool]
) -> GroupPresence:
    """The present enterprises by group, and the real groups among them: those with more than one
    present member, or whose top has subsidiaries (a lone enterprise is no group)."""
    present_by_group: dict[str, list[str]] = {}
    for enterprise in sorted(present):
        present_by_group.setdefault(group_of(enterprise), []).append(enterprise)
    real_groups = sorted(g for g, peers in present_by_group.items() if peers != [g] or has_subsidiaries(g))
    return present_by_group, real_groups
