"""Regions (区域列表): the city, its districts and counties, functional zones and towns.

Definition. Every Region node — or, with ``scope`` (a region id), every region PART_OF it
(recursively), the scope itself excluded — filtered by ``level`` and ``text`` and paged as defined
in :mod:`chainkg.queries.listing.base` (order by id). For each region: its level, the regions it is PART_OF,
whether it is the home city (the default scope of the chain queries), and the parks inside it.
"""

from __future__ import annotations

from typing import Annotated

import networkx as nx
from pydantic import Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, node_ref, require_refs
from chainkg.queries.cypher import common as cy
from chainkg.queries.listing.base import TEXT_MATCH, Page, PageParams, listing_page, matching_text, paginate, text_key
from chainkg.queries.params import REGION
from chainkg.schema.kinds import EdgeKind, NodeKind, RegionLevel
from chainkg.store.nx_index import nodes_of_kind, places_under

__all__ = ["CYPHER", "QUERY", "Params", "RegionItem", "Result", "run_cypher", "run_networkx"]


class Params(PageParams):
    scope: Annotated[str | None, REGION] = Field(
        default=None,
        description="only regions inside this region: id or name / 只列该区域下辖的区域",
        examples=["region:德州市"],
    )
    level: RegionLevel | None = Field(default=None, description="only this level / 行政级别")


class RegionItem(NodeRef):
    level: RegionLevel | None = Field(default=None, description="city, district, county, … / 级别")
    part_of: list[NodeRef] = Field(description="the regions it belongs to / 上级区域")
    home: bool = Field(description="the city this graph serves / 本市")
    parks: int = Field(description="parks inside it / 区域内园区数")


class Result(Page[RegionItem]):
    """A page of regions."""


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    require_refs(graph, params)
    ids: list[str] | tuple[str, ...] = nodes_of_kind(graph, NodeKind.REGION)
    if params.scope is not None:
        inside = places_under(graph, params.scope) - {params.scope}
        ids = [r for r in ids if r in inside]
    if params.level is not None:
        ids = [r for r in ids if graph.nodes[r].get("level") == params.level.value]
    ids = matching_text(graph, ids, params.text)
    page, next_cursor = paginate(ids, params)
    items = []
    for region in page:
        attrs = graph.nodes[region]
        parents = sorted(
            {v for _, v, k in graph.out_edges(region, data="kind", default="") if k == EdgeKind.PART_OF.value}
        )
        level = attrs.get("level")
        items.append(
            RegionItem(
                **node_ref(graph, region).model_dump(),
                level=RegionLevel(level) if level else None,
                part_of=[node_ref(graph, p) for p in parents],
                home=bool(attrs.get("home")),
                parks=sum(1 for p in places_under(graph, region) if graph.nodes[p]["kind"] == NodeKind.PARK.value),
            )
        )
    return Result(items=items, next_cursor=next_cursor, total=len(ids))


# --- Cypher twin -------------------------------------------------------------------------------

_FILTERS = f"($places IS NULL OR n.id IN $places) AND ($level IS NULL OR n.level = $level) AND {TEXT_MATCH}"

#: The Cypher twin: the match and the item of :func:`chainkg.queries.listing.base.listing_page`.
CYPHER = {
    "match": f"MATCH (n:{cy.REGION}) WHERE {_FILTERS}",
    "item": f"""
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.PART_OF}]->(parent)
  WITH DISTINCT parent ORDER BY parent.id
  RETURN collect(parent {{.id, .name}}) AS part_of
}}
CALL (n) {{
  MATCH {cy.places_under("n")}
  WITH DISTINCT place
  RETURN count(CASE WHEN place:{cy.PARK} THEN 1 END) AS parks
}}
RETURN n.id AS id, n.name AS name, n.level AS level, coalesce(n.home = true, false) AS home, part_of, parks""",
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`."""
    cy.require_refs(execute, params)
    places = None
    if params.scope is not None:
        places = [p for p in cy.places_of(execute, params.scope) if p != params.scope]
    args = {
        "places": places,
        "level": params.level.value if params.level is not None else None,
        "text": text_key(params.text),
    }
    rows, next_cursor, total = listing_page(execute, CYPHER["match"], CYPHER["item"], args, params)
    items = [
        RegionItem(
            **cy.ref(row["id"], row["name"]).model_dump(),
            level=RegionLevel(row["level"]) if row["level"] else None,
            part_of=cy.refs(row["part_of"]),
            home=row["home"],
            parks=row["parks"],
        )
        for row in rows
    ]
    return Result(items=items, next_cursor=next_cursor, total=total)


QUERY: Query[Params, Result] = Query(
    name="list_regions",
    summary="List regions / 区域列表",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command=None,
)
