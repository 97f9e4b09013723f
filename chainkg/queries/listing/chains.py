"""Chains (产业链列表): the key chains of the graph, a page at a time.

Definition. Every Chain node, filtered by ``text`` and paged as defined in :mod:`chainkg.queries.listing.base`
(order by id). For each chain: its English name and cluster as curated, the number of segments
PART_OF it, and the number of enterprises with a LEADS edge to it (链主, anywhere).
"""

from __future__ import annotations

import networkx as nx
from pydantic import Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.listing.base import TEXT_MATCH, Page, PageParams, listing_page, matching_text, paginate, text_key
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.nx_index import nodes_of_kind

__all__ = ["CYPHER", "QUERY", "ChainItem", "Params", "Result", "run_cypher", "run_networkx"]


class Params(PageParams):
    """Paging and the name filter only: there are a dozen chains."""


class ChainItem(NodeRef):
    english: str | None = Field(default=None, description="English name")
    cluster: str | None = Field(default=None, description="the city's industrial cluster / 所属产业集群")
    segments: int = Field(description="segments PART_OF the chain / 环节数")
    leaders: int = Field(description="enterprises leading the chain / 链主企业数")


class Result(Page[ChainItem]):
    """A page of chains."""


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    ids = matching_text(graph, nodes_of_kind(graph, NodeKind.CHAIN), params.text)
    page, next_cursor = paginate(ids, params)
    items = []
    for chain in page:
        attrs = graph.nodes[chain]
        kinds = [k for _, _, k in graph.in_edges(chain, data="kind", default="")]
        items.append(
            ChainItem(
                id=chain,
                kind=NodeKind.CHAIN,
                name=attrs.get("name", chain),
                english=attrs.get("english"),
                cluster=attrs.get("cluster"),
                segments=kinds.count(EdgeKind.PART_OF.value),
                leaders=kinds.count(EdgeKind.LEADS.value),
            )
        )
    return Result(items=items, next_cursor=next_cursor, total=len(ids))


# --- Cypher twin -------------------------------------------------------------------------------

#: The Cypher twin: the match and the item of :func:`chainkg.queries.listing.base.listing_page`.
CYPHER = {
    "match": f"MATCH (n:{cy.CHAIN}) WHERE {TEXT_MATCH}",
    "item": f"""
RETURN n.id AS id, n.name AS name, n.english AS english, n.cluster AS cluster,
       COUNT {{ ()-[:{cy.PART_OF}]->(n) }} AS segments, COUNT {{ ()-[:{cy.LEADS}]->(n) }} AS leaders""",
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`."""
    rows, next_cursor, total = listing_page(
        execute, CYPHER["match"], CYPHER["item"], {"text": text_key(params.text)}, params
    )
    items = [
        ChainItem(
            **cy.ref(row["id"], row["name"]).model_dump(),
            english=row["english"],
            cluster=row["cluster"],
            segments=row["segments"],
            leaders=row["leaders"],
        )
        for row in rows
    ]
    return Result(items=items, next_cursor=next_cursor, total=total)


QUERY: Query[Params, Result] = Query(
    name="list_chains",
    summary="List chains / 产业链列表",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command=None,
)
