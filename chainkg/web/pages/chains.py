"""产业链全景图 (``/chains``, ``/chain/<id>``) and the segment view (``/segment/<id>``).

The panorama lays a chain's segments out in 上游 | 中游 | 下游 columns, in the chain map's supply
order (:mod:`chainkg.queries.chain_map`), each card coloured as the gap analysis decides
(:mod:`chainkg.queries.gaps`): missing (补链), weak (强链) or covered. FEEDS links are drawn between
the cards and highlighted on hover. The segment view shows the segment's local enterprises
(:mod:`chainkg.queries.listing.enterprises`) and projects (:mod:`chainkg.queries.ledger`), the verdict
with its reason, and whom to approach (:mod:`chainkg.queries.recommend`) with the path explaining each.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter
from starlette.responses import Response

from chainkg.queries import chain_map, entity, gaps, ledger, overview, recommend
from chainkg.queries.common import NodeRef
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.schema.kinds import EdgeKind, NodeKind, Stage
from chainkg.web.deps import PageContext, PageDep, PageError
from chainkg.web.pages.dashboard import chain_summary
from chainkg.web.render import cny, page
from chainkg.web.tables import Cell, Column, Table
from chainkg.web.widgets import enterprise_table, gap_table, links, project_table, ref_cell, segment_item

__all__ = ["SegmentCard", "Verdict", "router", "verdicts"]

router = APIRouter()

#: Member names shown on a segment card.
TOP_NAMES = 3
#: Local enterprises and projects listed on the segment page.
LISTED = 20


@dataclass(frozen=True)
class Verdict:
    """What the gap analysis says of one segment: ``state`` covered | weak | missing, in words, and why."""

    state: str
    label: str
    reason: str
    score: float | None = None
    extend: bool = False

    @property
    def css(self) -> str:
        return f"v-{self.state}"


@dataclass(frozen=True)
class SegmentCard:
    state: chain_map.SegmentState
    verdict: Verdict
    feeds_out: tuple[str, ...]
    feeds_in: tuple[str, ...]


def verdicts(result: gaps.Result, segments: list[chain_map.SegmentState]) -> dict[str, Verdict]:
    """Each segment's verdict, read from the gap analysis (the chain map gives the covered ones' counts)."""
    fill = {g.segment.id: g for g in result.fill}
    weak = {g.segment.id: g for g in result.strengthen}
    extend = {g.segment.id for g in result.extend}
    out: dict[str, Verdict] = {}
    for state in segments:
        sid = state.segment.id
        if sid in fill:
            gap = fill[sid]
            out[sid] = Verdict("missing", "缺失 · 补链", gap.reason, gap.score, sid in extend)
        elif sid in weak:
            gap = weak[sid]
            out[sid] = Verdict("weak", "薄弱 · 强链", gap.reason, gap.score)
        else:
            reason = f"本地{state.enterprise_count}家企业、{state.project_count}个签约及以后阶段的项目"
            out[sid] = Verdict("covered", "已覆盖", reason)
    return out


@router.get("/chains", name="chains")
def chains_index(ctx: PageDep) -> Response:
    result = ctx.run(overview.QUERY, {"scope": ctx.scope_id})  # the dashboard's answer, kept
    return page(
        ctx,
        "chains.html",
        title=f"产业链 · {ctx.scope.name}",
        tables=[chain_summary(ctx, result)],
        cards=result.chains,
    )


@router.get("/chain/{chain:path}", name="chain")
def chain_page(ctx: PageDep, chain: str, min_enterprises: str | None = None) -> Response:
    chain_id = ctx.resolve(chain, (NodeKind.CHAIN,), "chain", "chain")
    gap_params: dict[str, object] = {"chain": chain_id, "scope": ctx.scope_id, "limit": gaps.QUERY.limits("limit").le}
    if min_enterprises:
        gap_params["min_enterprises"] = min_enterprises
    result = ctx.run(gaps.QUERY, gap_params)
    chart = ctx.run(chain_map.QUERY, {"chain": chain_id, "scope": ctx.scope_id, "max_members": TOP_NAMES})
    judged = verdicts(result, chart.segments)
    feeds_out: dict[str, list[str]] = {}
    feeds_in: dict[str, list[str]] = {}
    for feed in chart.feeds:
        feeds_out.setdefault(feed.source, []).append(feed.target)
        feeds_in.setdefault(feed.target, []).append(feed.source)
    columns = {
        stage: [
            SegmentCard(
                s, judged[s.segment.id], tuple(feeds_out.get(s.segment.id, ())), tuple(feeds_in.get(s.segment.id, ()))
            )
            for s in chart.segments
            if s.stage is stage
        ]
        for stage in Stage
    }

    name = chart.chain.name
    segments = Table(
        "segments",
        f"产业链环节_{name}_{ctx.scope.name}",
        [
            Column("segment", "环节"),
            Column("stage", "阶段"),
            Column("verdict", "判定"),
            Column("enterprises", "本地企业", align="right"),
            Column("projects", "签约及以后项目", align="right"),
            Column("investment", "投资", "投资（万元）", align="right"),
            Column("reason", "理由"),
        ],
    )
    for stage in Stage:
        for card in columns[stage]:
            s = card.state
            segments.add(
                ref_cell(ctx, s.segment, chain=chain_id),
                stage.value,
                Cell(card.verdict.label, css=card.verdict.css),
                Cell(str(s.enterprise_count), value=s.enterprise_count),
                Cell(str(s.project_count), value=s.project_count),
                Cell(cny(s.investment_cny), value=round(s.investment_cny / 10_000, 2)),
                card.verdict.reason,
            )
    extend = gap_table(ctx, "extend", f"延链方向_{name}_{ctx.scope.name}", ((g.chains, g) for g in result.extend))
    leaders = Table(
        "leaders",
        f"链主企业_{name}_{ctx.scope.name}",
        [Column("enterprise", "链主企业"), Column("scope", "牵头范围")],
        empty="本范围内没有登记的链主企业",
    )
    for leader in chart.leaders:
        leaders.add(ref_cell(ctx, leader.enterprise), ref_cell(ctx, leader.scope) if leader.scope else Cell("—"))
    threshold = gaps.QUERY
    return page(
        ctx,
        "chain.html",
        title=f"{name} · 产业链全景图",
        tables=[segments, extend, leaders],
        chain=chart,
        gaps=result,
        columns=columns,
        feeds=[[f.source, f.target] for f in chart.feeds],
        min_enterprises={
            "value": min_enterprises or threshold.default("min_enterprises"),
            "limits": threshold.limits("min_enterprises"),
            "description": threshold.description("min_enterprises"),
        },
        viz_url=ctx.url(f"/viz/chain/{quote(chain_id, safe=':/')}"),
        stages=list(Stage),
    )


@router.get("/segment/{segment:path}", name="segment")
def segment_page(ctx: PageDep, segment: str, chain: str | None = None) -> Response:
    segment_id = ctx.resolve(segment, (NodeKind.SEGMENT,), "segment", "segment")
    item = segment_item(ctx, segment_id)
    detail = ctx.run(entity.QUERY, {"id": segment_id, "edge_kind": EdgeKind.CITES, "limit": 1})  # facts, sources
    chains = item.chains if item else []
    chosen: NodeRef | None = chains[0] if chains else None
    if chain:
        wanted = ctx.resolve(chain, (NodeKind.CHAIN,), "chain", "chain")
        chosen = next((c for c in chains if c.id == wanted), None)
        if chosen is None:
            suggestions = [{"id": c.id, "name": c.name} for c in chains]
            raise PageError(404, "not_found", f"环节“{detail.node.name}”不属于产业链 {chain!r}", suggestions, "chain")

    verdict: Verdict | None = None
    suppliers: list[tuple[NodeRef, Verdict]] = []
    customers: list[tuple[NodeRef, Verdict]] = []
    if chosen is not None:
        result = ctx.run(
            gaps.QUERY, {"chain": chosen.id, "scope": ctx.scope_id, "limit": gaps.QUERY.limits("limit").le}
        )
        chart = ctx.run(chain_map.QUERY, {"chain": chosen.id, "scope": ctx.scope_id, "max_members": 0})
        judged = verdicts(result, chart.segments)
        verdict = judged.get(segment_id)
        refs = {s.segment.id: s.segment for s in chart.segments}
        suppliers = [(refs[f.source], judged[f.source]) for f in chart.feeds if f.target == segment_id]
        customers = [(refs[f.target], judged[f.target]) for f in chart.feeds if f.source == segment_id]

    name = detail.node.name
    enterprises = ctx.run(listing_enterprises.QUERY, {"segment": segment_id, "scope": ctx.scope_id, "limit": LISTED})
    projects = ctx.run(ledger.QUERY, {"segment": segment_id, "scope": ctx.scope_id, "limit": LISTED})
    advice = ctx.run(recommend.QUERY, {"segment": segment_id, "scope": ctx.scope_id})

    project_rows = project_table(ctx, "projects", f"本地项目_{name}_{ctx.scope.name}", projects.items)
    if projects.total > len(projects.items):
        project_rows.note = f"共 {projects.total} 个，显示前 {len(projects.items)} 个"
    candidates = recommendation_table(ctx, advice, f"招商对象_{name}_{ctx.scope.name}")
    return page(
        ctx,
        "segment.html",
        title=f"{name} · 环节",
        tables=[
            enterprise_table(ctx, "enterprises", f"本地企业_{name}_{ctx.scope.name}", enterprises),
            project_rows,
            candidates,
        ],
        segment=detail,
        stage=detail.properties.get("stage"),
        chains=chains,
        chosen=chosen,
        verdict=verdict,
        suppliers=suppliers,
        customers=customers,
        enterprises=enterprises,
        projects=projects,
        advice=advice,
        viz_entity=ctx.url(f"/viz/entity/{quote(segment_id, safe=':/')}", hops=1),
        viz_chain=ctx.url(f"/viz/chain/{quote(chosen.id, safe=':/')}") if chosen else None,
    )


def recommendation_table(ctx: PageContext, advice: recommend.Result, title: str) -> Table:
    table = Table(
        "candidates",
        title,
        [
            Column("rank", "序号", align="right"),
            Column("enterprise", "推荐企业"),
            Column("score", "得分", align="right"),
            Column("group", "以商招商", align="right"),
            Column("supplier", "配套链主", align="right"),
            Column("leader", "行业地位", align="right"),
            Column("region", "总部同省", align="right"),
            Column("record", "实力记录", align="right"),
            Column("reasons", "推荐理由"),
            Column("path", "解释路径"),
            Column("graph", "关系图"),
        ],
        empty="没有可推荐的企业（图谱中该环节没有外地企业）",
    )
    for rank, candidate in enumerate(advice.candidates, start=1):
        target = candidate.path[-1] if len(candidate.path) > 1 else None
        graph = (
            Cell(
                "路径图",
                ctx.url("/viz/explain", keep_scope=False, source=candidate.enterprise.id, target=target.id),
                value="",
            )
            if target is not None
            else Cell(
                "邻域图",
                ctx.url(f"/viz/entity/{quote(candidate.enterprise.id, safe=':/')}", keep_scope=False),
                value="",
            )
        )
        table.add(
            Cell(str(rank), value=rank),
            ref_cell(ctx, candidate.enterprise),
            Cell(f"{candidate.score:g}", value=candidate.score),
            Cell(f"{candidate.group:g}", value=candidate.group),
            Cell(f"{candidate.supplier:g}", value=candidate.supplier),
            Cell(
                f"{candidate.leader:g}" + (f"（第{candidate.rank}）" if candidate.rank is not None else ""),
                value=candidate.leader,
            ),
            Cell(f"{candidate.region:g}", value=candidate.region),
            Cell(f"{candidate.record:g}", value=candidate.record),
            Cell("；".join(candidate.reasons)),
            Cell("", links=links(ctx, candidate.path), css="path", sep=" → "),
            graph,
        )
    if advice.total_candidates > len(advice.candidates):
        table.note = f"共 {advice.total_candidates} 家候选，显示得分最高的 {len(advice.candidates)} 家"
    return table
