"""A batch's write transaction on Neo4j.

:func:`write_tx` is what one batch sends, inside one managed write transaction:

1. :data:`~chainkg.store.neo4j.statements.WRITER`: the writer lock (chainkg's write transactions run
   one at a time) and the token of the last writer; when it is not this store's, the transaction
   relies on nothing the store learnt before (:mod:`chainkg.store.neo4j.own`);
2. mark the chain facts stale (:data:`chainkg.store.neo4j.facts.MARK`) — in the same statement as 1
   (:data:`OPENING`: a round trip a batch less, ~0.7 ms of the client's CPU and ~0.6 ms of the
   server's each, BENCHMARKS.md §2, sixth round);
3. :data:`~chainkg.store.neo4j.statements.EXISTING`: the kind and the element id of every id the batch
   mentions that exists already — except the nodes the store created itself, whose kind and element
   id it knows; the checks both stores share run on the kinds;
4. the plan's steps (:mod:`chainkg.store.neo4j.plan`) in order. Node steps return their nodes'
   element ids; relationship steps (CITES included) are sent with their ends' element ids beside
   their ids, so the server seeks each end directly instead of through the ``id`` index again (about
   half of a relationship create's server CPU went to the two index seeks). Every step must write
   every row it was sent: a row that matched no end (a node deleted by another transaction since the
   batch read it) refuses the batch instead of dropping a relationship silently.

The store runs it on the caller's thread (``write``) or on its writer thread (``write_ahead``,
:class:`chainkg.store.ahead.WriteAhead`), and learns what it returns only once it has committed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import neo4j

from chainkg.schema.records import Batch
from chainkg.store.checks import check_batch, kind_of
from chainkg.store.neo4j import facts
from chainkg.store.neo4j import statements as cy
from chainkg.store.neo4j.own import Learnt, Own
from chainkg.store.neo4j.plan import mentioned, plan
from chainkg.store.protocol import StoreError, WriteResult

__all__ = ["OPENING", "Refused", "Run", "Written", "write_tx"]

#: Steps 1 and 2: :data:`~chainkg.store.neo4j.statements.WRITER`, creating the facts' marker before it answers.
OPENING = cy.WRITER.removesuffix("RETURN before") + f"{facts.MARK}\nRETURN before"

#: Run one statement in the transaction; its rows (the store's ``_run``: one place to trace or interrupt).
Run = Callable[[neo4j.ManagedTransaction, str, Mapping[str, Any]], list[dict[str, Any]]]


class Refused(StoreError):
    """The checks refused the batch: raised inside the transaction, which then rolls back, so nothing
    of it was written (the store keeps what it knew)."""


@dataclass
class Written:
    """A batch's counts, and what the store learns once it has committed (``trusted``: the
    transaction relied on what the store knew before, see :meth:`chainkg.store.neo4j.own.Own.learn`)."""

    result: WriteResult
    learnt: Learnt
    trusted: bool


def write_tx(tx: neo4j.ManagedTransaction, batch: Batch, own: Own, size: int, run: Run) -> Written:
    """Steps 1–4 of the module docstring. Raises :class:`Refused` when the checks refuse the batch and
    :class:`StoreError` when a step wrote fewer rows than it was sent (the transaction then rolls back)."""
    (writer,) = run(tx, OPENING, {"id": cy.WRITER_ID, "token": own.token})  # facts stale from this commit on
    known = own.view(writer["before"])
    created = known.nodes
    asked = [node_id for node_id in mentioned(batch) if node_id not in created]
    (found,) = run(tx, cy.EXISTING, {"ids": asked})
    existing = {node_id: "/".join(kinds) for node_id, kinds in zip(found["ids"], found["kinds"], strict=True)}

    def stored_kind(node_id: str) -> str | None:
        kind = existing.get(node_id)
        return kind_of(node_id).value if kind is None and node_id in created else kind

    try:
        check_batch(batch, stored_kind)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    eids: dict[str, str] = dict(zip(found["ids"], found["eids"], strict=True))
    result = WriteResult()
    steps = plan(batch, size, existing, known)
    learnt = steps.learnt
    for step in steps.steps:
        if not step.nodes:
            for row in step.rows:
                a, b = row["a"], row["b"]
                row["ea"] = eids[a] if a in eids else created[a]
                row["eb"] = eids[b] if b in eids else created[b]
        answers = run(tx, step.statement, {"rows": step.rows})
        written = answers[0]["rows"] if answers else 0  # (a statement whose every row found no end may answer no row)
        if written != len(step.rows):
            raise StoreError(
                f"{len(step.rows) - written} of {len(step.rows)} rows found no node to write to "
                "(deleted by another transaction meanwhile?); nothing of the batch was written"
            )
        answer = answers[0]
        if step.nodes:
            eids.update(zip(answer["ids"], answer["eids"], strict=True))
            if step.creates:
                learnt.nodes.update(zip(answer["ids"], answer["eids"], strict=True))
            result.nodes_created += answer["created"]
            result.nodes_changed += answer["changed"]
        else:
            result.edges_created += answer["created"]
            result.edges_changed += answer["changed"]
    return Written(result, learnt, known is own)
