"""What every query router shares: parameters read from the query's params model, ids and names
turned into the ids a query takes, and the error responses routes document.

**Parameters.** A route declares each parameter with :func:`query_param` or :func:`path_param`,
which read the default, limits, description and examples of the params model's field of that name
(:mod:`chainkg.queries`) — a limit is written once, in the model, and the OpenAPI document, the CLI
and the viz pages all show it.

**Ids or names.** Every parameter that names a node (its field carries a
:class:`~chainkg.queries.params.Refers`) takes its id — e.g. ``chain:集成电路``,
``ent:有研科技集团有限公司``, percent-encoded in a URL — or a name or 简称 that identifies one node of
the expected kinds (``集成电路``, ``有研集团``, ``天衢新区``), resolved by :func:`chainkg.queries.refs.bind`:
an exact name or alias wins; otherwise a single clearly best prefix match. An id is used as given,
with no search; a name that fits nothing is a 404 whose ``details.suggestions`` lists the closest
names, one that fits several equally is a 400 ``ambiguous`` listing them. Such a parameter is at
most :data:`MAX_REF` characters. Ids may contain ``/``: path parameters take the rest of the path.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, TypeVar

from fastapi import Path, Query
from pydantic import BaseModel, ValidationError

from chainkg.api.errors import APIError, error_responses
from chainkg.queries.base import Query as QueryObject
from chainkg.queries.base import field_limits
from chainkg.queries.params import refers
from chainkg.queries.refs import bind
from chainkg.store.protocol import GraphStore

__all__ = ["MAX_REF", "QUERY_ERRORS", "params_of", "path_param", "query_param", "run"]

#: Errors any read route can answer with.
QUERY_ERRORS = error_responses(400, 404, 422, 500, 503)

#: Longest id or name a route takes (names are matched on their first 100 characters).
MAX_REF = 300

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)

#: A query (whose params model is meant) or a params model itself (the viz pages' options).
Source = QueryObject[Any, Any] | type[BaseModel]


def params_of(source: Source) -> type[BaseModel]:
    return source.params if isinstance(source, QueryObject) else source


def _declared(source: Source, name: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """What FastAPI's ``Query``/``Path`` is given for the params field ``name``."""
    model = params_of(source)
    field = model.model_fields[name]
    declared: dict[str, Any] = {"description": field.description, "examples": field.examples}
    declared.update({key: value for key, value in asdict(field_limits(field)).items() if value is not None})
    if refers(model, name) is not None:
        declared.update(min_length=1, max_length=MAX_REF, openapi_examples=_by_id_and_name(field.examples or []))
    declared.update(overrides)
    return {key: value for key, value in declared.items() if value is not None}


def _by_id_and_name(examples: list[str]) -> dict[str, dict[str, str]]:
    """Swagger UI's named examples of a parameter naming a node: each example id, and the name of
    the first (what follows its kind prefix)."""
    named = {
        "id" if i == 0 else example.split(":", 1)[0]: {"summary": "by id / 按 id", "value": example}
        for i, example in enumerate(examples)
    }
    if examples:
        named["name"] = {"summary": "by name / 按名称", "value": examples[0].split(":", 1)[-1]}
    return named


def query_param(source: Source, name: str, **overrides: Any) -> Any:
    """A query-string parameter declared as the params field ``name`` declares it (default, limits,
    description, examples); ``overrides`` add what only HTTP needs."""
    field = params_of(source).model_fields[name]
    default = field.get_default(call_default_factory=True) if not field.is_required() else ...
    return Query(default, **_declared(source, name, overrides))


def path_param(source: Source, name: str, **overrides: Any) -> Any:
    """A path parameter declared as the params field ``name`` declares it."""
    return Path(**_declared(source, name, overrides))


def run(store: GraphStore, query: QueryObject[P, R], values: dict[str, Any], *, blame: str | None = None) -> R:
    """Resolve names, build the query's params and run it. When the params model refuses the
    combination as a whole (a model validator: no field of its own), the 422 names ``blame``, the
    request parameter a caller should change."""
    return store.run(query, build(store, query.params, values, blame=blame))


def build(store: GraphStore, model: type[P], values: dict[str, Any], *, blame: str | None = None) -> P:
    """:func:`chainkg.queries.refs.bind`, with a whole-model refusal blamed on the parameter ``blame``."""
    try:
        return bind(store, model, values)
    except ValidationError as exc:
        errors = exc.errors()
        if blame is None or all(error["loc"] for error in errors):
            raise
        message = errors[0]["msg"].removeprefix("Value error, ")
        raise APIError(
            422,
            "validation_error",
            f"{blame}: {message}",
            {
                "field": blame,
                "errors": [{"field": blame, "in": "query", "message": message, "type": errors[0]["type"]}],
            },
        ) from exc
