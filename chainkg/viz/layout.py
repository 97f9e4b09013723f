"""Fixed positions for the pages: columns, left-to-right trees and rings, computed in Python.

Computing positions here rather than letting vis-network's physics find them makes every page
deterministic (the same graph looks the same tomorrow), instantly drawn, and calm: nothing drifts
while an analyst reads it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

__all__ = ["Positions", "radial", "tree"]

Positions = dict[str, tuple[float, float]]


def _leaf_order(roots: Sequence[str], children: Mapping[str, Sequence[str]]) -> tuple[dict[str, float], int]:
    """Each node's position in leaf order (leaves 0, 1, 2…; a parent at the middle of its children)."""
    order: dict[str, float] = {}
    counter = 0

    def visit(node: str) -> float:
        nonlocal counter
        kids = [k for k in children.get(node, ()) if k not in order]
        order[node] = -1.0  # mark before descending: a node reached twice is placed once
        if not kids:
            order[node] = float(counter)
            counter += 1
            return order[node]
        spots = [visit(k) for k in kids]
        order[node] = (min(spots) + max(spots)) / 2
        return order[node]

    for root in roots:
        if root not in order:
            visit(root)
    return order, counter


def tree(
    roots: Sequence[str],
    children: Mapping[str, Sequence[str]],
    layer: Mapping[str, int],
    *,
    x_gap: float = 300.0,
    y_gap: float = 56.0,
) -> Positions:
    """Left → right tree: x by ``layer``, y by leaf order so subtrees never overlap."""
    order, _ = _leaf_order(roots, children)
    return {node: (layer.get(node, 0) * x_gap, spot * y_gap) for node, spot in order.items()}


def radial(
    center: str, children: Mapping[str, Sequence[str]], depth: Mapping[str, int], *, ring: float = 230.0
) -> Positions:
    """The centre in the middle, hop d on ring d, each subtree in its own arc (angles by leaf order)."""
    order, leaves = _leaf_order([center], children)
    counts: dict[int, int] = {}
    for node in order:
        counts[depth.get(node, 0)] = counts.get(depth.get(node, 0), 0) + 1
    radius: dict[int, float] = {0: 0.0}
    for d in range(1, max(counts, default=0) + 1):
        # far enough out that neighbours on the ring sit ~70px apart, and never inside the previous ring
        radius[d] = max(d * ring, counts.get(d, 0) * 70 / (2 * math.pi), radius[d - 1] + 150)
    out: Positions = {}
    for node, spot in order.items():
        d = depth.get(node, 0)
        if d == 0:
            out[node] = (0.0, 0.0)
            continue
        angle = 2 * math.pi * (spot + 0.5) / max(leaves, 1) - math.pi / 2
        out[node] = (radius[d] * math.cos(angle), radius[d] * math.sin(angle))
    return out
