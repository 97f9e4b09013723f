"""Search on Neo4j: the server scores the candidates that contain the text, the client the rest.

Why: a short or common text (两个字, 集团, 科技, 德州) is inside the keys of thousands of nodes.
Shipping every candidate's id, name and keys to the client and scoring them there
(:func:`chainkg.queries.matching.cypher_matches`) cost more than the server's search. Yet scoring
every candidate on the server is no better: the Dice coefficient of character bigrams, written in
Cypher, costs the server more than the shipping saved (measured: 2–3× the server time).

So :data:`RANKED` splits the candidates, and drops those that cannot score: a key whose Dice
coefficient reaches 0.5 shares c ≥ m/3 of the text's m bigrams (Dice = 2c/(m + n) with n ≥ c the
key's bigrams), and c is m substring tests (a bigram of the text is one of the key's exactly when
the key contains it) — cheap, where the coefficient itself is not. A node with a key that *contains* the text scores by
that key alone (equal 1.0, prefix 0.8, inside 0.6 + 0.2·|q|/|key|, aliases 0.05 less: each at least
0.55, while the other rules — the key inside the text, Dice — give at most 0.5), which is a few
string tests: the server scores those, counts them and ships only the first ``$limit`` in search's
order (score, kind, name, id). Every other candidate (the key inside the text, a similar key, or
no keys) is shipped and scored by the client with :func:`chainkg.queries.matching.score_keys`, as
before; the client merges both and scores the shipped best again, so the answer is the definition's.

Both sides agree exactly: the same IEEE arithmetic in the same order, strings sized, cut and
compared by code point on both (checked on Neo4j 5.26), and the same rounding to 6 decimals except
on an exact tie (a multiple of 1/128, which Python rounds to even and Cypher up): only a key of a
multiple of 128 characters can score one, and then the statement says so (``risky``) and the
client scores every candidate itself.
"""

from __future__ import annotations

__all__ = ["RANKED", "RISKY_SIZE"]

#: Keys of this many characters (or a multiple) may round differently on the server (see above).
RISKY_SIZE = 128

#: One key's score when it contains ``$q`` (``alias``: not the node's first key).
_CONTAINING = """CASE
        WHEN keys[i] = $q THEN CASE WHEN i > 0 THEN 0.95 ELSE 1.0 END
        WHEN keys[i] STARTS WITH $q THEN CASE WHEN i > 0 THEN 0.75 ELSE 0.8 END
        ELSE round(CASE WHEN i > 0 THEN 0.55 ELSE 0.6 END + 0.2 * size($q) / size(keys[i]), 6)
      END"""

#: The candidates of ``$queries`` (``[index, Lucene query]`` pairs, as
#: :func:`chainkg.queries.matching.candidate_queries` makes them) of the kinds ``$kinds``. One row:
#: ``total`` (candidates with a key containing ``$q``), ``top`` (the first ``$limit`` of them in
#: search's order, as ``[score, kind order, name, id, keys]``), ``others`` (every other candidate
#: that may score, as ``[id, name, keys]``; ``$q_grams``: the text's bigrams) and ``risky`` (see
#: the module's docstring).
RANKED = f"""
UNWIND $queries AS query
CALL (query) {{
  CALL db.index.fulltext.queryNodes(query[0], query[1]) YIELD node
  RETURN node
}}
WITH DISTINCT node
WITH node, [label IN labels(node) WHERE label IN $kinds] AS kinds
WHERE size(kinds) > 0
WITH node, kinds[0] AS kind, node.keys AS keys
WITH node, kind, keys,
     CASE WHEN size(keys) > 0 THEN [i IN range(0, size(keys) - 1) WHERE keys[i] CONTAINS $q] ELSE [] END AS hits
WITH node, kind, keys, hits
WHERE size(hits) > 0 OR keys IS NULL OR size(keys) = 0 OR any(k IN keys WHERE (size(k) >= 2 AND $q CONTAINS k)
      OR [c IN [size([g IN $q_grams WHERE k CONTAINS g])] | c > 0 AND 3 * c >= size($q_grams)][0])
WITH collect(CASE WHEN size(hits) = 0 THEN [node.id, node.name, keys] END) AS others,
     collect(CASE WHEN size(hits) > 0 THEN [
       reduce(best = 0.0, i IN hits | [s IN [{_CONTAINING}] | CASE WHEN s > best THEN s ELSE best END][0]),
       $order[kind], coalesce(node.name, node.id), node.id, keys] END) AS scored,
     sum(size([i IN hits WHERE size(keys[i]) % {RISKY_SIZE} = 0])) AS risky
RETURN size(scored) AS total, others, risky > 0 AS risky,
       COLLECT {{ UNWIND scored AS x RETURN x ORDER BY x[0] DESC, x[1], x[2], x[3] LIMIT $limit }} AS top"""
