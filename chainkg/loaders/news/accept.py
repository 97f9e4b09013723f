"""Accepted news candidates → ordinary graph facts, through the shared load pipeline.

``<home>/accepted.jsonl`` holds every candidate a reviewer accepted. :class:`NewsLoader` loads that
file like any other input: each article becomes a ``Source`` node; each candidate is validated by the
graph's models and written as records citing that source, with the sentence it came from as
evidence and, for projects, the values the article states as claims (so conflicting reports are
resolved by :mod:`chainkg.schema.conflicts`, and a curator's value on the record still wins).

- A candidate that names an existing node (by its resolved id, name or alias) enriches it: the
  article's spellings become aliases and the article a source; nothing the node already shows is
  overwritten.
- A relation needs both enterprises in the graph; a project's link to an investor or park that is
  not in the graph yet is left out with a note, and made on a later load once that enterprise or park
  is accepted (the whole file is loaded each time, in dependency order: parks, enterprises,
  relations, projects).
- Aggregates are kept in the file for reports; the graph has no node kind for them.

Loading the file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chainkg.loaders.news.candidates import (
    AggregateCandidate,
    Candidate,
    EnterpriseCandidate,
    ParkCandidate,
    PartyRef,
    PlaceRef,
    ProjectCandidate,
    RelationCandidate,
    Review,
    parse_candidate,
)
from chainkg.loaders.pipeline import LoadContext, RecordError, Resolver
from chainkg.schema.ids import source_id
from chainkg.schema.kinds import Certainty, EdgeKind, NodeKind
from chainkg.schema.models import Enterprise, NodeModel, Park, Project, Source, make_edge
from chainkg.schema.normalize import normalize_name
from chainkg.schema.records import Batch, NodeRecord, Provenance

__all__ = ["KIND_ORDER", "NewsLoader", "Note", "to_batch"]

#: Order candidates are written in, so that what a candidate links to exists before it.
KIND_ORDER = ("park", "enterprise", "relation", "project", "aggregate")

Note = Callable[[str, str, str], None]  # (field, reason, value)
_EVIDENCE_CHARS = 300


class NewsLoader:
    name = "news"

    def accepts(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() == ".jsonl"

    def inputs(self, path: Path) -> Iterator[Path]:
        yield path

    def estimate(self, path: Path) -> int | None:
        return None

    def load(self, path: Path, ctx: LoadContext) -> None:
        file = str(path)
        ctx.start_file(path, None)
        items: list[tuple[int, Candidate]] = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                candidate = parse_candidate(line)
            except (ValueError, ValidationError) as exc:
                ctx.read()
                ctx.reject(file, number, RecordError("", f"not a valid candidate: {str(exc).splitlines()[0]}"))
                continue
            if candidate.review is Review.ACCEPTED:
                items.append((number, candidate))
        for number, candidate in items:
            sid = source_id(candidate.source.key)
            if (
                ctx.resolver.node_props(sid) is None
                and ctx.resolver.resolve(NodeKind.SOURCE, candidate.source.key) is None
            ):
                source = _source(candidate)
                ctx.resolver.add(NodeKind.SOURCE, source.id, [normalize_name(source.key)], source.props())
                ctx.accept(Batch(nodes=[source.to_record()]), file, number, count=False)
        ctx.flush()
        for kind in KIND_ORDER:
            for number, candidate in items:
                if candidate.kind != kind:
                    continue
                ctx.read()

                def note(field_name: str, reason: str, value: str, number: int = number) -> None:
                    ctx.note(file, number, field_name, reason, value)

                try:
                    batch = to_batch(candidate, ctx.resolver, note)
                except RecordError as exc:
                    ctx.reject(file, number, exc)
                    continue
                ctx.accept(batch, file, number)
            ctx.flush()


def _source(candidate: Candidate) -> Source:
    ref = candidate.source
    return Source(
        name=ref.title,
        key=ref.key,
        publisher=ref.publisher,
        date=ref.date,
        url=ref.url,
        file=ref.file,
        authority=ref.authority,
    )


def to_batch(candidate: Candidate, resolver: Resolver, note: Note) -> Batch:
    """The records an accepted candidate becomes; raises :class:`RecordError` if it is not valid
    against the graph as it is now. New nodes are registered with ``resolver`` so that candidates
    written after this one can link to them."""
    if isinstance(candidate, EnterpriseCandidate):
        return _named_node(candidate, resolver, Enterprise, {"enterprise_kind": candidate.enterprise_kind.value})
    if isinstance(candidate, ParkCandidate):
        batch = _named_node(candidate, resolver, Park, {})
        park_id = batch.nodes[0].id
        if candidate.region is not None and candidate.node_id is None:
            region = _resolve_ref(resolver, NodeKind.REGION, candidate.region)
            if region is None:
                note(
                    "region", "no region of that name in the graph; the park is kept without it", candidate.region.name
                )
            else:
                batch.edges.append(make_edge(EdgeKind.LOCATED_IN, park_id, region, provenance=_provenance(candidate)))
        return batch
    if isinstance(candidate, RelationCandidate):
        return _relation(candidate, resolver)
    if isinstance(candidate, ProjectCandidate):
        return _project(candidate, resolver, note)
    if isinstance(candidate, AggregateCandidate):
        return Batch()
    raise RecordError("kind", f"unknown candidate kind {candidate.kind!r}")  # pragma: no cover - union is closed


def _provenance(candidate: Candidate, claims: dict[str, Any] | None = None, inferred: bool = False) -> list[Provenance]:
    evidence = candidate.evidence[0][:_EVIDENCE_CHARS]
    certainty = Certainty.INFERRED if inferred else Certainty.STATED
    return [Provenance(source_id(candidate.source.key), evidence, tuple(sorted((claims or {}).items())), certainty)]


def _existing(resolver: Resolver, kind: NodeKind, node_id: str | None, names: list[str]) -> str | None:
    """The node a candidate names: its resolved id if that node still exists, else by name or alias."""
    if node_id is not None:
        props = resolver.node_props(node_id)
        if props is not None and props.get("kind") == kind.value:
            return node_id
    for name in names:
        found = resolver.resolve(kind, name)
        if found:
            return found
    return None


def _named_node(
    candidate: EnterpriseCandidate | ParkCandidate, resolver: Resolver, model: type[NodeModel], extra: dict[str, Any]
) -> Batch:
    kind = model.kind
    names = [candidate.name, *getattr(candidate, "aliases", [])]
    existing = _existing(resolver, kind, candidate.node_id, names)
    prov = _provenance(candidate)
    if existing is not None:
        props = resolver.node_props(existing) or {}
        enriched = _validate(model, {"name": str(props.get("name", candidate.name)), "aliases": names})
        record = NodeRecord(kind, existing, {"aliases": enriched.aliases, "keys": enriched.keys()}, prov)
        return Batch(nodes=[record])
    node = _validate(model, {"name": candidate.name, "aliases": names[1:], **extra})
    resolver.add(kind, node.id, node.keys(), node.props())
    return Batch(nodes=[node.to_record(prov)])


def _relation(candidate: RelationCandidate, resolver: Resolver) -> Batch:
    ends: dict[str, str] = {}
    for role, party in (("child", candidate.child), ("parent", candidate.parent)):
        found = _resolve_party(resolver, party)
        if found is None:
            raise RecordError(
                role,
                f"{party.name} is not in the graph; accept its enterprise candidate first, then this one",
                party.name,
            )
        ends[role] = found
    if ends["child"] == ends["parent"]:
        raise RecordError("parent", "an enterprise cannot be its own parent", candidate.parent.name)
    props = {"stake_pct": candidate.stake_pct} if candidate.stake_pct is not None else {}
    try:
        edge = make_edge(EdgeKind.SUBSIDIARY_OF, ends["child"], ends["parent"], props, _provenance(candidate))
    except ValidationError as exc:
        raise _record_error(exc) from exc
    return Batch(edges=[edge])


def _project(candidate: ProjectCandidate, resolver: Resolver, note: Note) -> Batch:
    claims: dict[str, Any] = {}
    if candidate.total_investment is not None:
        claims["total_investment"] = candidate.total_investment
        claims["currency"] = candidate.currency.value if candidate.currency else "CNY"
    if candidate.status is not None:
        claims["status"] = candidate.status.value
    claims.update(candidate.dates.items())
    names = [candidate.name, *candidate.aliases]
    _validate(Project, {"name": candidate.name, **claims})  # the article's values must be valid together
    inferred = candidate.status_basis in ("plan", "headline")
    prov = _provenance(candidate, claims, inferred)
    existing = _existing(resolver, NodeKind.PROJECT, candidate.node_id, names)
    if existing is not None:
        props = resolver.node_props(existing) or {}
        enriched = _validate(Project, {"name": str(props.get("name", candidate.name)), "aliases": names})
        project_id = existing
        batch = Batch(
            nodes=[NodeRecord(NodeKind.PROJECT, existing, {"aliases": enriched.aliases, "keys": enriched.keys()}, prov)]
        )
    else:
        node = _validate(Project, {"name": candidate.name, "aliases": names[1:], **claims})
        project_id = node.id
        resolver.add(NodeKind.PROJECT, node.id, node.keys(), node.props())
        batch = Batch(nodes=[node.to_record(prov)])
    for party in candidate.investors:
        investor = _resolve_party(resolver, party)
        if investor is None:
            note("investors", "not in the graph yet; linked once its enterprise candidate is accepted", party.name)
            continue
        batch.edges.append(make_edge(EdgeKind.INVESTS_IN, investor, project_id, {"role": party.role.value}, prov))
    for field_name, ref, kinds in (
        ("park", candidate.park, (NodeKind.PARK,)),
        ("region", candidate.region, (NodeKind.REGION,)),
    ):
        if ref is None:
            continue
        place = next((p for k in kinds if (p := _resolve_ref(resolver, k, ref))), None)
        if place is None:
            note(field_name, "not in the graph yet; linked once its park candidate is accepted", ref.name)
            continue
        batch.edges.append(make_edge(EdgeKind.LOCATED_IN, project_id, place, provenance=prov))
    return batch


def _resolve_party(resolver: Resolver, party: PartyRef) -> str | None:
    return _existing(resolver, NodeKind.ENTERPRISE, party.node_id, [party.name])


def _resolve_ref(resolver: Resolver, kind: NodeKind, ref: PlaceRef) -> str | None:
    return _existing(resolver, kind, ref.node_id, [ref.name])


def _validate(model: type[NodeModel], fields: dict[str, Any]) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise _record_error(exc) from exc


def _record_error(exc: ValidationError) -> RecordError:
    first = exc.errors()[0]
    location = ".".join(str(p) for p in first["loc"]) or "record"
    return RecordError(location, str(first["msg"]).removeprefix("Value error, "), first.get("input"))
