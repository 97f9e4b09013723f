"""Write route: load a dataset on the server or an uploaded CSV/Excel file into the graph."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from chainkg.api.deps import SettingsDep, StoreDep
from chainkg.api.errors import APIError, error_responses
from chainkg.api.security import Principal, require_write_key
from chainkg.api.writes import LoadSummary, refused_whole, resolve_load_path, save_upload
from chainkg.app.audit import Actor

__all__ = ["router"]

router = APIRouter(prefix="/loads", tags=["loads"])

_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

#: Documented by hand: the form is parsed inside the route, after the key check, so that an
#: unauthenticated upload is refused before a byte of it is read.
_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "title": "LoadForm",
                "description": "exactly one of file and path / file 与 path 二选一",
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": False,
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "an enterprise list (.csv, .tsv, .txt or .xlsx) / 上传企业名单文件",
                    },
                    "path": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 1000,
                        "description": "a dataset directory or file inside the server's CHAINKG_LOAD_DIR "
                        "/ 服务器端数据集路径",
                        "examples": ["dezhou"],
                    },
                },
            }
        },
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "title": "LoadPath",
                "required": ["path"],
                "additionalProperties": False,
                "properties": {"path": {"type": "string", "minLength": 1, "maxLength": 1000, "examples": ["dezhou"]}},
            }
        },
    },
}


@router.post(
    "",
    operation_id="create_load",
    summary="Load a dataset or an uploaded file / 导入数据",
    responses=error_responses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
    openapi_extra={"requestBody": _REQUEST_BODY},
)
async def create_load(
    request: Request,
    settings: SettingsDep,
    _store: StoreDep,
    user: Annotated[Principal, Depends(require_write_key)],
) -> LoadSummary:
    """Run the normal load pipeline (validate, merge by stable id, reconcile sources) on an uploaded
    enterprise list or on a dataset inside the server's load directory, persist the graph, and
    return the reject report (file, row, field, value, reason). Loading the same input twice
    changes nothing. Needs the server's API key; off unless the operator set ``CHAINKG_API_KEY``.
    One load runs at a time (409 meanwhile); reads go on during a load and see the graph from
    before it until it has finished."""
    # _store is taken only so that a store that is not open answers 503 before the body is read.
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith(_FORM_TYPES):
        raise APIError(415, "unsupported_media_type", "send multipart/form-data with a file or a path field")
    async with request.form(max_files=1, max_fields=4) as form:
        file = form.get("file")
        path = form.get("path")
        if file is not None and not isinstance(file, UploadFile):
            raise APIError(422, "validation_error", "file: must be a file part", {"field": "file"})
        if path is not None and (not isinstance(path, str) or not path.strip() or len(path) > 1000):
            raise APIError(
                422, "validation_error", "path: must be a non-empty text of at most 1000 characters", {"field": "path"}
            )
        if (file is None) == (path is None):
            raise APIError(
                422, "validation_error", "body: give exactly one of file (an upload) and path", {"field": "file"}
            )
        if file is not None:
            source = await run_in_threadpool(save_upload, settings, file.filename or "", file.file)
        else:
            assert isinstance(path, str)
            source = resolve_load_path(settings, path)
        client = request.client.host if request.client is not None else None
        actor = Actor(name=user.name, role=user.role or "", via="api", address=client)
        summary: LoadSummary = await run_in_threadpool(
            request.app.state.writer.load, request.app.state, settings, source, actor
        )
    if refused_whole(summary):
        raise APIError(
            422,
            "file_rejected",
            f"{summary.input} was not loaded: {summary.rejects[0].reason}",
            summary.model_dump(mode="json"),
        )
    return summary
