"""How a typed text matches node names: the scores search ranks by, and the candidates each store's
name index gives — shared by :mod:`chainkg.queries.search` and the "did you mean" suggestions of a
not-found error (:func:`chainkg.queries.common.suggest` and its Cypher twin), so both stores suggest
the same names and neither scans every name to do it.

The scores are defined in :mod:`chainkg.queries.search`. The embedded store finds the nodes that may
score above 0 with its key index (:class:`chainkg.store.key_index.KeyIndex`), Neo4j with its
full-text index (:data:`chainkg.store.neo4j.ddl.NAMES_INDEX`); both then score exactly those with
:func:`score_keys`. A :class:`Match` sorts in search's order: score (descending), kind
(:data:`KIND_ORDER`), name, id.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable
from typing import Any, NamedTuple

import networkx as nx

from chainkg.queries.search_cypher import LEAVES, PAIRED_WIDEST, RANKED, SHORT
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import NodeKind
from chainkg.schema.normalize import normalize_name
from chainkg.store.key_index import bigrams, key_index
from chainkg.store.neo4j.ddl import GRAMS, NAMES_INDEX, escape_lucene, sized_gram
from chainkg.store.protocol import Execute

__all__ = [
    "CYPHER",
    "KIND_ORDER",
    "Match",
    "best",
    "candidate_queries",
    "cypher_matches",
    "cypher_ranked",
    "dice_clauses",
    "dice_lucene",
    "networkx_matches",
    "score_keys",
    "suggestions",
]

#: The order of kinds among equal scores (企业, 项目, 园区, 区域, 产业链, 环节, 链长办公室, 政策, 来源).
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


class Match(NamedTuple):
    """A node that matches a text; tuples sort in search's order (best first)."""

    neg_score: float  # the score, negated: ascending order is best first
    kind_order: int  # the kind's place in KIND_ORDER
    name: str
    id: str
    matched: str  # the key (normalised name or alias) that scored

    @property
    def score(self) -> float:
        return -self.neg_score

    @property
    def kind(self) -> NodeKind:
        return KIND_ORDER[self.kind_order]


_ORDER = {kind.value: i for i, kind in enumerate(KIND_ORDER)}


def best(matches: Iterable[Match], limit: int) -> list[Match]:
    """The first ``limit`` matches in search's order."""
    return heapq.nsmallest(limit, matches)


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


def networkx_matches(graph: nx.MultiDiGraph[str], query: str, kinds: Collection[NodeKind]) -> list[Match]:
    """Every node of ``kinds`` whose keys score above 0 against ``query`` (normalised, non-empty),
    found through the embedded store's key index."""
    wanted = {kind.value for kind in kinds}
    index = key_index(graph)
    q_grams = bigrams(query)
    found: list[Match] = []
    for node in index.candidates(query):
        kind = index.kinds[node]
        if kind not in wanted:
            continue
        score, matched = score_keys(query, index.keys[node], q_grams)
        if score > 0:
            found.append(Match(-score, _ORDER[kind], index.names[node], index.ids[node], matched))
    return found


#: On Neo4j the candidates come from the keyword full-text index :data:`~chainkg.store.neo4j.ddl.NAMES_INDEX`:
#: exact keys from its ``keys`` field, keys by bigram from its ``grams`` field (each node's ``grams``:
#: the bigrams of its keys, bare and with the key's size); then :func:`score_keys`
#: scores them as on the embedded store. ``frequencies`` counts the nodes holding each of the query's
#: bigrams, up to ``$cap``, with the best hit's score (to try the rare ones first, see
#: :func:`candidate_queries` and :func:`_frequencies`); ``candidates`` runs
#: the Lucene queries, each on the index it names, and returns every node found once, as one list (a row per node
#: costs the driver more than the statement costs the server). Every term is exact: no wildcard walks an
#: index's terms.
CYPHER = {
    "frequencies": """
UNWIND $terms AS term
CALL (term) {
  CALL db.index.fulltext.queryNodes($index, term, {limit: $cap}) YIELD node, score
  RETURN count(node) AS n, max(score) AS top
}
RETURN term, n, top""",
    "candidates": """
UNWIND $queries AS query
CALL (query) {
  CALL db.index.fulltext.queryNodes(query[0], query[1]) YIELD node
  RETURN node
}
WITH DISTINCT node WHERE any(label IN labels(node) WHERE label IN $kinds)
RETURN collect([node.id, node.name, node.keys]) AS nodes""",
}

#: Clauses per Lucene query (Lucene refuses a query of more than 1024).
_CLAUSES = 500
#: Nodes counted per bigram when ordering a query's bigrams by rarity: past this, a bigram is common
#: and ordered by its best hit's score. Small, because Lucene finds the best few hits of a term
#: without walking all of it (block maxima) but must walk it to count a thousand: 12 bigrams of a
#: full name at city, 1,000 → 50: 9–27 → 1 ms on the server (load 7), the candidates they order
#: about as many.
_COUNT_CAP = 50


def dice_clauses(grams: list[str]) -> list[tuple[int, list[str], int]]:
    """What a key must hold to have a Dice coefficient ≥ 0.5 against a text of the m distinct bigrams
    ``grams`` (m ≥ 1; put the rarest first: any order is right, that one finds the fewest candidates),
    as ``(n, r, need)``: a key of n distinct bigrams holds at least ``need`` of the bigrams ``r``.

    Why: such a key holds c ≥ t = ⌈(m + n)/4⌉ of them (Dice = 2c/(m + n)), so n ≤ 3m (c ≤ m) and
    n ≥ m/3 (c ≤ n), and however the m are ordered, it holds at least two of the first m − t + 2 (the
    other t − 2 can account for at most t − 2 of its c) — one of the first m − t + 1 when t < 2, or
    when the pairs would be too many terms (more than :data:`PAIRED_WIDEST` bigrams). One bigram was
    the rule before (the embedded store's, :class:`chainkg.store.key_index.KeyIndex`): a full name of
    this city's kind (物流, 有限, 公司 …) brought every key holding any of its few rare bigrams, up to
    20× the true matches; two cut them to 1.1–3× (BENCHMARKS.md 4m). As grams index terms: a key of size n
    holding bigram g has the term ``g#n`` (:func:`chainkg.store.neo4j.ddl.sized_gram`), so each triple is a
    Lucene clause over those terms (:func:`dice_lucene`); :data:`chainkg.queries.search_cypher.RANKED`
    builds the same clauses on the server."""
    m = len(grams)
    found = []
    for n in range(-(-m // 3), 3 * m + 1):
        t = -(-(m + n) // 4)
        need = 2 if t >= 2 and m - t + 2 <= PAIRED_WIDEST else 1
        found.append((n, grams[: m - t + need], need))
    return found


def dice_lucene(grams: list[str]) -> list[tuple[str, int]]:
    """:func:`dice_clauses` as Lucene clauses over the grams field, each with its number of terms:
    ``g1 OR g2 …`` for one of r, ``(g1 AND (g2 OR …)) OR (g2 AND (g3 OR …)) …`` for two."""
    found = []
    for n, held, need in dice_clauses(grams):
        terms = [f"{GRAMS}:{escape_lucene(sized_gram(gram, n))}" for gram in held]
        if need == 1:
            found.append((" OR ".join(terms), len(terms)))
        else:
            pairs = [f"({term} AND ({' OR '.join(terms[i + 1 :])}))" for i, term in enumerate(terms[:-1])]
            found.append((" OR ".join(pairs), len(terms) * (len(terms) + 1) // 2 - 1))
    return found


def candidate_queries(query: str, frequency: Callable[[str], float] | None = None) -> list[tuple[str, str]]:
    """``(index, Lucene query)`` pairs that together find every key that can score above 0 against ``query``.

    A key scores only if it contains the query, lies inside it with ≥ 2 characters (an exact term
    of the keys index per substring of the query), or has a Dice coefficient ≥ 0.5 (the sized terms
    of :func:`dice_lucene`). A key that contains a query of ≥ 2 characters holds every bigram of it,
    so the bare term of its rarest bigram finds it; a one-character query is found inside keys by a
    wildcard term, the only one. None is missed, and the indexes, not a scan, find them; the keys
    terms go in queries of at most ``_CLAUSES`` clauses, the grams clauses in queries of at most
    :data:`~chainkg.queries.search_cypher.LEAVES` terms (in the order and cut as
    :data:`~chainkg.queries.search_cypher.RANKED` cuts them).
    """
    if len(query) < 2:
        return [(NAMES_INDEX, f"keys:*{escape_lucene(query)}*")]
    subs = {query[i:j] for i in range(len(query) - 1) for j in range(i + 2, len(query) + 1)}
    keys = [f"keys:{escape_lucene(sub)}" for sub in sorted(subs)]
    grams = sorted(bigrams(query), key=lambda gram: (frequency(gram) if frequency else 0, gram))
    queries = [(NAMES_INDEX, " OR ".join(keys[i : i + _CLAUSES])) for i in range(0, len(keys), _CLAUSES)]
    clauses = [(f"{GRAMS}:{escape_lucene(grams[0])}", 1), *dice_lucene(grams)]
    text, size = "", 0
    for clause, terms in clauses:
        if size and size + terms > LEAVES:
            queries.append((NAMES_INDEX, text))
            text, size = "", 0
        text, size = f"{text} OR {clause}" if text else clause, size + terms
    return [*queries, (NAMES_INDEX, text)]


def cypher_matches(execute: Execute, query: str, kinds: Collection[NodeKind]) -> list[Match]:
    """:func:`networkx_matches` on Neo4j: the candidates from the full-text indexes, scored alike."""
    queries = [list(pair) for pair in candidate_queries(query, _frequencies(execute, query))]
    return _scored(execute, query, kinds, queries)


def _frequencies(execute: Execute, query: str) -> Callable[[str], float] | None:
    """How common each bigram of ``query`` is, when it has more than one: the nodes holding it, up to
    ``_COUNT_CAP``; past that, ``_COUNT_CAP`` plus a number that falls as the best hit's score rises.

    Why the score: the candidates' order matters only for speed (every order finds every match), but
    it matters a lot. With the count alone, every bigram past the cap tied and was taken in the order
    of its text, so 有限 or 公司 (in nearly every name) could come first and bring every key of its sizes:
    a full name's candidates at city were up to 20× those in the true order (42,260 against 1,865), and
    at province nearly every bigram is past the cap. The full-text score of a one-term query falls as
    the term's document frequency rises (BM25's idf, times a length factor that varies far less), so
    it orders the common bigrams close to their true frequency at no extra read."""
    grams = sorted(bigrams(query))
    if len(grams) <= 1:
        return None
    # try the rare bigrams first: the common ones then bring only short keys
    terms = {f"{GRAMS}:{escape_lucene(gram)}": gram for gram in grams}
    args = {"index": NAMES_INDEX, "terms": list(terms), "cap": _COUNT_CAP}
    rarity: dict[str, float] = {}
    for row in execute(CYPHER["frequencies"], args):
        common = row["n"] >= _COUNT_CAP and row["top"]
        rarity[terms[row["term"]]] = _COUNT_CAP + 1 / (1 + row["top"]) if common else row["n"]
    return rarity.__getitem__


def _scored(execute: Execute, query: str, kinds: Collection[NodeKind], queries: list[list[str]]) -> list[Match]:
    """Every candidate of the Lucene ``queries`` of the ``kinds``, scored here."""
    (row,) = execute(CYPHER["candidates"], {"queries": queries, "kinds": [kind.value for kind in kinds]})
    return _score_rows(query, row["nodes"])


def _score_rows(query: str, rows: Iterable[list[Any]]) -> list[Match]:
    """The ``[id, name, keys]`` rows that score above 0 against ``query``, as matches."""
    found: list[Match] = []
    q_grams = bigrams(query)
    for node_id, name, keys in rows:
        score, matched = score_keys(query, keys or [normalize_name(name or "")], q_grams)
        if score > 0:
            kind = kind_of_id(node_id)
            found.append(Match(-score, _ORDER[kind.value], name if name is not None else node_id, node_id, matched))
    return found


def cypher_ranked(execute: Execute, query: str, kinds: Collection[NodeKind], limit: int) -> tuple[list[Match], int]:
    """The first ``limit`` of :func:`cypher_matches` in search's order, and how many there are, in one
    statement: :data:`chainkg.queries.search_cypher.SHORT` for a two-character text (which reads
    only the nodes that can be among the first, when it can tell), else (or when it cannot)
    :data:`chainkg.queries.search_cypher.RANKED`, where the server finds and scores every candidate
    and ships only those that can be among the first ``limit``. The client scores the shipped again
    (and any candidate without keys); when the server's rounding might differ (``risky``), every
    candidate is shipped and scored here."""
    kind_values = [kind.value for kind in kinds]
    if len(query) == 2:
        gram = escape_lucene(query)
        short: dict[str, Any] = {
            "q": query,
            "q_grams": [query],
            "gram": gram,
            "prefix_query": f"keys:{gram}*",
            "index": NAMES_INDEX,
            "kinds": kind_values,
            "order": _ORDER,
        }
        (row,) = execute(SHORT, {"f": short, "limit": limit, "take": limit + 5})
        if row["exact"] and not row["risky"]:
            found = _rescored(query, row["top"])
            if found is not None:
                return found, row["total"]
    grams = sorted(bigrams(query))
    filters: dict[str, Any] = {
        "q": query,
        "q_grams": grams,
        "grams": [[escape_lucene(gram), gram] for gram in grams],
        "smallest": -(-len(grams) // 3),
        "keys_queries": [lucene for _, lucene in candidate_queries(query) if lucene.startswith("keys:")],
        "index": NAMES_INDEX,
        "kinds": kind_values,
        "order": _ORDER,
    }
    (row,) = execute(RANKED, {"f": filters, "limit": limit, "cap": _COUNT_CAP})
    found = None if row["risky"] else _rescored(query, row["top"])
    if found is None:
        every = _scored(execute, query, kinds, row["queries"])
        return best(every, limit), len(every)
    others = _score_rows(query, row["others"])
    return best(found + others, limit), row["total"] + len(others)


def _rescored(query: str, top: list[list[Any]]) -> list[Match] | None:
    """The server's best (``[score, kind order, name, id, keys]`` rows) scored again here, as
    matches; None if a score differs (never seen: the definition is the client's)."""
    q_grams = bigrams(query)
    found: list[Match] = []
    for server_score, _, name, node_id, keys in top:
        score, matched = score_keys(query, keys, q_grams)
        if score != server_score:
            return None
        found.append(Match(-score, _ORDER[kind_of_id(node_id).value], name, node_id, matched))
    return found


def suggestions(text: str, matches: Callable[[str], list[Match]], limit: int = 5) -> list[dict[str, str]]:
    """The closest names to an id or name that names nothing ("did you mean"): the best ``limit``
    search matches of its name part (what follows a kind prefix such as ``ent:``), as ``{id, name}``.
    ``matches`` is :func:`networkx_matches` or :func:`cypher_matches` bound to a store and kinds."""
    key = normalize_name(text.split(":", 1)[-1])
    if not key:
        return []
    return [{"id": m.id, "name": m.name} for m in best(matches(key), limit)]
