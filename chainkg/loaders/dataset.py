"""The curated dataset loader: a directory of YAML files describing chains and the facts behind them.

A dataset directory holds (see ``data/README.md`` for every field)::

    sources.yaml       the articles and documents facts cite          (loaded first)
    regions.yaml       city → districts, counties, functional zones
    parks.yaml         parks and bases, with their region
    chains/*.yaml      one chain each: segments with stages, FEEDS links, its office
    enterprises.yaml   groups and subsidiaries, where they sit, segments, 链主 roles
    projects.yaml      investment projects with per-source claims

Files load in that order, each in two passes — first every record's node, then its links — so a
record may refer to one further down the same file. A record that fails validation is rejected as a
whole; a link whose target cannot be found is dropped with a reason and the record is kept.

Any list file may instead (or as well) be JSON Lines — ``sources.jsonl`` … ``projects.jsonl``, one
record per line with the same fields — because YAML parsing is far too slow for generated or exported
datasets of a city or a province. When both exist the YAML file loads first; the reject report names
the line number of a JSONL record. Chain files stay YAML.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import networkx as nx
from pydantic import ValidationError

from chainkg.loaders.fast_nodes import fast_node_record
from chainkg.loaders.pipeline import FILE_REJECTED, FileRejected, LoadContext, RecordError, Reject
from chainkg.loaders.readers.jsonl_records import InvalidLine, JsonLine, iter_jsonl
from chainkg.loaders.readers.yaml_records import Located, plain, read_yaml
from chainkg.schema.kinds import Certainty, EdgeKind, InvestRole, NodeKind
from chainkg.schema.models import (
    Chain,
    ChainOffice,
    Enterprise,
    NodeModel,
    Park,
    Project,
    Region,
    Segment,
    Source,
    make_edge,
)
from chainkg.schema.money import MoneyError, parse_amount
from chainkg.schema.normalize import normalize_name
from chainkg.schema.records import Batch, EdgeRecord, Provenance

__all__ = ["DatasetLoader"]

_DATE_FIELDS = {
    "date",
    "established",
    "status_as_of",
    "negotiation_date",
    "signed_date",
    "start_date",
    "construction_date",
    "production_date",
    "planned_production_date",
}
#: Project fields a source may claim (and so may be disputed between sources).
_CLAIMABLE = {"total_investment", "currency", "status", "capacity", "area"} | _DATE_FIELDS - {"date", "established"}


class DatasetLoader:
    name = "dataset"

    def __init__(self) -> None:
        # per load (keyed by its context): source key → its Provenance, for records citing bare keys
        self._plain_citations: dict[int, dict[str, Provenance]] = {}

    def accepts(self, path: Path) -> bool:
        return path.is_dir() and ((path / "sources.yaml").is_file() or (path / "sources.jsonl").is_file())

    def inputs(self, path: Path) -> Iterator[Path]:
        yield from sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".jsonl") and p.is_file())

    def estimate(self, path: Path) -> int | None:
        return None

    def load(self, path: Path, ctx: LoadContext) -> None:
        try:
            self._load(path, ctx)
        finally:
            self._plain_citations.pop(id(ctx), None)

    def _load(self, path: Path, ctx: LoadContext) -> None:
        steps = [
            ("sources", self._sources),
            ("regions", self._regions),
            ("parks", self._parks),
        ]
        for stem, step in steps:
            self._list_files(path, stem, ctx, step)
        # Chains in two passes over all files: every segment exists before any FEEDS link is read,
        # so a link may name a segment defined in a chain file that sorts later.
        chain_files = sorted((path / "chains").glob("*.yaml")) if (path / "chains").is_dir() else []
        state = _ChainState()
        for file in chain_files:
            self._file(file, ctx, lambda f, doc, c: state.parsed.append(self._chain(f, doc, c, state)), single=True)
        for parsed in state.parsed:
            if parsed is not None:
                self._feeds(ctx, *parsed)
        ctx.flush()
        self._list_files(path, "enterprises", ctx, self._enterprises)
        self._list_files(path, "projects", ctx, self._projects)

    # --- file plumbing ---------------------------------------------------------------------

    def _list_files(self, path: Path, stem: str, ctx: LoadContext, step: Any) -> None:
        """The YAML and/or JSONL file of one list; a missing list is noted under its YAML name."""
        files = [f for f in (path / f"{stem}.yaml", path / f"{stem}.jsonl") if f.is_file()]
        for file in files or [path / f"{stem}.yaml"]:
            self._file(file, ctx, step)

    def _file(self, file: Path, ctx: LoadContext, step: Any, single: bool = False) -> None:
        if not file.is_file():
            ctx.report.files.append(str(file))
            ctx.note(str(file), 0, "", "file not present in dataset; nothing loaded from it")
            return
        ctx.start_file(file, None)
        if file.suffix == ".jsonl":
            try:
                step(str(file), iter_jsonl(file), ctx)
            except OSError as exc:
                ctx.report.rejects.append(_file_reject(file, f"cannot read: {exc}"))
            ctx.flush()
            return
        try:
            doc = read_yaml(file)
        except FileRejected as exc:
            ctx.report.rejects.append(_file_reject(file, exc.reason))
            return
        if single:
            if not isinstance(doc.value, dict):
                ctx.report.rejects.append(
                    _file_reject(file, "a chain file must be one mapping (name, segments, feeds…)")
                )
                return
            step(str(file), doc, ctx)
        else:
            items = doc.value if isinstance(doc.value, list) else None
            if items is None:
                ctx.report.rejects.append(_file_reject(file, "expected a list of records (each starting with '- ')"))
                return
            step(str(file), items, ctx)
        ctx.flush()

    # --- sources ---------------------------------------------------------------------------

    def _sources(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        for item in items:
            ctx.read()
            data = _mapping(item)
            if data is None:
                ctx.reject(file, item.line, _not_a_mapping(item, "expected a mapping"))
                continue
            data = plain(data)
            title = data.pop("title", None)
            try:
                model = Source.model_validate({"name": title, **_coerce_dates(data)})
            except ValidationError as exc:
                ctx.reject(file, item.line, _validation_error(exc))
                continue
            ctx.resolver.add(NodeKind.SOURCE, model.id, [normalize_name(model.key)], model.props())
            ctx.accept(Batch(nodes=[model.to_record()]), file, item.line)

    # --- regions and parks -----------------------------------------------------------------

    def _regions(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        kept = self._nodes(file, items, ctx, Region, drop=("parent",))
        for line, data, model, prov in _drain(kept):
            parent = data.get("parent")
            if parent:
                target = ctx.resolver.resolve(NodeKind.REGION, parent)
                if target is None:
                    ctx.note(file, line, "parent", "no region of that name in regions.yaml or the graph", parent)
                    continue
                if target == model.id:
                    ctx.note(file, line, "parent", "a region cannot be part of itself", parent)
                    continue
                edge = _make_edge(EdgeKind.PART_OF, model.id, target, provenance=prov)
                ctx.accept(Batch(edges=[edge]), file, line, count=False)

    def _parks(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        kept = self._nodes(file, items, ctx, Park, drop=("region", "within"), amounts=("planned_investment",))
        for line, data, model, prov in _drain(kept):
            edges = []
            for field_name, kinds in (("region", (NodeKind.REGION,)), ("within", (NodeKind.PARK,))):
                for name in _as_list(data.get(field_name)):
                    target = _resolve_any(ctx, kinds, name)
                    if target is None or target == model.id:
                        ctx.note(file, line, field_name, f"no {'/'.join(k.zh for k in kinds)} named so", name)
                        continue
                    edges.append(_make_edge(EdgeKind.LOCATED_IN, model.id, target, provenance=prov))
            self._link(ctx, file, line, edges)

    # --- chains ----------------------------------------------------------------------------

    def _chain(
        self, file: str, doc: Located, ctx: LoadContext, state: _ChainState
    ) -> tuple[str, list[str], Located | None, list[Provenance]] | None:
        """Chain, office and segments of one file; returns what the FEEDS pass needs."""
        fields: dict[str, Located] = doc.value
        ctx.read()
        data = plain(fields)
        segments = fields.get("segments")
        feeds = fields.get("feeds")
        office_name = data.pop("office", None)
        for key in ("segments", "feeds"):
            data.pop(key, None)
        try:
            prov = self._provenance(data.pop("sources", None), ctx)
            chain = Chain.model_validate(data)
        except RecordError as exc:
            ctx.reject(file, doc.line, exc)
            return None
        except ValidationError as exc:
            ctx.reject(file, doc.line, _validation_error(exc))
            return None
        if not prov:
            ctx.reject(file, doc.line, RecordError("sources", "every chain must cite at least one source"))
            return None
        ctx.resolver.add(NodeKind.CHAIN, chain.id, chain.keys(), chain.props())
        batch = Batch(nodes=[chain.to_record(prov)])
        if office_name:
            try:
                office = ChainOffice(name=office_name)
                batch.nodes.append(office.to_record(prov))
                batch.edges.append(_make_edge(EdgeKind.OVERSEES, office.id, chain.id, provenance=prov))
            except ValidationError as exc:
                ctx.note(file, doc.line, "office", _validation_error(exc).reason, office_name)
        ctx.accept(batch, file, doc.line)
        ctx.flush()

        # Segments: each at its own line; a shared segment must agree with its first definition.
        members: list[str] = []
        for item in segments.value if segments and isinstance(segments.value, list) else []:
            ctx.read()
            seg_data = _mapping(item)
            try:
                if seg_data is None:
                    raise RecordError("segments", "each segment must be a mapping with name and stage")
                segment = Segment.model_validate(plain(seg_data))
            except RecordError as exc:
                ctx.reject(file, item.line, exc)
                continue
            except ValidationError as exc:
                ctx.reject(file, item.line, _validation_error(exc, prefix="segments."))
                continue
            first = state.segments.get(segment.id)
            if first is not None and first[0].stage != segment.stage:
                ctx.reject(
                    file,
                    item.line,
                    RecordError(
                        "stage",
                        f"segment {segment.name} is {first[0].stage.value} in {first[1]}; "
                        "a shared segment has one stage",
                        segment.stage.value,
                    ),
                )
                continue
            state.segments.setdefault(segment.id, (segment, chain.name))
            ctx.resolver.add(NodeKind.SEGMENT, segment.id, segment.keys(), segment.props())
            members.append(segment.id)
            seg_batch = Batch(
                nodes=[segment.to_record(prov)],
                edges=[_make_edge(EdgeKind.PART_OF, segment.id, chain.id, provenance=prov)],
            )
            ctx.accept(seg_batch, file, item.line)
        return file, members, feeds, prov

    def _feeds(
        self, ctx: LoadContext, file: str, members: list[str], feeds: Located | None, prov: list[Provenance]
    ) -> None:
        """FEEDS links of one chain, by segment name (possibly of another chain); no cycles."""
        dag: nx.DiGraph[str] = nx.DiGraph()
        dag.add_nodes_from(members)
        member_set = set(members)
        for item in feeds.value if feeds and isinstance(feeds.value, list) else []:
            ctx.read()
            pair = plain(item)
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                ctx.reject(file, item.line, RecordError("feeds", "each link is [from, to]: two segment names", pair))
                continue
            ends = [ctx.resolver.resolve(NodeKind.SEGMENT, name) for name in pair]
            missing = [name for name, end in zip(pair, ends, strict=True) if end is None]
            if missing:
                ctx.reject(file, item.line, RecordError("feeds", f"unknown segment {'、'.join(missing)}", pair))
                continue
            src, dst = ends
            assert src is not None and dst is not None
            if src == dst:
                ctx.reject(file, item.line, RecordError("feeds", "a segment cannot feed itself", pair))
                continue
            if src in member_set and dst in member_set:
                dag.add_edge(src, dst)
                if not nx.is_directed_acyclic_graph(dag):
                    dag.remove_edge(src, dst)
                    ctx.reject(
                        file, item.line, RecordError("feeds", "this link would close a cycle in the chain", pair)
                    )
                    continue
            if src not in member_set and dst not in member_set:
                ctx.reject(
                    file, item.line, RecordError("feeds", "at least one end must be a segment of this chain", pair)
                )
                continue
            ctx.accept(Batch(edges=[_make_edge(EdgeKind.FEEDS, src, dst, provenance=prov)]), file, item.line)

    # --- enterprises -----------------------------------------------------------------------

    def _enterprises(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        kept = self._nodes(
            file,
            items,
            ctx,
            Enterprise,
            drop=("located_in", "segments", "parent", "leads", "supplies"),
            amounts=("registered_capital",),
            rename={"kind": "enterprise_kind"},
        )
        for line, data, model, prov in _drain(kept):
            edges = []
            edges += self._located(ctx, file, line, model.id, data.get("located_in"), prov)
            edges += self._segments(ctx, file, line, model.id, data.get("segments"), prov)
            parent = data.get("parent")
            if parent:
                spec = parent if isinstance(parent, dict) else {"name": parent}
                try:
                    edge_prov = self._provenance(spec.get("sources"), ctx) or prov
                    edge_prov = _with_certainty(edge_prov, spec.get("certainty"), spec.get("evidence"))
                    target = ctx.resolver.resolve(NodeKind.ENTERPRISE, str(spec.get("name", "")))
                    if target is None:
                        raise RecordError(
                            "parent", "no enterprise of that name in enterprises.yaml or the graph", spec.get("name")
                        )
                    if target == model.id:
                        raise RecordError("parent", "an enterprise cannot be its own parent", spec.get("name"))
                    props = {"stake_pct": spec["stake_pct"]} if spec.get("stake_pct") is not None else {}
                    edges.append(_make_edge(EdgeKind.SUBSIDIARY_OF, model.id, target, props, edge_prov))
                except RecordError as exc:
                    ctx.note(file, line, exc.field, exc.reason, exc.value)
                except (ValidationError, ValueError) as exc:
                    ctx.note(file, line, "parent", str(exc).splitlines()[0], parent)
            for lead in _as_list(data.get("leads")):
                spec = lead if isinstance(lead, dict) else {"chain": lead}
                chain = ctx.resolver.resolve(NodeKind.CHAIN, str(spec.get("chain", "")))
                if chain is None:
                    ctx.note(file, line, "leads", "no chain of that name", spec.get("chain"))
                    continue
                props = {}
                if spec.get("scope"):
                    scope = _resolve_any(ctx, (NodeKind.REGION, NodeKind.PARK), str(spec["scope"]))
                    if scope is None:
                        ctx.note(file, line, "leads.scope", "no region or park named so", spec["scope"])
                        continue
                    props["scope"] = scope
                edges.append(_make_edge(EdgeKind.LEADS, model.id, chain, props, prov))
            for supply in _as_list(data.get("supplies")):
                spec = supply if isinstance(supply, dict) else {"customer": supply}
                customer = ctx.resolver.resolve(NodeKind.ENTERPRISE, str(spec.get("customer", "")))
                if customer is None or customer == model.id:
                    ctx.note(file, line, "supplies", "no other enterprise of that name", spec.get("customer"))
                    continue
                props = {"product": spec["product"]} if spec.get("product") else {}
                edges.append(_make_edge(EdgeKind.SUPPLIES, model.id, customer, props, prov))
            self._link(ctx, file, line, edges)

    # --- projects --------------------------------------------------------------------------

    def _projects(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        kept = self._nodes(
            file,
            items,
            ctx,
            Project,
            drop=("located_in", "segments", "investors"),
            amounts=("total_investment",),
        )
        for line, data, model, prov in _drain(kept):
            edges = []
            edges += self._located(ctx, file, line, model.id, data.get("located_in"), prov)
            edges += self._segments(ctx, file, line, model.id, data.get("segments"), prov)
            for investor in _as_list(data.get("investors")):
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
                    edges.append(_make_edge(EdgeKind.INVESTS_IN, target, model.id, props, prov))
                except (MoneyError, ValidationError, ValueError) as exc:
                    ctx.note(file, line, "investors", str(exc).splitlines()[0], spec)
            self._link(ctx, file, line, edges)

    # --- shared steps ----------------------------------------------------------------------

    def _nodes(
        self,
        file: str,
        items: Iterable[Located],
        ctx: LoadContext,
        model_cls: type[NodeModel],
        drop: tuple[str, ...] = (),
        amounts: tuple[str, ...] = (),
        rename: dict[str, str] | None = None,
    ) -> list[tuple[int, dict[str, Any], Any, list[Provenance]]]:
        """Pass one: validate every record's node; returns what pass two needs to link them."""
        kept = []
        for item in items:
            ctx.read()
            raw = _mapping(item)
            if raw is None:
                ctx.reject(file, item.line, _not_a_mapping(item, "expected a mapping of field: value"))
                continue
            data = _coerce_dates(raw if isinstance(item, JsonLine) else plain(raw))
            for old, new in (rename or {}).items():
                if old in data:
                    data[new] = data.pop(old)
            try:
                prov = self._provenance(data.pop("sources", None), ctx)
                if not prov:
                    raise RecordError("sources", "every record must cite at least one source from sources.yaml")
                fields = {k: v for k, v in data.items() if k not in drop}
                for amount_field in amounts:
                    if fields.get(amount_field) is not None:
                        money = _amount(amount_field, fields[amount_field])
                        fields[amount_field] = money.amount
                        if amount_field == "total_investment":
                            fields.setdefault("currency", money.currency.value)
                if model_cls is Project:
                    _validate_claims(prov, fields)
                # plain enterprises and projects skip building a model; anything else is the model's call
                fast = fast_node_record(model_cls, fields, prov)
                if fast is None:
                    model = _validate(model_cls, fields)
                    record, fields_set = model.to_record(prov), model.model_fields_set
                else:
                    record, fields_set = fast
            except RecordError as exc:
                ctx.reject(file, item.line, exc)
                continue
            if _claimed_fields(prov):
                # Values written on the record itself are the curator's decision; claims don't override them.
                record.props["curated_fields"] = sorted(k for k in fields_set if k in _CLAIMABLE)
            # Ids and keys were computed once by to_record; pass two needs only the id and the link
            # fields (``drop``), so the model and the node's fields are not kept for it. The node's
            # props are not handed to the resolver: after the flush below the store holds them.
            keys = cast("list[str]", record.props.get("keys") or [])  # to_record writes the keys as a list of str
            ctx.resolver.add(model_cls.kind, record.id, keys, None)
            ctx.accept(Batch(nodes=[record]), file, item.line)
            kept.append((item.line, {k: data[k] for k in drop if k in data}, _NodeRef(record.id), prov))
        ctx.flush()
        return kept

    def _link(self, ctx: LoadContext, file: str, line: int, edges: list[Any]) -> None:
        if edges:
            ctx.accept(Batch(edges=edges), file, line, count=False)  # counted with its node

    def _located(
        self, ctx: LoadContext, file: str, line: int, node: str, names: Any, prov: list[Provenance]
    ) -> list[Any]:
        edges = []
        for name in _as_list(names):
            target = _resolve_any(ctx, (NodeKind.PARK, NodeKind.REGION), str(name))
            if target is None:
                ctx.note(file, line, "located_in", "no park or region named so", name)
                continue
            edges.append(_make_edge(EdgeKind.LOCATED_IN, node, target, provenance=prov))
        return edges

    def _segments(
        self, ctx: LoadContext, file: str, line: int, node: str, names: Any, prov: list[Provenance]
    ) -> list[Any]:
        edges = []
        for name in _as_list(names):
            target = ctx.resolver.resolve(NodeKind.SEGMENT, str(name))
            if target is None:
                ctx.note(file, line, "segments", "no segment of that name in the chain files", name)
                continue
            edges.append(_make_edge(EdgeKind.IN_SEGMENT, node, target, provenance=prov))
        return edges

    def _provenance(self, value: Any, ctx: LoadContext) -> list[Provenance]:
        out: list[Provenance] = []
        memo = self._plain_citations.setdefault(id(ctx), {})
        for i, entry in enumerate(_as_list(value)):
            if isinstance(entry, str) and entry in memo:  # a bare key: the same Provenance every time
                out.append(memo[entry])
                continue
            spec = entry if isinstance(entry, dict) else {"source": entry}
            key = str(spec.get("source", "")).strip()
            sid = ctx.resolver.resolve(NodeKind.SOURCE, key) if key else None
            if sid is None:
                raise RecordError(f"sources[{i}]", "unknown source key; define it in sources.yaml", key)
            claims = dict(spec.get("claims") or {})
            for name, raw in list(claims.items()):
                if name == "total_investment":
                    money = _amount(f"sources[{i}].claims.total_investment", raw)
                    claims["total_investment"] = money.amount
                    claims.setdefault("currency", money.currency.value)
                elif name in _DATE_FIELDS:
                    claims[name] = str(raw)
                elif name not in _CLAIMABLE:
                    raise RecordError(
                        f"sources[{i}].claims.{name}", f"not a claimable field; use one of {sorted(_CLAIMABLE)}"
                    )
            try:
                certainty = Certainty(spec.get("certainty", Certainty.STATED.value))
            except ValueError as exc:
                raise RecordError(
                    f"sources[{i}].certainty", "must be stated or inferred", spec.get("certainty")
                ) from exc
            out.append(Provenance(sid, str(spec.get("evidence", "") or ""), tuple(sorted(claims.items())), certainty))
            if isinstance(entry, str):
                memo[entry] = out[-1]
        return out


_EDGE_MEMO_MAX = 50_000
_edge_props: dict[Any, tuple[str, dict[str, Any]]] = {}


def _make_edge(
    kind: EdgeKind,
    source: str,
    target: str,
    props: dict[str, Any] | None = None,
    provenance: list[Provenance] | None = None,
) -> EdgeRecord:
    """:func:`make_edge` for the many edges of a dataset, each distinct property set validated once.

    Validation and the edge key depend only on ``kind`` and ``props``, so a remembered result is
    exactly what make_edge returns. A value's type is part of the memo key (``1``, ``1.0`` and
    ``True`` are equal in Python but validate differently); unhashable values skip the memo; props
    that fail validation are never remembered, so they raise every time, as before.
    """
    try:
        memo_key = (kind, tuple(props.items()), tuple(map(type, props.values()))) if props else kind
        hit = _edge_props.get(memo_key)
    except TypeError:  # an unhashable value (a list or mapping): validate it directly
        return make_edge(kind, source, target, props, provenance)
    if hit is None:
        edge = make_edge(kind, source, target, props, provenance)
        if len(_edge_props) >= _EDGE_MEMO_MAX:
            _edge_props.clear()
        _edge_props[memo_key] = (edge.key, dict(edge.props))
        return edge
    key, clean = hit
    return EdgeRecord(kind, source, target, key, dict(clean), list(provenance or []))


def _drain(items: list[Any]) -> Iterator[Any]:
    """The items in order, each released from the list as it is handed out.

    Pass two turns each kept record into edges; releasing the record as its edges are made keeps
    the peak memory of a large file near the finished graph's instead of graph plus every record.
    """
    items.reverse()
    while items:
        yield items.pop()


class _NodeRef:
    """What the link pass needs of a validated node: its id."""

    __slots__ = ("id",)

    def __init__(self, node_id: str):
        self.id = node_id


class _ChainState:
    """Across chain files: segments seen so far (a shared segment keeps its first stage) and the
    parsed files waiting for the FEEDS pass."""

    def __init__(self) -> None:
        self.segments: dict[str, tuple[Segment, str]] = {}
        self.parsed: list[tuple[str, list[str], Located | None, list[Provenance]] | None] = []


def _claimed_fields(prov: list[Provenance]) -> set[str]:
    return {name for p in prov for name, _ in p.claims}


def _validate_claims(prov: list[Provenance], fields: dict[str, Any]) -> None:
    """Each source's claims must be valid values on their own (an impossible status is an error)."""
    for i, p in enumerate(prov):
        if not p.claims:
            continue
        trial = {"name": fields.get("name", "x"), **dict(p.claims)}
        try:
            Project.model_validate(trial)
        except ValidationError as exc:
            raise _validation_error(exc, prefix=f"sources[{i}].claims.") from exc


def _validate(model_cls: type[NodeModel], fields: dict[str, Any]) -> NodeModel:
    try:
        return model_cls.model_validate(fields)
    except ValidationError as exc:
        raise _validation_error(exc) from exc


def _validation_error(exc: ValidationError, prefix: str = "") -> RecordError:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "record"
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown field (check the spelling against data/README.md)"
    return RecordError(prefix + loc, message, first.get("input"))


_AMOUNT_MEMO_MAX = 50_000
_amounts: dict[tuple[type, Any], Any] = {}


def _amount(field_name: str, raw: Any) -> Any:
    """:func:`parse_amount`, remembered per distinct text (amounts repeat; a bad one raises every time)."""
    try:
        memo_key = (type(raw), raw)
        hit = _amounts.get(memo_key)
    except TypeError:
        memo_key, hit = None, None
    if hit is not None:
        return hit
    try:
        money = parse_amount(raw)
    except MoneyError as exc:
        raise RecordError(field_name, str(exc), raw) from exc
    if memo_key is not None:
        if len(_amounts) >= _AMOUNT_MEMO_MAX:
            _amounts.clear()
        _amounts[memo_key] = money
    return money


def _mapping(item: Located) -> dict[str, Located] | None:
    return item.value if isinstance(item.value, dict) else None


def _not_a_mapping(item: Located, reason: str) -> RecordError:
    """Why a record is not a mapping: an unreadable JSONL line says what is wrong with it."""
    if isinstance(item.value, InvalidLine):
        return RecordError("", item.value.reason, item.value.text)
    return RecordError("", reason)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _coerce_dates(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if k in _DATE_FIELDS and isinstance(v, int) else v) for k, v in data.items()}


def _resolve_any(ctx: LoadContext, kinds: tuple[NodeKind, ...], name: str) -> str | None:
    for kind in kinds:
        found = ctx.resolver.resolve(kind, name)
        if found:
            return found
    return None


def _with_certainty(prov: list[Provenance], certainty: Any, evidence: Any) -> list[Provenance]:
    if certainty is None and not evidence:
        return prov
    level = Certainty(certainty) if certainty else Certainty.STATED
    return [Provenance(p.source, str(evidence or p.evidence), p.claims, level) for p in prov]


def _file_reject(file: Path, reason: str) -> Reject:
    return Reject(str(file), 0, "", reason, FILE_REJECTED)
