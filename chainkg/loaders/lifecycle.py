"""Project lifecycle: loaded facts become status events, and the current status is derived from them.

A project's history is its :class:`~chainkg.schema.models.ProjectEvent` nodes (``EVENT_OF`` the
project): one per status it reached (线索 … 投产, 终止), each citing the sources that state it, and one
per period of investment reported (written by the ledger loader). After every load, for each project
the load touched:

1. **Facts become events.** A status or a status date written on the project record (``status``,
   ``status_as_of``, ``signed_date``, ``start_date`` …) becomes the event of that status, cited by the
   record's sources; a source's claims about the project (``{status: 在建}``, ``{production_date:
   2019-03}``) become the event of that status cited by that source alone. Per source, the event
   claims ``date`` (the date the status was reached, when stated), ``as_of`` (a date by which it
   was reached, when stated) and, for 终止, ``reason``. Events are keyed by (project, status), so
   loading the same facts again — from any input, in any order — lands on the same nodes.
2. **Each event's dates.** ``date``: the stated date, the winner among its sources' claims by the rule
   of :mod:`chainkg.schema.conflicts`; ``known_from``: the earliest statement of it (a source's
   ``as_of`` claim, else the source's own date); ``reason`` likewise resolved.
3. **The project's current status is derived, never overwritten by a record**: the furthest stage
   among its status events, 终止 when it was terminated; ``status_as_of`` is that event's
   ``known_from`` (the date of the source stating it, as before), else its ``date``. The record's
   own ``status`` and ``status_as_of`` are facts for step 1 and are not written to the node, so a
   later event (a ledger's 开工) is never undone by loading the record again. The
   ``status_timeline`` and ``investment_timeline`` that ``as_of`` queries read are written beside
   them (:mod:`chainkg.schema.lifecycle`).

Everything here reads the store in bulk (a few statements per 2,000 projects) and writes only what
changed, so loading twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from chainkg.schema.conflicts import Claim, resolve_claims
from chainkg.schema.ids import event_id
from chainkg.schema.kinds import Currency, EdgeKind, EventKind, NodeKind, ProjectStatus
from chainkg.schema.lifecycle import day_end, investment_entry, timeline_entry
from chainkg.schema.models import make_edge
from chainkg.schema.records import Batch, NodeRecord, Provenance
from chainkg.store.protocol import ClaimRow, GraphStore, WriteResult
from chainkg.store.provenance import merge_provenance

__all__ = ["DERIVED", "LifecycleFacts", "derive_lifecycle"]

#: Project properties this module derives (a record's own values are facts, not written as such).
DERIVED = ("status", "status_as_of", "status_timeline", "investment_timeline")
_RECORD_FACTS = ("status", "status_as_of")
_CHUNK = 2000
_PIPELINE = tuple(ProjectStatus)
#: (status, its value, its date field, whether it is 终止), read once: enum attributes are slow in a loop.
_STATUSES = tuple((s, s.value, s.date_field, s is ProjectStatus.TERMINATED) for s in _PIPELINE)


@dataclass
class LifecycleFacts:
    """What one load said about projects' lifecycles: the record-level facts of each project record
    it wrote, and every project whose events it touched."""

    records: dict[str, list[tuple[dict[str, Any], list[Provenance]]]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)

    def take(self, record: NodeRecord) -> None:
        """Remember a project record's lifecycle facts; its derived fields are not written as given."""
        props = record.props
        facts = {s.date_field: props[s.date_field] for s in _PIPELINE if props.get(s.date_field) is not None}
        for name in (*_RECORD_FACTS, "termination_reason"):
            if props.get(name) is not None:
                facts[name] = props[name]
        for name in _RECORD_FACTS:
            props.pop(name, None)
        self.touched.add(record.id)
        if facts:
            self.records.setdefault(record.id, []).append((facts, list(record.provenance)))

    def touch(self, project_id: str) -> None:
        self.touched.add(project_id)


def derive_lifecycle(store: GraphStore, facts: LifecycleFacts) -> WriteResult:
    """Steps 1–3 of the module docstring for every project ``facts`` touched; returns what step 1 wrote.

    In chunks of :data:`_CHUNK` projects. A store whose reads may run beside its writes
    (``reads_beside_writes``: Neo4j, each read its own transaction) has the next chunk read on a thread
    of its own while this one is derived and written:
    the chunks share no node a write touches (each writes its own projects and their events only, and
    no source), so what the next chunk reads is the same whenever it is read."""
    result = WriteResult()
    projects = sorted(facts.touched)
    chunks = [projects[start : start + _CHUNK] for start in range(0, len(projects), _CHUNK)]
    if not getattr(store, "reads_beside_writes", False) or len(chunks) < 2:
        for chunk in chunks:
            result.add(_derive(store, _read(store, chunk), facts))
        return result
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chainkg-lifecycle") as pool:
        read = pool.submit(_read, store, chunks[0])
        for number in range(len(chunks)):
            held = read.result()
            if number + 1 < len(chunks):
                read = pool.submit(_read, store, chunks[number + 1])
            result.add(_derive(store, held, facts))
    return result


@dataclass
class _Held:
    """What the store holds of one chunk's projects and their possible events, read before any is written."""

    projects: list[str]
    ids: dict[str, list[tuple[ProjectStatus, str]]]
    nodes: dict[str, dict[str, Any]]
    rows: defaultdict[str, list[ClaimRow]]


def _read(store: GraphStore, projects: list[str]) -> _Held:
    ids = {p: [(status, event_id(p, value)) for status, value, _, _ in _STATUSES] for p in projects}
    asked = [*projects, *(e for pairs in ids.values() for _, e in pairs)]
    nodes = store.nodes(asked)
    rows = _group(store.claims([n for n in asked if n in nodes]))
    return _Held([p for p in projects if p in nodes], ids, nodes, rows)


def _derive(store: GraphStore, held: _Held, facts: LifecycleFacts) -> WriteResult:
    """One chunk: what the store holds of its projects and their possible events is read once, before
    the events are written (:func:`_read`); what the events hold afterwards is that with the written
    provenance put in place of the stored one per source (:func:`_after_write`, the rule both stores
    write CITES by), so nothing is read back after the write. (Reading the events back cost a third of
    the derivation's time at city scale: BENCHMARKS.md §2, seventh round.)"""
    projects, ids, nodes, rows = held.projects, held.ids, held.nodes, held.rows
    batch = Batch()
    for project in projects:
        batch.extend(_events_from_facts(project, nodes[project], facts.records.get(project, []), rows[project]))
    event_rows = _after_write(batch, rows)
    result = store.write(batch) if len(batch) else WriteResult()
    if event_rows is None:  # a source the chunk's rows do not date (not met in practice): read back as before
        event_rows = _group(store.claims([e for pairs in ids.values() for _, e in pairs]))
        events = store.nodes(list(event_rows))
    else:
        written = {n.id: n.props for n in batch.nodes}
        # an event with no source citing it is left alone, as when its claims were read back
        events = {e: nodes.get(e) or written[e] for pairs in ids.values() for _, e in pairs if event_rows.get(e)}
    updates: dict[str, dict[str, Any]] = {}
    for project in projects:
        reached: list[tuple[ProjectStatus, _EventDates]] = []
        for status, eid in ids[project]:
            if eid not in events:
                continue
            dates = _event_dates(event_rows[eid])
            reached.append((status, dates))
            _changed(updates, eid, events[eid], dates.props())
        _changed(updates, project, nodes[project], _project_props(reached, nodes[project], rows[project]))
    if updates:
        store.set_node_props(updates)
    return result


def _after_write(batch: Batch, rows: defaultdict[str, list[ClaimRow]]) -> defaultdict[str, list[ClaimRow]] | None:
    """The claim rows of the batch's events once it is written: per event, the stored rows of the
    sources it does not cite now, and one row per source it cites (its merged provenance replaces that
    source's stored CITES, as both stores write a node's provenance); each source's date and authority
    from the rows read. None when a cited source is in none of the rows read."""
    dated = {row.provenance.source: (row.source_date, row.source_authority) for group in rows.values() for row in group}
    after: defaultdict[str, list[ClaimRow]] = defaultdict(list)
    for node in batch.nodes:
        written = merge_provenance(node.provenance)
        cited = {prov.source for prov in written}
        kept = [row for row in rows.get(node.id, ()) if row.provenance.source not in cited]
        for prov in written:
            if prov.source not in dated:
                return None
            date, authority = dated[prov.source]
            kept.append(ClaimRow(node.id, Provenance(prov.source, prov.evidence, prov.claims), date, authority))
        after[node.id] = sorted(kept, key=lambda row: row.provenance.source)
    for node_id, group in rows.items():
        after.setdefault(node_id, group)
    return after


# --- step 1: facts → events -----------------------------------------------------------------


def _events_from_facts(
    project: str,
    props: dict[str, Any],
    records: list[tuple[dict[str, Any], list[Provenance]]],
    rows: list[ClaimRow],
) -> Batch:
    cited: dict[ProjectStatus, list[Provenance]] = {}
    for record_facts, provenance in records:
        for status, claims in _statements(record_facts):
            for prov in provenance:
                cited.setdefault(status, []).append(Provenance(prov.source, prov.evidence, claims, prov.certainty))
    for row in rows:
        for status, claims in _statements(row.provenance.claims_dict()):
            prov = row.provenance
            cited.setdefault(status, []).append(Provenance(prov.source, prov.evidence, claims, prov.certainty))
    batch = Batch()
    name = str(props.get("name") or project)
    for status, provenance in cited.items():
        record = NodeRecord(
            NodeKind.PROJECT_EVENT,
            event_id(project, status.value),
            {
                "name": f"{name}·{status.value}",
                "aliases": [],
                "project": project,
                "event": EventKind.STATUS.value,
                "status": status.value,
                "keys": [],
            },
            merge_provenance(provenance),
        )
        batch.nodes.append(record)
        batch.edges.append(make_edge(EdgeKind.EVENT_OF, record.id, project, provenance=record.provenance))
    return batch


def _statements(values: dict[str, Any]) -> Iterable[tuple[ProjectStatus, tuple[tuple[str, Any], ...]]]:
    """The status events a set of project fields (a record's, or one source's claims) states, each
    with what it claims about the event (its date, the date it was reached by, why it ended)."""
    status = values.get("status")
    for each, value, date_field, terminated in _STATUSES:
        date = values.get(date_field)
        if date is None and status != value:
            continue
        claims: dict[str, Any] = {}
        if date is not None:
            claims["date"] = str(date)
        if status == value and values.get("status_as_of") is not None:
            claims["as_of"] = str(values["status_as_of"])
        if terminated and values.get("termination_reason"):
            claims["reason"] = values["termination_reason"]
        yield each, tuple(sorted(claims.items()))


# --- step 2: an event's dates -------------------------------------------------------------


@dataclass(frozen=True)
class _EventDates:
    date: str | None
    known_from: str | None
    reason: str | None
    disputed: tuple[str, ...]

    @property
    def reached_by(self) -> str | None:
        """A date by which the status was certainly reached (partial, as stated)."""
        return self.date if self.date is not None else self.known_from

    def props(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "known_from": self.known_from,
            "reason": self.reason,
            "disputed": list(self.disputed) or None,
        }


def _event_dates(rows: list[ClaimRow]) -> _EventDates:
    claims: list[Claim] = []
    values: dict[str, set[str]] = {}
    statements: list[str] = []
    for row in rows:
        stated = dict(row.provenance.claims)
        for name in ("date", "reason"):
            value = stated.get(name)
            if value is not None:
                claims.append(Claim(name, value, row.provenance.source, row.source_date, row.source_authority))
                values.setdefault(name, set()).add(repr(value))
        when = stated.get("as_of") or row.source_date
        if when:
            statements.append(str(when))
    if all(len(v) == 1 for v in values.values()):  # the sources agree: nothing to resolve (the usual case)
        winners: dict[str, Any] = {c.field: c.value for c in claims}
        disputed: list[str] = []
    else:
        winners, disputed = resolve_claims(claims)
    known = min(statements, key=_earliest) if len(statements) > 1 else (statements[0] if statements else None)
    return _EventDates(winners.get("date"), known, winners.get("reason"), tuple(disputed))


def _earliest(date: str) -> tuple[str, str]:
    return (day_end(date), date)


# --- step 3: the project -------------------------------------------------------------------


def _project_props(
    reached: list[tuple[ProjectStatus, _EventDates]], props: dict[str, Any], rows: list[ClaimRow]
) -> dict[str, Any]:
    timeline = []
    for status, dates in reached:
        if dates.reached_by is None:
            continue
        known = day_end(dates.known_from) if dates.known_from else day_end(dates.reached_by)
        # a source stating that the status was reached makes it true by the source's date at the latest
        true_from = min(day_end(dates.reached_by), known)
        timeline.append(timeline_entry(true_from, known, status))
    out: dict[str, Any] = {
        "status_timeline": timeline or None,
        "investment_timeline": _investment_timeline(props, rows) or None,
    }
    if reached:
        status, dates = reached[-1]  # pipeline order: the furthest stage, 终止 last
        out["status"] = status.value
        out["status_as_of"] = dates.known_from or dates.date
    else:
        out["status"] = out["status_as_of"] = None
    return out


def _investment_timeline(props: dict[str, Any], rows: list[ClaimRow]) -> list[str]:
    """``known from|元`` entries: each dated source's claimed total, and the record's own total from
    the project's earliest dated source; on one day the later-resolved claim stands."""
    entries: dict[str, int] = {}
    claimed = [r for r in rows if "total_investment" in r.provenance.claims_dict() and r.source_date]
    for row in sorted(claimed, key=lambda r: (day_end(r.source_date or ""), r.source_authority, r.provenance.source)):
        stated = row.provenance.claims_dict()
        amount = stated["total_investment"] if stated.get("currency", Currency.CNY.value) == Currency.CNY.value else 0
        entries[day_end(row.source_date or "")] = int(amount)
    record_total = props.get("total_investment")
    curated = set(props.get("curated_fields") or [])
    if record_total is not None and (not claimed or "total_investment" in curated):
        dated = [day_end(r.source_date) for r in rows if r.source_date]
        if dated:
            cny = int(record_total) if props.get("currency", Currency.CNY.value) == Currency.CNY.value else 0
            first = min(dated)
            if "total_investment" in curated:
                entries = {day: cny for day in entries}  # the curator's figure stands whatever a source says
            entries.setdefault(first, cny)
    return [investment_entry(day, amount) for day, amount in sorted(entries.items())]


# --- plumbing ------------------------------------------------------------------------------


def _group(rows: list[ClaimRow]) -> defaultdict[str, list[ClaimRow]]:
    grouped: defaultdict[str, list[ClaimRow]] = defaultdict(list)
    for row in rows:
        grouped[row.node_id].append(row)
    return grouped


def _changed(updates: dict[str, dict[str, Any]], node_id: str, current: dict[str, Any], wanted: dict[str, Any]) -> None:
    diff = {k: v for k, v in wanted.items() if current.get(k) != v}
    if diff:
        updates.setdefault(node_id, {}).update(diff)
