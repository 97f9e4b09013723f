"""Entity neighbourhood page (邻域): a node, its neighbours up to k hops, on rings around it.

Built by walking :mod:`chainkg.queries.entity` breadth-first, so it runs on any store backend: hop 1 is the
node's neighbour groups (edge kind, direction), hop 2 the groups of each of those, and so on. Each
group shows at most ``per_group`` neighbours (the entity query's page, ordered by id); what a group
leaves out is drawn as a "另有 N 个…" marker, never silently dropped. Source nodes stay in tooltips
(the CITES edges are the node's sources), except around a Source, whose citing facts are its
neighbours. Past the page limit the builder stops with :class:`~chainkg.viz.page.TooLarge`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainkg.queries import entity
from chainkg.queries.common import NodeRef
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.protocol import GraphStore
from chainkg.viz.facts import Facts, edge_tooltip, fetch_facts, node_tooltip
from chainkg.viz.layout import radial
from chainkg.viz.page import GraphBuilder, Limits, Page, TooLarge
from chainkg.viz.style import NodeStyle, label_for

__all__ = ["DEFAULT_PER_GROUP", "MAX_HOPS", "Neighbourhood", "build_entity_page", "entity_page", "walk"]

MAX_HOPS = 3
DEFAULT_PER_GROUP = 12
_MORE = NodeStyle("#ffffff", "#9e9e9e", "text", 12)
_NARROW = [
    "hops: fewer hops (减少跳数)",
    "per_group: fewer neighbours per relation (每类关系少显示几个)",
    "edge_kind: one relation only, e.g. SUBSIDIARY_OF (只看一种关系)",
]


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    kind: EdgeKind
    properties: dict[str, Any]
    sources: list[tuple[str, str]]  # (source id, evidence)


@dataclass
class Neighbourhood:
    """What the walk found: nodes by hop, the tree it grew (for the layout), edges, what it left out."""

    center: NodeRef
    hops: int
    per_group: int
    edge_kind: EdgeKind | None
    refs: dict[str, NodeRef] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    hidden: dict[str, list[tuple[EdgeKind, str, int]]] = field(default_factory=dict)
    expanded: dict[str, entity.Result] = field(default_factory=dict)


def walk(
    store: GraphStore,
    node_id: str,
    *,
    hops: int = 1,
    per_group: int = DEFAULT_PER_GROUP,
    edge_kind: EdgeKind | None = None,
    limits: Limits | None = None,
) -> Neighbourhood:
    """Breadth-first through entity results; raises TooLarge as soon as the page limit is passed."""
    if not 1 <= hops <= MAX_HOPS:
        raise ValueError(f"hops must be between 1 and {MAX_HOPS}")
    limits = limits or Limits()
    first = store.run(entity.QUERY, entity.Params(id=node_id, edge_kind=edge_kind, limit=per_group))
    found = Neighbourhood(center=first.node, hops=hops, per_group=per_group, edge_kind=edge_kind)
    found.refs[node_id] = first.node
    found.depth[node_id] = 0
    what = f"the {hops}-hop neighbourhood of {first.node.name}"
    frontier = [node_id]
    results = {node_id: first}
    seen: set[tuple[str, str, EdgeKind]] = set()
    for d in range(1, hops + 1):
        next_frontier: list[str] = []
        for node in frontier:
            result = results.get(node)
            if result is None:
                result = store.run(entity.QUERY, entity.Params(id=node, edge_kind=edge_kind, limit=per_group))
            found.expanded[node] = result
            kids = found.children.setdefault(node, [])
            for group in result.neighbours:
                if group.total > len(group.items):
                    found.hidden.setdefault(node, []).append(
                        (group.edge_kind, group.direction, group.total - len(group.items))
                    )
                for item in group.items:
                    other = item.node.id
                    if other not in found.depth:
                        if len(found.depth) >= limits.max_nodes:
                            raise TooLarge(what, "nodes", limits.max_nodes, _NARROW)
                        found.depth[other] = d
                        found.refs[other] = item.node
                        kids.append(other)
                        next_frontier.append(other)
                    start, end = (node, other) if group.direction == "out" else (other, node)
                    key = (start, end, group.edge_kind)
                    if key in seen:
                        continue  # the same edge, met again from its other end
                    seen.add(key)
                    if len(found.links) >= limits.max_edges:
                        raise TooLarge(what, "edges", limits.max_edges, _NARROW)
                    sources = [(s.source, s.evidence) for s in item.sources]
                    found.links.append(Link(start, end, group.edge_kind, item.properties, sources))
        frontier = next_frontier
    return found


def build_entity_page(
    store: GraphStore,
    node_id: str,
    *,
    hops: int = 1,
    per_group: int = DEFAULT_PER_GROUP,
    edge_kind: EdgeKind | None = None,
    limits: Limits | None = None,
    nav: str | None = None,
) -> Page:
    """Walk the neighbourhood of a node and draw it."""
    found = walk(store, node_id, hops=hops, per_group=per_group, edge_kind=edge_kind, limits=limits)
    facts: Facts = dict(found.expanded)
    facts.update(fetch_facts(store, [n for n in found.refs if n not in facts]))
    return entity_page(found, facts, limits=limits, nav=nav)


def entity_page(
    found: Neighbourhood, facts: Facts | None = None, *, limits: Limits | None = None, nav: str | None = None
) -> Page:
    """Draw a walked neighbourhood: the node in the middle, hop d on ring d."""
    facts = facts or {}
    center = found.center
    title = f"{center.name} · {found.hops} 跳邻域"
    builder = GraphBuilder(
        "entity", title, what=f"the {found.hops}-hop neighbourhood of {center.name}", narrow=_NARROW, limits=limits
    )
    children = {k: list(v) for k, v in found.children.items()}
    depth = dict(found.depth)
    more_labels: dict[str, tuple[str, str]] = {}
    for node, groups in found.hidden.items():
        for kind, direction, count in groups:
            marker = f"more:{node}:{kind.value}:{direction}"
            arrow = "→" if direction == "out" else "←"
            more_labels[marker] = (
                f"另有 {count} 个\n{arrow}{kind.zh}",
                f"{found.refs[node].name}：另有 {count} 个“{kind.zh}”（{kind.value}, {direction}）关系未画出；"
                "调大 per_group 或按 edge_kind 只看这一种关系",
            )
            children.setdefault(node, []).append(marker)
            depth[marker] = depth[node] + 1
    positions = radial(center.id, children, depth)
    for node_id, ref in found.refs.items():
        x, y = positions[node_id]
        extra = ["中心节点" if node_id == center.id else f"距中心 {found.depth[node_id]} 跳"]
        is_center = node_id == center.id
        emphasis: dict[str, Any] = {"size": 26, "font": {"size": 18, "bold": True}} if is_center else {}
        builder.add_node(
            node_id,
            label_for(ref.name, ref.kind),
            ref.kind,
            node_tooltip(ref, facts, extra),
            x=x,
            y=y,
            border_width=4 if is_center else 1.5,
            border_color="#000000" if is_center else None,
            **emphasis,
        )
    for marker, (label, tip) in more_labels.items():
        x, y = positions[marker]
        builder.add_node(marker, label, NodeKind.ENTERPRISE, tip, x=x, y=y, style=_MORE, legend=False)
    source_names = {s.source.id: s.source.name for result in facts.values() for s in result.sources}
    for link in found.links:
        a, b = found.refs[link.source].name, found.refs[link.target].name
        cited = [
            f"{source_names.get(src, src)}：{evidence}" if evidence else source_names.get(src, src)
            for src, evidence in link.sources
        ]
        stake = f"{link.properties['stake_pct']:g}%" if link.properties.get("stake_pct") else None
        builder.add_edge(
            link.source,
            link.target,
            link.kind,
            edge_tooltip(link.kind, a, b, link.properties, cited),
            label=stake,
        )
    builder.summary = [
        f"{center.kind.zh} {center.name}（{center.id}）：{found.hops} 跳内 {len(found.refs) - 1} 个相邻节点，"
        f"{builder.edge_count} 条关系"
        + (f"；只看 {found.edge_kind.zh}（{found.edge_kind.value}）" if found.edge_kind else ""),
        f"每类关系最多显示 {found.per_group} 个，其余以“另有 N 个”标出；来源（CITES）见悬停提示。",
    ]
    builder.notes = ["离中心越远的环，跳数越多；同一类关系的邻居排在一起。"]
    return builder.page(nav=nav)
