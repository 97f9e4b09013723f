"""Typed query errors: what went wrong in words a person can act on, never a stack trace.

The API maps them to HTTP statuses (NotFound → 404, InvalidQuery → 422); the CLI prints them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Ambiguous", "InvalidQuery", "NotFound", "QueryError"]


class QueryError(Exception):
    """Base of every error a query raises on purpose."""

    code = "query_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFound(QueryError):
    """An id that names nothing (or something of the wrong kind); carries close names to try."""

    code = "not_found"

    def __init__(
        self, what: str, ident: str, suggestions: list[dict[str, str]] | None = None, expected: str | None = None
    ):
        hint = f" (expected {expected})" if expected else ""
        super().__init__(f"no {what} with id {ident!r}{hint}", details={"id": ident, "suggestions": suggestions or []})
        self.ident = ident
        self.suggestions = suggestions or []


class InvalidQuery(QueryError):
    """Parameters that are well-formed but make no sense together for this graph."""

    code = "invalid_query"


class Ambiguous(QueryError):
    """A name that fits several nodes equally well; the caller must pick one."""

    code = "ambiguous"

    def __init__(self, what: str, text: str, matches: list[dict[str, str]]):
        names = "、".join(f"{m['name']} ({m['id']})" for m in matches)
        super().__init__(
            f"{text!r} matches more than one {what}: {names}; give the id or a fuller name",
            details={"text": text, "suggestions": matches},
        )
