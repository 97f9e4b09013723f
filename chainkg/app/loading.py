"""A load from the command line: under the state directory's write lock, saved, and audited.

``chainkg load`` (and ``chainkg restore``) call :func:`load_paths`; the server's loads go through
:class:`chainkg.api.writes.Writer`, which keeps the same rules with copy-and-swap on top.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from chainkg.app.audit import Actor, AuditInput, input_of, record_load
from chainkg.app.lock import StateBusy, StateLock
from chainkg.app.settings import Settings
from chainkg.app.state import open_store, save_store
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import LoadReport, run_load
from chainkg.store.memory import MemoryStore
from chainkg.store.protocol import GraphStore

__all__ = ["load_paths"]


def load_paths(
    settings: Settings,
    paths: list[Path],
    *,
    actor: Actor,
    reset: bool = False,
    action: str = "load",
    progress: bool = False,
    console: Console | None = None,
    lock: StateLock | None = None,
) -> list[LoadReport]:
    """Load ``paths`` into the configured store and persist it, holding the write lock throughout.

    Waits up to ``settings.lock_wait`` seconds for another writer, then raises
    :class:`chainkg.app.lock.StateBusy` naming it. Raises :class:`chainkg.app.state.StateError` and
    :class:`chainkg.store.protocol.StoreError` as :func:`chainkg.app.state.open_store` does. Every
    outcome — done, rejected, refused, failed — is written to the audit log. A caller that holds the
    lock already passes it as ``lock``.
    """
    action = f"{action} --reset" if reset else action
    started = time.perf_counter()
    own = lock is None or not lock.held
    held = StateLock(settings.home) if own else lock
    assert held is not None
    named = [input_of(str(p), p.resolve()) for p in paths]
    if own:
        try:
            held.acquire(f"{action} " + " ".join(p.name for p in paths)[:200], wait=settings.lock_wait)
        except StateBusy as exc:
            record_load(settings.home, actor, action, "refused", named, message=str(exc))
            raise
    store: GraphStore | None = None
    try:
        try:
            if settings.store == "neo4j":
                store = open_store(settings, bootstrap=False, lock=held).store
                if reset:
                    store.clear()
            else:
                store = MemoryStore() if reset else open_store(settings, lock=held).store
            reports = run_load(
                store,
                paths,
                default_loaders(),
                report_dir=settings.reports_dir,
                batch_size=settings.batch_size,
                progress=progress,
                console=console,
            )
            save_store(store, settings)
        except Exception as exc:
            record_load(settings.home, actor, action, "failed", named, message=f"{type(exc).__name__}: {exc}")
            raise
        counts = store.counts()
        loaded = sum(r.records_loaded for r in reports)
        rejected = [r for r in reports if r.files_rejected]
        message = "; ".join(r.rejects[0].reason for r in rejected if r.rejects)[:500]
        record_load(
            settings.home,
            actor,
            action,
            "ok" if loaded or not rejected else "rejected",
            _inputs(paths, reports, store),
            reports,
            message=message,
            seconds=time.perf_counter() - started,
            graph=(counts.total_nodes, counts.total_edges),
        )
        return reports
    finally:
        if store is not None:
            store.close()
        if own:
            held.release()


def _inputs(paths: list[Path], reports: list[LoadReport], store: GraphStore) -> list[AuditInput]:
    by_path = {m.path: m for m in store.manifest()}
    out = []
    for path, report in zip(paths, reports, strict=False):
        entry = by_path.get(str(path.resolve()))
        out.append(input_of(str(path), path.resolve(), report.loader, entry.sha256 if entry else None))
    return out
