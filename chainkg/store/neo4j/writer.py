"""A batch's write transaction on Neo4j.

:func:`write_tx` is what one batch sends, inside one managed write transaction:

1. mark the chain facts stale (:data:`chainkg.store.neo4j.facts.MARK`);
2. :data:`~chainkg.store.neo4j.statements.EXISTING`: the kind and the element id of every id the batch
   mentions that exists already; the checks both stores share run on the kinds;
3. the plan's steps (:mod:`chainkg.store.neo4j.plan`) in order. Node steps return their nodes'
   element ids; relationship steps (CITES included) are sent with their ends' element ids instead of
   their ids, so the server seeks each end directly instead of through the ``id`` index again (about
   half of a relationship create's server CPU went to the two index seeks). Every step must write
   every row it was sent: a row that matched no end (a node deleted by another transaction since the
   batch read it) refuses the batch instead of dropping a relationship silently.

The store runs it on the caller's thread (``write``) or on its writer thread (``write_ahead``,
:class:`chainkg.store.ahead.WriteAhead`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import neo4j

from chainkg.schema.records import Batch
from chainkg.store.checks import check_batch
from chainkg.store.neo4j import facts
from chainkg.store.neo4j import statements as cy
from chainkg.store.neo4j.plan import plan
from chainkg.store.protocol import StoreError, WriteResult

__all__ = ["Run", "write_tx"]

#: Run one statement in the transaction; its rows (the store's ``_run``: one place to trace or interrupt).
Run = Callable[[neo4j.ManagedTransaction, str, Mapping[str, Any]], list[dict[str, Any]]]


def write_tx(tx: neo4j.ManagedTransaction, batch: Batch, ids: list[str], size: int, run: Run) -> WriteResult:
    """Steps 1–3 of the module docstring; the counts of what the batch created and changed. Raises
    :class:`StoreError` (the transaction then rolls back) when the checks refuse the batch or a step
    wrote fewer rows than it was sent."""
    run(tx, facts.MARK, {})  # the chain facts are stale from this commit on
    (found,) = run(tx, cy.EXISTING, {"ids": ids})
    existing = {node_id: "/".join(kinds) for node_id, kinds in zip(found["ids"], found["kinds"], strict=True)}
    check_batch(batch, existing.get)
    eids: dict[str, str] = dict(zip(found["ids"], found["eids"], strict=True))
    result = WriteResult()
    for step in plan(batch, size, existing).steps:
        if not step.nodes:
            for row in step.rows:
                row["a"] = eids[row["a"]]
                row["b"] = eids[row["b"]]
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
            result.nodes_created += answer["created"]
            result.nodes_changed += answer["changed"]
        else:
            result.edges_created += answer["created"]
            result.edges_changed += answer["changed"]
    return result
