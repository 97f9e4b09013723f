"""Enterprise, group, project, source and any-node pages: a card of key facts with their sources
(:mod:`chainkg.queries.entity`; disputed values flagged with every source's claim), the node's
relations as links, and for a group its subsidiaries and footprint (:mod:`chainkg.queries.footprint`).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from starlette.responses import RedirectResponse, Response

from chainkg.queries import entity, footprint
from chainkg.queries.common import NodeRef
from chainkg.schema.kinds import EdgeKind, EnterpriseKind, NodeKind
from chainkg.web import sections
from chainkg.web.deps import PageContext, PageDep, node_path
from chainkg.web.facts import facts, relations
from chainkg.web.render import cny, page, pct, wan
from chainkg.web.tables import Cell, Column, Table
from chainkg.web.widgets import ref_cell, refs_cell, segment_item

__all__ = ["router"]

router = APIRouter()

#: Neighbours listed per relation on a card.
PER_RELATION = 50
_ALL_KINDS = tuple(NodeKind)


def _viz(ctx: PageContext, path: str, node_id: str, scoped: bool = False, **params: object) -> str:
    return ctx.url(f"/viz/{path}/{quote(node_id, safe=':/')}", keep_scope=scoped, **params)


def _detail(ctx: PageContext, node_id: str) -> entity.Result:
    return ctx.run(entity.QUERY, {"id": node_id, "limit": PER_RELATION})


def _entity_page(ctx: PageContext, detail: entity.Result, kind_label: str, **extra: object) -> Response:
    """The card page of any node; ``extra`` goes to the template. Registered sections
    (:mod:`chainkg.web.sections`) for the node's kind are shown after the card, their tables downloadable."""
    page_kind = detail.node.kind.name.lower()
    found = sections.collect(page_kind, ctx, detail.node.id)
    tables = [t for s in found for t in s.tables]
    return page(
        ctx,
        "entity.html",
        title=f"{detail.node.name} · {kind_label}",
        tables=tables,
        detail=detail,
        kind_label=kind_label,
        facts=facts(detail),
        relations=relations(detail),
        sections=found,
        viz_entity=_viz(ctx, "entity", detail.node.id, hops=1),
        **extra,
    )


@router.get("/enterprise/{enterprise:path}", name="enterprise")
def enterprise_page(ctx: PageDep, enterprise: str) -> Response:
    node_id = ctx.resolve(enterprise, (NodeKind.ENTERPRISE,), "enterprise", "enterprise")
    detail = _detail(ctx, node_id)
    has_subsidiaries = any(
        g.edge_kind is EdgeKind.SUBSIDIARY_OF and g.direction == "in" and g.total for g in detail.neighbours
    )
    is_group = has_subsidiaries or detail.properties.get("enterprise_kind") == EnterpriseKind.CENTRAL_SOE_GROUP.value
    return _entity_page(
        ctx,
        detail,
        "企业",
        group_url=ctx.url(node_path(node_id).replace("/enterprise/", "/group/", 1)) if is_group else None,
    )


@router.get("/project/{project:path}", name="project")
def project_page(ctx: PageDep, project: str) -> Response:
    node_id = ctx.resolve(project, (NodeKind.PROJECT,), "project", "project")
    detail = _detail(ctx, node_id)
    segments = [n.node for g in detail.neighbours if g.edge_kind is EdgeKind.IN_SEGMENT for n in g.items]
    chains: dict[str, NodeRef] = {}
    for segment in segments:
        item = segment_item(ctx, segment.id)
        chains.update((c.id, c) for c in (item.chains if item else []))
    return _entity_page(ctx, detail, "项目", chains=sorted(chains.values(), key=lambda c: c.id))


@router.get("/source/{source:path}", name="source")
def source_page(ctx: PageDep, source: str) -> Response:
    node_id = ctx.resolve(source, (NodeKind.SOURCE,), "source", "source")
    return _entity_page(ctx, _detail(ctx, node_id), "来源")


@router.get("/node/{node:path}", name="node")
def node_page(ctx: PageDep, node: str) -> Response:
    """Any node: its own page when its kind has one, else the generic card."""
    node_id = ctx.resolve(node, _ALL_KINDS, "node", "node")
    path = node_path(node_id)
    if not path.startswith("/node/"):
        return RedirectResponse(ctx.url(path), status_code=303)
    detail = _detail(ctx, node_id)
    return _entity_page(ctx, detail, detail.node.kind.zh)


@router.get("/group/{group:path}", name="group")
def group_page(ctx: PageDep, group: str) -> Response:
    node_id = ctx.resolve(group, (NodeKind.ENTERPRISE,), "enterprise", "group")
    result = ctx.run(footprint.QUERY, {"group": node_id, "scope": ctx.scope_id})
    name = result.group.name
    subsidiaries = Table(
        "subsidiaries",
        f"子公司_{name}",
        [
            Column("level", "层级", align="right"),
            Column("enterprise", "子公司"),
            Column("parent", "直接母公司"),
            Column("stake", "持股比例", align="right"),
            Column("effective", "穿透持股", align="right"),
            Column("certainty", "确定性"),
            Column("local", f"位于{ctx.scope.name}"),
        ],
        empty="图谱中没有登记子公司",
    )
    for sub in result.subsidiaries:
        subsidiaries.add(
            Cell(str(sub.level), value=sub.level),
            ref_cell(ctx, sub.enterprise),
            ref_cell(ctx, sub.parent),
            Cell("—" if sub.stake_pct is None else f"{sub.stake_pct:g}%", value=sub.stake_pct),
            Cell(
                "—" if sub.effective_stake_pct is None else f"{sub.effective_stake_pct:g}%",
                value=sub.effective_stake_pct,
            ),
            "明确" if sub.certainty == "stated" else "推断",
            Cell("是" if sub.local else "", value="是" if sub.local else "否"),
        )
    projects = Table(
        "projects",
        f"集团在{ctx.scope.name}的项目_{name}",
        [
            Column("project", "项目"),
            Column("status", "状态"),
            Column("investment", "总投资", "总投资（万元）", align="right"),
            Column("investors", "集团内投资主体"),
            Column("parks", "园区"),
            Column("chains", "产业链"),
        ],
        empty=f"集团在{ctx.scope.name}没有项目",
    )
    for entry in result.projects:
        money = (
            Cell(cny(entry.total_investment), value=wan(entry.total_investment))
            if entry.currency == "CNY"
            else Cell(f"{entry.total_investment or 0:,} {entry.currency}")
        )
        projects.add(
            ref_cell(ctx, entry.project),
            entry.status or "未知",
            money,
            Cell(
                "",
                links=tuple(
                    (
                        f"{i.enterprise.name}（{'建设主体' if i.role == 'builder' else '出资方'}）",
                        ctx.node_url(i.enterprise),
                    )
                    for i in entry.investors
                ),
            ),
            refs_cell(ctx, entry.parks),
            refs_cell(ctx, entry.chains),
        )
    buckets = Table(
        "totals",
        f"集团项目分布_{name}_{ctx.scope.name}",
        [
            Column("by", "维度"),
            Column("key", "分类"),
            Column("projects", "项目数", align="right"),
            Column("investment", "投资", "投资（万元）", align="right"),
        ],
    )
    for label, rows in (("状态", result.by_status), ("园区", result.by_park), ("产业链", result.by_chain)):
        for bucket in rows:
            key = ref_cell(ctx, bucket.key) if bucket.key else Cell(bucket.status or "未知")
            buckets.add(
                label,
                key,
                Cell(str(bucket.projects), value=bucket.projects),
                Cell(cny(bucket.investment_cny), value=wan(bucket.investment_cny)),
            )
    local = sum(1 for s in result.subsidiaries if s.local)
    return page(
        ctx,
        "group.html",
        title=f"{name} · 集团布局",
        tables=[subsidiaries, projects, buckets],
        result=result,
        local_subsidiaries=local,
        share=pct,
        viz_footprint=_viz(ctx, "footprint", node_id, scoped=True),
    )
