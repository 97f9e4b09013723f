"""Paging for the listing queries (``listing_*``): stable order, opaque cursors, a hard page cap.

Definition shared by every listing:

- items are ordered by id (code-point order), the one order every store can keep without sorting
  on a mutable property;
- a page holds at most ``limit`` items, and ``limit`` is capped at ``MAX_PAGE`` (200): a caller
  cannot ask for the whole graph in one response;
- ``cursor`` is opaque to callers (it is the unpadded URL-safe base64 of the last id of the
  previous page); the next page starts at the first matching id *after* it, so a walk never
  repeats an item and never skips one that existed throughout the walk, even when nodes are added
  meanwhile. A well-formed cursor that this API did not issue still names a position in id order
  and is answered like any other; a malformed one is a validation error naming ``cursor``;
- ``next_cursor`` is None on the last page; ``total`` counts every item matching the filters;
- ``text`` keeps items whose normalised name or alias/简称 contains the normalised text (so
  traditional characters, full-width forms and spaces do not matter; a text with nothing left
  once normalised filters nothing);
- filters combine with AND; an unknown id in a filter is ``not_found`` with close names.
"""

from __future__ import annotations

import base64
import binascii
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.errors import InvalidQuery
from chainkg.schema.normalize import normalize_name
from chainkg.store.graph_tables import node_table
from chainkg.store.key_index import key_index
from chainkg.store.protocol import Execute

__all__ = [
    "CURSOR_PATTERN",
    "MAX_PAGE",
    "TEXT_MATCH",
    "Page",
    "PageParams",
    "decode_cursor",
    "encode_cursor",
    "listing_page",
    "matching_text",
    "paginate",
    "text_key",
]

#: The hard maximum page size of every listing.
MAX_PAGE = 200

#: Unpadded URL-safe base64: groups of four, then an optional group of two or three (never one).
CURSOR_PATTERN = r"^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$"


class PageParams(BaseModel):
    """Paging and the name filter every listing takes."""

    limit: int = Field(
        default=50,
        ge=1,
        le=MAX_PAGE,
        description=f"items per page, at most {MAX_PAGE} / 每页条数（最多 {MAX_PAGE}）",
        examples=[50],
    )
    cursor: str | None = Field(
        default=None,
        max_length=1000,
        pattern=CURSOR_PATTERN,
        description="next_cursor from the previous page; omit for the first page / 翻页游标",
    )
    text: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="only items whose name or alias contains this / 名称或简称包含",
        examples=["有研"],
    )


ItemT = TypeVar("ItemT", bound=BaseModel)


class Page(BaseModel, Generic[ItemT]):
    """One page of a listing: its items in id order, where the next page starts, how many match."""

    items: list[ItemT]
    next_cursor: str | None = Field(description="pass as cursor for the next page; None on the last page")
    total: int = Field(description="items matching the filters / 符合条件的总数")


def encode_cursor(node_id: str) -> str:
    """The opaque token for 'after this id'."""
    return base64.urlsafe_b64encode(node_id.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The position a cursor stands for (the id it was made from); malformed → ``invalid_query``."""
    if not re.fullmatch(CURSOR_PATTERN, cursor):
        raise _bad_cursor(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _bad_cursor(cursor) from exc
    # Bytes that are not UTF-8 cannot come from an id, but still mark a place in code-point order.
    return raw.decode("utf-8", errors="replace")


def _bad_cursor(cursor: str) -> InvalidQuery:
    return InvalidQuery(
        "cursor is malformed: pass next_cursor from the previous page unchanged, or omit it",
        details={"field": "cursor", "value": cursor[:100]},
    )


def matching_text(graph: nx.MultiDiGraph[str], ids: Iterable[str], text: str | None) -> list[str]:
    """The ids (order kept) whose name or alias contains ``text`` once both are normalised."""
    key = normalize_name(text) if text is not None else ""
    if not key:
        return list(ids)
    ids = list(ids)
    if len(ids) >= _INDEXED:  # every enterprise, say: the search index finds the few that match
        containing = key_index(graph).containing(key)
        return [n for n in ids if n in containing]

    def keys(attrs: dict[str, Any]) -> list[str]:
        return attrs.get("keys") or [normalize_name(attrs.get("name", ""))]

    nodes = node_table(graph)
    return [n for n in ids if any(key in k for k in keys(nodes[n]))]


#: From this many ids on, the text filter asks the search index (:class:`chainkg.store.key_index.KeyIndex`,
#: built once per graph version) instead of looking at every id's keys.
_INDEXED = 5000


def paginate(ids: Sequence[str], params: PageParams) -> tuple[list[str], str | None]:
    """One page of ``ids`` (which must be sorted) after the cursor, and the cursor of the next page."""
    start = bisect_right(ids, decode_cursor(params.cursor)) if params.cursor else 0
    page = list(ids[start : start + params.limit])
    more = start + params.limit < len(ids)
    return page, (encode_cursor(page[-1]) if more and page else None)


# --- Cypher twins -------------------------------------------------------------------------------

#: Cypher condition for the listings' ``text`` filter on node ``n`` (``$text``: the normalised text or null).
TEXT_MATCH = "($text IS NULL OR any(key IN coalesce(n.keys, []) WHERE key CONTAINS $text))"


def text_key(text: str | None) -> str | None:
    """The listings' ``text`` as the ``$text`` parameter: normalised, None when nothing is left."""
    key = normalize_name(text) if text is not None else ""
    return key or None


def listing_page(
    execute: Execute, match: str, item: str, args: Mapping[str, Any], params: PageParams
) -> tuple[list[dict[str, Any]], str | None, int]:
    """One page of a listing (the Cypher twin of :func:`paginate`): ``match`` binds ``n`` to every matching node,
    ``item`` (a RETURN clause with ``id``) describes one. Returns the rows, next cursor and total.

    One statement: the matches are found once, counted, and the page is the first ``limit`` (+ 1, to
    know whether there is more) after the cursor, each row with the count. Only an empty page (no
    match, or a cursor past the last) asks for the count on its own."""
    after = decode_cursor(params.cursor) if params.cursor else ""  # every id sorts after ""
    rows = execute(
        f"""{match}
WITH collect(n) AS matched
WITH size(matched) AS total, matched
UNWIND matched AS n
WITH total, n WHERE n.id > $after
WITH total, n ORDER BY n.id LIMIT $take
{item}, total""",
        {**args, "after": after, "take": params.limit + 1},
    )
    if rows:
        total = rows[0]["total"]
    else:
        (count,) = execute(f"{match}\nRETURN count(n) AS total", args)
        total = count["total"]
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return rows, (encode_cursor(rows[-1]["id"]) if more and rows else None), total
