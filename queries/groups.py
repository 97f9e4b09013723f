"""Enterprise groups: who owns whom, up and down SUBSIDIARY_OF chains (cycle-safe)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import networkx as nx

from graph_schema.kinds import EdgeKind
from queries.nx_index import cached

__all__ = ["Holding", "ancestors", "edge_certainty", "group_of", "holdings"]


def edge_certainty(attrs: dict) -> str:
    """``stated`` when any source states the edge, ``inferred`` when all only imply it."""
    levels = {json.loads(p).get("certainty", "stated") for p in attrs.get("provenance", [])}
    return "stated" if "stated" in levels or not levels else "inferred"


def _parents(graph: nx.MultiDiGraph, enterprise: str) -> list[str]:
    return sorted(v for _, v, k in graph.out_edges(enterprise, data="kind") if k == EdgeKind.SUBSIDIARY_OF.value)


def ancestors(graph: nx.MultiDiGraph, enterprise: str) -> list[str]:
    """Parent, grandparent, … following the first parent (by id) at each level; stops on a cycle."""
    chain: list[str] = []
    seen = {enterprise}
    current = enterprise
    while True:
        parents = [p for p in _parents(graph, current) if p not in seen]
        if not parents:
            return chain
        current = parents[0]
        seen.add(current)
        chain.append(current)


def group_of(graph: nx.MultiDiGraph, enterprise: str) -> str:
    """The top of the enterprise's ownership chain (itself when it has no parent)."""
    groups = cached(graph, "group_of", dict)
    if enterprise not in groups:
        chain = ancestors(graph, enterprise)
        groups[enterprise] = chain[-1] if chain else enterprise
    return groups[enterprise]


@dataclass(frozen=True)
class Holding:
    enterprise: str
    parent: str
    level: int
    stake_pct: float | None
    effective_stake_pct: float | None
    certainty: str


def holdings(graph: nx.MultiDiGraph, group: str, max_depth: int) -> list[Holding]:
    """Every subsidiary under ``group`` down to ``max_depth`` levels, breadth-first, each once.

    The effective stake multiplies stakes along the path when all are known.
    """
    out: list[Holding] = []
    seen = {group}
    frontier: list[tuple[str, float | None]] = [(group, 100.0)]
    for level in range(1, max_depth + 1):
        next_frontier: list[tuple[str, float | None]] = []
        for parent, parent_stake in frontier:
            children = sorted(
                (u, attrs)
                for u, _, attrs in graph.in_edges(parent, data=True)
                if attrs.get("kind") == EdgeKind.SUBSIDIARY_OF.value
            )
            for child, attrs in children:
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
