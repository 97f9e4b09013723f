"""The embedded store's name index: every node's search keys, and which keys hold each character
bigram — what search, the listings' text filter and "did you mean" suggestions ask instead of
scanning every node (Neo4j's twin is the full-text index :data:`chainkg.store.neo4j.ddl.NAMES_INDEX`).

Built once per graph version (:func:`key_index`), about a second at city scale; the app's warm-up
builds it before the first request needs it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

import networkx as nx

from chainkg.schema.normalize import normalize_name
from chainkg.store.graph_tables import node_table
from chainkg.store.nx_index import cached

__all__ = ["KeyIndex", "bigrams", "key_index"]


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class KeyIndex:
    """Every node's search keys, and which keys hold each character bigram — so a search scores the
    few nodes that can match instead of all of them (built once per graph version, about a
    second at city scale).

    Which nodes can score above 0 (see the table in :mod:`chainkg.queries.search`), for a query q of two or
    more characters, with Q its set of m bigrams and, for a key, K its bigrams and c = |Q ∩ K|:

    - the key contains q (equal, prefix, inside): then K holds all of Q — in particular Q's rarest
      bigram: those keys are the posting list of that bigram;
    - the key (≥ 2 characters) lies inside q: it is one of q's substrings — looked up by text;
    - Dice ≥ 0.5, i.e. 4c ≥ m + |K|: then |K| ≥ m/3, and the key holds one of the
      m − t + 1 rarest bigrams of Q, t = ⌈(m + |K|)/4⌉ (holding none of them leaves c ≤ t − 1).
      So the i-th rarest bigram (from 1) need only bring the keys with |K| ≤ 3m − 4i + 4: each
      posting list is ordered by |K|, and that is a slice of it.

    Every other key scores 0. A one-character query matches only keys containing it (it has no
    bigram), found by a scan of the keys. The candidates are then scored by
    :func:`chainkg.queries.matching.score_keys` itself, so the hits are exactly those of a scan over
    every node.
    """

    __slots__ = ("by_text", "ids", "key_node", "key_size", "key_text", "keys", "kinds", "names", "postings")

    def __init__(self, graph: nx.MultiDiGraph[str]):
        self.ids: list[str] = []
        self.kinds: list[str] = []
        self.names: list[str] = []
        self.keys: list[list[str]] = []
        key_text: list[str] = []  # every non-empty key of every node, numbered
        key_node: list[int] = []  # the node of each key
        by_text: dict[str, list[int]] = {}
        for number, (node, attrs) in enumerate(node_table(graph).items()):
            keys = attrs.get("keys")
            if keys is None:  # a node written without keys answers to its name; an empty list means none
                keys = [normalize_name(attrs.get("name", ""))]
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
            postings = [self.postings.get(g, []) for g in bigrams(text)]
            rarest = min(postings, key=len)
            keys = rarest
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


def key_index(graph: nx.MultiDiGraph[str]) -> KeyIndex:
    """The graph's :class:`KeyIndex`, built once per graph version."""
    return cached(graph, "search_keys", lambda: KeyIndex(graph))
