"""Parks (园区列表): development zones and industrial parks, optionally inside one place.

Definition. Every Park node — or, with ``scope`` (a region or park id), every park the scope
covers (see :mod:`chainkg.queries.common`), the scope itself excluded — filtered by ``level`` and ``text``
and paged as defined in :mod:`chainkg.queries.listing.base` (order by id). For each park: its level, the places
it is LOCATED_IN, and the enterprises and projects local to it (its own sub-parks included).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

import networkx as nx
from pydantic import Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, node_ref, require_refs
from chainkg.queries.cypher import common as cy
from chainkg.queries.listing.base import TEXT_MATCH, Page, PageParams, listing_page, matching_text, paginate, text_key
from chainkg.queries.params import PLACE
from chainkg.schema.kinds import EdgeKind, NodeKind, ParkLevel
from chainkg.store.graph_tables import node_table
from chainkg.store.nx_index import cached_per_scope, located_in_places, nodes_of_kind, places_under

__all__ = ["CYPHER", "QUERY", "Params", "ParkItem", "Result", "run_cypher", "run_networkx"]


class Params(PageParams):
    scope: Annotated[str | None, PLACE] = Field(
        default=None,
        description="only parks inside this region or park: id or name / 只列该区域（或园区）内的园区",
        examples=["region:天衢新区"],
    )
    level: ParkLevel | None = Field(default=None, description="only this level / 园区级别")


class ParkItem(NodeRef):
    level: ParkLevel | None = Field(default=None, description="national, provincial, … / 级别")
    located_in: list[NodeRef] = Field(description="the regions or parks it lies in / 所在区域")
    enterprises: int = Field(description="local enterprises / 园区内企业数")
    projects: int = Field(description="local projects, any status / 园区内项目数")


class Result(Page[ParkItem]):
    """A page of parks."""


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    require_refs(graph, params)
    ids: list[str] | tuple[str, ...] = nodes_of_kind(graph, NodeKind.PARK)
    if params.scope is not None:
        inside = places_under(graph, params.scope) - {params.scope}
        ids = [p for p in ids if p in inside]
    if params.level is not None:
        ids = [p for p in ids if graph.nodes[p].get("level") == params.level.value]
    ids = matching_text(graph, ids, params.text)
    page, next_cursor = paginate(ids, params)
    items = []
    for park in page:
        local = located_in_places(graph, park)
        enterprises = cached_per_scope(graph, "enterprise_count", park, partial(_enterprises, graph, local))
        level = graph.nodes[park].get("level")
        items.append(
            ParkItem(
                **node_ref(graph, park).model_dump(),
                level=ParkLevel(level) if level else None,
                located_in=[
                    node_ref(graph, v)
                    for v in sorted(
                        {v for _, v, k in graph.out_edges(park, data="kind", default="") if k == _LOCATED_IN}
                    )
                ],
                enterprises=enterprises,
                projects=len(local) - enterprises,
            )
        )
    return Result(items=items, next_cursor=next_cursor, total=len(ids))


def _enterprises(graph: nx.MultiDiGraph[str], local: frozenset[str]) -> int:
    """How many of the local members are enterprises (the rest are projects); kept per park."""
    nodes = node_table(graph)
    enterprise = NodeKind.ENTERPRISE.value
    return sum(1 for n in local if nodes[n]["kind"] == enterprise)


_LOCATED_IN = EdgeKind.LOCATED_IN.value


# --- Cypher twin -------------------------------------------------------------------------------

_FILTERS = f"($places IS NULL OR n.id IN $places) AND ($level IS NULL OR n.level = $level) AND {TEXT_MATCH}"

#: The Cypher twin: the match and the item of :func:`chainkg.queries.listing.base.listing_page`. A park's
#: enterprises and projects are those LOCATED_IN it or in any place inside it.
CYPHER = {
    "match": f"MATCH (n:{cy.PARK}) WHERE {_FILTERS}",
    "item": f"""
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.LOCATED_IN}]->(place)
  WITH DISTINCT place ORDER BY place.id
  RETURN collect(place {{.id, .name}}) AS located_in
}}
CALL (n) {{
  MATCH {cy.places_under("n")}
  WITH DISTINCT place
  MATCH (member)-[:{cy.LOCATED_IN}]->(place) WHERE member:{cy.ENTERPRISE} OR member:{cy.PROJECT}
  WITH DISTINCT member
  RETURN count(CASE WHEN member:{cy.ENTERPRISE} THEN 1 END) AS enterprises,
         count(CASE WHEN member:{cy.PROJECT} THEN 1 END) AS projects
}}
RETURN n.id AS id, n.name AS name, n.level AS level, located_in, enterprises, projects""",
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
        ParkItem(
            **cy.ref(row["id"], row["name"]).model_dump(),
            level=ParkLevel(row["level"]) if row["level"] else None,
            located_in=cy.refs(row["located_in"]),
            enterprises=row["enterprises"],
            projects=row["projects"],
        )
        for row in rows
    ]
    return Result(items=items, next_cursor=next_cursor, total=total)


QUERY: Query[Params, Result] = Query(
    name="list_parks",
    summary="List parks / 园区列表",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command=None,
)
