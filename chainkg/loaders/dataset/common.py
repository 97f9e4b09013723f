"""What every step of the dataset loader shares: citations (a record's ``sources``), edge and
amount memos, validation messages, and the small coercions of YAML/JSONL values."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chainkg.loaders.pipeline import FILE_REJECTED, LoadContext, RecordError, Reject
from chainkg.loaders.readers.jsonl_records import InvalidLine
from chainkg.loaders.readers.yaml_records import Located
from chainkg.schema.ids import source_id
from chainkg.schema.kinds import Certainty, EdgeKind, NodeKind
from chainkg.schema.models import NodeModel, Project, make_edge
from chainkg.schema.money import MoneyError, parse_amount
from chainkg.schema.records import EdgeRecord, Provenance

__all__ = [
    "CLAIMABLE",
    "DATE_FIELDS",
    "SEGMENT_CLAIMS",
    "Citations",
    "NodeRef",
    "amount",
    "as_list",
    "claimed_fields",
    "coerce_dates",
    "drain",
    "file_reject",
    "make_edge_fast",
    "mapping",
    "not_a_mapping",
    "resolve_any",
    "validate",
    "validate_claims",
    "validation_error",
    "with_certainty",
]

DATE_FIELDS = {
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
CLAIMABLE = {"total_investment", "currency", "status", "capacity", "area"} | DATE_FIELDS - {"date", "established"}
#: What a citation of a segment entry may claim: the rank a national leaders list gives the
#: enterprise in that segment (``rank``), or its order among central-SOE records only (``soe_rank``).
SEGMENT_CLAIMS = frozenset({"rank", "soe_rank"})


class Citations:
    """Turns a record's ``sources`` (keys, or mappings ``{source, evidence, claims, certainty}``)
    into provenance, for one load; a bare key gives the same Provenance object every time."""

    def __init__(self, ctx: LoadContext):
        self.ctx = ctx
        self._memo: dict[str, Provenance] = {}
        self._earlier: dict[str, str | None] = {}

    def source(self, key: str) -> str | None:
        """The id of the source with this key: defined by this load, or by a dataset loaded before
        (found by its id, ``src:<key>``, since a source node's names are its title's)."""
        found = self.ctx.resolver.resolve(NodeKind.SOURCE, key)
        if found is None:
            if key not in self._earlier:
                sid = source_id(key)
                self._earlier[key] = sid if self.ctx.store.node(sid) is not None else None
            found = self._earlier[key]
        return found

    def __call__(
        self,
        value: Any,
        claimable: AbstractSet[str] = CLAIMABLE,
        evidence: str = "",
        certainty: Any = None,
    ) -> list[Provenance]:
        """``evidence`` and ``certainty`` are the defaults of citations that do not give their own."""
        out: list[Provenance] = []
        defaults = bool(evidence) or certainty is not None
        for i, entry in enumerate(as_list(value)):
            if isinstance(entry, str) and entry in self._memo and not defaults:
                out.append(self._memo[entry])
                continue
            spec = entry if isinstance(entry, dict) else {"source": entry}
            key = str(spec.get("source", "")).strip()
            sid = self.source(key) if key else None
            if sid is None:
                raise RecordError(f"sources[{i}]", "unknown source key; define it in sources.yaml", key)
            claims = _claims(spec.get("claims") or {}, i, claimable)
            try:
                level = Certainty(spec.get("certainty", certainty or Certainty.STATED.value))
            except ValueError as exc:
                raise RecordError(
                    f"sources[{i}].certainty", "must be stated or inferred", spec.get("certainty")
                ) from exc
            text = str(spec.get("evidence", "") or evidence or "")
            out.append(Provenance(sid, text, tuple(sorted(claims.items())), level))
            if isinstance(entry, str) and not defaults:
                self._memo[entry] = out[-1]
        return out


def _claims(raw: Any, i: int, claimable: AbstractSet[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RecordError(f"sources[{i}].claims", "claims must be a mapping of field: value", raw)
    claims = dict(raw)
    for name, value in list(claims.items()):
        if name not in claimable:
            raise RecordError(f"sources[{i}].claims.{name}", f"not a claimable field; use one of {sorted(claimable)}")
        if name == "total_investment":
            money = amount(f"sources[{i}].claims.total_investment", value)
            claims["total_investment"] = money.amount
            claims.setdefault("currency", money.currency.value)
        elif name in DATE_FIELDS:
            claims[name] = str(value)
        elif name in SEGMENT_CLAIMS and not (type(value) is int and value >= 1):
            raise RecordError(f"sources[{i}].claims.{name}", "a rank is a whole number from 1", value)
    return claims


_EDGE_MEMO_MAX = 50_000
_edge_props: dict[Any, tuple[str, dict[str, Any]]] = {}


def make_edge_fast(
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


def drain(items: list[Any]) -> Iterator[Any]:
    """The items in order, each released from the list as it is handed out.

    Pass two turns each kept record into edges; releasing the record as its edges are made keeps
    the peak memory of a large file near the finished graph's instead of graph plus every record.
    """
    items.reverse()
    while items:
        yield items.pop()


class NodeRef:
    """What the link pass needs of a validated node: its id."""

    __slots__ = ("id",)

    def __init__(self, node_id: str):
        self.id = node_id


def claimed_fields(prov: list[Provenance]) -> set[str]:
    return {name for p in prov for name, _ in p.claims}


def validate_claims(prov: list[Provenance], fields: dict[str, Any]) -> None:
    """Each source's claims must be valid values on their own (an impossible status is an error)."""
    for i, p in enumerate(prov):
        if not p.claims:
            continue
        trial = {"name": fields.get("name", "x"), **dict(p.claims)}
        try:
            Project.model_validate(trial)
        except ValidationError as exc:
            raise validation_error(exc, prefix=f"sources[{i}].claims.") from exc


def validate(model_cls: type[NodeModel], fields: dict[str, Any]) -> NodeModel:
    try:
        return model_cls.model_validate(fields)
    except ValidationError as exc:
        raise validation_error(exc) from exc


def validation_error(exc: ValidationError, prefix: str = "") -> RecordError:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "record"
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown field (check the spelling against data/README.md)"
    return RecordError(prefix + loc, message, first.get("input"))


_AMOUNT_MEMO_MAX = 50_000
_amounts: dict[tuple[type, Any], Any] = {}


def amount(field_name: str, raw: Any) -> Any:
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


def mapping(item: Located) -> dict[str, Located] | None:
    return item.value if isinstance(item.value, dict) else None


def not_a_mapping(item: Located, reason: str) -> RecordError:
    """Why a record is not a mapping: an unreadable JSONL line says what is wrong with it."""
    if isinstance(item.value, InvalidLine):
        return RecordError("", item.value.reason, item.value.text)
    return RecordError("", reason)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def coerce_dates(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if k in DATE_FIELDS and isinstance(v, int) else v) for k, v in data.items()}


def resolve_any(ctx: LoadContext, kinds: tuple[NodeKind, ...], name: str) -> str | None:
    for kind in kinds:
        found = ctx.resolver.resolve(kind, name)
        if found:
            return found
    return None


def with_certainty(prov: list[Provenance], certainty: Any, evidence: Any) -> list[Provenance]:
    if certainty is None and not evidence:
        return prov
    level = Certainty(certainty) if certainty else Certainty.STATED
    return [Provenance(p.source, str(evidence or p.evidence), p.claims, level) for p in prov]


def file_reject(file: Path, reason: str) -> Reject:
    return Reject(str(file), 0, "", reason, FILE_REJECTED)
