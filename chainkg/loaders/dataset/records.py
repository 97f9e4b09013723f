"""List files of a dataset — sources, regions, parks, enterprises, projects — each read in two
passes: first every record's node, then its links (so a record may refer to one further down)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from pydantic import ValidationError

from chainkg.loaders.dataset.common import (
    CLAIMABLE,
    SEGMENT_CLAIMS,
    Citations,
    NodeRef,
    amount,
    as_list,
    claimed_fields,
    coerce_dates,
    drain,
    make_edge_fast,
    mapping,
    not_a_mapping,
    resolve_any,
    validate,
    validate_claims,
    validation_error,
    with_certainty,
)
from chainkg.loaders.fast_nodes import fast_node_record
from chainkg.loaders.pipeline import LoadContext, RecordError
from chainkg.loaders.readers.jsonl_records import JsonLine
from chainkg.loaders.readers.yaml_records import Located, plain
from chainkg.schema.kinds import Certainty, EdgeKind, InvestRole, NodeKind
from chainkg.schema.models import Enterprise, NodeModel, Park, Project, Region, Source
from chainkg.schema.money import MoneyError, parse_amount
from chainkg.schema.normalize import normalize_name
from chainkg.schema.records import Batch, EdgeRecord, Provenance

__all__ = ["RecordSteps"]

#: What pass two needs of a kept record: its line, its link fields, its id, its provenance.
Kept = tuple[int, dict[str, Any], NodeRef, list[Provenance]]
_SEGMENT_ENTRY = frozenset({"name", "rank", "certainty", "evidence", "sources"})


class RecordSteps:
    """The steps for the list files, sharing one load's :class:`Citations`."""

    def __init__(self, cite: Citations):
        self.cite = cite

    # --- sources, regions, parks -------------------------------------------------------------

    def sources(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        for item in items:
            ctx.read()
            data = mapping(item)
            if data is None:
                ctx.reject(file, item.line, not_a_mapping(item, "expected a mapping"))
                continue
            data = plain(data)
            title = data.pop("title", None)
            try:
                model = Source.model_validate({"name": title, **coerce_dates(data)})
            except ValidationError as exc:
                ctx.reject(file, item.line, validation_error(exc))
                continue
            ctx.resolver.add(NodeKind.SOURCE, model.id, [normalize_name(model.key)], model.props())
            ctx.accept(Batch(nodes=[model.to_record()]), file, item.line)

    def regions(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        kept = self.nodes(file, items, ctx, Region, drop=("parent",))
        for line, data, model, prov in drain(kept):
            parent = data.get("parent")
            if parent:
                target = ctx.resolver.resolve(NodeKind.REGION, parent)
                if target is None:
                    ctx.note(file, line, "parent", "no region of that name in regions.yaml or the graph", parent)
                    continue
                if target == model.id:
                    ctx.note(file, line, "parent", "a region cannot be part of itself", parent)
                    continue
                edge = make_edge_fast(EdgeKind.PART_OF, model.id, target, provenance=prov)
                ctx.accept(Batch(edges=[edge]), file, line, count=False)

    def parks(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        kept = self.nodes(file, items, ctx, Park, drop=("region", "within"), amounts=("planned_investment",))
        for line, data, model, prov in drain(kept):
            edges = []
            for field_name, kinds in (("region", (NodeKind.REGION,)), ("within", (NodeKind.PARK,))):
                for name in as_list(data.get(field_name)):
                    target = resolve_any(ctx, kinds, name)
                    if target is None or target == model.id:
                        ctx.note(file, line, field_name, f"no {'/'.join(k.zh for k in kinds)} named so", name)
                        continue
                    edges.append(make_edge_fast(EdgeKind.LOCATED_IN, model.id, target, provenance=prov))
            self.link(ctx, file, line, edges)

    # --- enterprises -------------------------------------------------------------------------

    def enterprises(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        kept = self.nodes(
            file,
            items,
            ctx,
            Enterprise,
            drop=("located_in", "segments", "parent", "leads", "supplies"),
            amounts=("registered_capital",),
            rename={"kind": "enterprise_kind"},
        )
        for line, data, model, prov in drain(kept):
            edges = []
            edges += self.located(ctx, file, line, model.id, data.get("located_in"), prov)
            edges += self.segments(ctx, file, line, model.id, data.get("segments"), prov)
            parent = data.get("parent")
            if parent:
                edges += self._parent(ctx, file, line, model.id, parent, prov)
            for lead in as_list(data.get("leads")):
                spec = lead if isinstance(lead, dict) else {"chain": lead}
                chain = ctx.resolver.resolve(NodeKind.CHAIN, str(spec.get("chain", "")))
                if chain is None:
                    ctx.note(file, line, "leads", "no chain of that name", spec.get("chain"))
                    continue
                props: dict[str, Any] = {}
                if spec.get("scope"):
                    scope = resolve_any(ctx, (NodeKind.REGION, NodeKind.PARK), str(spec["scope"]))
                    if scope is None:
                        ctx.note(file, line, "leads.scope", "no region or park named so", spec["scope"])
                        continue
                    props["scope"] = scope
                edges.append(make_edge_fast(EdgeKind.LEADS, model.id, chain, props, prov))
            for supply in as_list(data.get("supplies")):
                spec = supply if isinstance(supply, dict) else {"customer": supply}
                customer = ctx.resolver.resolve(NodeKind.ENTERPRISE, str(spec.get("customer", "")))
                if customer is None or customer == model.id:
                    ctx.note(file, line, "supplies", "no other enterprise of that name", spec.get("customer"))
                    continue
                props = {"product": spec["product"]} if spec.get("product") else {}
                edges.append(make_edge_fast(EdgeKind.SUPPLIES, model.id, customer, props, prov))
            self.link(ctx, file, line, edges)

    def _parent(
        self, ctx: LoadContext, file: str, line: int, node: str, parent: Any, prov: list[Provenance]
    ) -> list[EdgeRecord]:
        spec = parent if isinstance(parent, dict) else {"name": parent}
        try:
            edge_prov = self.cite(spec.get("sources")) or prov
            edge_prov = with_certainty(edge_prov, spec.get("certainty"), spec.get("evidence"))
            target = ctx.resolver.resolve(NodeKind.ENTERPRISE, str(spec.get("name", "")))
            if target is None:
                raise RecordError(
                    "parent", "no enterprise of that name in enterprises.yaml or the graph", spec.get("name")
                )
            if target == node:
                raise RecordError("parent", "an enterprise cannot be its own parent", spec.get("name"))
            props = {"stake_pct": spec["stake_pct"]} if spec.get("stake_pct") is not None else {}
            return [make_edge_fast(EdgeKind.SUBSIDIARY_OF, node, target, props, edge_prov)]
        except RecordError as exc:
            ctx.note(file, line, exc.field, exc.reason, exc.value)
        except (ValidationError, ValueError) as exc:
            ctx.note(file, line, "parent", str(exc).splitlines()[0], parent)
        return []

    # --- projects ----------------------------------------------------------------------------

    def projects(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        kept = self.nodes(
            file,
            items,
            ctx,
            Project,
            drop=("located_in", "segments", "investors"),
            amounts=("total_investment",),
        )
        for line, data, model, prov in drain(kept):
            edges = []
            edges += self.located(ctx, file, line, model.id, data.get("located_in"), prov)
            edges += self.segments(ctx, file, line, model.id, data.get("segments"), prov)
            for investor in as_list(data.get("investors")):
                spec = investor if isinstance(investor, dict) else {"name": investor}
                target = ctx.resolver.resolve(NodeKind.ENTERPRISE, str(spec.get("name", "")))
                if target is None:
                    ctx.note(
                        file,
                        line,
                        "investors",
                        "no enterprise of that name in enterprises.yaml or the graph",
                        spec.get("name"),
                    )
                    continue
                props: dict[str, Any] = {"role": spec.get("role", InvestRole.INVESTOR.value)}
                try:
                    if spec.get("amount") is not None:
                        money = parse_amount(spec["amount"])
                        props.update(amount=money.amount, currency=money.currency.value)
                    edges.append(make_edge_fast(EdgeKind.INVESTS_IN, target, model.id, props, prov))
                except (MoneyError, ValidationError, ValueError) as exc:
                    ctx.note(file, line, "investors", str(exc).splitlines()[0], spec)
            self.link(ctx, file, line, edges)

    # --- shared steps ------------------------------------------------------------------------

    def nodes(
        self,
        file: str,
        items: Iterable[Located],
        ctx: LoadContext,
        model_cls: type[NodeModel],
        drop: tuple[str, ...] = (),
        amounts: tuple[str, ...] = (),
        rename: dict[str, str] | None = None,
    ) -> list[Kept]:
        """Pass one: validate every record's node; returns what pass two needs to link them."""
        kept = []
        for item in items:
            ctx.read()
            raw = mapping(item)
            if raw is None:
                ctx.reject(file, item.line, not_a_mapping(item, "expected a mapping of field: value"))
                continue
            data = coerce_dates(raw if isinstance(item, JsonLine) else plain(raw))
            for old, new in (rename or {}).items():
                if old in data:
                    data[new] = data.pop(old)
            try:
                prov = self.cite(data.pop("sources", None))
                if not prov:
                    raise RecordError("sources", "every record must cite at least one source from sources.yaml")
                fields = {k: v for k, v in data.items() if k not in drop}
                for amount_field in amounts:
                    if fields.get(amount_field) is not None:
                        money = amount(amount_field, fields[amount_field])
                        fields[amount_field] = money.amount
                        if amount_field == "total_investment":
                            fields.setdefault("currency", money.currency.value)
                if model_cls is Project:
                    validate_claims(prov, fields)
                # plain enterprises and projects skip building a model; anything else is the model's call
                fast = fast_node_record(model_cls, fields, prov)
                if fast is None:
                    model = validate(model_cls, fields)
                    record, fields_set = model.to_record(prov), model.model_fields_set
                else:
                    record, fields_set = fast
            except RecordError as exc:
                ctx.reject(file, item.line, exc)
                continue
            if claimed_fields(prov):
                # Values written on the record itself are the curator's decision; claims don't override them.
                record.props["curated_fields"] = sorted(k for k in fields_set if k in CLAIMABLE)
            # Ids and keys were computed once by to_record; pass two needs only the id and the link
            # fields (``drop``), so the model and the node's fields are not kept for it. The node's
            # props are not handed to the resolver: after the flush below the store holds them.
            keys = cast("list[str]", record.props.get("keys") or [])  # to_record writes the keys as a list of str
            ctx.resolver.add(model_cls.kind, record.id, keys, None)
            ctx.accept(Batch(nodes=[record]), file, item.line)
            kept.append((item.line, {k: data[k] for k in drop if k in data}, NodeRef(record.id), prov))
        ctx.flush()
        return kept

    def link(self, ctx: LoadContext, file: str, line: int, edges: list[Any]) -> None:
        if edges:
            ctx.accept(Batch(edges=edges), file, line, count=False)  # counted with its node

    def located(
        self, ctx: LoadContext, file: str, line: int, node: str, names: Any, prov: list[Provenance]
    ) -> list[EdgeRecord]:
        edges = []
        for name in as_list(names):
            target = resolve_any(ctx, (NodeKind.PARK, NodeKind.REGION), str(name))
            if target is None:
                ctx.note(file, line, "located_in", "no park or region named so", name)
                continue
            edges.append(make_edge_fast(EdgeKind.LOCATED_IN, node, target, provenance=prov))
        return edges

    def segments(
        self, ctx: LoadContext, file: str, line: int, node: str, entries: Any, prov: list[Provenance]
    ) -> list[EdgeRecord]:
        """IN_SEGMENT links: a segment name, or ``{name, rank, certainty, evidence, sources}`` — the
        enterprise's rank among the segment's leaders and the claims behind it (each citation its own
        evidence, certainty and claimed ``rank``/``soe_rank``); without ``sources`` the record's own."""
        edges = []
        for entry in as_list(entries):
            spec = entry if isinstance(entry, dict) else {"name": entry}
            target = ctx.resolver.resolve(NodeKind.SEGMENT, str(spec.get("name", "")))
            if target is None:
                ctx.note(file, line, "segments", "no segment of that name in the chain files", spec.get("name"))
                continue
            if not isinstance(entry, dict):
                edges.append(make_edge_fast(EdgeKind.IN_SEGMENT, node, target, provenance=prov))
                continue
            try:
                edges.append(self._segment_entry(node, target, spec, prov))
            except RecordError as exc:
                ctx.note(file, line, f"segments.{exc.field}", exc.reason, exc.value or spec.get("name"))
            except (ValidationError, ValueError) as exc:
                ctx.note(file, line, "segments", str(exc).splitlines()[0], spec.get("name"))
        return edges

    def _segment_entry(self, node: str, target: str, spec: dict[str, Any], prov: list[Provenance]) -> EdgeRecord:
        unknown = sorted(set(spec) - _SEGMENT_ENTRY)
        if unknown:
            raise RecordError(unknown[0], f"unknown field of a segment entry; use {sorted(_SEGMENT_ENTRY)}")
        certainty, evidence = spec.get("certainty"), str(spec.get("evidence") or "")
        if certainty is not None and certainty not in {c.value for c in Certainty}:
            raise RecordError("certainty", "must be stated or inferred", certainty)
        if spec.get("sources"):
            cited = self.cite(spec["sources"], SEGMENT_CLAIMS, evidence, certainty)
        else:
            cited = with_certainty(prov, certainty, evidence)
        props: dict[str, Any] = {}
        if spec.get("rank") is not None:
            props["rank"] = spec["rank"]
        if certainty is None:  # the strongest of its citations
            certainty = min((p.certainty for p in cited), key=lambda c: c is not Certainty.STATED).value
        props["certainty"] = certainty
        return make_edge_fast(EdgeKind.IN_SEGMENT, node, target, props, cited)
