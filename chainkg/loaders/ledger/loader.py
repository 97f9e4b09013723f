"""The project ledger loader (项目台账): leads, status changes and investment by period.

A ledger directory (fields in ``data/README.md``, "Project ledger") holds any of:

- ``leads.yaml`` — 招商线索: each becomes a project at 线索 (or, for a project the graph already
  has, adds its 线索 event) with an **owner** (a chain office, or a chain whose office it is), its
  next follow-up action and the date that action is due;
- ``events.yaml`` — status changes of known projects: 洽谈 … 投产 with the date reached, or 终止 with
  its reason;
- ``investment.yaml`` — per project and period (month ``2023-03``, quarter ``2023-Q1`` or year):
  ``actual_investment`` (到位资金 received in that period) and/or ``planned_investment`` (the plan for
  it);

and optionally its own ``sources.yaml``. Each row states its facts as claims of the sources it cites,
so two ledgers that disagree about a period keep both figures and the graph shows the winner by the
conflict rule; the same row loaded again changes nothing. Status rows become the project's status
events (one per status: :mod:`chainkg.loaders.lifecycle` derives the current status from them).
A row naming a project the graph does not know is rejected with that reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chainkg.loaders.cited import as_list, citations, field_error, list_files, load_list, load_sources, record_fields
from chainkg.loaders.pipeline import LoadContext, RecordError
from chainkg.loaders.readers.yaml_records import Located
from chainkg.schema.kinds import EdgeKind, EventKind, InvestRole, NodeKind, ProjectStatus
from chainkg.schema.lifecycle import Period
from chainkg.schema.models import Project, ProjectEvent, check_partial_date, make_edge
from chainkg.schema.money import MoneyError, parse_amount
from chainkg.schema.records import Batch, EdgeRecord, NodeRecord, Provenance

__all__ = ["LEDGER_FILES", "LedgerLoader"]

#: The list files a ledger directory may hold (besides sources), in load order.
LEDGER_FILES = ("leads", "events", "investment")


class LedgerLoader:
    name = "ledger"

    def accepts(self, path: Path) -> bool:
        return path.is_dir() and any(list_files(path, stem) for stem in LEDGER_FILES)

    def inputs(self, path: Path) -> Iterator[Path]:
        for stem in ("sources", *LEDGER_FILES):
            yield from list_files(path, stem)

    def estimate(self, path: Path) -> int | None:
        return None

    def load(self, path: Path, ctx: LoadContext) -> None:
        load_sources(path, ctx)
        steps = {"leads": _leads, "events": _events, "investment": _Investment().step}
        for stem in LEDGER_FILES:
            for file in list_files(path, stem):
                load_list(file, ctx, steps[stem])


# --- leads ---------------------------------------------------------------------------------

_LEAD_FIELDS = {
    "name",
    "aliases",
    "enterprise",
    "chain",
    "segments",
    "located_in",
    "owner",
    "lead_date",
    "next_action",
    "next_action_due",
    "total_investment",
    "description",
    "sources",
}


def _leads(file: str, items: Iterable[Located], ctx: LoadContext) -> None:
    for item in items:
        ctx.read()
        try:
            batch, notes = _lead(record_fields(item), ctx)
        except RecordError as exc:
            ctx.reject(file, item.line, exc)
            continue
        for field_name, reason, value in notes:
            ctx.note(file, item.line, field_name, reason, value)
        ctx.accept(batch, file, item.line)


def _lead(data: dict[str, Any], ctx: LoadContext) -> tuple[Batch, list[tuple[str, str, Any]]]:
    unknown = sorted(set(data) - _LEAD_FIELDS)
    if unknown:
        raise RecordError(unknown[0], "unknown field (check the spelling against data/README.md)")
    if not data.get("lead_date"):
        raise RecordError("lead_date", "a lead needs the date it was recorded (YYYY-MM-DD)")
    prov = citations(data.get("sources"), ctx)
    office = _owner(data, ctx)
    fields: dict[str, Any] = {
        k: data[k] for k in ("lead_date", "next_action", "next_action_due", "description") if data.get(k) is not None
    }
    if data.get("total_investment") is not None:
        try:
            money = parse_amount(data["total_investment"])
        except MoneyError as exc:
            raise RecordError("total_investment", str(exc), data["total_investment"]) from exc
        fields.update(total_investment=money.amount, currency=money.currency.value)
    names = [str(n) for n in [data.get("name"), *as_list(data.get("aliases"))] if n]
    if not names:
        raise RecordError("name", "a lead needs the project's name")
    existing = next((p for n in names if (p := ctx.resolver.resolve(NodeKind.PROJECT, n))), None)
    try:
        if existing is None:
            model = Project.model_validate({"name": names[0], "aliases": names[1:], **fields})
        else:  # a project the graph has: keep its name, add the lead's facts
            props = ctx.resolver.node_props(existing) or {}
            model = Project.model_validate({"name": str(props.get("name") or names[0]), "aliases": names, **fields})
    except ValidationError as exc:
        raise field_error(exc) from exc
    record = model.to_record(prov)
    if existing is not None:
        record = NodeRecord(NodeKind.PROJECT, existing, record.props, record.provenance)
    ctx.resolver.add(NodeKind.PROJECT, record.id, model.keys(), None)
    notes: list[tuple[str, str, Any]] = []
    edges: list[EdgeRecord] = [make_edge(EdgeKind.HANDLES, office, record.id, provenance=prov)]
    for field_name, kinds, kind in (
        ("located_in", (NodeKind.PARK, NodeKind.REGION), EdgeKind.LOCATED_IN),
        ("segments", (NodeKind.SEGMENT,), EdgeKind.IN_SEGMENT),
    ):
        for name in as_list(data.get(field_name)):
            target = next((t for k in kinds if (t := ctx.resolver.resolve(k, str(name)))), None)
            if target is None:
                notes.append((field_name, f"no {'/'.join(k.zh for k in kinds)} of that name in the graph", name))
                continue
            edges.append(make_edge(kind, record.id, target, provenance=prov))
    for name in as_list(data.get("enterprise")):
        investor = ctx.resolver.resolve(NodeKind.ENTERPRISE, str(name))
        if investor is None:
            notes.append(("enterprise", "no enterprise of that name in the graph (add it to the dataset)", name))
            continue
        edges.append(make_edge(EdgeKind.INVESTS_IN, investor, record.id, {"role": InvestRole.INVESTOR.value}, prov))
    return Batch(nodes=[record], edges=edges), notes


def _owner(data: dict[str, Any], ctx: LoadContext) -> str:
    """The chain office following the lead: ``owner`` (an office, or a chain whose office it is) or
    else ``chain``'s office."""
    for field_name in ("owner", "chain"):
        name = data.get(field_name)
        if not name:
            continue
        office = ctx.resolver.resolve(NodeKind.CHAIN_OFFICE, str(name))
        if office is not None:
            return office
        chain = ctx.resolver.resolve(NodeKind.CHAIN, str(name))
        if chain is not None:
            office = ctx.resolver.resolve(NodeKind.CHAIN_OFFICE, f"{_chain_name(ctx, chain)}产业链链长办公室")
            if office is not None:
                return office
        raise RecordError(field_name, "no chain office, or chain with an office, of that name in the graph", name)
    raise RecordError("owner", "a lead needs an owner: a chain office (or a chain, for its office)")


def _chain_name(ctx: LoadContext, chain: str) -> str:
    props = ctx.resolver.node_props(chain) or {}
    return str(props.get("name") or chain.partition(":")[2])


# --- status events -------------------------------------------------------------------------

_EVENT_FIELDS = {"project", "status", "date", "as_of", "reason", "sources"}


def _events(file: str, items: Iterable[Located], ctx: LoadContext) -> None:
    for item in items:
        ctx.read()
        try:
            batch = _event(record_fields(item), ctx)
        except RecordError as exc:
            ctx.reject(file, item.line, exc)
            continue
        ctx.accept(batch, file, item.line)


def _event(data: dict[str, Any], ctx: LoadContext) -> Batch:
    unknown = sorted(set(data) - _EVENT_FIELDS)
    if unknown:
        raise RecordError(unknown[0], "unknown field (check the spelling against data/README.md)")
    project = _project(data, ctx)
    status = data.get("status")
    if status == ProjectStatus.TERMINATED.value and not data.get("reason"):
        raise RecordError("reason", "a 终止 row needs the reason the project ended")
    try:
        fields = {"project": project, "event": EventKind.STATUS.value, "status": status, "date": data.get("date")}
        model = ProjectEvent.model_validate({"name": "x", **fields})
    except ValidationError as exc:
        raise field_error(exc) from exc
    if data.get("as_of") is not None:
        try:
            check_partial_date(str(data["as_of"]))
        except ValueError as exc:
            raise RecordError("as_of", str(exc), data["as_of"]) from exc
    claims = {k: data[k] for k in ("date", "as_of", "reason") if data.get(k) is not None}
    return _event_batch(ctx, project, model, citations(data.get("sources"), ctx, claims))


# --- investment ----------------------------------------------------------------------------

_INVESTMENT_FIELDS = {"project", "period", "actual_investment", "planned_investment", "sources"}


class _Investment:
    """Investment rows; a project's periods must not overlap within a load (a month inside a quarter
    would be counted twice)."""

    def __init__(self) -> None:
        self.periods: dict[str, list[tuple[Period, int]]] = {}

    def step(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        for item in items:
            ctx.read()
            try:
                batch = self._row(record_fields(item), ctx, item.line)
            except RecordError as exc:
                ctx.reject(file, item.line, exc)
                continue
            ctx.accept(batch, file, item.line)

    def _row(self, data: dict[str, Any], ctx: LoadContext, line: int) -> Batch:
        unknown = sorted(set(data) - _INVESTMENT_FIELDS)
        if unknown:
            raise RecordError(unknown[0], "unknown field (check the spelling against data/README.md)")
        project = _project(data, ctx)
        try:
            period = Period.parse(str(data.get("period") or ""))
        except ValueError as exc:
            raise RecordError("period", str(exc), data.get("period")) from exc
        claims: dict[str, int] = {}
        for field_name in ("actual_investment", "planned_investment"):
            if data.get(field_name) is None:
                continue
            try:
                money = parse_amount(data[field_name])
            except MoneyError as exc:
                raise RecordError(field_name, str(exc), data[field_name]) from exc
            if money.currency.value != "CNY":
                raise RecordError(field_name, "ledger amounts are in 元 (CNY)", data[field_name])
            claims[field_name] = money.amount
        try:
            model = ProjectEvent.model_validate(
                {"name": "x", "project": project, "event": EventKind.INVESTMENT.value, "period": period.label, **claims}
            )
        except ValidationError as exc:
            raise field_error(exc) from exc
        for other, other_line in self.periods.get(project, []):
            if other != period and other.overlaps(period):
                raise RecordError(
                    "period", f"overlaps {other.label} of the same project on line {other_line}", period.label
                )
        self.periods.setdefault(project, []).append((period, line))
        return _event_batch(ctx, project, model, citations(data.get("sources"), ctx, claims))


# --- shared --------------------------------------------------------------------------------


def _project(data: dict[str, Any], ctx: LoadContext) -> str:
    name = data.get("project")
    if not name:
        raise RecordError("project", "name the project (its name, an alias or its id)")
    text = str(name)
    found = ctx.resolver.resolve(NodeKind.PROJECT, text.removeprefix(f"{NodeKind.PROJECT.prefix}:"))
    if found is None:
        raise RecordError("project", "no project of that name in the graph (record it as a lead first)", text)
    return found


def _event_batch(ctx: LoadContext, project: str, model: ProjectEvent, prov: list[Provenance]) -> Batch:
    """The event node (its facts are its sources' claims, resolved after the load) and its EVENT_OF link."""
    props = ctx.resolver.node_props(project) or {}
    tag = model.tag
    record = NodeRecord(
        NodeKind.PROJECT_EVENT,
        model.id,
        {
            "name": f"{props.get('name') or project.partition(':')[2]}·{tag}",
            "aliases": [],
            "project": project,
            "event": model.event.value,
            **({"status": tag} if model.event is EventKind.STATUS else {"period": tag}),
            "keys": [],
        },
        prov,
    )
    return Batch(nodes=[record], edges=[make_edge(EdgeKind.EVENT_OF, record.id, project, provenance=prov)])
