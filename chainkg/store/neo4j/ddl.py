"""The Neo4j schema, generated from the enums: constraints and indexes, each created idempotently.

Why generated: a new node kind added to :class:`~chainkg.schema.kinds.NodeKind` gets its constraint
and indexes without anyone remembering to write them, and no label is ever typed by hand.

What exists after :func:`schema_statements` has run (Neo4j 5 syntax, every statement ``IF NOT
EXISTS``, so running them again changes nothing):

- a uniqueness constraint on ``id`` for every kind label, for :attr:`StoreLabel.ENTITY` (every
  graph node, any kind: edge endpoints and entity detail find nodes by id alone) and for the
  :attr:`StoreLabel.META` bookkeeping node. A uniqueness constraint is also the index ``MERGE``
  and ``MATCH ({id: …})`` use;
- a range index on ``name`` for every kind label, for analysts' ``MATCH (e:Enterprise {name: …})``
  in Neo4j Browser;
- the full-text index :data:`NAMES_INDEX` over ``keys`` (the normalised name and aliases) and
  ``grams`` (the character bigrams of those keys, :func:`key_grams`; kept by the writes beside
  ``keys`` and hidden from every read, see :data:`DERIVED`) of every kind, with Lucene's ``keyword``
  analyzer: each key and each gram is one term, untouched, in its own field (``keys:…``,
  ``grams:…``) of one Lucene document per node. An exact ``keys`` term finds the nodes a name
  resolves to (the loaders' name lookups), and wildcard terms find every key containing a text. A
  plain range index cannot do either: Neo4j does not index the elements of a list property for
  ``IN``. Search's candidates are the keys that contain a text or share a bigram with it: as
  wildcard terms (``keys:*科技*``) Lucene finds those by walking the whole term dictionary of the field
  (tens of thousands of keys at city scale) per term, as exact ``grams`` terms it looks each one up.

  One index, not one per property: each index a node is in costs that node a Lucene document
  written at commit (about 20 µs of server CPU a keyed node at city scale, BENCHMARKS.md §2,
  sixth round), and a fielded query reads only its field, so the answers are the same. A database
  made before this holds the two indexes :data:`REPLACED_INDEXES` names; :func:`schema_statements`
  drops them once the new one exists.

Names are ``chainkg_<label>_<property>`` so ``SHOW INDEXES`` tells chainkg's own apart.
"""

from __future__ import annotations

import re

from chainkg.schema.kinds import NodeKind, StoreLabel

__all__ = [
    "DERIVED",
    "GRAMS",
    "GRAMS_INDEXES",
    "MAX_SIZE",
    "NAMES_INDEX",
    "REPLACED_INDEXES",
    "constraint_statements",
    "escape_lucene",
    "index_statements",
    "key_grams",
    "names_fulltext_index",
    "schema_statements",
    "sized_gram",
]

#: The full-text index over every node's ``keys`` and ``grams``.
NAMES_INDEX = "chainkg_names"
#: The property holding a node's key bigrams (:func:`key_grams`).
GRAMS = "grams"
#: Indexes of earlier versions, dropped by :func:`schema_statements`: ``chainkg_keys`` (``keys`` alone),
#: ``chainkg_key_grams`` (``grams`` alone) and ``chainkg_grams`` (``grams`` before its terms held key sizes).
REPLACED_INDEXES = ("chainkg_keys", "chainkg_key_grams", "chainkg_grams")
#: Indexes whose presence says the nodes' ``grams`` hold sized terms (a database without any of them
#: was written before: its grams are derived once, on connect).
GRAMS_INDEXES = (NAMES_INDEX, "chainkg_key_grams")

#: Node properties the Neo4j store derives for its indexes: not part of the graph, never read back.
DERIVED = (GRAMS,)


#: Largest key size a sized term spells out (four digits); a larger key is written as this size,
#: which no search asks for (a query of at most 100 characters asks for sizes up to 3·99 + 1).
MAX_SIZE = 9999


def sized_gram(gram: str, size: int) -> str:
    """The term for ``gram`` in a key of ``size`` distinct bigrams: ``gram#0009`` (never a bare bigram,
    which is two characters)."""
    return f"{gram}#{min(size, MAX_SIZE):04d}"


def key_grams(keys: list[str]) -> list[str]:
    """The terms of ``keys`` in the grams index, sorted: each key's distinct character bigrams
    (:func:`chainkg.store.key_index.bigrams`), and each again with the key's number of distinct
    bigrams (:func:`sized_gram`) — the embedded store's postings ordered by key size, as terms."""
    terms: set[str] = set()
    for key in keys:
        grams = {key[i : i + 2] for i in range(len(key) - 1)}
        terms.update(grams)
        suffix = sized_gram("", len(grams))  # the same for every gram of the key
        terms.update([gram + suffix for gram in grams])
    return sorted(terms)


def _name(label: str, prop: str) -> str:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()
    return f"chainkg_{snake}_{prop}"


def unique_id_constraint(label: str) -> str:
    """``CREATE CONSTRAINT … REQUIRE n.id IS UNIQUE`` for one label."""
    return f"CREATE CONSTRAINT {_name(label, 'id')} IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"


def name_index(label: str) -> str:
    """A range index on ``name`` for one label."""
    return f"CREATE INDEX {_name(label, 'name')} IF NOT EXISTS FOR (n:{label}) ON (n.name)"


def names_fulltext_index() -> str:
    """The keyword-analysed full-text index over ``keys`` and ``grams`` of every node kind."""
    labels = "|".join(kind.value for kind in NodeKind)
    return (
        f"CREATE FULLTEXT INDEX {NAMES_INDEX} IF NOT EXISTS FOR (n:{labels}) ON EACH [n.keys, n.{GRAMS}] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword', `fulltext.eventually_consistent`: false}}"
    )


def constraint_statements() -> list[str]:
    labels = [kind.value for kind in NodeKind] + [StoreLabel.ENTITY.value, StoreLabel.META.value]
    return [unique_id_constraint(label) for label in labels]


def index_statements() -> list[str]:
    return [name_index(kind.value) for kind in NodeKind] + [names_fulltext_index()]


def schema_statements() -> list[str]:
    """Every statement, constraints first; each is idempotent and runs in its own transaction."""
    return constraint_statements() + index_statements() + [f"DROP INDEX {name} IF EXISTS" for name in REPLACED_INDEXES]


_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/ ])')


def escape_lucene(text: str) -> str:
    """``text`` as literal characters inside a Lucene query term (every operator escaped)."""
    return _LUCENE_SPECIAL.sub(r"\\\1", text)
