"""What one Neo4j store has written while no other writer has: the nodes it created, the links at them.

Why: a relationship with an end that this store created cannot exist unless this store wrote it —
nobody else has written since that node appeared. So a load's relationships at its own new nodes are
``CREATE``d, without the lookup and the comparison of a ``MERGE`` (55–85 µs of server CPU per row at
city scale, against 23–25 for a create), across batches: the dataset loader writes the nodes in one
pass and their relationships in a later one, so nine in ten of a city's relationships join nodes
created by earlier batches of the same load. What this store wrote at those nodes before is known
too (:attr:`Own.links`), so a relationship written again — the same edge from a second file, a
second source's claims — takes the comparing ``MERGE`` exactly as before, and the created nodes'
kinds and element ids are known, so the batch's existence check no longer asks about them.

Why it is safe:

- **Another writer.** Every write transaction of the store starts with
  :data:`chainkg.store.neo4j.statements.WRITER`: it takes the lock of one bookkeeping node, held until
  the transaction ends, so the write transactions of all chainkg writers (other processes, other
  store objects) run one at a time, and it swaps the token of the writer whose transaction committed
  last for its own. A transaction that finds another token than its store's — someone else wrote
  since, or the graph was cleared, or this is the store's first write — plans as if it knew nothing
  (:meth:`Own.view`), so everything is looked up and merged, and the store forgets what it knew when
  that transaction commits. Within one process the store writes one batch at a time (its write lock).
- **A batch that fails.** What a batch created is learnt only once it has committed
  (:meth:`Own.learn`); a batch refused by the checks (certainly rolled back) changes nothing here;
  any other failure — a commit whose outcome is unknown among them — makes the store forget
  everything (:meth:`Own.forget`), so a relationship it may have written unawares is merged next time.
- **Memory.** At most :data:`LIMIT` ids and link hashes are kept (about 60 bytes each); past that the
  store forgets and starts again (plans are then merges until it learns anew). A link is kept as a
  hash of its identity: two links with the same hash make the second one a merge, never a create.
- **Element ids across transactions.** Neo4j may give a deleted node's element id to a new node once
  the transactions open at the deletion have closed; every writer that deletes chainkg nodes
  (:meth:`~chainkg.store.neo4j.store.Neo4jStore.clear`) takes the writer lock and leaves a token, and
  the relationship statements check each end's ``id`` besides its element id, so a node deleted and
  replaced by hand meanwhile refuses the batch instead of receiving a relationship meant for another.

What is *not* covered: a writer that bypasses chainkg and creates relationships of chainkg's types
between chainkg's nodes during a load (by hand in Neo4j Browser, say). Such a relationship can be
duplicated by the load's create, as a duplicate made by hand would be.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

__all__ = ["LIMIT", "Learnt", "Own", "link_hash"]

#: Most ids plus link hashes kept; past this the store forgets and learns anew.
LIMIT = 2_000_000


def link_hash(source: str, target: str, rel_type: str, key: str) -> int:
    """A relationship's identity as the ``MERGE`` pattern sees it, hashed (equal identities, equal hashes)."""
    return hash((source, target, rel_type, key))


@dataclass
class Learnt:
    """What one batch's transaction created (node id → element id) and the links it wrote at nodes
    the store created, to be learnt once it has committed."""

    nodes: dict[str, str] = field(default_factory=dict)
    links: set[int] = field(default_factory=set)


@dataclass
class Own:
    """The nodes this store created (id → element id) and the hashes of the relationships it wrote at
    them, since its token was last the writer's (see the module docstring)."""

    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    nodes: dict[str, str] = field(default_factory=dict)
    links: set[int] = field(default_factory=set)

    def view(self, last_writer: str | None) -> Own:
        """What a transaction may rely on, given the token it found: all of it when the last writer
        was this store, nothing otherwise."""
        return self if last_writer == self.token else Own(self.token)

    def learn(self, trusted: bool, learnt: Learnt) -> None:
        """After a commit: forget first unless the transaction relied on what was known, then add."""
        if not trusted or len(self.nodes) + len(self.links) + len(learnt.nodes) + len(learnt.links) > LIMIT:
            self.forget()
        self.nodes.update(learnt.nodes)
        self.links.update(learnt.links)

    def forget(self) -> None:
        self.nodes = {}
        self.links = set()
