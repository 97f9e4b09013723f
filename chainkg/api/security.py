"""Who may read and who may write: API keys with roles, sessions for browsers, the current user.

**Keys and roles.** A key belongs to a named principal with one role:

- ``viewer`` reads; ``editor`` also loads data (``POST /api/v1/loads``); ``admin`` also lists the
  audit log (``GET /api/v1/audit``).
- Keys come from the settings (:class:`chainkg.app.settings.Settings`): ``CHAINKG_API_KEY`` (one
  admin key named ``api-key``, as before), ``CHAINKG_READ_KEYS`` (comma-separated viewer keys),
  ``CHAINKG_KEYS`` (``name:role:key`` entries, comma-separated) and the keys file
  (``CHAINKG_KEYS_FILE``, default ``<home>/keys.json``, kept by ``chainkg keys add|list|remove``),
  which stores only each key's SHA-256, so the file discloses no key.
- A request presents its key in ``X-API-Key`` or as ``Authorization: Bearer <key>``. Keys are
  compared by their SHA-256 with :func:`hmac.compare_digest` against every known key, so the time a
  wrong key takes to refuse says nothing about how much of it was right.

**Reads** are public unless they are protected: ``CHAINKG_READS=keys``, or — when that is unset —
as soon as any read key or named key is configured, or a keys file exists (even one whose last key
was removed: protection fails closed). Then every route except the probes (``/healthz``,
``/readyz``), the API description (``/docs``, ``/openapi.json``, ``/static``), the workbench's
stylesheets and scripts (``/assets``) and signing in (``/auth/…``) needs a key or a session: JSON
routes answer 401, pages send the browser to the sign-in page. The check is a middleware
(:class:`AccessControl`), so a route added later is protected without remembering to be.

**Sessions** let a person in a browser sign in once with a key (``POST /auth/session``, the form at
``/auth/signin``): the server sets an ``HttpOnly``, ``SameSite=Strict`` cookie holding the key's
*name*, an expiry (``CHAINKG_SESSION_HOURS``) and an HMAC-SHA256 signature (secret:
``CHAINKG_SESSION_SECRET`` or ``<home>/session.key``, made on first use). Every request re-reads the
role from the current keys, so removing a key ends its sessions. A write authenticated by the
cookie alone must come from a page of this server (``Origin`` / ``Sec-Fetch-Site``), so another site
cannot make a signed-in browser post a load (cross-site request forgery).

Routes read the principal with the :data:`CurrentUser` dependency and demand a role with
:func:`require_role` (``require_write_key`` is kept as the editor check of the load route).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, cast

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import Headers
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from chainkg.api.errors import APIError, error_response
from chainkg.app.audit import Actor, record_load
from chainkg.app.keys import KeysFileError, read_keys_file
from chainkg.app.settings import Role, Settings
from chainkg.store.files import atomic_write_text

__all__ = [
    "ROLES",
    "AccessControl",
    "CurrentUser",
    "KeyRing",
    "Principal",
    "Role",
    "SessionCodec",
    "current_user",
    "keyring",
    "require_role",
    "require_write_key",
]

ROLES: tuple[Role, ...] = ("viewer", "editor", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES, start=1)}

SESSION_COOKIE = "chainkg_session"
#: Paths anyone may request even when reads are protected (prefix match on whole segments).
PUBLIC_PATHS = ("/healthz", "/readyz", "/docs", "/openapi.json", "/static", "/assets", "/auth", "/favicon.ico")

_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Principal:
    """Who is asking: a key's name and role, how they proved it (key or session), or anonymous."""

    name: str
    role: Role | None
    via: Literal["key", "session", "anonymous"]

    @property
    def anonymous(self) -> bool:
        return self.role is None

    def can(self, role: Role) -> bool:
        return self.role is not None and _RANK[self.role] >= _RANK[role]


ANONYMOUS = Principal("anonymous", None, "anonymous")


@dataclass(frozen=True)
class _Key:
    name: str
    role: Role
    digest: bytes  # sha256 of the key


class KeyRing:
    """Every key the server knows, by digest; built from the settings on each request (cheap) so a
    change to the keys file applies without a restart."""

    def __init__(self, keys: Iterable[_Key], reads_protected: bool):
        self.keys = list(keys)
        self.reads_protected = reads_protected

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        keys: list[_Key] = []
        if settings.api_key is not None and settings.api_key.get_secret_value():
            keys.append(_Key("api-key", "admin", _raw_digest(settings.api_key.get_secret_value())))
        others = [
            _Key(f"read-key-{number}", "viewer", _raw_digest(secret.get_secret_value()))
            for number, secret in enumerate(settings.read_keys, start=1)
            if secret.get_secret_value()
        ]
        others += [_Key(name, role, _raw_digest(secret)) for name, role, secret in settings.named_keys()]
        others += [
            _Key(e["name"], cast(Role, e["role"]), bytes.fromhex(e["sha256"]))
            for e in read_keys_file(settings.keys_path)
        ]
        # Reads are protected when the operator says so, or else as soon as any key other than the
        # single write key exists — or the keys file does, even emptied: removing the last key must
        # not open the reads (fail closed). Whoever hands out read keys means reads to need one.
        named = bool(others) or settings.keys_path.exists()
        protected = settings.reads == "keys" if settings.reads is not None else named
        return cls(keys + others, protected)

    @property
    def writes_enabled(self) -> bool:
        return any(_RANK[k.role] >= _RANK["editor"] for k in self.keys)

    def lookup(self, key: str) -> Principal | None:
        """The principal a presented key belongs to; every known key is compared (constant time each)."""
        digest = _raw_digest(key)
        found: _Key | None = None
        for known in self.keys:
            if hmac.compare_digest(digest, known.digest) and found is None:
                found = known
        return Principal(found.name, found.role, "key") if found is not None else None

    def named(self, name: str) -> _Key | None:
        return next((k for k in self.keys if k.name == name), None)


def _raw_digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


# --- sessions --------------------------------------------------------------------------------


class SessionCodec:
    """Signed session cookies: ``base64(json{name, exp}).base64(hmac)``."""

    def __init__(self, secret: bytes, hours: float):
        self.secret = secret
        self.seconds = int(hours * 3600)

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionCodec:
        if settings.session_secret is not None and settings.session_secret.get_secret_value():
            secret = settings.session_secret.get_secret_value().encode("utf-8")
        else:
            secret = _stored_secret(settings.home / "session.key")
        return cls(secret, settings.session_hours)

    def issue(self, name: str) -> str:
        body = _b64(json.dumps({"name": name, "exp": int(time.time()) + self.seconds}).encode("utf-8"))
        return body + "." + _b64(hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).digest())

    def read(self, cookie: str) -> str | None:
        """The key name a valid, unexpired cookie carries; None otherwise."""
        body, _, signature = cookie.partition(".")
        if not body or not signature or len(cookie) > 1024:
            return None
        expected = _b64(hmac.new(self.secret, body.encode("ascii", "replace"), hashlib.sha256).digest())
        if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode("ascii")):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            name, expires = str(data["name"]), int(data["exp"])
        except (ValueError, KeyError, TypeError):
            return None
        return name if expires > time.time() else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _stored_secret(path: Path) -> bytes:
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        secret = secrets.token_bytes(32)
        with contextlib.suppress(OSError):  # a read-only home: sessions then last as long as this process
            atomic_write_text(path, secret.hex() + "\n", encoding="ascii", perms=0o600)
        return secret


# --- resolving the principal -----------------------------------------------------------------


def keyring(request: Request) -> KeyRing:
    settings: Settings = request.app.state.settings
    return KeyRing.from_settings(settings)


def _presented_key(headers: Headers) -> str | None:
    key = headers.get("x-api-key")
    if key:
        return key
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def resolve_principal(settings: Settings, ring: KeyRing, headers: Headers, cookies: dict[str, str]) -> Principal:
    """The principal of a request; raises :class:`APIError` 401 for a key that is presented but wrong."""
    key = _presented_key(headers)
    if key is not None and ring.keys:  # a server with no keys at all: a key means nothing (writes are off)
        found = ring.lookup(key)
        if found is None:
            raise APIError(
                401,
                "unauthorized",
                "the API key is not valid; give a valid key in X-API-Key or Authorization: Bearer",
                headers={"WWW-Authenticate": 'Bearer realm="chainkg"'},
            )
        return found
    cookie = cookies.get(SESSION_COOKIE)
    if cookie:
        name = SessionCodec.from_settings(settings).read(cookie)
        known = ring.named(name) if name else None
        if known is not None:
            return Principal(known.name, known.role, "session")
    return ANONYMOUS


async def current_user(request: Request) -> Principal:
    """The principal :class:`AccessControl` resolved for this request (resolved here when the
    middleware is not installed, e.g. in a sub-application)."""
    principal = getattr(request.state, "principal", None)
    if isinstance(principal, Principal):
        return principal
    settings: Settings = request.app.state.settings
    principal = resolve_principal(settings, keyring(request), request.headers, dict(request.cookies))
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]


def require_role(role: Role) -> Any:
    """A dependency refusing principals below ``role``: 401 without credentials, 403 with too few rights."""

    async def check(request: Request, user: CurrentUser) -> Principal:
        try:
            return _check(request, user, role)
        except APIError as exc:
            if request.method in _UNSAFE_METHODS:  # a refused write attempt is part of the audit trail
                _audit_refusal(request, user, exc)
            raise

    return check


def _check(request: Request, user: Principal, role: Role) -> Principal:
    ring = keyring(request)
    if role == "editor" and not ring.writes_enabled:
        raise APIError(
            403,
            "writes_disabled",
            "writes are disabled on this server; the operator enables them by setting CHAINKG_API_KEY "
            "(or giving a key the editor role)",
        )
    if user.anonymous:
        raise APIError(
            401,
            "unauthorized",
            f"this needs a key with the {role} role in X-API-Key or Authorization: Bearer",
            headers={"WWW-Authenticate": 'Bearer realm="chainkg"'},
        )
    if not user.can(role):
        raise APIError(403, "forbidden", f"{user.name} ({user.role}) may not do this: it needs the {role} role")
    _check_same_origin(request, user)
    return user


def _audit_refusal(request: Request, user: Principal, exc: APIError) -> None:
    settings: Settings = request.app.state.settings
    actor = Actor(
        name=user.name,
        role=user.role or "anonymous",
        via="api",
        address=request.client.host if request.client is not None else None,
    )
    action = "load" if request.url.path.endswith("/loads") else f"{request.method} {request.url.path}"[:100]
    with contextlib.suppress(OSError):  # a read-only state directory must not turn a 401 into a 500
        record_load(settings.home, actor, action, "refused", [], message=f"{exc.status_code} {exc.code}: {exc.message}")


def _check_same_origin(request: Request, user: Principal) -> None:
    """A write carried by the session cookie alone must come from this server's own pages."""
    if user.via != "session" or request.method not in _UNSAFE_METHODS:
        return
    if _same_origin(request.headers, request.url.scheme, request.headers.get("host", "")):
        return
    raise APIError(
        403,
        "cross_site_request",
        "a write signed in by session must come from this server's own pages; other clients send the key "
        "in X-API-Key or Authorization: Bearer",
    )


def _same_origin(headers: Headers, scheme: str, host: str) -> bool:
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = headers.get("origin")
    return origin is not None and origin == f"{scheme}://{host}"


# --- the load route's check, as before --------------------------------------------------------

_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="ApiKey", description="an API key / 访问密钥"
)
_bearer = HTTPBearer(auto_error=False, scheme_name="Bearer", description="Authorization: Bearer <key>")
_require_editor = require_role("editor")


async def require_write_key(
    request: Request,
    user: CurrentUser,
    api_key: Annotated[str | None, Security(_api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    """The editor role (a key in ``X-API-Key`` / ``Authorization: Bearer``, or a session). The two
    security parameters only document the schemes in OpenAPI; the principal was resolved already.
    Runs before the request body is read, so an unauthenticated upload is refused unread."""
    principal: Principal = await _require_editor(request, user)
    return principal


# --- the middleware --------------------------------------------------------------------------


class AccessControl:
    """Resolves every request's principal once (``request.state.principal``) and, when reads are
    protected, refuses anonymous requests outside :data:`PUBLIC_PATHS`: 401 in the error shape for
    programs, a redirect to the sign-in page for a browser asking for a page."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["app"].state.settings
        request = Request(scope)
        try:
            ring = KeyRing.from_settings(settings)
            principal = resolve_principal(settings, ring, request.headers, dict(request.cookies))
        except APIError as exc:
            await error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)(scope, receive, send)
            return
        except KeysFileError as exc:
            response = error_response(500, "keys_file_invalid", str(exc))
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        path = scope.get("path", "")
        if ring.reads_protected and principal.anonymous and not _public(path):
            await self._refuse(request, path)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _refuse(request: Request, path: str) -> Response:
        wants_page = "text/html" in request.headers.get("accept", "") and not path.startswith("/api/")
        if wants_page and request.method in ("GET", "HEAD"):
            target = path + (f"?{request.url.query}" if request.url.query else "")
            from urllib.parse import quote

            return RedirectResponse(f"/auth/signin?next={quote(target, safe='/')}", status_code=303)
        return error_response(
            401,
            "unauthorized",
            "reading this server needs a key (X-API-Key or Authorization: Bearer) or a session (/auth/signin)",
            {"path": path},
            {"WWW-Authenticate": 'Bearer realm="chainkg"'},
        )


def _public(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PUBLIC_PATHS)
