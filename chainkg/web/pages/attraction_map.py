"""产业招商地图 attraction map (``/map``): the home city's counties and districts shaded by the
chosen chain's local enterprises, projects or their investment; parks and functional zones as
points; a click opens the place's page.

Each figure is a query for that place as the scope — the same definitions as everywhere else:
enterprises (:mod:`chainkg.queries.listing.enterprises`: local to the place and, with a chain, in one
of its segments), projects and their CNY total investment, any status (:mod:`chainkg.queries.ledger`).
Functional zones (天衢新区 …) lie across districts and have no polygon: they are points, and their
figures are not part of any county's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from chainkg.queries import ledger
from chainkg.queries.errors import QueryError
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.queries.refs import resolve_ref
from chainkg.schema.kinds import NodeKind
from chainkg.web.deps import PageContext, PageDep, PageError
from chainkg.web.mapdata import MapPoint, city_map
from chainkg.web.render import ASSETS, cny, page, wan
from chainkg.web.tables import Cell, Column, Table

__all__ = ["MEASURES", "router"]

router = APIRouter()

#: What the map can shade by: key → (label, unit).
MEASURES = {
    "enterprises": ("本地企业数", "家"),
    "projects": ("项目数（全部状态）", "个"),
    "investment": ("项目总投资", "万元"),
}
#: Points sharing a position are fanned out on a circle this wide (degrees), so each can be clicked.
FAN_RADIUS = 0.09


@dataclass(frozen=True)
class Figures:
    enterprises: int
    projects: int
    investment_cny: int

    def value(self, measure: str) -> float:
        if measure == "enterprises":
            return self.enterprises
        if measure == "projects":
            return self.projects
        return wan(self.investment_cny) or 0


def _figures(ctx: PageContext, place: str, chain: str | None) -> Figures:
    enterprises = ctx.run(listing_enterprises.QUERY, {"chain": chain, "scope": place, "limit": 1})
    projects = ctx.run(ledger.QUERY, {"chain": chain, "scope": place, "limit": 0})
    return Figures(enterprises.total, projects.total, projects.investment_cny)


def _place(ctx: PageContext, name: str, kinds: tuple[NodeKind, ...]) -> str | None:
    """The graph's place of that name (exact name or alias), or None."""
    try:
        return resolve_ref(ctx.store, name, kinds, "place")
    except QueryError:
        return None


def _fan(points: list[tuple[MapPoint, str]]) -> list[tuple[float, float]]:
    """Positions for the points: those sharing a position spread evenly on a small circle around it."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i, (point, _) in enumerate(points):
        groups.setdefault((point.lon, point.lat), []).append(i)
    out: list[tuple[float, float]] = [(p.lon, p.lat) for p, _ in points]
    for (lon, lat), members in groups.items():
        if len(members) < 2:
            continue
        for k, i in enumerate(members):
            angle = 2 * math.pi * k / len(members)
            out[i] = (round(lon + FAN_RADIUS * math.cos(angle), 4), round(lat + FAN_RADIUS * 0.8 * math.sin(angle), 4))
    return out


@router.get("/map", name="map")
def map_page(ctx: PageDep, chain: str | None = None, measure: str = "enterprises") -> Response:
    if measure not in MEASURES:
        raise PageError(
            422, "validation_error", f"measure: 可选 {'、'.join(MEASURES)}，收到 {measure[:40]!r}", field="measure"
        )
    chain_id = ctx.resolve(chain, (NodeKind.CHAIN,), "chain", "chain") if chain else None
    chains = ctx.run(listing_chains.QUERY, {"limit": listing_chains.QUERY.limits("limit").le})
    chain_name = next((c.name for c in chains.items if c.id == chain_id), "全部产业链")
    label, unit = MEASURES[measure]
    drawn = city_map(ctx.home.name)

    areas: list[dict[str, Any]] = []
    missing: list[str] = []
    table = Table(
        "areas",
        f"招商地图_{chain_name}_{ctx.home.name}各区县",
        [
            Column("place", "区县"),
            Column("enterprises", "本地企业", align="right"),
            Column("projects", "项目", align="right"),
            Column("investment", "总投资", "总投资（万元）", align="right"),
        ],
        empty="本市没有可绘制的区县地图",
    )
    for name in drawn.names if drawn else ():
        region = _place(ctx, name, (NodeKind.REGION,))
        if region is None:
            missing.append(name)
            areas.append({"name": name, "value": 0, "url": None, "missing": True})
            continue
        figures = _figures(ctx, region, chain_id)
        url = ctx.node_url(region, keep_scope=False)
        areas.append(
            {
                "name": name,
                "id": region,
                "url": url,
                "value": figures.value(measure),
                "enterprises": figures.enterprises,
                "projects": figures.projects,
                "investment": cny(figures.investment_cny),
            }
        )
        table.add(
            Cell(name, url),
            Cell(str(figures.enterprises), value=figures.enterprises),
            Cell(str(figures.projects), value=figures.projects),
            Cell(cny(figures.investment_cny), value=wan(figures.investment_cny)),
        )

    placed: list[tuple[MapPoint, str]] = []
    for point in drawn.points if drawn else ():
        kinds = (NodeKind.PARK,) if point.kind == "park" else (NodeKind.REGION,)
        node = _place(ctx, point.name, kinds)
        if node is not None:
            placed.append((point, node))
    points_table = Table(
        "points",
        f"招商地图_{chain_name}_{ctx.home.name}园区与功能区",
        [
            Column("place", "园区/功能区"),
            Column("kind", "类型"),
            Column("enterprises", "本地企业", align="right"),
            Column("projects", "项目", align="right"),
            Column("investment", "总投资", "总投资（万元）", align="right"),
            Column("position", "位置"),
        ],
        empty="没有登记位置的园区",
    )
    points: list[dict[str, Any]] = []
    for (point, node), (lon, lat) in zip(placed, _fan(placed), strict=True):
        figures = _figures(ctx, node, chain_id)
        url = ctx.node_url(node, keep_scope=False)
        kind = "园区" if point.kind == "park" else "功能区"
        where = "近似" if point.certainty == "approximate" else "来源给出"
        points.append(
            {
                "name": point.name,
                "id": node,
                "url": url,
                "kind": kind,
                "lon": lon,
                "lat": lat,
                "value": figures.value(measure),
                "enterprises": figures.enterprises,
                "projects": figures.projects,
                "investment": cny(figures.investment_cny),
                "approximate": point.certainty == "approximate",
                "note": point.note,
            }
        )
        points_table.add(
            Cell(point.name, url),
            kind,
            Cell(str(figures.enterprises), value=figures.enterprises),
            Cell(str(figures.projects), value=figures.projects),
            Cell(cny(figures.investment_cny), value=wan(figures.investment_cny)),
            Cell(
                where,
                title=f"{point.source}；{point.note}",
                value=f"{point.lon},{point.lat} {point.crs} {point.certainty}",
            ),
        )
    root = ctx.request.scope.get("root_path", "").rstrip("/")
    return page(
        ctx,
        "map.html",
        title=f"招商地图 · {chain_name}",
        tables=[table, points_table],
        chains=chains.items,
        chain_id=chain_id or "",
        chain_name=chain_name,
        measure=measure,
        measures=MEASURES,
        drawn=drawn,
        missing=missing,
        map_data={
            "geojson": f"{root}{ASSETS}/{drawn.asset}" if drawn else None,
            "measure": measure,
            "label": label,
            "unit": unit,
            "areas": areas,
            "points": points,
            "selected": next((a["name"] for a in areas if a.get("id") == ctx.scope_id), None),
        },
    )
