"""Signing in from a browser: a key becomes a session cookie (see :mod:`chainkg.api.security`).

- ``GET /auth/signin`` — the sign-in page (a form asking for a key);
- ``POST /auth/session`` — form fields ``key`` (and ``next``, where to go afterwards): sets the
  session cookie and sends the browser on; a JSON body ``{"key": …}`` gets ``{name, role}`` back;
- ``POST /auth/logout`` — ends the session;
- ``GET /auth/whoami`` — who the request is signed in as, and whether reads need a key.

Failed sign-ins are counted per client address: more than :data:`MAX_FAILURES` in
:data:`FAILURE_WINDOW` seconds get 429 until the window has passed, so keys cannot be guessed
at speed.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections import deque
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from chainkg.api.errors import APIError
from chainkg.api.security import SESSION_COOKIE, CurrentUser, SessionCodec, keyring

__all__ = ["FAILURE_WINDOW", "MAX_FAILURES", "router"]

router = APIRouter(prefix="/auth", tags=["auth"])

MAX_FAILURES = 10
FAILURE_WINDOW = 300.0


class WhoAmI(BaseModel):
    """The principal of this request / 当前身份."""

    name: str
    role: Literal["viewer", "editor", "admin"] | None = Field(description="None when not signed in")
    via: Literal["key", "session", "anonymous"]
    reads_protected: bool = Field(description="reading needs a key or a session / 读取是否需要密钥")


class _Failures:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def blocked(self, client: str) -> bool:
        with self._lock:
            times = self._recent(client)
            return len(times) >= MAX_FAILURES

    def add(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(time.monotonic())
            if len(self._seen) > 10_000:  # bounded: forget the quietest clients
                for key in [k for k, v in self._seen.items() if not v][:5000]:
                    del self._seen[key]

    def _recent(self, client: str) -> deque[float]:
        times = self._seen.setdefault(client, deque())
        cutoff = time.monotonic() - FAILURE_WINDOW
        while times and times[0] < cutoff:
            times.popleft()
        return times


def _failures(request: Request) -> _Failures:
    found = getattr(request.app.state, "signin_failures", None)
    if not isinstance(found, _Failures):
        found = request.app.state.signin_failures = _Failures()
    return found


def _safe_next(target: str | None) -> str:
    """Only a path on this server (no scheme, no host, no ``//``): never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 32 for c in target):
        return "/"
    return target


@router.get("/signin", include_in_schema=False)
def signin_page(request: Request, next: str | None = None, failed: bool = False) -> HTMLResponse:
    target = html.escape(_safe_next(next), quote=True)
    note = '<p role="alert">密钥无效 · the key is not valid</p>' if failed else ""
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>登录 · sign in — chainkg</title><link rel="stylesheet" href="/assets/css/workbench.css"></head>'
        '<body class="signin">'
        "<h1>chainkg 产业链知识图谱</h1><h2>登录 · sign in</h2>"
        f'{note}<form method="post" action="/auth/session">'
        '<label>访问密钥 · key <input type="password" name="key" autocomplete="current-password" required '
        "autofocus></label>"
        f'<input type="hidden" name="next" value="{target}">'
        '<button type="submit">登录 · sign in</button></form></body></html>'
    )
    return HTMLResponse(page)


@router.post("/session", include_in_schema=False)
async def create_session(request: Request) -> Response:
    client = request.client.host if request.client is not None else "?"
    failures = _failures(request)
    if failures.blocked(client):
        raise APIError(
            429,
            "too_many_attempts",
            "too many failed sign-ins from this address; wait a few minutes",
            headers={"Retry-After": str(int(FAILURE_WINDOW))},
        )
    as_form = not request.headers.get("content-type", "").startswith("application/json")
    if as_form:
        async with request.form(max_files=0, max_fields=4) as form:
            key, target = form.get("key"), form.get("next")
    else:
        try:
            body = json.loads(await request.body())
        except ValueError as exc:
            raise APIError(422, "validation_error", "body: not JSON", {"field": "key"}) from exc
        key, target = (body.get("key"), None) if isinstance(body, dict) else (None, None)
    principal = keyring(request).lookup(key) if isinstance(key, str) and key else None
    if principal is None:
        failures.add(client)
        if as_form:
            from urllib.parse import quote

            next_path = _safe_next(target if isinstance(target, str) else None)
            return RedirectResponse(f"/auth/signin?failed=1&next={quote(next_path, safe='/')}", status_code=303)
        raise APIError(401, "unauthorized", "the key is not valid", {"field": "key"})
    settings = request.app.state.settings
    codec = SessionCodec.from_settings(settings)
    response: Response
    if as_form:
        response = RedirectResponse(_safe_next(target if isinstance(target, str) else None), status_code=303)
    else:
        response = JSONResponse({"name": principal.name, "role": principal.role})
    response.set_cookie(
        SESSION_COOKIE,
        codec.issue(principal.name),
        max_age=codec.seconds,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout() -> Response:
    response = RedirectResponse("/auth/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/whoami", operation_id="whoami", summary="Who am I / 当前身份")
def whoami(request: Request, user: CurrentUser) -> WhoAmI:
    """The key name and role this request is authenticated as (anonymous without a key or session)."""
    return WhoAmI(name=user.name, role=user.role, via=user.via, reads_protected=keyring(request).reads_protected)
