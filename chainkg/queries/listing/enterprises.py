"""Enterprises (企业列表): every enterprise the graph knows, by kind, segment, chain and place.

Definition. Every Enterprise node, kept when it passes every filter given:

- ``kind``: its enterprise kind (央企集团 central_soe_group, 国有企业 soe, 民营企业 private, …);
- ``segment``: it has an IN_SEGMENT edge to that segment;
- ``chain``: it has an IN_SEGMENT edge to a segment PART_OF that chain;
- ``scope`` (a region or park id): it is *local* there — LOCATED_IN a place the scope covers, as
  in :mod:`chainkg.queries.common`. Unlike the chain queries, no scope means no place filter: outside
  enterprises (the candidates a chain office approaches) are listed too;
- ``text``: as in :mod:`chainkg.queries.listing.base`.

Paged as defined in :mod:`chainkg.queries.listing.base` (order by id). For each enterprise: its kind, credit
code and stock code when known, its segments and the places it is LOCATED_IN (by id).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Annotated, Any, NamedTuple

import networkx as nx
from pydantic import Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, chain_segments, named_nodes, node_ref, require_refs
from chainkg.queries.cypher import common as cy
from chainkg.queries.listing.base import (
    TEXT_MATCH,
    Page,
    PageParams,
    decode_cursor,
    encode_cursor,
    matching_text,
    paginate,
    text_key,
)
from chainkg.queries.params import CHAIN, PLACE, SEGMENT, refers
from chainkg.schema.kinds import EdgeKind, EnterpriseKind, NodeKind
from chainkg.store.graph_tables import node_table
from chainkg.store.key_index import bigrams
from chainkg.store.neo4j import facts as kept
from chainkg.store.neo4j.ddl import GRAMS, NAMES_INDEX, escape_lucene
from chainkg.store.nx_index import cached, cached_per_scope, located_in_places, members_by_segment, nodes_of_kind

__all__ = ["CYPHER", "QUERY", "EnterpriseItem", "Params", "Result", "run_cypher", "run_networkx"]


class Params(PageParams):
    kind: EnterpriseKind | None = Field(default=None, description="only this kind / 企业类型")
    segment: Annotated[str | None, SEGMENT] = Field(
        default=None, description="only enterprises in this segment: id or name / 所属环节", examples=["seg:硅片"]
    )
    chain: Annotated[str | None, CHAIN] = Field(
        default=None,
        description="only enterprises in a segment of this chain: id or name / 所属产业链",
        examples=["chain:集成电路"],
    )
    scope: Annotated[str | None, PLACE] = Field(
        default=None,
        description="only enterprises local to this region or park (id or name); default anywhere / 所在区域或园区",
        examples=["region:天衢新区"],
    )


class EnterpriseItem(NodeRef):
    enterprise_kind: EnterpriseKind | None = Field(default=None, description="企业类型")
    credit_code: str | None = Field(default=None, description="统一社会信用代码")
    stock_code: str | None = Field(default=None, description="股票代码")
    segments: list[NodeRef] = Field(description="segments it operates in / 所属环节")
    located_in: list[NodeRef] = Field(description="regions or parks it is located in / 所在地")


class Result(Page[EnterpriseItem]):
    """A page of enterprises."""


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    # Each place/segment/chain filter is a set of enterprises kept per graph version with its sorted
    # list; the smallest one's list, filtered by the others, is the answer in id order.
    require_refs(graph, params)
    narrowing: list[tuple[tuple[str, ...], frozenset[str]]] = []
    if params.segment is not None:
        segment = params.segment
        narrowing.append(cached(graph, ("segment_enterprises", segment), partial(_in_segments, graph, [segment])))
    if params.chain is not None:
        segments = chain_segments(graph, params.chain)
        narrowing.append(cached(graph, ("chain_enterprises", params.chain), partial(_in_segments, graph, segments)))
    if params.scope is not None:
        local = partial(_local, graph, params.scope)
        narrowing.append(cached_per_scope(graph, "local_enterprises", params.scope, local))

    ids: Sequence[str]
    if narrowing:
        ordered, smallest = min(narrowing, key=lambda pair: len(pair[1]))
        others = [members for _, members in narrowing if members is not smallest]
        ids = [n for n in ordered if all(n in members for members in others)] if others else ordered
    else:
        ids = nodes_of_kind(graph, NodeKind.ENTERPRISE)
    if params.kind is not None:
        of_kind = _by_kind(graph).get(params.kind.value, frozenset())
        ids = [n for n in ids if n in of_kind]
    if params.text is not None:
        ids = matching_text(graph, ids, params.text)
    page, next_cursor = paginate(ids, params)
    return Result(items=[_item(graph, n) for n in page], next_cursor=next_cursor, total=len(ids))


def _by_kind(graph: nx.MultiDiGraph[str]) -> dict[str | None, frozenset[str]]:
    """enterprise kind → the enterprises of that kind, once per graph version."""

    def build() -> dict[str | None, frozenset[str]]:
        nodes = node_table(graph)
        by_kind: dict[str | None, list[str]] = {}
        for enterprise in nodes_of_kind(graph, NodeKind.ENTERPRISE):
            by_kind.setdefault(nodes[enterprise].get("enterprise_kind"), []).append(enterprise)
        return {kind: frozenset(ids) for kind, ids in by_kind.items()}

    return cached(graph, "enterprises_by_kind", build)


def _local(graph: nx.MultiDiGraph[str], scope: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The enterprises local to the scope, sorted and as a set (the home city's are fifty thousand)."""
    return _enterprises(graph, located_in_places(graph, scope))


def _in_segments(graph: nx.MultiDiGraph[str], segments: list[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The enterprises with an IN_SEGMENT edge to any of the segments, sorted and as a set."""
    members = members_by_segment(graph)
    return _enterprises(graph, frozenset().union(*(members.get(s, (frozenset(),))[0] for s in segments)))


def _enterprises(graph: nx.MultiDiGraph[str], nodes: frozenset[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The enterprises among the nodes, sorted by id and as a set."""
    table = node_table(graph)
    enterprise = NodeKind.ENTERPRISE.value
    kept = sorted(n for n in nodes if table[n]["kind"] == enterprise)
    return tuple(kept), frozenset(kept)


def _item(graph: nx.MultiDiGraph[str], enterprise: str) -> EnterpriseItem:
    attrs = graph.nodes[enterprise]
    segments: set[str] = set()
    places: set[str] = set()
    for _, target, kind in graph.out_edges(enterprise, data="kind", default=""):
        if kind == EdgeKind.IN_SEGMENT.value:
            segments.add(target)
        elif kind == EdgeKind.LOCATED_IN.value:
            places.add(target)
    kind_value = attrs.get("enterprise_kind")
    return EnterpriseItem(
        **node_ref(graph, enterprise).model_dump(),
        enterprise_kind=EnterpriseKind(kind_value) if kind_value else None,
        credit_code=attrs.get("credit_code"),
        stock_code=attrs.get("stock_code"),
        segments=[node_ref(graph, s) for s in sorted(segments)],
        located_in=[node_ref(graph, p) for p in sorted(places)],
    )


# --- Cypher twin -------------------------------------------------------------------------------
#
# Every call runs the same two statement texts (the prelude, then a page), whatever the filters:
# each filter is a parameter that is null when not given, and where the match starts is a parameter
# too (``$f.start``). A text per combination of filters (about 25 of them, each with its cursor or
# not) was planned anew on most calls: 100–200 ms of a 230 ms p50 at city (BENCHMARKS.md §4e, §4h).

#: Each filter as a Cypher condition on ``n``, true when the filter is not given (null) or is the
#: one the match starts from (``$f.start``, so not tested again; the text is: the grams only narrow it).
_CONDITIONS = {
    "kind": "($f.kind IS NULL OR n.enterprise_kind = $f.kind)",
    "segment": f"""($f.segment IS NULL OR $f.start = 'segment'
     OR EXISTS {{ (n)-[:{cy.IN_SEGMENT}]->(:{cy.ENTITY} {{id: $f.segment}}) }})""",
    # the chain unlabelled: the test walks out from n (two hops), never in from the chain's segments
    # (whose members are thousands: Expand(Into) from them cost 180k database hits per page)
    "chain": f"""($f.chain IS NULL OR $f.start = 'chain'
     OR EXISTS {{ (n)-[:{cy.IN_SEGMENT}]->()-[:{cy.PART_OF}]->(chain) WHERE chain.id = $f.chain }})""",
    "scope": f"($f.scope IS NULL OR $f.start = 'scope' OR {cy.local('n').replace('$places', '$f.places')})",
    "text": TEXT_MATCH.replace("$text", "$f.text"),
}
_WHERE = "\n  AND ".join(_CONDITIONS.values())

#: Every enterprise passing the filters, as ``n``: found from ``$f.start`` — a segment's members, the
#: enterprises holding every bigram of the text (the grams index,
#: :data:`chainkg.store.neo4j.ddl.NAMES_INDEX`'s ``grams``; each then tested for containing it), a chain's
#: members, a scope's located enterprises, or every enterprise — and the others tested on each. Each
#: branch begins with a test of ``$f.start`` alone, so only the chosen one reads the graph.
MATCH = f"""
CALL () {{
  WITH $f.start AS start WHERE start = 'segment'
  MATCH (n:{cy.ENTERPRISE})-[:{cy.IN_SEGMENT}]->(:{cy.ENTITY} {{id: $f.segment}})
  RETURN DISTINCT n
  UNION ALL
  WITH $f.start AS start WHERE start = 'text'
  CALL db.index.fulltext.queryNodes($f.index, $f.grams_query) YIELD node
  WITH node AS n WHERE n:{cy.ENTERPRISE}
  RETURN n
  UNION ALL
  WITH $f.start AS start WHERE start = 'chain'
  MATCH (n:{cy.ENTERPRISE})-[:{cy.IN_SEGMENT}]->()-[:{cy.PART_OF}]->(:{cy.ENTITY} {{id: $f.chain}})
  RETURN DISTINCT n
  UNION ALL
  WITH $f.start AS start WHERE start = 'scope'
  UNWIND $f.places AS place_id
  MATCH (n:{cy.ENTERPRISE})-[:{cy.LOCATED_IN}]->(:{cy.ENTITY} {{id: place_id}})
  RETURN DISTINCT n
  UNION ALL
  WITH $f.start AS start WHERE start = 'all'
  MATCH (n:{cy.ENTERPRISE})
  RETURN n
}}
WITH n WHERE {_WHERE}"""

#: One enterprise's row: its segments and places (``n`` null: a row of nulls, which the client drops).
ITEM = f"""
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.IN_SEGMENT}]->(segment)
  WITH DISTINCT segment ORDER BY segment.id
  RETURN collect(segment {{.id, .name}}) AS segments
}}
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.LOCATED_IN}]->(place)
  WITH DISTINCT place ORDER BY place.id
  RETURN collect(place {{.id, .name}}) AS located_in
}}
RETURN n.id AS id, n.name AS name, n.enterprise_kind AS enterprise_kind, n.credit_code AS credit_code,
       n.stock_code AS stock_code, segments, located_in"""

#: A page and the total: every match found and counted, the page the first ``$take`` after
#: ``$f.after`` (the client asks for one more than it shows, to know whether there is a next page).
#: Always at least one row (an empty page: one row of nulls with the total), so one statement.
PAGE = f"""{MATCH}
WITH collect(n) AS matched
WITH size(matched) AS total,
     COLLECT {{ UNWIND matched AS m WITH m WHERE m.id > $f.after RETURN m ORDER BY m.id LIMIT $take }} AS page
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE page END AS n
{ITEM}, total"""

#: A page in id order when the facts hold the total and the filters keep many enterprises: the
#: enterprises after the cursor along the id index, tested one by one, so the read stops when the
#: page is full.
DENSE = f"""
MATCH (n:{cy.ENTERPRISE}) USING INDEX n:{cy.ENTERPRISE}(id)
WHERE n.id > $f.after AND {_WHERE}
WITH n ORDER BY n.id LIMIT $take
{ITEM}"""

#: What the listing needs before it lists, in one statement: the labels of the nodes the filters
#: name (``$f.refs``), the places the scope covers (null without ``$f.scope``) — from its place fact
#: when the facts are fresh (:mod:`chainkg.store.neo4j.facts`), else walked —, the listing's total
#: when the facts hold it, and how many enterprises the chain and the scope hold (from the facts: to
#: start from the smaller; null when not given or not known).
PRELUDE = f"""
OPTIONAL MATCH (pf:{kept.PLACE_FACT} {{place: $f.scope}})
OPTIONAL MATCH (root:{cy.ENTITY} {{id: $f.scope}})
WITH pf, root, {kept.FRESH} AS facts_fresh
CALL (pf, root, facts_fresh) {{
  WITH pf WHERE facts_fresh AND pf IS NOT NULL
  RETURN pf.places AS places
  UNION ALL
  WITH root, facts_fresh, pf WHERE NOT (facts_fresh AND pf IS NOT NULL) AND root IS NOT NULL
  RETURN {cy.places_below("root")} AS places
  UNION ALL
  WITH root WHERE root IS NULL
  RETURN [] AS places
}}
WITH facts_fresh, places, pf,
     CASE WHEN facts_fresh THEN COLLECT {{ MATCH (g:{kept.GRAPH_FACT} {{chain: $f.chain}}) RETURN g.enterprises }}[0]
     END AS chain_size
RETURN facts_fresh, places, chain_size,
       CASE WHEN facts_fresh THEN pf.enterprise_count END AS scope_size,
       COLLECT {{ UNWIND $f.refs AS ref OPTIONAL MATCH (n:{cy.ENTITY} {{id: ref}})
                 RETURN [label IN coalesce(labels(n), []) WHERE label <> '{cy.ENTITY}'] }} AS kinds,
       COUNT {{ (:{cy.ENTERPRISE}) }} AS enterprises,
       CASE WHEN facts_fresh THEN CASE $f.counted
         WHEN 'scope' THEN pf.enterprise_count
         WHEN 'chain' THEN chain_size
         WHEN 'chain,scope' THEN CASE WHEN pf IS NOT NULL THEN coalesce(COLLECT {{
           MATCH (c:{kept.CHAIN_FACT} {{place: $f.scope, chain: $f.chain}}) RETURN c.enterprise_count }}[0], 0) END
       END END AS total"""

#: The statements, by role.
CYPHER = {"prelude": PRELUDE, "page": PAGE, "dense": DENSE}

#: Scanned enterprises per page kept at most, on average, for the dense page (:func:`run_cypher`).
SCAN = 2000


class _Prelude(NamedTuple):
    places: list[str] | None  # the scope's places, sorted (None: no scope)
    total: int | None  # the listing's total, when the facts hold it
    enterprises: int  # every enterprise of the graph
    sizes: dict[str, int]  # the enterprises of the chain and of the scope, when given and known


def _prelude(execute: cy.Execute, params: Params, given: list[str]) -> _Prelude:
    """:func:`chainkg.queries.cypher.common.require_refs` (raising as it does), the places of the
    scope, the filters' sizes and, when the facts hold it for the filters ``given``, the total —
    one statement (:data:`PRELUDE`)."""
    named = named_nodes(params)
    filters = {
        "scope": params.scope,
        "chain": params.chain,
        "segment": params.segment,
        "refs": [value for _, value in named],
        "counted": ",".join(given) if set(given) <= {"scope", "chain"} else None,
    }
    (row,) = execute(PRELUDE, {"f": filters})
    if params.scope is not None and not row["facts_fresh"]:
        kept.saw_stale()
    for (name, value), kinds in zip(named, row["kinds"], strict=True):
        ref = refers(Params, name)
        assert ref is not None
        if not kinds or NodeKind(kinds[0]) not in ref.kinds:
            cy.require(execute, value, ref.kinds, ref.what)  # raises NotFound with close names
    places = sorted(row["places"]) if params.scope is not None else None
    sizes: dict[str, int] = {}
    for name in ("chain", "scope"):
        if name in given and row[f"{name}_size"] is not None:
            sizes[name] = row[f"{name}_size"]
    return _Prelude(places, row["total"], row["enterprises"], sizes)


def _start(given: list[str], sizes: dict[str, int], *, by_text: bool) -> str:
    """Where the match starts: the segment (a few hundred members at most), else the text (when
    ``by_text``: two or more characters, found through the grams index), else the smaller of chain
    and scope by their known ``sizes`` (the chain when unknown), else every enterprise."""
    if "segment" in given:
        return "segment"
    if by_text:
        return "text"
    narrowing = [f for f in ("chain", "scope") if f in given]
    if len(narrowing) == 2 and set(sizes) >= {"chain", "scope"}:
        return "scope" if sizes["scope"] < sizes["chain"] else "chain"
    return narrowing[0] if narrowing else "all"


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`: two statements (:func:`_prelude`, the page), the
    same two texts for every call."""
    text = text_key(params.text)
    args: dict[str, Any] = {
        "kind": params.kind.value if params.kind is not None else None,
        "segment": params.segment,
        "chain": params.chain,
        "scope": params.scope,
        "text": text,
    }
    given = [f for f in _CONDITIONS if args[f] is not None]
    prelude = _prelude(execute, params, given)
    by_text = text is not None and len(text) >= 2  # a key containing the text holds every bigram of it
    grams = " AND ".join(f"{GRAMS}:{escape_lucene(g)}" for g in sorted(bigrams(text or ""))) if by_text else None
    args |= {
        "places": prelude.places,
        "index": NAMES_INDEX,
        "grams_query": grams,
        "after": decode_cursor(params.cursor) if params.cursor else "",  # every id sorts after ""
    }
    take = params.limit + 1
    if prelude.total is not None and prelude.total * SCAN >= (params.limit + 1) * prelude.enterprises:
        # the filters keep many enterprises (their number known from the facts): the page is read
        # in id order, stopping when full, instead of finding them all
        rows = execute(DENSE, {"f": {**args, "start": None}, "take": take})
        total = prelude.total
    else:
        rows = execute(PAGE, {"f": {**args, "start": _start(given, prelude.sizes, by_text=by_text)}, "take": take})
        total = rows[0]["total"]
        rows = [row for row in rows if row["id"] is not None]
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = encode_cursor(rows[-1]["id"]) if more and rows else None
    items = [
        EnterpriseItem(
            **cy.ref(row["id"], row["name"]).model_dump(),
            enterprise_kind=EnterpriseKind(row["enterprise_kind"]) if row["enterprise_kind"] else None,
            credit_code=row["credit_code"],
            stock_code=row["stock_code"],
            segments=cy.refs(row["segments"]),
            located_in=cy.refs(row["located_in"]),
        )
        for row in rows
    ]
    return Result(items=items, next_cursor=next_cursor, total=total)


QUERY: Query[Params, Result] = Query(
    name="list_enterprises",
    summary="List enterprises / 企业列表",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command=None,
)
