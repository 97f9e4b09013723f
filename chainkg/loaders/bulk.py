"""Filling a new Neo4j database with the offline importer: ``chainkg load --store neo4j --bulk``.

Steps (:func:`bulk_load`):

1. refuse unless the database is empty (no node, no manifest): the importer replaces a database
   whole, and an online load is the way to add to one;
2. run the normal pipeline into an embedded store — the same validation, ids, provenance, claims
   and reject reports as any load;
3. write that graph as the importer's files (:func:`chainkg.store.neo4j.bulk.write_import_files`);
4. hand the directory to ``importer``, which must run ``neo4j-admin database import full
   @import.args`` inside it while the DBMS is stopped and leave the server running again (the test
   server: :meth:`tools.neo4j_server.Neo4jServer.import_full`; the CLI: the command in
   ``CHAINKG_NEO4J_IMPORT_COMMAND``, see :func:`command_importer`);
5. reconnect (waiting for the server), create the schema, record the inputs in the manifest, and
   check that Neo4j holds exactly the nodes and relationships of each kind that were written;
6. derive the chain queries' facts (:meth:`Neo4jStore.refresh_facts`).

When to choose it: a first load of a large graph (a province: minutes instead of an hour). Later
additions go through the online loader, which merges into what is there.
"""

from __future__ import annotations

import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from chainkg.loaders.pipeline import Loader, LoadReport, run_load
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.bulk import ImportFiles, write_import_files
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import StoreError, StoreUnavailable

__all__ = ["BulkResult", "Importer", "bulk_load", "command_importer", "import_graph"]

#: Runs the importer on a directory of import files and returns once the server is up again.
Importer = Callable[[Path], None]


class BulkResult:
    """The pipeline's reports, the files written and the seconds each phase took."""

    def __init__(self, reports: list[LoadReport], files: ImportFiles, seconds: dict[str, float]):
        self.reports = reports
        self.files = files
        self.seconds = seconds


def bulk_load(
    store: Neo4jStore,
    paths: list[Path],
    loaders: list[Loader],
    importer: Importer,
    directory: Path,
    *,
    report_dir: Path | None = None,
    batch_size: int = 10_000,
    reconnect_seconds: float = 120.0,
) -> BulkResult:
    """Load ``paths`` into the empty Neo4j database behind ``store`` with the offline importer.

    Raises :class:`StoreError` when the database is not empty, when the importer fails, or when the
    imported graph's counts differ from the written ones; :class:`StoreUnavailable` when the server
    does not come back within ``reconnect_seconds``.
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    _refuse_unless_empty(store)
    memory = MemoryStore()
    reports = run_load(memory, paths, loaders, report_dir=report_dir, batch_size=batch_size)
    seconds["pipeline"] = time.perf_counter() - started
    files = import_graph(store, memory, importer, directory, seconds=seconds, reconnect_seconds=reconnect_seconds)
    seconds["total"] = time.perf_counter() - started
    return BulkResult(reports, files, seconds)


def import_graph(
    store: Neo4jStore,
    memory: MemoryStore,
    importer: Importer,
    directory: Path,
    *,
    seconds: dict[str, float] | None = None,
    reconnect_seconds: float = 120.0,
) -> ImportFiles:
    """Steps 3–5 of :func:`bulk_load` for a graph already built by the pipeline (``memory``, e.g.
    opened from the snapshot a ``chainkg load`` saved): write it, import it, check it. The embedded
    graph is emptied once written (``memory`` is left empty), so its memory is free for the importer.
    ``seconds`` receives the phases' times (files, import, schema, facts)."""
    seconds = {} if seconds is None else seconds
    _refuse_unless_empty(store)
    mark = time.perf_counter()
    files = write_import_files(memory.graph, directory, store.database or "neo4j")
    expected, inputs = memory.counts(), memory.manifest()
    _release(memory)
    seconds["files"] = time.perf_counter() - mark
    mark = time.perf_counter()
    importer(directory)
    seconds["import"] = time.perf_counter() - mark
    mark = time.perf_counter()
    store.reset_connections()
    _reconnect(store, reconnect_seconds)
    store.set_empty_lists(files.empty_lists)
    for entry in inputs:
        store.record_input(entry)
    seconds["schema"] = time.perf_counter() - mark
    found = store.counts()
    if (expected.nodes, expected.edges) != (found.nodes, found.edges):
        raise StoreError(
            f"the bulk import into {store.uri} left other counts than were written: "
            f"nodes {found.nodes} (written {expected.nodes}), relationships {found.edges} (written {expected.edges})"
        )
    mark = time.perf_counter()
    store.refresh_facts()  # the chain queries' precomputed facts (chainkg.store.neo4j.facts)
    seconds["facts"] = time.perf_counter() - mark
    return files


def command_importer(command: str, timeout: float = 6 * 3600) -> Importer:
    """An :data:`Importer` that runs ``command`` (split like a shell would, no shell) inside the
    import directory; it must stop Neo4j, run ``neo4j-admin database import full @import.args``
    and start Neo4j again (see the README's Neo4j section for Docker compose)."""
    argv = shlex.split(command)
    if not argv:
        raise StoreError("CHAINKG_NEO4J_IMPORT_COMMAND is empty")

    def run(directory: Path) -> None:
        try:
            proc = subprocess.run(
                argv, cwd=directory, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StoreError(f"the import command {command!r} could not run: {exc}") from exc
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
            raise StoreError(f"the import command {command!r} failed (exit {proc.returncode}):\n{tail}")

    return run


def _refuse_unless_empty(store: Neo4jStore) -> None:
    counts = store.counts()
    if counts.total_nodes or store.manifest():
        raise StoreError(
            f"the Neo4j database at {store.uri} is not empty ({counts.total_nodes} nodes, "
            f"{counts.total_edges} relationships): bulk import only fills a new database. "
            "Load without --bulk to add to it, or empty it first (chainkg load --store neo4j --reset …)"
        )


def _release(memory: MemoryStore) -> None:
    """Free the embedded graph before the importer and the restarted server need the memory (a
    province's graph is 8 GiB): its attribute dict is emptied, so the tables go now even while a
    cached networkx view still refers back to the graph (a cycle only a full collection would free)."""
    graph = memory.graph
    memory.clear()
    vars(graph).clear()


def _reconnect(store: Neo4jStore, seconds: float) -> None:
    """Connect (schema included) as soon as the restarted server answers. The indexes are populated
    from the whole imported graph: a province's full-text index takes minutes, so the wait is long."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            store.connect(index_wait_seconds=6 * 3600, derive_facts=False)  # derived once the load is whole
            return
        except StoreUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)
