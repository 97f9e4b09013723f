"""The Neo4j store: the same graph as :class:`~chainkg.store.memory.MemoryStore`, in a Neo4j 5 server.

Why it exists: a province's graph outgrows one process, and analysts already browse the same data
in Neo4j Browser/Bloom. Every answer must be identical to the embedded store's; the parity suite
(``tests/neo4j``) checks exactly that, query by query, on a real server.

Design, in the order a batch meets it:

- **One driver per store** (the official ``neo4j`` driver; py2neo is unmaintained since 2023), made
  at start-up and closed by :meth:`close`. All sessions share the driver's bookmark manager, so a
  read after a write sees it, on a cluster too.
- **A batch is one managed write transaction** (``session.execute_write``): the driver retries it
  on transient errors and lost connections for ``write_retry_seconds``, and a batch either commits
  whole or leaves nothing. Inside it, in order:

  1. one statement fetches the kinds and element ids of every id the batch mentions that exists
     already (one row of three lists), and the checks both stores share
     (:func:`chainkg.store.checks.check_batch`) run on that — unknown endpoints or cited sources,
     endpoint kinds an edge kind does not allow, an id whose prefix or stored label says another
     kind — with the same messages; a refusal raises :class:`StoreError` inside the transaction,
     which rolls it back;
  2. nodes per kind label, at most ``batch_size`` rows per statement: ``UNWIND $rows … CREATE`` for
     ids that did not exist when the batch began (their first occurrence), ``… MERGE`` for the rest;
     properties overwrite, ``aliases``/``keys`` accumulate (:data:`chainkg.store.protocol.UNION_LISTS`);
  3. node provenance as CITES relationships (folded per source exactly as the MemoryStore folds),
     created for new nodes, merged for the others;
  4. relationships per type: created when an end is a new node (none can exist yet), else merged
     by ``key``, provenance as a sorted union. CITES and relationships find their ends by element id
     (from step 1 and the node statements: :mod:`chainkg.store.neo4j.writer`).

  A record repeated within a batch (the same id, the same edge) goes into a later statement than
  its first occurrence, so it is merged onto the first exactly as the MemoryStore merges records in
  order — same graph, same created/changed counts. :meth:`write_ahead` runs a batch on the store's
  writer thread, so a loader prepares the next batch meanwhile; every read and other write waits
  for it first.
- **Errors are typed**: an unreachable server (refused connection, lost session, a transaction
  still failing after its retries) is :class:`StoreUnavailable`, naming the server and the batch;
  anything else the server refuses is :class:`StoreError` naming the batch. Callers never see a
  ``neo4j`` exception.
- **Reads**: a query module's ``run_cypher(execute, params)`` runs inside one managed *read*
  transaction (routed to a reader on a cluster), retried briefly (``read_retry_seconds``) so a
  request fails fast with 503 while the server is down, and the next one succeeds once it is back:
  connections idle for a second are tested before use, so the driver replaces the ones a restart
  killed instead of failing a transaction on them.
- **The manifest** of loaded inputs lives in one :attr:`StoreLabel.META` node. There is no
  snapshot: every committed batch is already durable in Neo4j, so :meth:`save` does nothing.

The statements themselves are in :mod:`chainkg.store.neo4j.statements`, the order they go in
(a batch's plan) in :mod:`chainkg.store.neo4j.plan`, the schema in :mod:`chainkg.store.neo4j.ddl`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as neo4j_errors

from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.records import Batch, Provenance
from chainkg.store.ahead import WriteAhead
from chainkg.store.neo4j import derive, facts, groups, shapes
from chainkg.store.neo4j import statements as cy
from chainkg.store.neo4j.ddl import DERIVED, GRAMS_INDEXES, NAMES_INDEX, escape_lucene, schema_statements
from chainkg.store.neo4j.errors import translated
from chainkg.store.neo4j.own import Own
from chainkg.store.neo4j.rows import in_one_map, sent
from chainkg.store.neo4j.rows import rows as plain_rows
from chainkg.store.neo4j.writer import Refused, write_tx
from chainkg.store.protocol import (
    ClaimRow,
    Counts,
    ManifestEntry,
    ParamsT,
    QueryForms,
    ResultT,
    StoreError,
    WriteResult,
)

__all__ = ["Neo4jStore"]

log = logging.getLogger(__name__)

T = TypeVar("T")


#: Items :meth:`Neo4jStore.set_empty_lists` sets per transaction.
EMPTY_LISTS_PER_TX = 100_000


class Neo4jStore:
    """A :class:`~chainkg.store.protocol.GraphStore` on a Neo4j 5 server (see the module docstring)."""

    backend = "neo4j"
    #: A read may run on another thread while a write runs (each is its own transaction): the lifecycle
    #: derivation reads its next chunk beside the write of this one (loaders.lifecycle.derive_lifecycle).
    reads_beside_writes = True

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str | None = None,
        database: str | None = None,
        *,
        batch_size: int = 1000,
        write_retry_seconds: float = 30.0,
        read_retry_seconds: float = 2.0,
        connection_timeout: float = 5.0,
        liveness_check_seconds: float = 1.0,
    ):
        self.uri = uri
        self.database = database or None
        self.batch_size = batch_size
        self.read_retry_seconds = read_retry_seconds
        self.write_retry_seconds = write_retry_seconds
        auth = (user, password) if password is not None else None
        self._driver_options: dict[str, Any] = {
            "auth": auth,
            "connection_timeout": connection_timeout,
            "connection_acquisition_timeout": max(connection_timeout * 2, 10.0),
            "max_transaction_retry_time": write_retry_seconds,
            # a pooled connection idle this long is tested before use: after a server restart the
            # dead ones are replaced at once instead of failing the next transaction
            "liveness_check_timeout": liveness_check_seconds,
            # chainkg's statements name every kind, including ones a young graph has no data
            # of yet; the server's "unknown label/type/property" hints are noise here.
            "notifications_min_severity": "OFF",
        }
        self._driver = self._new_driver()
        self._bookmarks = self._driver.execute_query_bookmark_manager
        self._batches = 0
        self._ahead = WriteAhead(self.write)
        self._write_lock = threading.Lock()
        self._own = Own()
        self._facts_retry_at = 0.0
        self._facts_thread: threading.Thread | None = None
        self._facts_lock = threading.Lock()

    def _new_driver(self) -> neo4j.Driver:
        try:
            return neo4j.GraphDatabase.driver(self.uri, **self._driver_options)
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreError(f"cannot use Neo4j URI {self.uri!r}: {exc}") from exc

    def reset_connections(self) -> None:
        """Drop the driver (its connections and its bookmarks) and make a new one: after the database
        was replaced underneath (a bulk import), the old bookmarks name transactions it never had."""
        self._driver.close()
        self._driver = self._new_driver()
        self._bookmarks = self._driver.execute_query_bookmark_manager
        self._own.forget()

    def connect(self, *, index_wait_seconds: int = 300, derive_facts: bool = True) -> Neo4jStore:
        """Check that the server answers and the schema is in place, and (unless told not to) bring
        the chain facts up to date (:meth:`refresh_facts`); returns ``self``.

        Raises :class:`StoreUnavailable` when the server cannot be reached, :class:`StoreError`
        when it refuses (wrong password, unknown database).
        """
        with self._translate("connecting"):
            self._driver.verify_connectivity()
        self.ensure_schema(index_wait_seconds)
        if derive_facts:
            self._refresh_quietly()
        return self

    def ensure_schema(self, index_wait_seconds: int = 300) -> None:
        """Create the constraints and indexes of :mod:`chainkg.store.neo4j.ddl` (idempotent), drop those
        it replaced, derive the nodes' ``grams`` once on a database written before them, and wait until
        the indexes are online, so the first load (and search) already uses them."""
        with self._translate("setting up the schema"):
            records, _, _ = self._driver.execute_query(
                cy.HAS_INDEX, {"names": list(GRAMS_INDEXES)}, database_=self.database
            )
            for statement in (
                schema_statements()
                + facts.schema_statements()
                + groups.schema_statements()
                + shapes.schema_statements()
            ):
                self._driver.execute_query(statement, database_=self.database)
            if not records[0]["n"]:  # a database written before the grams existed: derive them once
                with self._session(write=True) as session:
                    session.run(cy.BACKFILL_GRAMS).consume()
            # polled, not db.awaitIndexes: populating a bulk-imported province's indexes can outlast a
            # transaction timeout
            deadline = time.monotonic() + index_wait_seconds
            while True:
                records, _, _ = self._driver.execute_query(cy.INDEX_STATES, database_=self.database)
                states = {row["state"] for row in records}
                if states <= {"ONLINE"}:
                    return
                if "FAILED" in states:
                    raise StoreError(f"Neo4j at {self.uri}: an index of chainkg's schema failed to build")
                if time.monotonic() > deadline:
                    raise StoreError(f"Neo4j at {self.uri}: the indexes were not online after {index_wait_seconds} s")
                time.sleep(0.2)

    def close(self) -> None:
        self._ahead.close()
        self.wait_for_facts()  # a derivation started by save() finishes (a CLI load ends with it)
        self._driver.close()

    def save(self, path: Path) -> None:
        """Every committed batch is already durable in the server: what is left at the end of a load or
        a write is to derive the chain facts for the graph as it now is — in the background
        (:meth:`refresh_in_background`: a derivation takes tens of seconds at city scale, and queries
        answer from the graph meanwhile); :meth:`close` waits for it."""
        self.refresh_in_background()

    def refresh_in_background(self) -> None:
        """:meth:`refresh_facts` in a thread of its own, unless one is running already."""
        with self._facts_lock:
            if self._facts_thread is not None and self._facts_thread.is_alive():
                return
            self._facts_thread = threading.Thread(target=self._refresh_quietly, name="chainkg-facts", daemon=True)
            self._facts_thread.start()

    def wait_for_facts(self, timeout: float | None = None) -> None:
        """Return once a derivation started in the background has ended."""
        thread = self._facts_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def refresh_facts(self) -> bool:
        """Derive the chain facts (:mod:`chainkg.store.neo4j.facts`) unless they are fresh; True when it
        derived them. Several transactions of bounded size (:mod:`chainkg.store.neo4j.derive`); a
        second caller meanwhile takes over and the first returns False, the facts derived either way."""
        with self._translate("deriving the chain facts", unwritten=True), self._session(write=True) as session:
            return derive.derive(session.execute_write, self._run)

    def _refresh_quietly(self) -> None:
        """:meth:`refresh_facts`, logging instead of raising: the queries answer without the facts
        (more slowly), so a server that refuses (a read-only user, a replica) still serves."""
        if time.monotonic() < self._facts_retry_at:
            return
        try:
            self.refresh_facts()
        except StoreError as exc:
            self._facts_retry_at = time.monotonic() + 60.0
            log.warning("the chain facts were not derived (queries answer from the graph): %s", exc)

    # --- writing ---------------------------------------------------------------------------

    def write(self, batch: Batch) -> WriteResult:
        """One batch, one transaction (:func:`chainkg.store.neo4j.writer.write_tx`); after a batch handed
        to :meth:`write_ahead` has finished, and one batch at a time: what the store learns from a
        batch (:mod:`chainkg.store.neo4j.own`) is learnt before the next one plans. A batch the checks
        refused changes nothing it knows; any other failure (the commit's outcome may be unknown)
        makes it forget."""
        self._ahead.wait()
        with self._write_lock:
            self._batches += 1
            what = _describe(batch, self._batches)
            try:
                with self._translate(f"writing {what}", unwritten=True), self._session(write=True) as session:
                    written = session.execute_write(write_tx, batch, self._own, self.batch_size, self._run)
            except Refused:
                raise
            except BaseException:
                self._own.forget()
                raise
            self._own.learn(written.trusted, written.learnt)
            return written.result

    def write_ahead(self, batch: Batch) -> Future[WriteResult]:
        """:meth:`write` on the store's writer thread (:class:`~chainkg.store.ahead.WriteAhead`):
        returns once the batch before has finished, with the future of this one's outcome, so the
        caller prepares the next batch while the server writes this one."""
        return self._ahead.submit(batch)

    def _run(self, tx: neo4j.ManagedTransaction, statement: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every statement of a write goes through here (one place to trace or to interrupt in tests)."""
        return plain_rows(tx.run(statement, sent(parameters)))

    def set_node_props(self, updates: dict[str, dict[str, Any]]) -> None:
        if not updates:
            return
        self._ahead.wait()
        ids = list(updates)
        rows = [{"id": node_id, "props": props} for node_id, props in updates.items()]

        def work(tx: neo4j.ManagedTransaction) -> None:
            unknown = {row["id"] for row in self._run(tx, cy.UNKNOWN_IDS, {"ids": ids})}
            if unknown:
                first = next(i for i in ids if i in unknown)
                raise StoreError(f"cannot update unknown node {first!r}")
            self._run(tx, facts.MARK, {})
            for start in range(0, len(rows), self.batch_size):
                self._run(tx, cy.SET_NODE_PROPS, {"rows": rows[start : start + self.batch_size]})

        with self._translate(f"updating {len(rows)} nodes", unwritten=True), self._session(write=True) as session:
            session.execute_write(work)

    def set_empty_lists(self, empty: list[tuple[Any, str]]) -> None:
        """Set the listed properties to ``[]``: ``(node id, name)`` or ``((source, target, type, key),
        name)`` — what the offline importer cannot write (:mod:`chainkg.store.neo4j.bulk`). In
        transactions of :data:`EMPTY_LISTS_PER_TX` items: a province has millions (2.0M nodes overran
        the server's transaction memory in one), and setting ``[]`` again is harmless, so a failure
        part way leaves nothing a second run would not mend."""
        self._ahead.wait()
        nodes: dict[str, dict[str, Any]] = {}
        edges: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for owner, name in empty:
            (edges if isinstance(owner, tuple) else nodes).setdefault(owner, {})[name] = []
        node_items = list(nodes.items())
        for start in range(0, len(node_items), EMPTY_LISTS_PER_TX):
            self.set_node_props(dict(node_items[start : start + EMPTY_LISTS_PER_TX]))
        by_kind: dict[EdgeKind, list[dict[str, Any]]] = {}
        for (source, target, kind, key), props in edges.items():
            by_kind.setdefault(EdgeKind(kind), []).append(
                {"source": source, "target": target, "key": key, "props": props}
            )

        def work(tx: neo4j.ManagedTransaction, kind: EdgeKind, rows: list[dict[str, Any]]) -> None:
            self._run(tx, facts.MARK, {})
            for start in range(0, len(rows), self.batch_size):
                self._run(tx, cy.SET_EDGE_PROPS[kind], {"rows": rows[start : start + self.batch_size]})

        for kind, rows in by_kind.items():
            for start in range(0, len(rows), EMPTY_LISTS_PER_TX):
                chunk = rows[start : start + EMPTY_LISTS_PER_TX]
                with self._translate("setting empty lists", unwritten=True), self._session(write=True) as session:
                    session.execute_write(work, kind, chunk)

    def record_input(self, entry: ManifestEntry) -> None:
        self._ahead.wait()

        def work(tx: neo4j.ManagedTransaction) -> None:
            (row,) = tx.run(cy.READ_MANIFEST, {"id": cy.MANIFEST_ID}).data() or [{"entries": None}]
            kept = [e for e in row["entries"] or [] if _entry_key(e) != (entry.loader, entry.path)]
            text = json.dumps(entry.to_dict(), ensure_ascii=False, sort_keys=True)
            tx.run(cy.WRITE_MANIFEST, {"id": cy.MANIFEST_ID, "entries": [*kept, text]}).consume()

        with self._translate(f"recording input {entry.path}", unwritten=True), self._session(write=True) as session:
            session.execute_write(work)

    def clear(self) -> None:
        """Delete every chainkg node and relationship (the schema stays)."""
        self._ahead.wait()
        self.wait_for_facts()  # a derivation meanwhile would hold locks on the facts this deletes
        # the writer node goes too (a bookkeeping node): every store's next write then knows nothing
        with self._write_lock, self._translate("clearing the graph"), self._session(write=True) as session:
            self._own.forget()
            for statement in cy.CLEAR:
                session.run(statement).consume()
            session.run(facts.CLEAR).consume()

    # --- reading ---------------------------------------------------------------------------

    def run(self, query: QueryForms[ParamsT, ResultT], params: ParamsT) -> ResultT:
        """Run the query's Cypher form in one read transaction, each statement's parameters as one map
        (:func:`~chainkg.store.neo4j.rows.one_map`); when it found the chain
        facts stale (it answered from the graph instead), derive them for the next call."""

        def work(tx: neo4j.ManagedTransaction) -> ResultT:
            def execute(statement: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
                return plain_rows(self._result(tx, statement, parameters))

            return query.cypher(execute, params)

        stale = facts.watch()
        answer = self._read_tx(work, f"running {query.name}")
        if stale:
            self.refresh_in_background()
        return answer

    def read(self, statement: str, parameters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of one read statement (its own transaction)."""

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return plain_rows(self._result(tx, statement, parameters or {}))

        return self._read_tx(work, "reading")

    @staticmethod
    def _result(tx: neo4j.ManagedTransaction, statement: str, parameters: Mapping[str, Any]) -> neo4j.Result:
        """``statement`` run in ``tx`` as every read statement is sent: its parameters as one map
        (:func:`~chainkg.store.neo4j.rows.in_one_map`). The one place that sends a read, so that a
        benchmark timing the statements (``benchmarks.neo4j_queries``) sends exactly what the store does."""
        return tx.run(*in_one_map(statement, parameters))

    def counts(self) -> Counts:
        nodes: dict[str, int] = {}
        edges: dict[str, int] = {}
        for row in self.read(cy.COUNTS):
            if row["n"]:
                (nodes if row["what"] == "node" else edges)[row["kind"]] = row["n"]
        return Counts(dict(sorted(nodes.items())), dict(sorted(edges.items())))

    def edge_count(self, kind: EdgeKind) -> int:
        (row,) = self.read(cy.EDGE_COUNT[kind])
        return int(row["n"])

    def node(self, node_id: str) -> dict[str, Any] | None:
        rows = self.read(cy.NODE, {"id": node_id})
        if not rows:
            return None
        props = {k: v for k, v in rows[0]["props"].items() if k != "id" and k not in DERIVED}
        kinds = rows[0]["kinds"]
        return {"kind": kinds[0] if kinds else kind_of_id(node_id).value, **props}

    def nodes(self, node_ids: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(node_ids), self.batch_size):
            for row in self.read(cy.NODES, {"ids": node_ids[start : start + self.batch_size]}):
                props = {k: v for k, v in row["props"].items() if k != "id" and k not in DERIVED}
                kinds = row["kinds"]
                out[row["id"]] = {"kind": kinds[0] if kinds else kind_of_id(row["id"]).value, **props}
        return out

    def find_ids(self, kind: NodeKind, key: str) -> list[str]:
        if not key:
            return []
        rows = self.read(
            cy.FIND_IDS, {"index": NAMES_INDEX, "query": f"keys:{escape_lucene(key)}", "kind": kind.value, "key": key}
        )
        return [row["id"] for row in rows]

    def names(self, kind: NodeKind) -> dict[str, str]:
        return {row["key"]: row["id"] for row in self.read(cy.NAMES[kind])}

    def claims(self, node_ids: list[str]) -> list[ClaimRow]:
        rows = self.read(cy.CLAIMS, {"ids": list(node_ids)})
        return [
            ClaimRow(
                row["id"],
                Provenance(
                    source=row["source"],
                    evidence=row["evidence"] or "",
                    claims=tuple(sorted(json.loads(row["claims"] or "{}").items())),
                ),
                row["date"],
                int(row["authority"] or 0),
            )
            for row in rows
        ]

    def manifest(self) -> list[ManifestEntry]:
        rows = self.read(cy.READ_MANIFEST, {"id": cy.MANIFEST_ID})
        entries = rows[0]["entries"] if rows else None
        return [ManifestEntry.from_dict(json.loads(text)) for text in entries or []]

    # --- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _session(self, *, write: bool) -> Iterator[neo4j.Session]:
        with self._driver.session(
            database=self.database,
            default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS,
            bookmark_manager=self._bookmarks,
            max_transaction_retry_time=self.write_retry_seconds if write else self.read_retry_seconds,
        ) as session:
            yield session

    def _read_tx(self, work: Callable[[neo4j.ManagedTransaction], T], what: str) -> T:
        self._ahead.wait()  # a read sees every batch handed over before it
        with self._translate(what), self._session(write=False) as session:
            return session.execute_read(work)

    def _translate(self, what: str, *, unwritten: bool = False) -> AbstractContextManager[None]:
        return translated(self.uri, what, unwritten=unwritten)


def _describe(batch: Batch, number: int) -> str:
    first = batch.nodes[0].id if batch.nodes else (batch.edges[0].source if batch.edges else "")
    return f"batch {number} ({len(batch.nodes)} nodes, {len(batch.edges)} edges{f', from {first!r}' if first else ''})"


def _entry_key(text: str) -> tuple[str, str]:
    data = json.loads(text)
    return data["loader"], data["path"]
