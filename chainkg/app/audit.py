"""The audit log: every write to the graph — who, when, what input, what it changed, what was rejected.

One JSON object per line in ``<home>/audit.jsonl``, appended (never rewritten) by every process that
writes: ``chainkg load`` and ``chainkg restore`` on the command line, ``POST /api/v1/loads`` on the
server — including writes that were refused (a rejected file, another load running) or failed, so
the log answers "who tried to change what" as well as "what changed". Each line is written with one
``write`` on a file opened ``O_APPEND``, so lines from concurrent processes never interleave.

Admins list it with ``GET /api/v1/audit`` or ``chainkg audit`` (newest first). The log is never
trimmed by chainkg; it grows by about half a kilobyte per write (rotate it with the system's
logrotate, ``copytruncate``, if ever needed).
"""

from __future__ import annotations

import getpass
import json
import os
import socket
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from chainkg.loaders.pipeline import LoadReport

__all__ = ["Actor", "AuditEntry", "AuditInput", "audit_path", "cli_actor", "read_audit", "record", "record_load"]

AUDIT_NAME = "audit.jsonl"

Outcome = Literal["ok", "rejected", "refused", "failed"]


class Actor(BaseModel):
    """Who wrote: the API key's name and role, or the operating-system user running the CLI."""

    name: str = Field(description="key name, or user@host for the command line / 操作者")
    role: str = Field(description="viewer, editor or admin; cli for the command line / 角色")
    via: Literal["api", "cli"] = Field(description="api or cli / 途径")
    address: str | None = Field(default=None, description="client address of an API request / 客户端地址")


class AuditInput(BaseModel):
    """One input of a write: as the actor named it, and what was read."""

    name: str = Field(description="the uploaded file's name or the path given / 输入")
    path: str | None = Field(default=None, description="where it lies on the server / 服务器上的位置")
    sha256: str | None = Field(default=None, description="content hash of the file(s) / 内容哈希")
    loader: str | None = None


class AuditEntry(BaseModel):
    """One write, as the audit log keeps it / 审计日志条目."""

    time: str = Field(description="when it finished, ISO 8601 UTC / 时间")
    actor: Actor
    action: str = Field(description="load, load --reset, restore, … / 操作")
    outcome: Outcome = Field(description="ok; rejected (the input was refused); refused (not run); failed / 结果")
    inputs: list[AuditInput] = Field(default_factory=list)
    records_read: int = 0
    records_loaded: int = 0
    rows_rejected: int = 0
    files_rejected: int = 0
    nodes_created: int = 0
    nodes_changed: int = 0
    edges_created: int = 0
    edges_changed: int = 0
    rejects: int = Field(default=0, description="lines in the reject report(s) / 拒绝报告行数")
    reports: list[str] = Field(default_factory=list, description="reject report files / 拒绝报告文件")
    message: str = Field(default="", description="why it was refused or failed / 说明")
    seconds: float = 0.0
    graph_nodes: int | None = Field(default=None, description="nodes in the graph afterwards")
    graph_edges: int | None = Field(default=None, description="edges in the graph afterwards")


def audit_path(home: Path) -> Path:
    return home / AUDIT_NAME


def cli_actor() -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid{os.getuid()}"
    return Actor(name=f"{user}@{socket.gethostname()}", role="cli", via="cli")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def record(home: Path, entry: AuditEntry) -> None:
    """Append one entry (one ``write`` on an ``O_APPEND`` file, so concurrent writers never interleave)."""
    home.mkdir(parents=True, exist_ok=True)
    line = (entry.model_dump_json(exclude_none=True) + "\n").encode("utf-8")
    fd = os.open(audit_path(home), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def record_load(
    home: Path,
    actor: Actor,
    action: str,
    outcome: Outcome,
    inputs: Iterable[AuditInput],
    reports: Iterable[LoadReport] = (),
    *,
    message: str = "",
    seconds: float | None = None,
    graph: tuple[int, int] | None = None,
) -> AuditEntry:
    """Record a load from its reports (the counts summed over them) and return the entry."""
    entry = AuditEntry(time=now(), actor=actor, action=action, outcome=outcome, inputs=list(inputs), message=message)
    total_seconds = 0.0
    for report in reports:
        entry.records_read += report.records_read
        entry.records_loaded += report.records_loaded
        entry.rows_rejected += report.rows_rejected
        entry.files_rejected += report.files_rejected
        entry.nodes_created += report.write.nodes_created
        entry.nodes_changed += report.write.nodes_changed
        entry.edges_created += report.write.edges_created
        entry.edges_changed += report.write.edges_changed
        entry.rejects += len(report.rejects)
        if report.report_path is not None and report.rejects:
            entry.reports.append(str(report.report_path))
        total_seconds += report.seconds
    entry.seconds = round(seconds if seconds is not None else total_seconds, 3)
    if graph is not None:
        entry.graph_nodes, entry.graph_edges = graph
    record(home, entry)
    return entry


def read_audit(
    home: Path, *, limit: int = 50, offset: int = 0, actor: str | None = None, action: str | None = None
) -> tuple[list[AuditEntry], int]:
    """Entries newest first (``offset`` of them skipped, at most ``limit``) and how many match in all.
    A line that cannot be read (a torn write after a crash) is shown as a ``failed`` entry saying so,
    not skipped."""
    try:
        lines = audit_path(home).read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return [], 0
    matching: list[AuditEntry] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = AuditEntry.model_validate(json.loads(line))
        except ValueError:
            entry = AuditEntry(
                time="",
                actor=Actor(name="?", role="?", via="cli"),
                action="?",
                outcome="failed",
                message=f"line {number} of {audit_path(home)} cannot be read",
            )
        if actor is not None and entry.actor.name != actor:
            continue
        if action is not None and entry.action != action:
            continue
        matching.append(entry)
    matching.reverse()
    return matching[offset : offset + limit], len(matching)


def input_of(name: str, path: Path | None, loader: str | None = None, sha256: str | None = None) -> AuditInput:
    return AuditInput(name=name, path=str(path) if path is not None else None, sha256=sha256, loader=loader)


def to_dicts(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    return [e.model_dump(mode="json", exclude_none=True) for e in entries]
