"""Search (检索): find nodes by name, alias/简称, part of a name or a slightly wrong name.

Definition. The query text and every node's ``keys`` (its normalised name and aliases; see
:func:`chainkg.schema.normalize.normalize_name` — so traditional characters, full-width forms and
spaces do not matter) are compared; a node's score is the best over its keys of:

====================================================  =========================================
match                                                  score
====================================================  =========================================
query equals the name                                  1.0
query equals an alias                                  0.95
name starts with the query                             0.8  (alias: 0.75)
query inside the name                                  0.6 + 0.2·|q|/|name|  (alias: 0.55 + …)
the name (≥ 2 characters) inside the query             0.4·|name|/|q|
similar: Dice coefficient of character bigrams ≥ 0.5   0.5·Dice
====================================================  =========================================

Results with a positive score, ordered by score (descending), then kind (企业, 项目, 园区, 区域, 产业链,
环节, 链长办公室, 政策, 来源), then name, then id; ``kinds`` restricts the kinds (Source nodes only when
asked for).
"""

from __future__ import annotations

from collections.abc import Collection

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef
from chainkg.queries.errors import InvalidQuery
from chainkg.queries.matching import KIND_ORDER, Match, best, cypher_ranked, networkx_matches
from chainkg.schema.kinds import NodeKind
from chainkg.schema.normalize import normalize_name
from chainkg.store.protocol import Execute

__all__ = ["QUERY", "Hit", "Params", "Result", "rank", "run_cypher", "run_networkx"]


class Params(BaseModel):
    text: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"\S",
        description="name, 简称 or part of one (not only spaces) / 名称、简称或其一部分",
        examples=["有研"],
    )
    kinds: list[NodeKind] | None = Field(
        default=None, description="only these kinds (repeat the parameter) / 限定节点类型"
    )
    limit: int = Field(default=20, ge=1, le=50, description="hits returned / 返回条数")


class Hit(NodeRef):
    score: float
    matched: str = Field(description="the name or alias that matched (normalised)")


class Result(BaseModel):
    query: str = Field(description="the normalised query")
    hits: list[Hit]
    total: int


def rank(hits: list[Hit], limit: int) -> list[Hit]:
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(hits, key=lambda h: (-h.score, order[h.kind], h.name, h.id))[:limit]


def _query(params: Params) -> tuple[str, Collection[NodeKind]]:
    query = normalize_name(params.text)
    if not query:
        raise InvalidQuery("the search text is empty once spaces and punctuation variants are removed")
    return query, params.kinds or [k for k in KIND_ORDER if k not in (NodeKind.SOURCE, NodeKind.PROJECT_EVENT)]


def _result(query: str, matches: list[Match], limit: int, total: int | None = None) -> Result:
    # Matches sort in rank()'s order — a total order, ids being unique — so only the first ``limit``
    # become Hit models (``total``: how many match in all, when ``matches`` holds only the best).
    hits = [Hit(id=m.id, kind=m.kind, name=m.name, score=m.score, matched=m.matched) for m in best(matches, limit)]
    return Result(query=query, hits=hits, total=len(matches) if total is None else total)


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    query, kinds = _query(params)
    return _result(query, networkx_matches(graph, query, kinds), params.limit)


def run_cypher(execute: Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`: the candidates come from the full-text index and the
    server scores them alike, shipping only the best (:func:`chainkg.queries.matching.cypher_ranked`)."""
    query, kinds = _query(params)
    matches, total = cypher_ranked(execute, query, kinds, params.limit)
    return _result(query, matches, params.limit, total)


QUERY: Query[Params, Result] = Query(
    name="search",
    summary="Search by name / 名称检索",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="search",
)
