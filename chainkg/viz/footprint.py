"""SOE footprint page (央企布局): a group's subsidiary tree, left → right, ending in its local projects.

Built from :mod:`chainkg.queries.footprint`: the group on the left, each subsidiary one column further per
level (SUBSIDIARY_OF arrows point to the parent, labelled with the stake when a source gives it),
then the local projects the group or any member invests in (INVESTS_IN, labelled 出资/建设, with
the amount in 亿元 and the status), then the parks those projects are in. Subsidiaries outside the
scope are drawn faded; ``local_only`` leaves out the ones that neither are local, invest locally,
nor lead to one that does.
"""

from __future__ import annotations

from typing import Any

from chainkg.queries import footprint
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.money import format_cny
from chainkg.store.protocol import GraphStore
from chainkg.viz.facts import Facts, amount_text, edge_tooltip, fetch_facts, node_tooltip
from chainkg.viz.layout import tree
from chainkg.viz.page import GraphBuilder, LegendItem, Limits, Page
from chainkg.viz.style import NodeStyle, label_for

__all__ = ["build_footprint_page", "footprint_page"]

_ROLE = {"investor": "出资", "builder": "建设"}
_Y_GAP = 92.0
_ARC = {"enabled": True, "type": "curvedCW", "roundness": 0.25}
_NARROW = [
    "max_depth: fewer subsidiary levels (子公司层级)",
    "local_only: only subsidiaries that are local or lead to local projects (只看本地相关子公司)",
    "scope: a smaller region or park (更小的区域或园区)",
]


def build_footprint_page(
    store: GraphStore,
    group: str,
    scope: str | None = None,
    *,
    max_depth: int = footprint.QUERY.default("max_depth"),
    local_only: bool = False,
    limits: Limits | None = None,
    nav: str | None = None,
) -> Page:
    """Run the footprint query for a group and draw it."""
    result = store.run(footprint.QUERY, footprint.Params(group=group, scope=scope, max_depth=max_depth))
    ids = [result.group.id, *(s.enterprise.id for s in result.subsidiaries)]
    ids += [p.project.id for p in result.projects] + [park.id for p in result.projects for park in p.parks]
    return footprint_page(result, fetch_facts(store, ids), local_only=local_only, limits=limits, nav=nav)


def footprint_page(
    result: footprint.Result,
    facts: Facts | None = None,
    *,
    local_only: bool = False,
    limits: Limits | None = None,
    nav: str | None = None,
) -> Page:
    """Draw a footprint result as a left → right tree: group, subsidiaries by level, projects, parks."""
    facts = facts or {}
    group = result.group
    subs = {s.enterprise.id: s for s in result.subsidiaries}
    investors = {i.enterprise.id for p in result.projects for i in p.investors}

    keep = set(subs)
    if local_only:
        keep = set()
        for sub in result.subsidiaries:
            if sub.local or sub.enterprise.id in investors:
                node = sub.enterprise.id
                while node in subs and node not in keep:  # the member and every parent up to the group
                    keep.add(node)
                    node = subs[node].parent.id

    children: dict[str, list[str]] = {group.id: []}
    layer: dict[str, int] = {group.id: 0}
    for sub in result.subsidiaries:  # ordered by (level, id): a parent is always placed before its children
        if sub.enterprise.id in keep:
            children.setdefault(sub.parent.id, []).append(sub.enterprise.id)
            layer[sub.enterprise.id] = sub.level
    project_layer = max(layer.values()) + 1
    for entry in result.projects:
        # under the deepest member that invests, a builder before a mere investor: the company on site
        placed = [i for i in entry.investors if i.enterprise.id in layer]
        best = max(placed, key=lambda i: (layer[i.enterprise.id], i.role == "builder"), default=None)
        owner = best.enterprise.id if best else group.id
        children.setdefault(owner, []).append(entry.project.id)
        layer[entry.project.id] = project_layer
    positions = tree([group.id], children, layer, x_gap=330, y_gap=_Y_GAP)

    title = f"{group.name} 布局 · {result.scope.name}"
    builder = GraphBuilder("footprint", title, what=f"the footprint of {group.name}", narrow=_NARROW, limits=limits)
    builder.add_node(
        group.id,
        label_for(group.name, NodeKind.ENTERPRISE),
        NodeKind.ENTERPRISE,
        node_tooltip(group, facts, ["集团（本页的根）"]),
        x=positions[group.id][0],
        y=positions[group.id][1],
        border_width=4,
        border_color="#000000",
        size=24,
        font={"size": 18, "bold": True},
    )
    for sub in result.subsidiaries:
        node = sub.enterprise.id
        if node not in keep:
            continue
        stake = f"{sub.stake_pct:g}%" if sub.stake_pct is not None else "未知"
        effective = f"{sub.effective_stake_pct:g}%" if sub.effective_stake_pct is not None else "未知"
        extra = [
            f"第 {sub.level} 级子公司，母公司：{sub.parent.name}",
            f"持股 {stake}，穿透持股 {effective}；隶属关系：{'来源明示' if sub.certainty == 'stated' else '推断'}",
            "在本范围内（本地）" if sub.local else "不在本范围内",
        ]
        faded: dict[str, Any] = {} if sub.local else {"opacity": 0.45}
        builder.add_node(
            node,
            label_for(sub.enterprise.name, NodeKind.ENTERPRISE),
            NodeKind.ENTERPRISE,
            node_tooltip(sub.enterprise, facts, extra),
            x=positions[node][0],
            y=positions[node][1],
            **faded,
        )
    for sub in result.subsidiaries:
        if sub.enterprise.id in keep:
            props = {"stake_pct": sub.stake_pct, "certainty": "来源明示" if sub.certainty == "stated" else "推断"}
            builder.add_edge(
                sub.enterprise.id,
                sub.parent.id,
                EdgeKind.SUBSIDIARY_OF,
                edge_tooltip(EdgeKind.SUBSIDIARY_OF, sub.enterprise.name, sub.parent.name, props),
                label=f"{sub.stake_pct:g}%" if sub.stake_pct is not None else None,
            )

    park_rows: dict[str, list[float]] = {}
    park_refs = {}
    for entry in result.projects:
        node = entry.project.id
        x, y = positions[node]
        amount = amount_text(entry.total_investment, entry.currency)
        extra = [
            f"状态：{entry.status or '未知'}；总投资 {amount}",
            "投资方：" + "、".join(f"{i.enterprise.name}（{_ROLE.get(i.role, i.role)}）" for i in entry.investors),
            "园区：" + ("、".join(p.name for p in entry.parks) or "—"),
            "产业链：" + ("、".join(c.name for c in entry.chains) or "—"),
        ]
        label = f"{label_for(entry.project.name, NodeKind.PROJECT, width=9)}\n{amount} · {entry.status or '状态未知'}"
        builder.add_node(node, label, NodeKind.PROJECT, node_tooltip(entry.project, facts, extra), x=x, y=y)
        for investor in entry.investors:
            builder.add_edge(
                investor.enterprise.id,
                node,
                EdgeKind.INVESTS_IN,
                edge_tooltip(
                    EdgeKind.INVESTS_IN, investor.enterprise.name, entry.project.name, {"role": investor.role}
                ),
                label=_ROLE.get(investor.role, investor.role),
                # an investor several columns back would cross its own subsidiaries on a straight line
                smooth=_ARC if layer.get(investor.enterprise.id, 0) < project_layer - 1 else False,
            )
        for park in entry.parks:
            park_rows.setdefault(park.id, []).append(y)
            park_refs[park.id] = park
    park_x = (project_layer + 1) * 330
    next_free = float("-inf")
    for park_id, ys in sorted(park_rows.items(), key=lambda kv: (sum(kv[1]) / len(kv[1]), kv[0])):
        ref = park_refs[park_id]
        y = max(sum(ys) / len(ys), next_free)  # beside its projects, but never on top of another park
        next_free = y + _Y_GAP
        builder.add_node(
            park_id,
            label_for(ref.name, NodeKind.PARK, width=9),
            NodeKind.PARK,
            node_tooltip(ref, facts, [f"本集团在此园区的项目 {len(ys)} 个"]),
            x=park_x,
            y=y,
        )
    for entry in result.projects:
        for park in entry.parks:
            builder.add_edge(
                entry.project.id,
                park.id,
                EdgeKind.LOCATED_IN,
                edge_tooltip(EdgeKind.LOCATED_IN, entry.project.name, park.name, {}),
            )

    local = sum(s.local for s in result.subsidiaries)
    builder.summary = [
        f"{group.name} 在 {result.scope.name}：子公司 {len(result.subsidiaries)} 家（本地 {local} 家），"
        f"项目 {result.total_projects} 个，合计投资 {format_cny(result.total_investment_cny)}",
        "按状态："
        + ("；".join(f"{b.status} {b.projects} 个 {format_cny(b.investment_cny)}" for b in result.by_status) or "—"),
        "按产业链："
        + (
            "；".join(f"{b.key.name} {b.projects} 个 {format_cny(b.investment_cny)}" for b in result.by_chain if b.key)
            or "—"
        ),
    ]
    builder.extra_legend = [LegendItem("不在本范围的子公司（淡色）", node=NodeStyle("#c5dff8", "#90a4ae", "dot"))]
    builder.notes = [
        "从左到右：集团 → 各级子公司 → 本地项目 → 所在园区；箭头指向母公司。",
        "一个项目的投资额只计一次，不论集团内几家企业参与。",
    ]
    if local_only:
        hidden = len(result.subsidiaries) - len(keep)
        builder.notes.append(f"只显示本地相关的子公司（另有 {hidden} 家未画出）。")
    return builder.page(nav=nav)
