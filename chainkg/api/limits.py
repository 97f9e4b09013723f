"""Request size limits: an over-long URL is refused with 414, a body larger than
``CHAINKG_MAX_BODY_BYTES`` with 413.

A URL (path and query string, as sent) longer than ``CHAINKG_MAX_URL_BYTES`` (default 8 KiB — what
common proxies accept) is answered 414 ``uri_too_long`` before routing: no parameter of this API
needs more, and parsing a megabyte of query string for every request would be a cheap way to load
the server.

Body size:

Checked twice, because a client may not announce the size: a ``Content-Length`` over the limit is
answered at once, before a byte of the body is read; a body streamed without one (chunked) is
counted as it arrives and refused as soon as it passes the limit, so the server never buffers more
than the limit plus one chunk.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chainkg.api.errors import APIError, error_response

__all__ = ["BodySizeLimit", "PayloadTooLarge", "UrlLengthLimit"]


class PayloadTooLarge(APIError):
    def __init__(self, limit: int):
        super().__init__(
            413,
            "payload_too_large",
            f"request body is larger than this server accepts ({limit} bytes; CHAINKG_MAX_BODY_BYTES)",
            {"limit_bytes": limit},
        )


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared == -1:
            response = error_response(400, "bad_request", "Content-Length is not a non-negative integer")
            await response(scope, receive, send)
            return
        if declared is not None and declared > self.max_bytes:
            error = PayloadTooLarge(self.max_bytes)
            response = error_response(413, error.code, error.message, error.details, {"Connection": "close"})
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted, send)


class UrlLengthLimit:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8")
            length = len(raw) + len(scope.get("query_string", b""))
            if length > self.max_bytes:
                response = error_response(
                    414,
                    "uri_too_long",
                    f"the URL is {length} bytes; this server reads at most {self.max_bytes} (CHAINKG_MAX_URL_BYTES)",
                    {"limit_bytes": self.max_bytes},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared length, None when absent, -1 when malformed."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return -1
            return length if length >= 0 else -1
    return None
