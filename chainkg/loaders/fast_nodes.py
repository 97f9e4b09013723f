"""Enterprise and project node records without building pydantic models, for plain input.

Why: a city dataset holds tens of thousands of enterprises and projects, and building each one's
pydantic model (then dumping it, then recomputing its id and keys) cost about 40 µs a record — a
large share of a load. Most records are plain: strings without surrounding spaces, whole-number
amounts, known enum values. For those, this module produces exactly the :class:`NodeRecord` that
``Model.model_validate(fields).to_record(prov)`` would, calling the same checks the models call
(:func:`clean_display`, :func:`normalize_name`, the credit-code and date rules) once per value.

It never rejects anything itself: for any input it is not sure about — an unexpected field, a value
of another type, a string with spaces at its ends, a value a check refuses — it returns ``None``
and the caller validates with the model, which decides and explains. So the records it accepts are
exactly the model's, and everything else goes the slow way (tests prove both on planted records).

The module checks at import that the models still have the shape it was written against (fields,
types, constraints, validators); if someone changes them, the fast path switches itself off until
this module is reviewed (``tests/loaders/test_synthetic.py`` fails to say so).
"""

from __future__ import annotations

import hashlib
import re
import sys
from typing import Any

from chainkg.schema.ids import credit_code_problem
from chainkg.schema.kinds import Currency, EnterpriseKind, Exchange, NodeKind, ProjectStatus
from chainkg.schema.models import Enterprise, NodeModel, Project, _check_partial_date
from chainkg.schema.normalize import clean_display, normalize_name
from chainkg.schema.records import NodeRecord, Provenance

__all__ = ["ENABLED", "fast_node_record", "model_fingerprint"]

_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def model_fingerprint(model: type[NodeModel]) -> str:
    """A stable digest of a model's fields (types, defaults, constraints) and validator names."""
    decorators = model.__pydantic_decorators__
    names = sorted(
        f"{kind}:{name}"
        for kind in ("validators", "field_validators", "model_validators", "field_serializers", "model_serializers")
        for name in getattr(decorators, kind)
    )
    fields = _ADDRESS.sub("", repr(model.model_fields))
    config = repr(sorted(model.model_config.items()))
    return hashlib.sha256("\n".join([fields, config, *names]).encode()).hexdigest()[:16]


#: The model shapes this module reproduces; see the module docstring before changing them.
_REVIEWED: dict[type[NodeModel], str] = {
    Enterprise: "f41ff5aa3b41906d",
    Project: "634592607eca2f4d",
}
ENABLED: dict[type[NodeModel], bool] = {m: model_fingerprint(m) == fp for m, fp in _REVIEWED.items()}

# value → the one shared str object of it: a province repeats these values millions of times
_ENTERPRISE_KINDS = {k.value: k.value for k in EnterpriseKind}
_CURRENCIES = {c.value: c.value for c in Currency}
_EXCHANGES = {e.value: e.value for e in Exchange}
_STATUSES = {s.value: s.value for s in ProjectStatus}
_PIPELINE_DATES = tuple(s.date_field for s in ProjectStatus)
_DATES = ("status_as_of", *_PIPELINE_DATES, "planned_production_date", "next_action_due")


class _Decline(Exception):
    """Not plain input: let the model decide."""


def fast_node_record(
    model_cls: type[NodeModel], fields: dict[str, Any], provenance: list[Provenance]
) -> tuple[NodeRecord, set[str]] | None:
    """``(record, fields_set)`` as the model would give them, or None to validate with the model."""
    if not ENABLED.get(model_cls):
        return None
    try:
        if model_cls is Enterprise:
            return _enterprise(fields, provenance), set(fields)
        if model_cls is Project:
            return _project(fields, provenance), set(fields)
    except _Decline:
        return None
    return None


# --- the two kinds ---------------------------------------------------------------------------

_ENTERPRISE_FIELDS = frozenset(Enterprise.model_fields)
_PROJECT_FIELDS = frozenset(Project.model_fields)


def _enterprise(fields: dict[str, Any], provenance: list[Provenance]) -> NodeRecord:
    if not fields.keys() <= _ENTERPRISE_FIELDS:
        raise _Decline
    props, keys = _names(fields)
    kind = fields.get("enterprise_kind", EnterpriseKind.OTHER.value)
    if type(kind) is not str or kind not in _ENTERPRISE_KINDS:
        raise _Decline
    props["enterprise_kind"] = _ENTERPRISE_KINDS[kind]
    code = _credit_code(fields.get("credit_code"))
    if code is not None:
        props["credit_code"] = code
    _put_text(props, "home_region", fields.get("home_region"), shared=True)
    _put_text(props, "stock_code", fields.get("stock_code"))
    exchange = fields.get("exchange")
    if exchange is not None:
        if type(exchange) is not str or exchange not in _EXCHANGES:
            raise _Decline
        props["exchange"] = _EXCHANGES[exchange]
    _put_text(props, "listing_note", fields.get("listing_note"), 500)
    _put_amount(props, "registered_capital", fields.get("registered_capital"))
    _put_date(props, "established", fields.get("established"))
    _put_text(props, "description", fields.get("description"))
    props["keys"] = keys
    node_id = f"{NodeKind.ENTERPRISE.prefix}:{code}" if code else f"{NodeKind.ENTERPRISE.prefix}:{keys[0]}"
    return NodeRecord(NodeKind.ENTERPRISE, node_id, props, list(provenance))


def _project(fields: dict[str, Any], provenance: list[Provenance]) -> NodeRecord:
    if not fields.keys() <= _PROJECT_FIELDS:
        raise _Decline
    props, keys = _names(fields)
    _put_amount(props, "total_investment", fields.get("total_investment"))
    currency = fields.get("currency", Currency.CNY.value)
    if type(currency) is not str or currency not in _CURRENCIES:
        raise _Decline
    props["currency"] = _CURRENCIES[currency]
    status = fields.get("status")
    if status is not None:
        if type(status) is not str or status not in _STATUSES:
            raise _Decline
        props["status"] = _STATUSES[status]
    for name in _DATES:
        _put_date(props, name, fields.get(name))
    _pipeline_order(props)
    _put_text(props, "termination_reason", fields.get("termination_reason"), 500)
    _put_text(props, "capacity", fields.get("capacity"), 500)
    _put_text(props, "area", fields.get("area"), 200)
    _put_text(props, "description", fields.get("description"))
    _put_text(props, "next_action", fields.get("next_action"), 500)
    props["keys"] = keys
    return NodeRecord(NodeKind.PROJECT, f"{NodeKind.PROJECT.prefix}:{keys[0]}", props, list(provenance))


# --- values, as the models treat them ---------------------------------------------------------


def _plain_text(value: Any, max_length: int | None = None) -> str:
    """A str the model keeps as it is: no whitespace to strip at either end, within its length."""
    if type(value) is not str:
        raise _Decline
    if value and (value[0].isspace() or value[-1].isspace()):
        raise _Decline  # str_strip_whitespace would strip (and Rust's notion of space differs a little)
    if max_length is not None and len(value) > max_length:
        raise _Decline
    return value


def _display_name(value: Any) -> str:
    text = _plain_text(value, 200)
    if not text:
        raise _Decline
    return clean_display(text)


def _names(fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``name`` and de-duplicated ``aliases`` as stored, and the keys (each normalised once)."""
    name = _display_name(fields.get("name"))
    key = normalize_name(name)
    if not key:
        raise _Decline
    aliases = fields.get("aliases", [])
    if type(aliases) is not list:
        raise _Decline
    keys = [key]
    kept: list[str] = []
    for alias in aliases:
        shown = _display_name(alias)
        alias_key = normalize_name(shown)
        if alias_key and alias_key not in keys:
            keys.append(alias_key)
            kept.append(shown)
    return {"name": name, "aliases": kept}, keys


def _put_text(
    props: dict[str, Any], name: str, value: Any, max_length: int | None = None, *, shared: bool = False
) -> None:
    if value is not None:
        text = _plain_text(value, max_length)
        props[name] = sys.intern(text) if shared else text  # a few hundred places, a million mentions


def _put_amount(props: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        if type(value) is not int or value < 0:
            raise _Decline
        props[name] = value


def _put_date(props: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        text = _plain_text(value)
        try:
            _check_partial_date(text)
        except ValueError as exc:
            raise _Decline from exc
        props[name] = sys.intern(text)  # dates repeat across records; one object each


def _credit_code(value: Any) -> str | None:
    if value is None or value == "":
        return None
    code = _plain_text(value).upper()
    if credit_code_problem(code):
        raise _Decline
    return code


def _pipeline_order(props: dict[str, Any]) -> None:
    """Project's rule: reached-status dates cannot run backwards (compared at the shorter precision)."""
    previous: str | None = None
    for name in _PIPELINE_DATES:
        value = props.get(name)
        if value is None:
            continue
        if previous is not None and value < previous[: len(value)]:
            raise _Decline
        previous = value
