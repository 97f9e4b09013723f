"""Who may write: nobody unless ``CHAINKG_API_KEY`` is set, then whoever presents that key.

The key is accepted in ``X-API-Key`` or as ``Authorization: Bearer <key>`` and compared with
:func:`hmac.compare_digest`, so the time a wrong key takes to refuse says nothing about how much of
it was right. Reads need no key: the graph is public information assembled from public sources.
The check runs before the request body is read, so an unauthenticated upload is refused unread.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from chainkg.api.deps import SettingsDep
from chainkg.api.errors import APIError

__all__ = ["require_write_key"]

_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="ApiKey", description="the server's CHAINKG_API_KEY / 写入密钥"
)
_bearer = HTTPBearer(auto_error=False, scheme_name="Bearer", description="Authorization: Bearer <CHAINKG_API_KEY>")


async def require_write_key(
    settings: SettingsDep,
    api_key: Annotated[str | None, Security(_api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> None:
    expected = settings.api_key.get_secret_value() if settings.api_key is not None else ""
    if not expected:
        raise APIError(
            403,
            "writes_disabled",
            "writes are disabled on this server; the operator enables them by setting CHAINKG_API_KEY",
        )
    given = api_key or (bearer.credentials if bearer is not None else "")
    if not given or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise APIError(
            401,
            "unauthorized",
            "this write needs the server's API key in X-API-Key or Authorization: Bearer",
            headers={"WWW-Authenticate": 'Bearer realm="chainkg"'},
        )
