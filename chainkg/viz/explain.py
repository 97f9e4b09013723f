"""Explain-path page (关系路径): how two entities are connected, hop by hop, left → right.

Built from :mod:`chainkg.queries.explain`: the source on the left, the target on the right, the node at
distance d from the source in column d (on a shortest path that distance is the same in every
path, so paths share columns), every edge joining two consecutive nodes drawn with its stored
direction and kind. No path within ``max_length`` gives a page that says so.
"""

from __future__ import annotations

from typing import Any

from chainkg.queries import explain
from chainkg.queries.common import NodeRef
from chainkg.store.protocol import GraphStore
from chainkg.viz.facts import Facts, edge_tooltip, fetch_facts, node_tooltip
from chainkg.viz.layout import tree
from chainkg.viz.page import GraphBuilder, Limits, Page
from chainkg.viz.style import label_for

__all__ = ["build_explain_page", "explain_page"]

_NARROW = ["max_paths: fewer paths (路径条数)", "max_length: shorter paths (路径长度)"]


def build_explain_page(
    store: GraphStore,
    source: str,
    target: str,
    *,
    max_length: int = explain.QUERY.default("max_length"),
    max_paths: int = explain.QUERY.default("max_paths"),
    limits: Limits | None = None,
    nav: str | None = None,
) -> Page:
    """Run the explain query and draw its paths."""
    result = store.run(
        explain.QUERY, explain.Params(source=source, target=target, max_length=max_length, max_paths=max_paths)
    )
    ids = [result.source.id, result.target.id, *(n.id for p in result.paths for n in p.nodes)]
    return explain_page(result, fetch_facts(store, ids), limits=limits, nav=nav)


def explain_page(
    result: explain.Result, facts: Facts | None = None, *, limits: Limits | None = None, nav: str | None = None
) -> Page:
    """Draw the shortest paths of an explain result, one column per hop."""
    facts = facts or {}
    src, dst = result.source, result.target
    title = f"关系路径：{src.name} → {dst.name}"
    builder = GraphBuilder(
        "explain", title, what=f"the paths from {src.name} to {dst.name}", narrow=_NARROW, limits=limits
    )
    refs: dict[str, NodeRef] = {src.id: src, dst.id: dst}
    children: dict[str, list[str]] = {}
    layer: dict[str, int] = {src.id: 0}
    for path in result.paths:
        for i, node in enumerate(path.nodes):
            refs[node.id] = node
            if node.id not in layer:
                layer[node.id] = i
                children.setdefault(path.nodes[i - 1].id, []).append(node.id)
    if not result.paths:
        layer[dst.id] = 2
        children[src.id] = [dst.id]
    positions = tree([src.id], children, layer, x_gap=300, y_gap=90)
    for node_id, ref in refs.items():
        x, y = positions.get(node_id, (0.0, 0.0))
        end = node_id in (src.id, dst.id)
        role = "起点" if node_id == src.id else "终点" if node_id == dst.id else f"第 {layer.get(node_id, 0)} 跳"
        emphasis: dict[str, Any] = {"size": 22, "font": {"size": 16, "bold": True}} if end else {}
        builder.add_node(
            node_id,
            label_for(ref.name, ref.kind),
            ref.kind,
            node_tooltip(ref, facts, [role]),
            x=x,
            y=y,
            border_width=4 if end else 1.5,
            border_color="#000000" if end else None,
            **emphasis,
        )
    for path in result.paths:
        for hop in path.hops:
            for edge in hop.edges:
                builder.add_edge(
                    edge.source,
                    edge.target,
                    edge.kind,
                    edge_tooltip(edge.kind, refs[edge.source].name, refs[edge.target].name, edge.properties),
                    label=edge.kind.zh,
                )
    if result.paths:
        builder.summary = [
            f"最短路径 {result.length} 跳，显示 {len(result.paths)} 条（按节点 id 字典序）",
            *(" → ".join(n.name for n in p.nodes) for p in result.paths[:3]),
        ]
    else:
        builder.summary = ["在给定长度内没有找到路径；可以调大 max_length（最长 6 跳）。"]
        builder.notes.append("没有路径：两个节点之间在 max_length 跳内不相连（来源节点与 CITES 关系不计）。")
    builder.notes.append("连线方向是关系的存储方向；路径可沿任一方向经过它。")
    return builder.page(nav=nav)
