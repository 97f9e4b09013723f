"""Park and region pages (园区画像 / 区域画像): the place's profile (:mod:`chainkg.queries.profile`:
enterprises, projects by status, investment, chains present with completeness and largest gaps),
its key facts with sources (:mod:`chainkg.queries.entity`), the parks and regions inside it
(:mod:`chainkg.queries.listing`), and its latest projects (:mod:`chainkg.queries.ledger`).

A place page's chains and projects are those *of the place*, whatever the header's scope says; links
from it keep the header's scope, and "以此为范围" makes the place the scope of every page.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from starlette.responses import Response

from chainkg.queries import entity, ledger, profile
from chainkg.queries.listing import parks as listing_parks
from chainkg.queries.listing import regions as listing_regions
from chainkg.schema.kinds import EdgeKind, NodeKind, ProjectStatus
from chainkg.web.deps import PageContext, PageDep, node_path
from chainkg.web.facts import facts
from chainkg.web.formats import level_zh
from chainkg.web.render import cny, page, pct, wan
from chainkg.web.tables import Cell, Column, Table
from chainkg.web.widgets import links, project_table, ref_cell, refs_cell

__all__ = ["router"]

router = APIRouter()

#: Latest projects listed on a place page; largest gaps listed per chain.
LATEST = 20
TOP_GAPS = 3


@router.get("/park/{park:path}", name="park")
def park_page(ctx: PageDep, park: str) -> Response:
    return _place_page(ctx, ctx.resolve(park, (NodeKind.PARK,), "park", "park"), "园区")


@router.get("/region/{region:path}", name="region")
def region_page(ctx: PageDep, region: str) -> Response:
    return _place_page(ctx, ctx.resolve(region, (NodeKind.REGION,), "region", "region"), "区域")


def _place_page(ctx: PageContext, place_id: str, kind_label: str) -> Response:
    result = ctx.run(profile.QUERY, {"place": place_id, "top_gaps": TOP_GAPS})
    # its own facts and sources only: a place's neighbours are every enterprise and project in it
    detail = ctx.run(entity.QUERY, {"id": place_id, "edge_kind": EdgeKind.CITES, "limit": 1})
    name = result.place.name
    limit = listing_parks.QUERY.limits("limit").le
    parks = ctx.run(listing_parks.QUERY, {"scope": place_id, "limit": limit})
    regions = (
        ctx.run(listing_regions.QUERY, {"scope": place_id, "limit": limit})
        if result.place.kind is NodeKind.REGION
        else None
    )
    latest = ctx.run(ledger.QUERY, {"scope": place_id, "sort": "date", "limit": LATEST})

    chains = Table(
        "chains",
        f"产业链布局_{name}",
        [
            Column("chain", "产业链"),
            Column("covered", "已覆盖环节", align="right"),
            Column("completeness", "完整度", align="right"),
            Column("segments", "已覆盖的环节"),
            Column("gaps", f"最大补链缺口（前{TOP_GAPS}）"),
        ],
        empty="本地没有覆盖任何产业链环节",
    )
    for presence in result.chains:
        chains.add(
            Cell(presence.chain.name, ctx.url(node_path(presence.chain.id), scope=place_id)),
            Cell(f"{presence.covered}/{presence.total}"),
            Cell(pct(presence.completeness), value=round(presence.completeness, 4)),
            refs_cell(ctx, presence.covered_segments),
            Cell("", links=links(ctx, [g.segment for g in presence.top_gaps])),
        )
    statuses = Table(
        "statuses",
        f"项目按状态_{name}",
        [
            Column("status", "状态"),
            Column("projects", "项目数", align="right"),
            Column("investment", "总投资", "总投资（万元）", align="right"),
        ],
        empty="没有项目",
    )
    pipeline = {s.value: s.order for s in ProjectStatus}
    for row in sorted(result.projects_by_status, key=lambda r: pipeline.get(r.status, len(pipeline))):
        statuses.add(
            Cell(row.status, ctx.url("/ledger", scope=place_id, status=row.status)),
            Cell(str(row.projects), value=row.projects),
            Cell(cny(row.investment_cny), value=wan(row.investment_cny)),
        )
    park_table = Table(
        "parks",
        f"园区_{name}",
        [
            Column("park", "园区"),
            Column("level", "级别"),
            Column("located", "所在区域"),
            Column("enterprises", "企业", align="right"),
            Column("projects", "项目", align="right"),
        ],
        empty="没有登记的园区",
    )
    for item in parks.items:
        park_table.add(
            ref_cell(ctx, item),
            level_zh(item.level.value if item.level else None),
            refs_cell(ctx, item.located_in),
            Cell(str(item.enterprises), value=item.enterprises),
            Cell(str(item.projects), value=item.projects),
        )
    tables = [chains, statuses, park_table]
    if regions is not None:
        region_table = Table(
            "regions",
            f"下辖区域_{name}",
            [Column("region", "区域"), Column("level", "级别"), Column("parks", "园区数", align="right")],
            empty="没有下辖区域",
        )
        for region in regions.items:
            region_table.add(
                ref_cell(ctx, region),
                level_zh(region.level.value if region.level else None),
                Cell(str(region.parks), value=region.parks),
            )
        tables.append(region_table)
    projects = project_table(ctx, "projects", f"最新项目_{name}", latest.items)
    if latest.total > len(latest.items):
        projects.note = f"共 {latest.total} 个，显示最新 {len(latest.items)} 个"
    tables.append(projects)
    return page(
        ctx,
        "place.html",
        title=f"{name} · {kind_label}画像",
        tables=tables,
        result=result,
        kind_label=kind_label,
        detail=detail,
        facts=facts(detail),
        latest=latest,
        as_scope=ctx.url(ctx.request.url.path, scope=place_id),
        ledger_url=ctx.url("/ledger", scope=place_id),
        viz_entity=ctx.url(f"/viz/entity/{quote(place_id, safe=':/')}", keep_scope=False, hops=1),
    )
