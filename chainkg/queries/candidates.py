"""What the ranking of recommendations reads of a candidate beyond its relations: how it leads the
segment (its IN_SEGMENT edge: ``rank``, ``certainty``, ``basis``) and whether its head office is near
(the scope's province). The definitions are in :mod:`chainkg.queries.recommend`."""

from __future__ import annotations

from typing import Any

import networkx as nx

from chainkg.schema.kinds import Certainty, EdgeKind, NodeKind, RegionLevel, SegmentBasis

__all__ = ["leadership", "province_of"]


def province_of(graph: nx.MultiDiGraph[str], root: str) -> str | None:
    """The first province-level region above the scope (itself, if it is one): up PART_OF from a
    region, LOCATED_IN from a park."""
    seen: set[str] = set()
    node: str | None = root
    while node is not None and node not in seen:
        seen.add(node)
        attrs = graph.nodes[node]
        if attrs["kind"] == NodeKind.REGION.value and attrs.get("level") == RegionLevel.PROVINCE.value:
            return node
        up = [
            v
            for _, v, k in graph.out_edges(node, data="kind", default="")
            if k in (EdgeKind.PART_OF.value, EdgeKind.LOCATED_IN.value) and graph.nodes[v]["kind"] in _PLACE_KINDS
        ]
        node = min(up) if up else None
    return None


_PLACE_KINDS = (NodeKind.REGION.value, NodeKind.PARK.value)
_CURATED = (None, SegmentBasis.CURATED.value)


def leadership(placement: dict[str, Any]) -> float:
    """The leader term of the score, from an IN_SEGMENT edge's ``rank``, ``certainty`` and ``basis``."""
    rank = placement.get("rank")
    if rank is not None:
        score = max(0.2, 1 - 0.08 * (float(rank) - 1))
        return score * (0.85 if placement.get("certainty") == Certainty.INFERRED.value else 1.0)
    basis = placement.get("basis")
    return 0.15 if basis in _CURATED else 0.05 if basis == SegmentBasis.NAME.value else 0.0
