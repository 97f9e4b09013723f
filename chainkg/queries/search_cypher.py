"""Search's scores computed by Neo4j: the best ``limit`` matches and how many there are, in one statement.

Why: a short or common text (两个字, 集团, 科技) is inside the keys of thousands of nodes. Shipping
every candidate's id, name and keys to the client and scoring them there
(:func:`chainkg.queries.matching.cypher_matches`) cost more than the server's search: the Bolt rows
and their decoding in Python were two thirds of the call. Here the server scores every candidate
with the definition of :func:`chainkg.queries.matching.score_keys` (the table in
:mod:`chainkg.queries.search`), counts those above 0 and returns the first ``limit`` in search's
order (score, kind, name, id); the client scores those few again with :func:`score_keys` (which
also names the key that matched) and checks that both agree.

The two agree exactly: every branch is the same IEEE arithmetic in the same order, both round the
same double to 6 decimals, and strings are compared, sized and cut by code point on both sides.
Where rounding could differ (a decimal ending in 5 at the 7th place: a denominator that is a
multiple of 128, i.e. a key and query of 128 or more characters together) the statement says so
(``risky``) and the client scores every candidate itself, as before; nodes without ``keys`` (or with none: their
key is their normalised name, which only Python computes) are always shipped and scored by the client.
"""

from __future__ import annotations

__all__ = ["RANKED", "RISKY_SIZE", "key_score"]

#: A key and the query of this many characters together may round differently (see above).
RISKY_SIZE = 128


def key_score(key: str, alias: str) -> str:
    """Cypher expression: :func:`chainkg.queries.matching.score_keys`' score of one key ``key`` against
    ``$q`` (its bigrams ``$q_grams``, distinct), ``alias`` a boolean expression (not the node's name)."""
    gram = f"substring({key}, j, 2)"
    grams = f"reduce(acc = [], j IN range(0, size({key}) - 2) | CASE WHEN {gram} IN acc THEN acc ELSE acc + {gram} END)"
    dice = (
        f"[kg IN [{grams}] | CASE WHEN size(kg) = 0 OR size($q_grams) = 0 THEN 0.0 "
        f"ELSE 2.0 * size([g IN kg WHERE g IN $q_grams]) / (size($q_grams) + size(kg)) END][0]"
    )
    return f"""CASE
      WHEN {key} = '' THEN 0.0
      WHEN {key} = $q THEN CASE WHEN {alias} THEN 0.95 ELSE 1.0 END
      WHEN {key} STARTS WITH $q THEN CASE WHEN {alias} THEN 0.75 ELSE 0.8 END
      WHEN {key} CONTAINS $q THEN round(CASE WHEN {alias} THEN 0.55 ELSE 0.6 END + 0.2 * size($q) / size({key}), 6)
      WHEN size({key}) >= 2 AND $q CONTAINS {key} THEN round(0.4 * size({key}) / size($q), 6)
      ELSE [d IN [{dice}] | CASE WHEN d >= 0.5 THEN round(0.5 * d, 6) ELSE 0.0 END][0]
    END"""


#: The candidates of ``$queries`` (``[index, Lucene query]`` pairs, as
#: :func:`chainkg.queries.matching.candidate_queries` makes them) of the kinds ``$kinds``, scored.
#: One row: ``total`` (keyed candidates scoring above 0), ``top`` (the first ``$limit`` of them in
#: search's order, as ``[score, kind order, name, id, keys]``), ``unkeyed`` (candidates without keys,
#: as ``[id, name]``) and ``risky`` (see the module's docstring).
RANKED = f"""
UNWIND $queries AS query
CALL (query) {{
  CALL db.index.fulltext.queryNodes(query[0], query[1]) YIELD node
  RETURN node
}}
WITH DISTINCT node
WITH node, [label IN labels(node) WHERE label IN $kinds] AS kinds
WHERE size(kinds) > 0
WITH node, kinds[0] AS kind, CASE WHEN size(node.keys) > 0 THEN node.keys END AS keys
WITH node, kind, keys,
     CASE WHEN keys IS NULL THEN null
          ELSE reduce(best = 0.0, i IN range(0, size(keys) - 1) |
                      [s IN [{key_score("keys[i]", "i > 0")}] | CASE WHEN s > best THEN s ELSE best END][0])
     END AS score
WITH collect(CASE WHEN keys IS NULL THEN [node.id, node.name] END) AS unkeyed,
     collect(CASE WHEN score > 0 THEN [score, $order[kind], coalesce(node.name, node.id), node.id, keys] END) AS scored,
     sum(CASE WHEN any(k IN coalesce(keys, []) WHERE size(k) + size($q) >= {RISKY_SIZE}) THEN 1 ELSE 0 END) AS risky
RETURN size(scored) AS total, unkeyed, risky > 0 AS risky,
       COLLECT {{ UNWIND scored AS x RETURN x ORDER BY x[0] DESC, x[1], x[2], x[3] LIMIT $limit }} AS top"""
