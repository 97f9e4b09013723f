"""Search on Neo4j in one statement: the candidates found, every one scored, only the best shipped.

Why one statement, scored on the server: a short or common text (两个字, 集团, 科技, 德州) is inside
the keys of thousands of nodes, and a full name of this city's kind (X服装（德州）有限公司) is similar
to thousands of others (Dice ≥ 0.5: a real match that ``total`` counts). Shipping those candidates
and scoring them on the client cost more than the server's search; a first statement that counted
each bigram (to try the rare ones first) cost a round trip. So :data:`RANKED` does it all: it counts
the text's bigrams, builds the grams index's clauses in that order (the rule of
:func:`chainkg.queries.matching.dice_clauses`, written in Cypher: a key of n bigrams with Dice ≥ 0.5 holds
two of the m − t + 2 rarest), finds the candidates, scores every key of each by the definition
(:func:`chainkg.queries.matching.score_keys`), counts the nodes that score and reads the name and id
only of those that can be among the first ``limit`` (the nodes scoring at least the ``limit``-th best
score: the order after the score is kind, name, id, so those are all that can be), and ships those.

Dice, the costly rule, is cheap enough here: c (the text's bigrams the key holds) is m substring
tests, a key with 3c < m cannot reach 0.5 (Dice = 2c/(m + n) and n ≥ c) and is dropped there, and
only the others count their n distinct bigrams: L − 1 less the positions j whose bigram is a repeat,
that is, already inside the key's first j + 1 characters (L − 2 substring tests, not a set).

Both sides agree exactly: the same IEEE arithmetic in the same order, strings sized, cut and
compared by code point on both (checked on Neo4j 5.26), and the same rounding to 6 decimals except
on an exact tie (a multiple of 1/128, which Python rounds to even and Cypher up; checked for every
c/t with t ≤ 400: only t a multiple of 128 differs): a containing key of a multiple of 128
characters can score one, and so can a Dice score with m + n a multiple of 128; then the statement
says so (``risky``) and the client scores every candidate itself (:func:`chainkg.queries.matching.cypher_ranked`).
A node without keys (never found through the indexes, as a rule) is shipped and scored by the client.

The parameters are one map ``$f`` and two integers: Neo4j keys its plan cache on each parameter's
type and, for strings and lists, a bucket of their size, so a text of 2 characters and one of 12
would each be planned anew (hundreds of milliseconds); a map is one type whatever it holds.
"""

from __future__ import annotations

__all__ = ["LEAVES", "PAIRED_WIDEST", "RANKED", "RISKY_SIZE", "SHORT", "SHORT_SIZES"]

#: Keys of this many characters (or a multiple), and Dice scores over m + n of a multiple of it,
#: may round differently on the server (see above).
RISKY_SIZE = 128

#: ``[score, risky]`` of key ``k``, the node's ``i``-th (``i > 0``: an alias) against ``$f.q``
#: (``$f.q_grams``: its bigrams), as :func:`chainkg.queries.matching.score_keys` scores it.
_KEY_SCORE = f"""CASE
      WHEN k = '' THEN [0.0, false]
      WHEN k = $f.q THEN [CASE WHEN i > 0 THEN 0.95 ELSE 1.0 END, false]
      WHEN k STARTS WITH $f.q THEN [CASE WHEN i > 0 THEN 0.75 ELSE 0.8 END, false]
      WHEN k CONTAINS $f.q THEN [round(CASE WHEN i > 0 THEN 0.55 ELSE 0.6 END + 0.2 * size($f.q) / size(k), 6),
                                 size(k) % {RISKY_SIZE} = 0]
      WHEN size(k) >= 2 AND $f.q CONTAINS k THEN [round(0.4 * size(k) / size($f.q), 6), false]
      ELSE [c IN [size([g IN $f.q_grams WHERE k CONTAINS g])] |
        CASE WHEN c = 0 OR 3 * c < size($f.q_grams) THEN [0.0, false]
        ELSE [t IN [size($f.q_grams) + size(k) - 1 -
                    size([j IN range(1, size(k) - 2) WHERE substring(k, 0, j + 1) CONTAINS substring(k, j, 2)])] |
          CASE WHEN 4 * c >= t THEN [round(0.5 * (2.0 * c / t), 6), t % {RISKY_SIZE} = 0] ELSE [0.0, false] END][0]
        END][0]
    END"""

#: Bigrams a pair condition may range over (a wider one is asked for one bigram at a time, as
#: before): a pair clause over r bigrams has r(r + 1)/2 − 1 terms.
PAIRED_WIDEST = 30
#: Terms per Lucene query (Lucene refuses more than 1,024 clauses in one query).
LEAVES = 800

#: One row: ``total`` (the nodes of ``$f.kinds`` that score), ``top`` (the first ``$limit`` of them
#: in search's order, as ``[score, kind order, name, id, keys]``), ``others`` (candidates without
#: keys, as ``[id, name, keys]``), ``risky`` (see the module's docstring) and ``queries`` (the
#: ``[index, Lucene query]`` pairs it ran, for the client when risky).
#:
#: ``$f``: ``q`` (the normalised text), ``q_grams`` (its distinct bigrams), ``grams`` (each as
#: ``[Lucene-escaped, itself]``, sorted), ``smallest`` (⌈m/3⌉), ``keys_queries`` (the ``keys`` field's
#: queries, :func:`chainkg.queries.matching.candidate_queries`), ``index`` (the full-text index),
#: ``kinds``, ``order`` (kind → its place in search's order); ``$cap``: bigram counts stop there.
RANKED = f"""
CALL () {{
  UNWIND $f.grams AS g
  CALL (g) {{
    WITH g WHERE size($f.grams) > 1
    CALL db.index.fulltext.queryNodes($f.index, 'grams:' + g[0], {{limit: $cap}}) YIELD node, score
    RETURN count(node) AS n, max(score) AS top
  }}
  WITH g, CASE WHEN n >= $cap AND top IS NOT NULL THEN $cap + 1.0 / (1 + top) ELSE toFloat(n) END AS rarity
  ORDER BY rarity, g[1]
  RETURN collect(g[0]) AS ordered
}}
WITH ordered, size(ordered) AS m
WITH m, CASE WHEN m = 0 THEN [] ELSE [['grams:' + ordered[0], 1]] END +
     reduce(clauses = [], n IN range($f.smallest, 3 * m) |
       clauses + [t IN [(m + n + 3) / 4] WHERE t <= m |
         [need IN [CASE WHEN t >= 2 AND m - t + 2 <= {PAIRED_WIDEST} THEN 2 ELSE 1 END] |
           [r IN [[g IN ordered[0..m - t + need] | 'grams:' + g + '#' + right('000' + toString(n), 4)]] |
             CASE WHEN need = 1 THEN [reduce(text = '', term IN r |
                    text + CASE WHEN text = '' THEN '' ELSE ' OR ' END + term), size(r)]
             ELSE [reduce(text = '', i IN range(0, size(r) - 2) | text + CASE WHEN text = '' THEN '' ELSE ' OR ' END +
                    '(' + r[i] + ' AND (' + reduce(rest = '', term IN r[i + 1..] |
                      rest + CASE WHEN rest = '' THEN '' ELSE ' OR ' END + term) + '))'),
                   size(r) * (size(r) + 1) / 2 - 1]
             END][0]][0]]) AS clauses
WITH [query IN $f.keys_queries | [$f.index, query]] +
     [query IN [done IN [reduce(acc = [[], '', 0], clause IN clauses |
                   CASE WHEN acc[2] > 0 AND acc[2] + clause[1] > {LEAVES} THEN [acc[0] + [acc[1]], clause[0], clause[1]]
                   ELSE [acc[0], acc[1] + CASE WHEN acc[1] = '' THEN '' ELSE ' OR ' END + clause[0], acc[2] + clause[1]]
                   END)] | done[0] + CASE WHEN done[2] > 0 THEN [done[1]] ELSE [] END][0] |
      [$f.index, query]] AS queries
CALL (queries) {{
  UNWIND queries AS query
  CALL (query) {{
    CALL db.index.fulltext.queryNodes(query[0], query[1]) YIELD node
    RETURN node
  }}
  WITH DISTINCT node
  WITH node, [label IN labels(node) WHERE label IN $f.kinds] AS kinds
  WHERE size(kinds) > 0
  WITH node, kinds[0] AS kind, node.keys AS keys
  WITH node, kind, keys, CASE WHEN size(keys) > 0 THEN
         [i IN range(0, size(keys) - 1) | [k IN [keys[i]] | {_KEY_SCORE}][0]] END AS scores
  WITH node, kind, scores, keys,
       reduce(best = 0.0, s IN coalesce(scores, []) | CASE WHEN s[0] > best THEN s[0] ELSE best END) AS score
  WHERE score > 0 OR scores IS NULL
  RETURN collect(CASE WHEN scores IS NULL THEN [node.id, node.name, keys] END) AS others,
         collect(CASE WHEN scores IS NOT NULL THEN [score, $f.order[kind], node] END) AS scored,
         sum(size([s IN coalesce(scores, []) WHERE s[1]])) > 0 AS risky
}}
WITH queries, others, risky, scored,
     COLLECT {{ UNWIND scored AS x RETURN x[0] AS s ORDER BY s DESC LIMIT $limit }} AS best
WITH queries, others, risky, scored, CASE WHEN size(best) < $limit THEN 0.0 ELSE best[-1] END AS floor
RETURN size(scored) AS total, others, risky, queries,
       COLLECT {{ UNWIND scored AS x WITH x WHERE x[0] >= floor
                 WITH x[0] AS score, x[1] AS kind, x[2] AS node
                 WITH [score, kind, coalesce(node.name, node.id), node.id, node.keys] AS hit
                 RETURN hit ORDER BY hit[0] DESC, hit[1], hit[2], hit[3] LIMIT $limit }} AS top"""


#: Key sizes (distinct bigrams) :data:`SHORT` reads at most, smallest first.
SHORT_SIZES = 60

#: The ``scores`` (``[score, risky]`` per key, :data:`_KEY_SCORE`) and the best ``score`` of the node
#: ``node`` with keys ``keys`` (``[]`` and 0.0 without keys).
_NODE_SCORE = f"""CASE WHEN size(keys) > 0 THEN
         [i IN range(0, size(keys) - 1) | [k IN [keys[i]] | {_KEY_SCORE}][0]] ELSE [] END AS scores
  WITH *, reduce(best = 0.0, s IN scores | CASE WHEN s[0] > best THEN s[0] ELSE best END) AS score"""

#: A two-character text (one bigram, ``$f.gram``), whose every match contains it: the first ``$limit``
#: without scoring every match. Its score is 1.0/0.95 (equal), 0.8/0.75 (prefix) or 0.6/0.55 + 0.4/L
#: (inside a key of L characters, which holds n ≤ L − 1 distinct bigrams). A node none of whose keys
#: holding the bigram has n ≤ S bigrams scores at most 0.6 + 0.4/(S + 2) (L ≥ S + 2): the bound B(S).
#: So the statement walks the nodes with a key holding the bigram by the key's size n = 1, 2, … (the
#: grams index's sized terms), scoring each, until ``$take`` of them score above B(n) at their own n;
#: S is the size where it stopped. It then reads every node of the sizes up to S in full, and every
#: node with a key starting with the text (the keys index, a prefix query: those score 0.75 or more
#: at any size). Every node it did not read scores at most B(S), and at least ``$take`` of those it
#: read score above: when the ``$limit``-th best scores above B(S) (``exact``: always, unless a node
#: counted twice through two keys), those read hold the first ``$limit`` and every tie of theirs;
#: ``total`` is the nodes of ``$f.kinds`` holding the bigram (the bare term's hits, counted, not
#: read). Else the client runs :data:`RANKED`. When the walk ends before ``$take`` (sizes up to
#: :data:`SHORT_SIZES`), the matches are few: it reads every node holding the bigram (the bare term).
#:
#: At city scale (generated names, Chinese): 德州 is in 13,821 nodes' keys, but in only 1,064 of 12
#: or fewer bigrams; 科技 7,576 and 793 of 10 or fewer.
SHORT = f"""
CALL () {{
  UNWIND range(1, {SHORT_SIZES}) AS size
  CALL (size) {{
    CALL db.index.fulltext.queryNodes($f.index, 'grams:' + $f.gram + '#' + right('000' + toString(size), 4))
    YIELD node
    RETURN node
  }}
  WITH node, size WHERE any(label IN labels(node) WHERE label IN $f.kinds)
  WITH size, node.keys AS keys
  WITH size, {_NODE_SCORE}
  WITH size WHERE score > round(0.6 + 0.4 / (size + 2), 6)
  WITH size LIMIT $take
  RETURN count(*) = $take AS cut, max(size) AS last
}}
CALL (last, cut) {{
  CALL (last, cut) {{
    CALL db.index.fulltext.queryNodes($f.index, $f.prefix_query) YIELD node
    RETURN node
    UNION
    UNWIND CASE WHEN cut THEN range(1, last) ELSE [0] END AS size
    CALL (size) {{
      CALL db.index.fulltext.queryNodes($f.index, 'grams:' + $f.gram +
                                        CASE WHEN size = 0 THEN '' ELSE '#' + right('000' + toString(size), 4) END)
      YIELD node
      RETURN node
    }}
    RETURN node
  }}
  WITH node, [label IN labels(node) WHERE label IN $f.kinds] AS kinds
  WHERE size(kinds) > 0
  WITH node, kinds[0] AS kind, node.keys AS keys
  WITH node, kind, {_NODE_SCORE}
  WHERE score > 0
  RETURN collect([score, $f.order[kind], node]) AS scored, sum(size([s IN scores WHERE s[1]])) > 0 AS risky
}}
WITH scored, risky, cut, round(0.6 + 0.4 / (last + 2), 6) AS bound,
     COLLECT {{ UNWIND scored AS x RETURN x[0] AS s ORDER BY s DESC LIMIT $limit }} AS best
WITH scored, risky, cut, NOT cut OR size(best) = $limit AND best[-1] > bound AS exact,
     CASE WHEN size(best) < $limit THEN 0.0 ELSE best[-1] END AS floor
RETURN exact, risky,
       CASE WHEN NOT cut THEN size(scored) WHEN exact THEN COUNT {{
         CALL db.index.fulltext.queryNodes($f.index, 'grams:' + $f.gram) YIELD node
         WITH node WHERE any(label IN labels(node) WHERE label IN $f.kinds)
         RETURN node
       }} END AS total,
       CASE WHEN exact THEN COLLECT {{
         UNWIND scored AS x WITH x WHERE x[0] >= floor
         WITH x[0] AS score, x[1] AS kind, x[2] AS node
         WITH [score, kind, coalesce(node.name, node.id), node.id, node.keys] AS hit
         RETURN hit ORDER BY hit[0] DESC, hit[1], hit[2], hit[3] LIMIT $limit
       }} END AS top"""
