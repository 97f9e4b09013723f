"""Chain map page (产业链图谱): segments left → right by stage, coloured by what the gap analysis says.

Built from two query results, so it shows exactly what ``chainkg chain`` and ``chainkg gaps`` say:

- one column per stage (上游 → 中游 → 下游) at a fixed x; within a column the segments in the
  chain map's order; FEEDS arrows between them;
- a segment's colour is its state under :mod:`chainkg.queries.gaps` with the same parameters: covered
  (green), weak — a 强链 gap (orange), missing — a 补链 gap (red); segments of neighbouring chains
  that are 延链 candidates are grey, dashed to the covered segment they would join;
- each segment's local enterprises and active projects (the chain map's first ``members``) sit to
  its right; chain leaders (链主) have a gold ring.
"""

from __future__ import annotations

from chainkg.queries import chain_map, gaps
from chainkg.queries.common import NodeRef
from chainkg.schema.kinds import EdgeKind, NodeKind, Stage
from chainkg.schema.money import format_cny
from chainkg.store.protocol import GraphStore
from chainkg.viz.facts import Facts, amount_text, fetch_facts, node_tooltip
from chainkg.viz.page import GraphBuilder, LegendItem, Limits, Page
from chainkg.viz.style import EXTEND_EDGE, LEADER_BORDER, NODE_STYLES, NodeStyle, SegmentStatus, label_for

__all__ = ["DEFAULT_MEMBERS", "build_chain_page", "chain_page"]

#: Enterprises and projects drawn per segment unless asked otherwise (the rest are counted).
DEFAULT_MEMBERS = 6
STAGE_X = {Stage.UPSTREAM: 0.0, Stage.MIDSTREAM: 780.0, Stage.DOWNSTREAM: 1560.0}
MEMBER_DX = 290.0
ROW = 62.0
_TEXT = NodeStyle("#ffffff", "#ffffff", "text", 12)
_FEEDS_CURVE = {"enabled": True, "type": "curvedCW", "roundness": 0.18}


def build_chain_page(
    store: GraphStore,
    chain: str,
    scope: str | None = None,
    *,
    members: int = DEFAULT_MEMBERS,
    min_enterprises: int = gaps.QUERY.default("min_enterprises"),
    limits: Limits | None = None,
    nav: str | None = None,
) -> Page:
    """Run the chain map and the gap analysis for (chain, scope) and draw them."""
    mapped = store.run(chain_map.QUERY, chain_map.Params(chain=chain, scope=scope, max_members=members))
    analysed = store.run(gaps.QUERY, gaps.Params(chain=chain, scope=scope, min_enterprises=min_enterprises, limit=500))
    ids = [s.segment.id for s in mapped.segments]
    ids += [m.id for s in mapped.segments for m in (*s.enterprises, *s.projects)]
    ids += [ld.enterprise.id for ld in mapped.leaders] + [g.segment.id for g in analysed.extend]
    return chain_page(
        mapped, analysed, fetch_facts(store, ids), limits=limits, nav=nav, min_enterprises=min_enterprises
    )


def chain_page(
    mapped: chain_map.Result,
    analysed: gaps.Result,
    facts: Facts | None = None,
    *,
    limits: Limits | None = None,
    nav: str | None = None,
    min_enterprises: int = gaps.QUERY.default("min_enterprises"),
) -> Page:
    """Draw a chain map and its gap analysis (same chain and scope) as one page."""
    if (mapped.chain.id, mapped.scope.id) != (analysed.chain.id, analysed.scope.id):
        raise ValueError("the chain map and the gap analysis must be for the same chain and scope")
    facts = facts or {}
    title = f"{mapped.chain.name} 产业链图谱 · {mapped.scope.name}"
    builder = GraphBuilder(
        "chain",
        title,
        what=f"the chain map of {mapped.chain.name} in {mapped.scope.name}",
        narrow=[
            "members: fewer enterprises/projects per segment (每个环节显示的企业/项目数)",
            "scope: a smaller region or park (更小的区域或园区)",
        ],
        limits=limits,
    )
    fill = {g.segment.id: g for g in analysed.fill}
    weak = {g.segment.id: g for g in analysed.strengthen}
    extend = {g.segment.id: g for g in analysed.extend}
    leaders = {ld.enterprise.id for ld in mapped.leaders}

    def status(segment_id: str) -> SegmentStatus:
        if segment_id in fill:
            return SegmentStatus.MISSING
        return SegmentStatus.WEAK if segment_id in weak else SegmentStatus.COVERED

    # --- stage headings and segment blocks, top to bottom within each stage column --------------
    top = dict.fromkeys(Stage, 0.0)
    for stage in Stage:
        builder.add_node(
            f"label:stage:{stage.value}",
            stage.value,
            NodeKind.SEGMENT,
            f"{stage.value}环节",
            x=STAGE_X[stage],
            y=-90,
            style=NodeStyle("#ffffff", "#ffffff", "text", 22),
            legend=False,
            font={"size": 22, "bold": True},
        )
    truncated = False
    for state in mapped.segments:
        shown = [*state.enterprises, *state.projects]
        hidden = (state.enterprise_count - len(state.enterprises)) + (state.project_count - len(state.projects))
        rows = max(1, len(shown) + (1 if hidden else 0))
        x, y0 = STAGE_X[state.stage], top[state.stage]
        y = y0 + (rows - 1) * ROW / 2
        top[state.stage] = y0 + rows * ROW + 40
        st = status(state.segment.id)
        counts = f"{state.enterprise_count}家企业 · {state.project_count}个项目" if state.covered else "本地缺失"
        money = f"\n{format_cny(state.investment_cny)}" if state.investment_cny else ""
        extra = [
            f"状态：{st.zh}",
            f"本地企业 {state.enterprise_count} 家，在建/签约/投产项目 {state.project_count} 个，"
            f"投资 {format_cny(state.investment_cny)}",
        ]
        gap = fill.get(state.segment.id) or weak.get(state.segment.id)
        if gap is not None:
            extra.append(f"{'补链' if st is SegmentStatus.MISSING else '强链'}得分 {gap.score:g}：{gap.reason}")
        if state.segment.id in extend:
            extra.append(f"延链得分 {extend[state.segment.id].score:g}：{extend[state.segment.id].reason}")
        if state.other_chains:
            extra.append("同属产业链：" + "、".join(c.name for c in state.other_chains))
        builder.add_node(
            state.segment.id,
            f"{state.segment.name}\n{counts}{money}",
            NodeKind.SEGMENT,
            node_tooltip(state.segment, facts, extra),
            x=x,
            y=y,
            style=st.style,
            legend=False,
            border_width=2,
            font={"size": 15},
            margin=8,
        )
        for row, member in enumerate(shown):
            _add_member(builder, member, state.segment, facts, leaders, x + MEMBER_DX, y0 + row * ROW)
        if hidden:
            truncated = True
            more = f"more:{state.segment.id}"
            builder.add_node(
                more,
                f"另有 {hidden} 个未显示",
                NodeKind.ENTERPRISE,
                f"{state.segment.name}：另有 {hidden} 家企业/项目未画出；调大 members 可显示更多",
                x=x + MEMBER_DX,
                y=y0 + len(shown) * ROW,
                style=_TEXT,
                legend=False,
            )

    names = {s.segment.id: s.segment.name for s in mapped.segments}
    for feed in mapped.feeds:
        title = f"{names[feed.source]} —供给→ {names[feed.target]}（上游环节供给下游环节）"
        builder.add_edge(feed.source, feed.target, EdgeKind.FEEDS, title, smooth=_FEEDS_CURVE)

    # --- 延链: segments of neighbouring chains next to a covered segment --------------------------
    for gap in analysed.extend:
        if gap.in_chain:
            continue  # already drawn as a missing segment of the chain, with its 延链 score in the tooltip
        x = STAGE_X[gap.stage]
        y = top[gap.stage]
        top[gap.stage] += ROW + 40
        extra = [
            f"状态：{SegmentStatus.EXTEND.zh}",
            "所属产业链：" + "、".join(c.name for c in gap.chains),
            f"延链得分 {gap.score:g}：{gap.reason}",
        ]
        builder.add_node(
            gap.segment.id,
            f"{gap.segment.name}\n（{'、'.join(c.name for c in gap.chains)}）",
            NodeKind.SEGMENT,
            node_tooltip(gap.segment, facts, extra),
            x=x,
            y=y,
            style=SegmentStatus.EXTEND.style,
            legend=False,
            border_width=2,
            shapeProperties={"borderDashes": [5, 4]},
            margin=8,
        )
        if len(gap.path) > 1:
            builder.add_edge(
                gap.segment.id, gap.path[1].id, "延链", f"延链候选：{gap.reason}", label="延链", style=EXTEND_EDGE
            )

    # --- leaders the segment lists did not show ---------------------------------------------------
    missing_leaders = [ld for ld in mapped.leaders if ld.enterprise.id not in builder]
    for i, ld in enumerate(missing_leaders):
        builder.add_node(
            ld.enterprise.id,
            label_for(ld.enterprise.name, NodeKind.ENTERPRISE),
            NodeKind.ENTERPRISE,
            node_tooltip(ld.enterprise, facts, ["链主（LEADS）" + (f"，范围：{ld.scope.name}" if ld.scope else "")]),
            x=STAGE_X[Stage.MIDSTREAM] + i * 220,
            y=-200,
            border_color=LEADER_BORDER,
            border_width=4,
        )

    c = analysed.completeness
    t = mapped.totals
    builder.summary = [
        f"{mapped.scope.name}：覆盖 {c.covered}/{c.total} 个环节，完整度 {c.index:.0%}"
        f"（按阶段加权 {c.stage_weighted:.0%}）；"
        f"补链 {len(analysed.fill)} · 强链 {len(analysed.strengthen)} · 延链 {len(analysed.extend)}",
        f"本地企业 {t.enterprises} 家，在建/签约/投产项目 {t.projects} 个，投资 {format_cny(t.investment_cny)}；"
        f"链主：{'、'.join(ld.enterprise.name for ld in mapped.leaders) or '无'}",
    ]
    builder.extra_legend = [LegendItem(f"环节：{s.zh}", node=s.style) for s in SegmentStatus] + [
        LegendItem(
            "链主企业（金色外圈）", node=NodeStyle(NODE_STYLES[NodeKind.ENTERPRISE].color, LEADER_BORDER, "dot")
        ),
        LegendItem("延链候选（虚线）", edge=EXTEND_EDGE),
    ]
    builder.notes = [
        "从左到右：上游 → 中游 → 下游；箭头为环节间的供给关系（FEEDS）。",
        "颜色与 chainkg gaps 的规则相同：本地有企业或在建/签约/投产项目即为覆盖；"
        f"本地企业少于 {min_enterprises} 家为薄弱。",
    ]
    if truncated:
        builder.notes.append("部分环节的企业/项目未全部画出（见“另有 N 个”），调大 members 可显示更多。")
    return builder.page(nav=nav)


def _add_member(
    builder: GraphBuilder,
    member: NodeRef,
    segment: NodeRef,
    facts: Facts,
    leaders: set[str],
    x: float,
    y: float,
) -> None:
    """An enterprise or project next to its segment (drawn once, linked to every segment it serves)."""
    extra = [f"环节：{segment.name}"]
    label = label_for(member.name, member.kind)
    if member.kind is NodeKind.PROJECT:
        props = facts[member.id].properties if member.id in facts else {}
        if props.get("total_investment") is not None:
            label += "\n" + amount_text(props["total_investment"], props.get("currency"))
    leader = member.id in leaders
    if leader:
        extra.append("链主（LEADS）")
    builder.add_node(
        member.id,
        label,
        member.kind,
        node_tooltip(member, facts, extra),
        x=x,
        y=y,
        border_color=LEADER_BORDER if leader else None,
        border_width=4 if leader else 1.5,
    )
    builder.add_edge(member.id, segment.id, EdgeKind.IN_SEGMENT, f"{member.name} —属于环节→ {segment.name}")
