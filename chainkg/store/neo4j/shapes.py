"""Each chain's shape kept per graph version: its segments and their FEEDS neighbours as one value, read
with one index seek instead of walked on every gap analysis, chain map, profile and overview.

Why: the chain queries read, for each chain they show, its segments and their FEEDS neighbours, each
with its name, stage, chains and FEEDS neighbours (:func:`chainkg.queries.gaps.chain_segments_cypher`).
Walked on each call that is some fifty operators over every segment (700 database hits for one chain,
10,000 for every chain), and on a freshly started server — whose Cypher runtime is not compiled yet —
it was most of a gap analysis' 20 ms. The shape only changes with a write; it does not depend on
the scope.

What is derived, as nodes labelled :data:`~chainkg.store.neo4j.facts.FACT` (no ``Entity``, no kind label,
no relationships; dropped and cleared with the chain facts), one per chain, :data:`SHAPE` ``{chain}``:
``name``, ``english``, ``cluster``, ``segment_count`` (segments PART_OF it) and ``leader_count``
(enterprises with a LEADS edge to it: the chains listing's figures), ``segments`` (the ids of its
segments and their FEEDS neighbours, by id: the segment facts to read) and ``rows``, a JSON text
(a property holds no list of lists) of ``[id, name, stage, member, [[chain id, name]] by id, feeds
out, feeds in]`` per segment — :func:`chainkg.queries.gaps.chain_segments_cypher`'s rows, built by
the same statement shape. Freshness is the chain facts' own (:data:`~chainkg.store.neo4j.facts.FRESH`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.neo4j.facts import FACT

__all__ = ["READ", "SHAPE", "WRITE", "derive", "schema_statements"]

SHAPE = "ChainkgChainShapeFact"

_CHAIN = NodeKind.CHAIN.value
_PART_OF = EdgeKind.PART_OF.value
_FEEDS = EdgeKind.FEEDS.value
_LEADS = EdgeKind.LEADS.value

#: Runs one statement of a derivation (its own bounded transaction) and returns its rows.
Run = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]


def schema_statements() -> list[str]:
    """The shapes' index (idempotent)."""
    return [f"CREATE INDEX chainkg_chain_shape IF NOT EXISTS FOR (n:{SHAPE}) ON (n.chain)"]


#: Every chain with its listing figures and its segments and their FEEDS neighbours (rows as
#: :data:`chainkg.queries.gaps.CYPHER` ``segments`` gives them, as lists).
READ = f"""
MATCH (chain:{_CHAIN})
CALL (chain) {{
  OPTIONAL MATCH (member)-[:{_PART_OF}]->(chain)
  OPTIONAL MATCH (member)-[:{_FEEDS}]-(neighbour)
  WITH collect(DISTINCT member) AS members, collect(DISTINCT neighbour) AS neighbours
  UNWIND members + neighbours AS s
  WITH DISTINCT s, s IN members AS member
  ORDER BY s.id
  RETURN collect([
    s.id, s.name, s.stage, member,
    COLLECT {{ MATCH (s)-[:{_PART_OF}]->(c) WITH DISTINCT c ORDER BY c.id RETURN [c.id, c.name] }},
    COLLECT {{ MATCH (s)-[:{_FEEDS}]->(x) WITH x ORDER BY x.id RETURN x.id }},
    COLLECT {{ MATCH (x)-[:{_FEEDS}]->(s) WITH x ORDER BY x.id RETURN x.id }}
  ]) AS rows
}}
RETURN chain.id AS chain, chain.name AS name, chain.english AS english, chain.cluster AS cluster,
       COUNT {{ ()-[:{_PART_OF}]->(chain) }} AS segment_count, COUNT {{ ()-[:{_LEADS}]->(chain) }} AS leader_count,
       rows
ORDER BY chain"""

#: The shapes of ``$shapes`` (maps of :data:`SHAPE`'s properties).
WRITE = f"""
UNWIND $shapes AS shape
CREATE (f:{FACT}:{SHAPE})
SET f = shape
RETURN count(*) AS shapes"""


def derive(run: Run) -> int:
    """Derive every chain's shape (one statement to read, one to write); returns how many."""
    shapes = []
    for row in run(READ, {}):
        shape = {k: row[k] for k in ("chain", "name", "english", "cluster", "segment_count", "leader_count")}
        shape = {k: v for k, v in shape.items() if v is not None}  # a property is never null
        shape["segments"] = [r[0] for r in row["rows"]]
        shape["rows"] = json.dumps(row["rows"], ensure_ascii=False, separators=(",", ":"))
        shapes.append(shape)
    if shapes:
        run(WRITE, {"shapes": shapes})
    return len(shapes)
