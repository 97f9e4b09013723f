"""Reviewing candidates: queue what ``extract`` found, list it, accept or reject it by id.

The review queue (``<home>/candidates.jsonl``) holds every candidate with its review state; the
accepted ones are also in ``<home>/accepted.jsonl``, the input :class:`chainkg.loaders.news.accept.NewsLoader`
loads into the graph. Accepting

1. validates each candidate against the graph as it is now (through the same code that writes it),
   so a candidate that no longer fits — its parent enterprise is not in the graph, its dates run
   backwards after an edit — stays pending with a message saying why;
2. records the decision in both files (atomically), then
3. loads the accepted file through the normal pipeline, so the facts, their source and evidence are
   written exactly as a ``chainkg load`` would write them.

Accepting an accepted candidate changes nothing. Rejected candidates stay in the queue as rejected,
so re-extracting the article does not bring them back; a rejected one can still be accepted later.
An accepted one cannot be rejected: its facts are already in the graph, and review does not delete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chainkg.loaders import default_loaders
from chainkg.loaders.news.accept import KIND_ORDER, NewsLoader, to_batch
from chainkg.loaders.news.candidates import (
    Candidate,
    CandidateKind,
    ExtractReport,
    Review,
    accepted_path,
    load_queue,
    merge_into_queue,
    queue_path,
    save_queue,
)
from chainkg.loaders.pipeline import (
    LoadContext,
    LoadReport,
    RecordError,
    Resolver,
    reconcile_claims,
    run_load,
    write_reject_report,
)
from chainkg.schema.normalize import normalize_name
from chainkg.store.protocol import GraphStore

__all__ = ["Decision", "accept", "queue_extraction", "reject", "select"]


@dataclass
class Decision:
    """What happened to one requested id; ``ok`` is False for unknown or invalid candidates."""

    id: str
    ok: bool
    message: str
    notes: list[str] = field(default_factory=list)


def queue_extraction(home: Path, report: ExtractReport) -> ExtractReport:
    """Add an extraction's candidates to the review queue; already queued ones keep their review."""
    path = queue_path(home)
    queue = load_queue(path)
    new = [c for result in report.files for c in result.candidates]
    merged, added, known = merge_into_queue(queue, new)
    if added:
        save_queue(path, merged)
    reviews = {c.id: c.review for c in merged}
    for result in report.files:
        result.candidates = [c.model_copy(update={"review": reviews.get(c.id, c.review)}) for c in result.candidates]
    return report.model_copy(update={"queue": str(path), "added": added, "already_queued": known})


def select(
    home: Path,
    *,
    review: Review | None = Review.PENDING,
    kind: CandidateKind | None = None,
    source: str | None = None,
    min_confidence: float | None = None,
) -> list[Candidate]:
    """Candidates of the queue by review state (None: all), kind, source (key, or part of the file
    name or title) and lowest confidence."""
    out = []
    for candidate in load_queue(queue_path(home)):
        if min_confidence is not None and candidate.confidence < min_confidence:
            continue
        if review is not None and candidate.review is not review:
            continue
        if kind is not None and candidate.kind != kind.value:
            continue
        if source and not _from_source(candidate, source):
            continue
        out.append(candidate)
    return out


def _from_source(candidate: Candidate, source: str) -> bool:
    ref = candidate.source
    wanted = normalize_name(source)
    return ref.key == source or wanted in normalize_name(ref.file) or wanted in normalize_name(ref.title)


def accept(
    store: GraphStore,
    home: Path,
    ids: Iterable[str],
    *,
    note: str | None = None,
    report_dir: Path | None = None,
) -> tuple[list[Decision], LoadReport | None]:
    """Accept candidates by id (in dependency order); returns a decision per id and the load report
    (None when nothing new was accepted, so nothing was written)."""
    path = queue_path(home)
    queue = load_queue(path)
    by_id = {c.id: c for c in queue}
    decisions: list[Decision] = []
    wanted: list[Candidate] = []
    for candidate_id in dict.fromkeys(ids):
        candidate = by_id.get(candidate_id)
        if candidate is None:
            decisions.append(Decision(candidate_id, False, "no candidate with this id in the review queue"))
        elif candidate.review is Review.ACCEPTED:
            decisions.append(Decision(candidate_id, True, "already accepted; nothing changed"))
        else:
            wanted.append(candidate)
    wanted.sort(key=lambda c: KIND_ORDER.index(c.kind))

    resolver = Resolver(store)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    accepted: list[Candidate] = []
    for candidate in wanted:
        notes: list[str] = []

        def add_note(field: str, reason: str, value: str, notes: list[str] = notes) -> None:
            notes.append(f"{field} {value}: {reason}")

        try:
            to_batch(candidate, resolver, add_note)
        except RecordError as exc:
            reason = f"{exc.field}: {exc.reason}" if exc.field else exc.reason
            decisions.append(Decision(candidate.id, False, f"not accepted, invalid now — {reason}"))
            continue
        updated = candidate.model_copy(update={"review": Review.ACCEPTED, "reviewed_at": now, "review_note": note})
        accepted.append(updated)
        message = "accepted" + (
            "; aggregates stay in the review file (the graph has no node for them)"
            if candidate.kind == "aggregate"
            else ""
        )
        decisions.append(Decision(candidate.id, True, message, notes))
    if not accepted:
        return decisions, None

    done = {c.id: c for c in accepted}
    previously = load_queue(accepted_path(home))
    save_queue(accepted_path(home), [c for c in previously if c.id not in done] + accepted)
    save_queue(path, [done.get(c.id, c) for c in queue])
    return decisions, load_accepted(store, home, report_dir)


def reject(home: Path, ids: Iterable[str], *, note: str | None = None) -> list[Decision]:
    path = queue_path(home)
    queue = load_queue(path)
    by_id = {c.id: c for c in queue}
    decisions: list[Decision] = []
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    changed: dict[str, Candidate] = {}
    for candidate_id in dict.fromkeys(ids):
        candidate = by_id.get(candidate_id)
        if candidate is None:
            decisions.append(Decision(candidate_id, False, "no candidate with this id in the review queue"))
        elif candidate.review is Review.ACCEPTED:
            decisions.append(
                Decision(candidate_id, False, "already accepted: its facts are in the graph; review does not delete")
            )
        elif candidate.review is Review.REJECTED:
            decisions.append(Decision(candidate_id, True, "already rejected; nothing changed"))
        else:
            changed[candidate_id] = candidate.model_copy(
                update={"review": Review.REJECTED, "reviewed_at": now, "review_note": note}
            )
            decisions.append(Decision(candidate_id, True, "rejected (kept in the queue as rejected)"))
    if changed:
        save_queue(path, [changed.get(c.id, c) for c in queue])
    return decisions


def load_accepted(store: GraphStore, home: Path, report_dir: Path | None = None) -> LoadReport:
    """Load ``accepted.jsonl`` through the pipeline.

    When the news loader is one of :func:`loaders.default_loaders` the file is recorded in the
    store's manifest, so a snapshot rebuilt from its inputs replays the accepted facts. Until then it
    is loaded without a manifest entry (an entry naming an unknown loader would make the next start
    fail); the facts are in the saved snapshot, but a rebuild from inputs would not replay them.
    """
    path = accepted_path(home)
    loader = NewsLoader()
    if any(known.name == loader.name for known in default_loaders()):
        (report,) = run_load(store, [path], [loader], report_dir=report_dir)
        return report
    report = LoadReport(loader=loader.name)
    ctx = LoadContext(store, report, 1000, None)
    loader.load(path, ctx)
    ctx.flush()
    reconcile_claims(store, ctx.claimed_nodes)
    if report_dir is not None:
        report.report_path = report_dir / f"{path.name}.rejects.csv"
        write_reject_report(report.report_path, report.rejects)
    return report
