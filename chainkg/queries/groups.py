"""Enterprise groups: who owns whom, up and down SUBSIDIARY_OF chains (cycle-safe)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from chainkg.schema.kinds import EdgeKind
from chainkg.store.nx_index import cached, follow_parents, ownership

__all__ = [
    "Holding",
    "ancestors",
    "edge_certainty",
    "follow_parents",
    "group_lookup",
    "group_of",
    "holdings",
    "walk_holdings",
]


def edge_certainty(attrs: dict[str, Any]) -> str:
    """``stated`` when any source states the edge, ``inferred`` when all only imply it."""
    levels = {json.loads(p).get("certainty", "stated") for p in attrs.get("provenance", [])}
    return "stated" if "stated" in levels or not levels else "inferred"


def ancestors(graph: nx.MultiDiGraph[str], enterprise: str) -> list[str]:
    """Parent, grandparent, … following the first parent (by id) at each level; stops on a cycle."""
    parents = ownership(graph).parents  # SUBSIDIARY_OF parents by id, indexed once per graph version
    return follow_parents(enterprise, lambda e: list(parents.get(e, ())))


def group_of(graph: nx.MultiDiGraph[str], enterprise: str) -> str:
    """The top of the enterprise's ownership chain (itself when it has no parent)."""
    return group_lookup(graph)(enterprise)


def group_lookup(graph: nx.MultiDiGraph[str]) -> Callable[[str], str]:
    """:func:`group_of` for many enterprises of one graph state: the memo (per graph version) and
    the parent index are looked up once, not once per enterprise."""
    groups: dict[str, str] = cached(graph, "group_of", dict)
    parents = ownership(graph).parents

    def lookup(enterprise: str) -> str:
        group = groups.get(enterprise)
        if group is None:
            chain = follow_parents(enterprise, lambda e: list(parents.get(e, ())))
            group = groups[enterprise] = chain[-1] if chain else enterprise
        return group

    return lookup


@dataclass(frozen=True)
class Holding:
    enterprise: str
    parent: str
    level: int
    stake_pct: float | None
    effective_stake_pct: float | None
    certainty: str


def holdings(graph: nx.MultiDiGraph[str], group: str, max_depth: int) -> list[Holding]:
    """Every subsidiary under ``group`` down to ``max_depth`` levels (see :func:`walk_holdings`)."""

    def children(parent: str) -> list[tuple[str, dict[str, Any]]]:
        return sorted(
            (u, attrs)
            for u, _, attrs in graph.in_edges(parent, data=True)
            if attrs.get("kind") == EdgeKind.SUBSIDIARY_OF.value
        )

    return walk_holdings(group, max_depth, children)


def walk_holdings(
    group: str, max_depth: int, children: Callable[[str], list[tuple[str, dict[str, Any]]]]
) -> list[Holding]:
    """Every subsidiary under ``group`` down to ``max_depth`` levels, breadth-first, each once.

    ``children(parent)`` lists (child, SUBSIDIARY_OF edge attributes) by child id. The effective
    stake multiplies stakes along the path when all are known.
    """
    out: list[Holding] = []
    seen = {group}
    frontier: list[tuple[str, float | None]] = [(group, 100.0)]
    for level in range(1, max_depth + 1):
        next_frontier: list[tuple[str, float | None]] = []
        for parent, parent_stake in frontier:
            for child, attrs in children(parent):
                if child in seen:
                    continue
                seen.add(child)
                stake = attrs.get("stake_pct")
                effective = parent_stake * stake / 100 if parent_stake is not None and stake is not None else None
                certainty = edge_certainty(attrs)
                out.append(Holding(child, parent, level, stake, effective, certainty))
                next_frontier.append((child, effective))
        frontier = next_frontier
        if not frontier:
            break
    return out
