"""What every query router shares: how ids and names in a request become the ids a query takes,
the parameters several routes have, and the error responses they document.

**Ids or names.** Every parameter that names a node (in the path or the query string) takes its id
— e.g. ``chain:集成电路``, ``ent:有研科技集团有限公司``, percent-encoded in a URL — or a name or
简称 that identifies one node of the expected kinds (``集成电路``, ``有研集团``, ``天衢新区``), resolved
by :func:`chainkg.queries.refs.resolve_ref`: an exact name or alias wins; otherwise a single clearly best
prefix match. An id is used as given, with no search; a name that fits nothing is a 404 whose
``details.suggestions`` lists the closest names, one that fits several equally is a 400
``ambiguous`` listing them. Ids may contain ``/``: path parameters take the rest of the path.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Path, Query
from pydantic import BaseModel, ValidationError

from chainkg.api.errors import APIError, error_responses
from chainkg.queries.errors import Ambiguous, InvalidQuery, NotFound
from chainkg.queries.listing.base import CURSOR_PATTERN
from chainkg.queries.refs import resolve_ref
from chainkg.schema.kinds import NodeKind
from chainkg.store.protocol import GraphStore

__all__ = [
    "PLACES",
    "QUERY_ERRORS",
    "Cursor",
    "Limit",
    "ScopeQuery",
    "TextFilter",
    "build",
    "id_path",
    "resolve",
    "resolve_optional",
]

PLACES = (NodeKind.REGION, NodeKind.PARK)

#: Errors any read route can answer with.
QUERY_ERRORS = error_responses(400, 404, 422, 500, 503)

#: Longest id or name a route takes (names are matched on their first 100 characters).
MAX_REF = 300


def id_path(description: str, example: str) -> Any:
    """A path parameter holding an id or a name (see the module docstring). ``example`` is an id;
    its name part (what follows the kind prefix) is offered as the by-name example."""
    name = example.split(":", 1)[-1]
    return Path(
        description=description,
        min_length=1,
        max_length=MAX_REF,
        examples=[example],
        openapi_examples={
            "id": {"summary": "by id / 按 id", "value": example},
            "name": {"summary": "by name / 按名称", "value": name},
        },
    )


ScopeQuery = Annotated[
    str | None,
    Query(
        description="region or park: id or name; default the home city / 范围：区域或园区的 id 或名称，默认全市",
        min_length=1,
        max_length=MAX_REF,
        examples=["region:天衢新区"],
        openapi_examples={
            "region": {"summary": "a district / 区县", "value": "region:天衢新区"},
            "park": {"summary": "a park / 园区", "value": "park:德州经济技术开发区"},
            "name": {"summary": "by name / 按名称", "value": "临邑县"},
        },
    ),
]
Limit = Annotated[
    int, Query(ge=1, le=200, description="items per page, at most 200 / 每页条数（最多 200）", examples=[50])
]
Cursor = Annotated[
    str | None,
    Query(
        max_length=1000,
        pattern=CURSOR_PATTERN,
        description="next_cursor from the previous page; omit for the first page / 翻页游标",
    ),
]
TextFilter = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=100,
        description="only items whose name or alias contains this / 名称或简称包含",
        examples=["有研"],
    ),
]


def resolve(store: GraphStore, value: str, kinds: tuple[NodeKind, ...], what: str, field: str) -> str:
    """The id ``value`` stands for; errors name the request ``field`` they are about."""
    try:
        return resolve_ref(store, value, kinds, what)
    except (NotFound, Ambiguous) as exc:
        exc.details["field"] = field
        raise
    except InvalidQuery as exc:  # nothing left of the text once normalised: it cannot name anything
        error = NotFound(what, value, [])
        error.details["field"] = field
        raise error from exc


def resolve_optional(
    store: GraphStore, value: str | None, kinds: tuple[NodeKind, ...], what: str, field: str
) -> str | None:
    return None if value is None else resolve(store, value, kinds, what, field)


P = TypeVar("P", bound=BaseModel)


def build(model: type[P], blame: str, **values: Any) -> P:
    """A query's ``Params`` from the request's values. When the model refuses the combination as a
    whole (a model validator: no field of its own), the 422 names ``blame``, the request parameter
    a caller should change."""
    try:
        return model(**values)
    except ValidationError as exc:
        errors = exc.errors()
        if all(error["loc"] for error in errors):
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
