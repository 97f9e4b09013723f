"""The audit log through the API (admins only): every write, newest first (:mod:`chainkg.app.audit`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from chainkg.api.deps import SettingsDep
from chainkg.api.errors import APIError, error_responses
from chainkg.api.security import require_role
from chainkg.app.audit import AuditEntry, read_audit

__all__ = ["router"]

router = APIRouter(tags=["audit"], responses=error_responses(401, 403, 422, 500))


class AuditPage(BaseModel):
    """A page of the audit log / 审计日志."""

    entries: list[AuditEntry]
    total: int = Field(description="entries that match / 匹配条数")
    next_cursor: str | None = Field(description="pass as cursor for the next page; None on the last")


@router.get(
    "/audit",
    operation_id="list_audit",
    summary="Audit log of writes (admin) / 写入审计日志",
    dependencies=[Depends(require_role("admin"))],
)
def list_audit(
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=200, description="entries per page")] = 50,
    cursor: Annotated[str | None, Query(pattern=r"^\d{1,9}$", description="from the previous page")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="only this key name / user")] = None,
    action: Annotated[str | None, Query(max_length=50, description="only this action (load, restore …)")] = None,
) -> AuditPage:
    """Every write to the graph — who (key name and role, or the command-line user), when, which
    input (name, server path, content hash), the counts (records read and loaded, rows and files
    rejected, nodes and edges created or changed), the reject reports and the outcome (ok,
    rejected, refused, failed) — newest first. Needs a key with the admin role."""
    offset = int(cursor) if cursor else 0
    if offset < 0:
        raise APIError(422, "validation_error", "cursor: not a cursor", {"field": "cursor"})
    entries, total = read_audit(settings.home, limit=limit, offset=offset, actor=actor, action=action)
    after = offset + len(entries)
    return AuditPage(entries=entries, total=total, next_cursor=str(after) if after < total else None)
