"""Search (检索): find nodes by name, alias/简称, part of a name or a slightly wrong name.

Definition. The query text and every node's ``keys`` (its normalised name and aliases; see
:func:`graph_schema.normalize.normalize_name` — so traditional characters, full-width forms and
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
环节, 链长办公室, 来源), then name, then id; ``kinds`` restricts the kinds (Source nodes only when
asked for).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
from pydantic import BaseModel, Field

from graph_schema.kinds import NodeKind
from graph_schema.neo4j_ddl import KEYS_INDEX, escape_lucene
from graph_schema.normalize import normalize_name
from queries import neo4j_common as cy
from queries.common import NodeRef
from queries.errors import InvalidQuery

__all__ = [
    "CYPHER",
    "KIND_ORDER",
    "Hit",
    "Params",
    "Result",
    "bigrams",
    "candidate_query",
    "rank",
    "run_cypher",
    "run_networkx",
    "score_keys",
]

KIND_ORDER = [
    NodeKind.ENTERPRISE,
    NodeKind.PROJECT,
    NodeKind.PARK,
    NodeKind.REGION,
    NodeKind.CHAIN,
    NodeKind.SEGMENT,
    NodeKind.CHAIN_OFFICE,
    NodeKind.SOURCE,
]


class Params(BaseModel):
    text: str = Field(min_length=1, max_length=100, description="name, 简称, part of a name", examples=["有研"])
    kinds: list[NodeKind] | None = Field(default=None, description="restrict to these kinds")
    limit: int = Field(default=20, ge=1, le=50)


class Hit(NodeRef):
    score: float
    matched: str = Field(description="the name or alias that matched (normalised)")


class Result(BaseModel):
    query: str = Field(description="the normalised query")
    hits: list[Hit]
    total: int


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def score_keys(query: str, keys: Iterable[str]) -> tuple[float, str]:
    """Best score of the query against a node's keys (the first key is its name)."""
    best = (0.0, "")
    q_grams = bigrams(query)
    for index, key in enumerate(keys):
        alias = index > 0
        if not key:
            continue
        if key == query:
            score = 0.95 if alias else 1.0
        elif key.startswith(query):
            score = 0.75 if alias else 0.8
        elif query in key:
            score = (0.55 if alias else 0.6) + 0.2 * len(query) / len(key)
        elif len(key) >= 2 and key in query:
            score = 0.4 * len(key) / len(query)
        else:
            k_grams = bigrams(key)
            dice = 2 * len(q_grams & k_grams) / (len(q_grams) + len(k_grams)) if q_grams and k_grams else 0.0
            score = 0.5 * dice if dice >= 0.5 else 0.0
        score = round(score, 6)
        if score > best[0]:
            best = (score, key)
    return best


def rank(hits: list[Hit], limit: int) -> list[Hit]:
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(hits, key=lambda h: (-h.score, order[h.kind], h.name, h.id))[:limit]


def run_networkx(graph: nx.MultiDiGraph, params: Params) -> Result:
    query = normalize_name(params.text)
    if not query:
        raise InvalidQuery("the search text is empty once spaces and punctuation variants are removed")
    kinds = {k.value for k in (params.kinds or [k for k in KIND_ORDER if k is not NodeKind.SOURCE])}
    hits: list[Hit] = []
    for node, attrs in graph.nodes(data=True):
        if attrs["kind"] not in kinds:
            continue
        score, matched = score_keys(query, attrs.get("keys") or [normalize_name(attrs.get("name", ""))])
        if score > 0:
            hits.append(
                Hit(id=node, kind=NodeKind(attrs["kind"]), name=attrs.get("name", node), score=score, matched=matched)
            )
    return Result(query=query, hits=rank(hits, params.limit), total=len(hits))


# --- Cypher twin -------------------------------------------------------------------------------

#: The Cypher twin: the candidates come from the keyword full-text index over ``keys``
#: (:data:`graph_schema.neo4j_ddl.KEYS_INDEX`), then :func:`score_keys` scores them as above.
CYPHER = {
    "candidates": """
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node
WHERE any(label IN labels(node) WHERE label IN $kinds)
RETURN node.id AS id, node.name AS name, node.keys AS keys""",
}


def candidate_query(query: str) -> str:
    """The Lucene query for every key that can score above 0 against the normalised ``query``.

    A key scores only if it contains the query, lies inside it (≥ 2 characters) or shares a
    character bigram with it — and each of those means the key contains one of the query's
    bigrams (or, for a one-character query, the query itself). So the candidates are the keys
    matching ``*bigram*`` for some bigram: none is missed, and the index, not a scan, finds them.
    """
    parts = sorted(bigrams(query)) if len(query) >= 2 else [query]
    return " OR ".join(f"keys:*{escape_lucene(part)}*" for part in parts)


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`."""
    query = normalize_name(params.text)
    if not query:
        raise InvalidQuery("the search text is empty once spaces and punctuation variants are removed")
    kinds = [k.value for k in (params.kinds or [k for k in KIND_ORDER if k is not NodeKind.SOURCE])]
    rows = execute(CYPHER["candidates"], {"index": KEYS_INDEX, "lucene": candidate_query(query), "kinds": kinds})
    hits: list[Hit] = []
    for row in rows:
        score, matched = score_keys(query, row["keys"] or [normalize_name(row["name"] or "")])
        if score > 0:
            ref = cy.ref(row["id"], row["name"])
            hits.append(Hit(id=ref.id, kind=ref.kind, name=ref.name, score=score, matched=matched))
    return Result(query=query, hits=rank(hits, params.limit), total=len(hits))
