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

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef
from chainkg.queries.cypher import common as cy
from chainkg.queries.errors import InvalidQuery
from chainkg.schema.kinds import NodeKind
from chainkg.schema.normalize import normalize_name
from chainkg.store.neo4j.ddl import KEYS_INDEX, escape_lucene
from chainkg.store.nx_index import cached

__all__ = [
    "CYPHER",
    "KIND_ORDER",
    "QUERY",
    "Hit",
    "KeyIndex",
    "Params",
    "Result",
    "bigrams",
    "candidate_queries",
    "dice_bigrams",
    "dice_share",
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
    NodeKind.POLICY,
    NodeKind.SOURCE,
    NodeKind.PROJECT_EVENT,  # never matches: events have no keys (found through their project)
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


def score_keys(query: str, keys: Iterable[str], q_grams: set[str] | None = None) -> tuple[float, str]:
    """Best score of the query against a node's keys (the first key is its name); ``q_grams``:
    ``bigrams(query)``, when the caller scores many nodes against one query."""
    best = (0.0, "")
    if q_grams is None:
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
    index = cached(graph, "search_keys", lambda: KeyIndex(graph))
    order = {k.value: i for i, k in enumerate(KIND_ORDER)}
    found: list[tuple[float, int, str, str, str]] = []  # (−score, kind order, name, id, matched): rank's order
    q_grams = bigrams(query)
    for node in index.candidates(query):
        kind = index.kinds[node]
        if kind not in kinds:
            continue
        score, matched = score_keys(query, index.keys[node], q_grams)
        if score > 0:
            found.append((-score, order[kind], index.names[node], index.ids[node], matched))
    # rank() orders by (−score, kind, name, id) — a total order, ids being unique — so the first
    # ``limit`` of this order are the ones it keeps; only they become Hit models.
    top = [
        Hit(id=node_id, kind=NodeKind(KIND_ORDER[kind]), name=name, score=-neg, matched=matched)
        for neg, kind, name, node_id, matched in heapq.nsmallest(params.limit, found)
    ]
    return Result(query=query, hits=rank(top, params.limit), total=len(found))


class KeyIndex:
    """Every node's search keys, and which keys hold each character bigram — so a search scores the
    few nodes that can match instead of all of them (the networkx twin's index; built once per
    graph version, about a second at city scale).

    Which nodes can score above 0 (see the table in the module docstring), for a query q of two or
    more characters, with Q its set of m bigrams and, for a key, K its bigrams and c = |Q ∩ K|:

    - the key contains q (equal, prefix, inside): then K holds all of Q — in particular Q's rarest
      bigram: those keys are the posting list of that bigram;
    - the key (≥ 2 characters) lies inside q: it is one of q's substrings — looked up by text;
    - Dice ≥ 0.5, i.e. 4c ≥ m + |K|: then |K| ≥ m/3, and the key holds one of the
      m − t + 1 rarest bigrams of Q, t = ⌈(m + |K|)/4⌉ (holding none of them leaves c ≤ t − 1).
      So the i-th rarest bigram (from 1) need only bring the keys with |K| ≤ 3m − 4i + 4: each
      posting list is ordered by |K|, and that is a slice of it.

    Every other key scores 0. A one-character query matches only keys containing it (it has no
    bigram), found by a scan of the keys. The candidates are then scored by :func:`score_keys`
    itself, so the hits are exactly those of a scan over every node.
    """

    __slots__ = ("by_text", "ids", "key_node", "key_size", "key_text", "keys", "kinds", "names", "postings")

    def __init__(self, graph: nx.MultiDiGraph):
        self.ids: list[str] = []
        self.kinds: list[str] = []
        self.names: list[str] = []
        self.keys: list[list[str]] = []
        key_text: list[str] = []  # every non-empty key of every node, numbered
        key_node: list[int] = []  # the node of each key
        by_text: dict[str, list[int]] = {}
        for number, (node, attrs) in enumerate(graph.nodes(data=True)):
            keys = attrs.get("keys") or [normalize_name(attrs.get("name", ""))]
            self.ids.append(node)
            self.kinds.append(attrs["kind"])
            self.names.append(attrs.get("name", node))
            self.keys.append(keys)
            for key in keys:
                if key:
                    by_text.setdefault(key, []).append(len(key_text))
                    key_text.append(key)
                    key_node.append(number)
        # Bigram sets are made twice rather than kept: a million two-character strings held at
        # once would triple the memory this index needs while it is built.
        key_size = [len(bigrams(text)) for text in key_text]
        postings: dict[str, list[int]] = {}
        for key in sorted(range(len(key_text)), key=key_size.__getitem__):  # each list ordered by |K|
            for gram in bigrams(key_text[key]):
                postings.setdefault(gram, []).append(key)
        self.key_text = key_text
        self.key_node = key_node
        self.key_size = key_size
        self.postings = postings
        self.by_text = by_text

    def containing(self, text: str) -> set[str]:
        """Ids of the nodes with a key containing ``text`` (non-empty, normalised): the listings'
        text filter. Such a key holds every bigram of the text — the rarest one's keys suffice."""
        if len(text) < 2:
            keys: Iterable[int] = range(len(self.key_text))
        else:
            keys = min((self.postings.get(g, []) for g in bigrams(text)), key=len)
        return {self.ids[self.key_node[k]] for k in keys if text in self.key_text[k]}

    def candidates(self, query: str) -> set[int]:
        """Numbers of the nodes that may score above 0 against the normalised ``query`` (a superset
        of those that do; see the class docstring)."""
        if len(query) < 2:
            return {self.key_node[k] for k, text in enumerate(self.key_text) if query in text}
        keys: set[int] = set()
        for start in range(len(query) - 1):  # keys that are substrings of the query (q itself included)
            for end in range(start + 2, len(query) + 1):
                keys.update(self.by_text.get(query[start:end], ()))
        grams = sorted(bigrams(query), key=lambda g: (len(self.postings.get(g, ())), g))  # rarest first
        # keys containing the query hold its rarest bigram (none, if that bigram is in no key)
        keys.update(k for k in self.postings.get(grams[0], ()) if query in self.key_text[k])
        m = len(grams)
        smallest = -(-m // 3)  # |K| ≥ m/3
        for i, gram in enumerate(grams, start=1):
            largest = 3 * m - 4 * i + 4
            if largest < smallest:
                break
            posting = self.postings.get(gram)
            if posting is None:
                continue
            size = self.key_size.__getitem__
            keys.update(posting[bisect_left(posting, smallest, key=size) : bisect_right(posting, largest, key=size)])
        node = self.key_node
        return {node[k] for k in keys}


# --- Cypher twin -------------------------------------------------------------------------------

#: The Cypher twin: the candidates come from the keyword full-text index over ``keys``
#: (:data:`chainkg.store.neo4j.ddl.KEYS_INDEX`), then :func:`score_keys` scores them as above.
#: ``frequencies`` counts the keys holding each of the query's bigrams (to pick the rare ones, see
#: :func:`candidate_queries`); ``candidates`` runs the Lucene queries and returns every node found
#: once, as one list (a row per node costs the driver more than the statement costs the server).
CYPHER = {
    "frequencies": """
UNWIND $terms AS term
CALL (term) {
  CALL db.index.fulltext.queryNodes($index, term) YIELD node
  RETURN count(node) AS n
}
RETURN term, n""",
    "candidates": """
UNWIND $queries AS lucene
CALL (lucene) {
  CALL db.index.fulltext.queryNodes($index, lucene) YIELD node
  RETURN node
}
WITH DISTINCT node WHERE any(label IN labels(node) WHERE label IN $kinds)
RETURN collect([node.id, node.name, node.keys]) AS nodes""",
}

#: Clauses per Lucene query (Lucene refuses a query of more than 1024).
_CLAUSES = 500


def dice_bigrams(query: str, frequency: Callable[[str], int]) -> list[str]:
    """Bigrams of the query such that every key with a Dice coefficient ≥ 0.5 holds one of them:
    the :func:`dice_share` rarest (``frequency``: how many keys hold a bigram)."""
    grams = sorted(bigrams(query), key=lambda gram: (frequency(gram), gram))
    return grams[: dice_share(len(grams))]


def dice_share(m: int) -> int:
    """How many of a query's m bigrams, any of them, a key with a Dice coefficient ≥ 0.5 holds one of.

    Such a key has |K| ≥ m/3 bigrams and shares t ≥ ⌈(m + |K|)/4⌉ ≥ t₀ = ⌈(m + ⌈m/3⌉)/4⌉ of them, so
    it holds one of any m − t₀ + 1 of the query's bigrams (holding none leaves it t₀ − 1 at most).
    """
    least = -(-(m + -(-m // 3)) // 4)
    return m - least + 1


def candidate_queries(query: str, frequency: Callable[[str], int] | None = None) -> list[str]:
    """Lucene queries that together find every key that can score above 0 against ``query``.

    A key scores only if it contains the query (one wildcard term ``*query*``), lies inside it with
    ≥ 2 characters (an exact term per substring of the query), or has a Dice coefficient ≥ 0.5
    (a wildcard term ``*bigram*`` per bigram of :func:`dice_bigrams`, or of all of the query's bigrams
    without ``frequency``). None is missed, and the
    index, not a scan, finds them; the terms go in queries of at most ``_CLAUSES`` clauses.
    """
    terms = [f"keys:*{escape_lucene(query)}*"]
    if len(query) >= 2:
        subs = {query[i:j] for i in range(len(query) - 1) for j in range(i + 2, len(query) + 1)}
        terms += [f"keys:{escape_lucene(sub)}" for sub in sorted(subs)]
        grams = dice_bigrams(query, frequency) if frequency is not None else sorted(bigrams(query))
        terms += [f"keys:*{escape_lucene(gram)}*" for gram in grams]
    terms = list(dict.fromkeys(terms))  # a two-character query is its own only bigram
    return [" OR ".join(terms[i : i + _CLAUSES]) for i in range(0, len(terms), _CLAUSES)]


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`."""
    query = normalize_name(params.text)
    if not query:
        raise InvalidQuery("the search text is empty once spaces and punctuation variants are removed")
    kinds = [k.value for k in (params.kinds or [k for k in KIND_ORDER if k is not NodeKind.SOURCE])]
    frequency = None
    grams = sorted(bigrams(query))
    if dice_share(len(grams)) < len(grams):  # some bigrams may be left out: find the common ones
        terms = {f"keys:*{escape_lucene(gram)}*": gram for gram in grams}
        counts = {
            terms[row["term"]]: row["n"]
            for row in execute(CYPHER["frequencies"], {"index": KEYS_INDEX, "terms": list(terms)})
        }
        frequency = counts.__getitem__
    (row,) = execute(
        CYPHER["candidates"], {"index": KEYS_INDEX, "queries": candidate_queries(query, frequency), "kinds": kinds}
    )
    hits: list[Hit] = []
    q_grams = bigrams(query)
    for node_id, name, keys in row["nodes"]:
        score, matched = score_keys(query, keys or [normalize_name(name or "")], q_grams)
        if score > 0:
            ref = cy.ref(node_id, name)
            hits.append(Hit(id=ref.id, kind=ref.kind, name=ref.name, score=score, matched=matched))
    return Result(query=query, hits=rank(hits, params.limit), total=len(hits))


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
