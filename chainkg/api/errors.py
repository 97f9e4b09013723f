"""One error shape for every failure the API reports: ``{"status", "code", "message", "details"}``.

A consumer can branch on ``code`` (stable, snake_case), show ``message`` (a sentence saying what to
do) and read specifics from ``details`` (the offending ``field``, ``suggestions`` for an unknown id,
the reject report of a refused file). Every path to an error response goes through
:func:`error_response`, so the shape cannot drift: query errors, FastAPI's own validation errors,
unknown routes, refused writes, oversized bodies, an unreachable store and unexpected exceptions
(logged with their traceback server-side; the client only gets an error id to quote).

Pages meant for people (``/viz``) register an :data:`ErrorPage` for their path prefix in
``app.state.error_pages``; errors on those paths carry the same fields, rendered as HTML.

Status codes: 400 bad_request / ambiguous, 401 unauthorized, 403 writes_disabled /
path_not_allowed, 404 not_found, 405 method_not_allowed, 409 load_in_progress, 413
payload_too_large, 415 unsupported_media_type, 422 validation_error / invalid_query /
file_rejected, 500 internal_error / store_error, 503 store_unavailable / not_ready (with
``Retry-After``).
"""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chainkg.queries.errors import Ambiguous, InvalidQuery, NotFound, QueryError
from chainkg.store.protocol import StoreError, StoreUnavailable

__all__ = [
    "APIError",
    "CatchUnexpected",
    "ErrorBody",
    "ErrorPage",
    "error_response",
    "error_responses",
    "html_error_page",
    "install_error_handlers",
    "query_error_status",
]

log = logging.getLogger("chainkg.api")


class ErrorBody(BaseModel):
    """Every error response has this shape / 所有错误响应的统一格式."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": 404,
                    "code": "not_found",
                    "message": "no chain with id '芯片' (expected Chain)",
                    "details": {
                        "field": "chain",
                        "id": "芯片",
                        "suggestions": [{"id": "chain:集成电路", "name": "集成电路"}],
                    },
                },
                {
                    "status": 422,
                    "code": "validation_error",
                    "message": "depth: Input should be less than or equal to 6",
                    "details": {
                        "field": "depth",
                        "errors": [
                            {"field": "depth", "in": "query", "message": "Input should be less than or equal to 6"}
                        ],
                    },
                },
            ]
        }
    )

    status: int = Field(description="the HTTP status, repeated / HTTP 状态码")
    code: str = Field(description="stable machine-readable error code / 错误代码", examples=["not_found"])
    message: str = Field(description="what went wrong and what to do / 错误说明")
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="specifics: field, suggestions (closest names), errors, report … / 详细信息（字段、相近名称等）",
    )


class APIError(StarletteHTTPException):
    """An error the API raises on purpose. A subclass of Starlette's HTTPException so that it passes
    through FastAPI's body parsing untouched (FastAPI turns other exceptions there into a bare 400)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(status_code=status, detail=message, headers=dict(headers) if headers else None)
        self.code = code
        self.message = message
        self.details = dict(details or {})


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "internal_error",
    503: "store_unavailable",
}

_DESCRIPTIONS = {
    400: "Bad request, or a name that fits several nodes (code `ambiguous`, candidates in details.suggestions) "
    "/ 请求有误或名称有歧义",
    401: "Missing or wrong API key / 缺少或错误的 API 密钥",
    403: "Writes are disabled on this server, or the path is outside the allowed directory / 写入未开启或路径不允许",
    404: "Unknown id or name (closest names in details.suggestions), or unknown route / 未找到（附相近名称）",
    405: "Method not allowed on this route / 不支持的请求方法",
    409: "Another load is running; retry after it / 另一个导入正在进行",
    413: "Request body larger than the server's limit / 请求体过大",
    415: "Body must be multipart/form-data / 请求体须为 multipart/form-data",
    422: "A parameter is invalid (details.field names it) or the file was rejected / 参数无效或文件被拒",
    500: "Unexpected server error; quote details.error_id to the operator / 服务器内部错误",
    503: "The graph store is unavailable or not ready; retry after Retry-After seconds / 图存储暂不可用",
}

_RETRY_AFTER_HEADER = {
    "Retry-After": {"description": "seconds to wait before retrying / 建议重试等待秒数", "schema": {"type": "integer"}}
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these statuses, all with the :class:`ErrorBody` schema."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
        if status in (409, 503):
            entry["headers"] = _RETRY_AFTER_HEADER
        out[status] = entry
    return out


#: Renders an error for people instead of programs: same fields, another media type.
ErrorPage = Callable[[ErrorBody, Mapping[str, str]], Response]


def html_error_page(body: ErrorBody, headers: Mapping[str, str]) -> Response:
    """A plain, self-contained HTML page with the error's fields (no script, nothing fetched)."""
    suggestions = "".join(
        f"<li>{html.escape(str(s.get('name', '')))} <code>{html.escape(str(s.get('id', '')))}</code></li>"
        for s in body.details.get("suggestions", [])
        if isinstance(s, dict)
    )
    field = body.details.get("field")
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{body.status} · {html.escape(body.code)}</title></head><body>"
        f"<h1>{body.status} · {html.escape(body.code)}</h1><p>{html.escape(body.message)}</p>"
        + (f"<p>参数 field: <code>{html.escape(str(field))}</code></p>" if field else "")
        + (f"<p>您是否要找 did you mean:</p><ul>{suggestions}</ul>" if suggestions else "")
        + "</body></html>"
    )
    return HTMLResponse(page, status_code=body.status, headers=dict(headers))


def error_response(
    status: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(status=status, code=code, message=message, details=dict(details or {}))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=dict(headers or {}))


def _field_errors(errors: list[Any], *, located: bool) -> list[dict[str, Any]]:
    """Pydantic/FastAPI error entries as ``{field, in, message, type}`` (``in``: query, path, body …)."""
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if located and loc else None
        names = loc[1:] if located else loc
        entry: dict[str, Any] = {
            "field": ".".join(names) or None,
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        if where:
            entry["in"] = where
        out.append(entry)
    return out


def _reply(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error in the shape the path's audience reads: JSON, or a registered page for people."""
    path = request.url.path
    pages: dict[str, ErrorPage] = getattr(request.app.state, "error_pages", {})
    for prefix, page in pages.items():
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            body = ErrorBody(status=status, code=code, message=message, details=dict(details or {}))
            return page(body, dict(headers or {}))
    return error_response(status, code, message, details, headers)


def _validation(request: Request, errors: list[dict[str, Any]]) -> Response:
    first: dict[str, Any] = errors[0] if errors else {"field": None, "message": "invalid request"}
    prefix = f"{first['field']}: " if first["field"] else ""
    message = prefix + str(first["message"])
    return _reply(request, 422, "validation_error", message, {"field": first["field"], "errors": errors})


def query_error_status(exc: QueryError) -> int:
    """The HTTP status of a query error: 404 unknown id or name, 400 ambiguous name, else 422
    (invalid parameters, a page too large to draw)."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Ambiguous):
        return 400
    return 422


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception the API can meet to the one error shape."""
    retry_after = str(app.state.settings.retry_after)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> Response:
        return _validation(request, _field_errors(list(exc.errors()), located=True))

    @app.exception_handler(ValidationError)
    async def params_invalid(request: Request, exc: ValidationError) -> Response:
        # A query's Params model refused a combination the route's own checks let through.
        return _validation(request, _field_errors(list(exc.errors()), located=False))

    @app.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError) -> Response:
        status = query_error_status(exc)
        details = dict(exc.details)
        if isinstance(exc, InvalidQuery):
            details.setdefault("field", None)
        return _reply(request, status, exc.code, exc.message, details)

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, exc: StoreUnavailable) -> Response:
        return _reply(
            request,
            503,
            "store_unavailable",
            f"the graph store is unavailable: {exc}; retry later",
            headers={"Retry-After": retry_after},
        )

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error on %s %s: %s", request.method, request.url.path, exc)
        return _reply(request, 500, "store_error", f"the graph store refused the operation: {exc}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, APIError):
            return _reply(request, exc.status_code, exc.code, exc.message, exc.details, exc.headers)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        if exc.status_code == 404:
            message = f"no route {request.method} {request.url.path}; the API is described at /docs"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}; see /docs"
        else:
            message = str(exc.detail)
        return _reply(request, exc.status_code, code, message, {"path": request.url.path}, exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:  # backstop behind CatchUnexpected
        return _internal(request.method, request.url.path, exc)


def _internal(method: str, path: str, exc: BaseException) -> JSONResponse:
    error_id = uuid.uuid4().hex[:12]
    log.error("unexpected error %s on %s %s", error_id, method, path, exc_info=exc)
    return error_response(
        500,
        "internal_error",
        f"unexpected server error; the operator can find it in the server log as {error_id}",
        {"error_id": error_id},
    )


class CatchUnexpected:
    """Turns an exception no handler claimed into the 500 error shape *inside* the CORS and gzip
    middleware, so even a 500 carries the CORS headers a browser needs to show it. The traceback is
    logged, never sent."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:  # too late for a clean error response: let the server close the connection
                raise
            response = _internal(scope.get("method", ""), scope.get("path", ""), exc)
            await response(scope, receive, send)
