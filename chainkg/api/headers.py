"""HTTP hygiene every response gets: security headers, HEAD on every GET route.

**Security headers**, on pages and JSON alike (an error included):

- ``X-Content-Type-Options: nosniff`` — a browser never guesses a JSON answer (or an uploaded
  file's echo) to be a page or a script;
- ``Content-Security-Policy`` — for HTML, everything from this server only (``'self'``; the graph
  pages' inline scripts and styles allowed, ``data:`` images), nothing fetched from elsewhere,
  forms posting only here, frames only by this server's own pages; for everything else
  ``default-src 'none'`` (a JSON body rendered as a document can run nothing);
- ``X-Frame-Options: SAMEORIGIN`` and ``frame-ancestors 'self'`` — no other site can frame a page
  (clickjacking), while the workbench may still show a graph page inside its own;
- ``Referrer-Policy: no-referrer`` — names typed into a URL (a search, an enterprise) never leak to
  another site in a ``Referer``;
- ``Cross-Origin-Opener-Policy: same-origin``.

**HEAD** is answered on every route that answers GET (FastAPI registers GET routes for GET alone,
so HEAD was 405): the request runs as a GET and the body is dropped, keeping the headers a GET
would have (``Content-Type``, ``Content-Length`` …), as RFC 9110 §9.3.2 asks.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HTML_POLICY", "OTHER_POLICY", "HeadAsGet", "SecurityHeaders"]

HTML_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"

_COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _COMMON.items():
                    if name not in headers:
                        headers[name] = value
                if "content-security-policy" not in headers:
                    html = headers.get("content-type", "").startswith("text/html")
                    headers["Content-Security-Policy"] = HTML_POLICY if html else OTHER_POLICY
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """Runs a HEAD request as GET and sends the response without its body."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return
        scope = {**scope, "method": "GET", "chainkg.head": True}
        finished = False

        async def headers_only(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body":
                if not finished and not message.get("more_body", False):
                    finished = True
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        await self.app(scope, receive, headers_only)


def is_head(scope: dict[str, Any]) -> bool:
    """The request was a HEAD run as GET (for handlers that could skip building a body)."""
    return bool(scope.get("chainkg.head"))
