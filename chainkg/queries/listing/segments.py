"""Segments (环节列表): the links of the chains, optionally of one chain or one stage.

Definition. Every Segment node — or, with ``chain``, every segment PART_OF that chain — filtered by
``stage`` and ``text`` and paged as defined in :mod:`chainkg.queries.listing.base` (order by id; the chain map
gives the stage/FEEDS order instead). For each segment: its stage, English name, and the chains it
belongs to (by id).
"""

from __future__ import annotations

from typing import Annotated

import networkx as nx
from pydantic import Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, chain_segments, node_ref, require_refs, segment_chains
from chainkg.queries.cypher import common as cy
from chainkg.queries.listing.base import TEXT_MATCH, Page, PageParams, listing_page, matching_text, paginate, text_key
from chainkg.queries.params import CHAIN
from chainkg.schema.kinds import NodeKind, Stage
from chainkg.store.nx_index import nodes_of_kind

__all__ = ["CYPHER", "QUERY", "Params", "Result", "SegmentItem", "run_cypher", "run_networkx"]


class Params(PageParams):
    chain: Annotated[str | None, CHAIN] = Field(
        default=None,
        description="only segments of this chain: id or name / 只列该产业链的环节",
        examples=["chain:集成电路"],
    )
    stage: Stage | None = Field(default=None, description="only this stage / 阶段：上游、中游、下游")


class SegmentItem(NodeRef):
    stage: Stage
    english: str | None = Field(default=None, description="English name")
    chains: list[NodeRef] = Field(description="chains the segment belongs to / 所属产业链")


class Result(Page[SegmentItem]):
    """A page of segments."""


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    require_refs(graph, params)
    ids: list[str] | tuple[str, ...]
    if params.chain is not None:
        ids = sorted(chain_segments(graph, params.chain))
    else:
        ids = nodes_of_kind(graph, NodeKind.SEGMENT)
    if params.stage is not None:
        ids = [s for s in ids if graph.nodes[s].get("stage") == params.stage.value]
    ids = matching_text(graph, ids, params.text)
    page, next_cursor = paginate(ids, params)
    items = [
        SegmentItem(
            **node_ref(graph, s).model_dump(),
            stage=Stage(graph.nodes[s]["stage"]),
            english=graph.nodes[s].get("english"),
            chains=[node_ref(graph, c) for c in segment_chains(graph, s)],
        )
        for s in page
    ]
    return Result(items=items, next_cursor=next_cursor, total=len(ids))


# --- Cypher twin -------------------------------------------------------------------------------

_FILTERS = f"($stage IS NULL OR n.stage = $stage) AND {TEXT_MATCH}"

#: The Cypher twin: the matches (all segments, or one chain's) and the item of
#: :func:`chainkg.queries.listing.base.listing_page`.
CYPHER = {
    "match": f"MATCH (n:{cy.SEGMENT}) WHERE {_FILTERS}",
    "match_chain": f"""
MATCH (n)-[:{cy.PART_OF}]->(:{cy.ENTITY} {{id: $chain}})
WITH DISTINCT n WHERE {_FILTERS}""",
    "item": f"""
{cy.segment_chains("n")}
RETURN n.id AS id, n.name AS name, n.stage AS stage, n.english AS english, chains""",
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`."""
    cy.require_refs(execute, params)
    match = CYPHER["match"] if params.chain is None else CYPHER["match_chain"]
    args = {
        "chain": params.chain,
        "stage": params.stage.value if params.stage is not None else None,
        "text": text_key(params.text),
    }
    rows, next_cursor, total = listing_page(execute, match, CYPHER["item"], args, params)
    items = [
        SegmentItem(
            **cy.ref(row["id"], row["name"]).model_dump(),
            stage=Stage(row["stage"]),
            english=row["english"],
            chains=cy.refs(row["chains"]),
        )
        for row in rows
    ]
    return Result(items=items, next_cursor=next_cursor, total=total)


QUERY: Query[Params, Result] = Query(
    name="list_segments",
    summary="List segments / 环节列表",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command=None,
)
