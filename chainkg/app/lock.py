"""One writer at a time per state directory, across processes: ``chainkg load`` and ``chainkg serve``
(and anything else that saves the graph) take the same lock before they change it.

Why: the embedded store's graph lives in each process's memory and reaches the disk as a snapshot.
Without a lock, a ``chainkg load`` run beside a server saved its graph, and the server's next load
saved *its* graph — which never saw the first load — over it: a load reported as a success was lost.

How: an exclusive :func:`fcntl.flock` on ``<home>/write.lock``. The kernel releases it when the
holder exits, however it exits, so a crashed writer never leaves the directory locked. While held,
the file names its holder (pid, host, command, what it is doing, since when), so the process that
finds it taken can say who to wait for. The lock is advisory: it binds chainkg processes, which
all take it (another program writing into ``.chainkg`` is not stopped).

A writer that finds the lock taken either waits (the CLI, up to ``CHAINKG_LOCK_WAIT`` seconds) or
refuses at once (the API answers 409 ``load_in_progress``), and either way says who holds it.
A writer holding the lock must also make sure it writes on top of the latest graph: the server
re-reads a snapshot another process changed (:func:`chainkg.app.state.refresh`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["LOCK_NAME", "StateBusy", "StateLock", "holder_of"]

LOCK_NAME = "write.lock"


class StateBusy(RuntimeError):
    """Another process (or another writer in this one) holds the state directory's write lock."""

    def __init__(self, home: Path, holder: dict[str, Any] | None, waited: float):
        self.home = home
        self.holder = holder or {}
        self.waited = waited
        who = describe(self.holder)
        wait = f" (waited {waited:.0f} s)" if waited >= 1 else ""
        super().__init__(f"another chainkg process is writing to {home}: {who}{wait}; retry when it has finished")


def describe(holder: dict[str, Any]) -> str:
    """``pid 4711 on host (chainkg serve: API load of 企业名单.csv) since 2026-…`` — what is known."""
    if not holder:
        return "holder unknown"
    parts = [f"pid {holder.get('pid', '?')}"]
    if holder.get("host") and holder.get("host") != socket.gethostname():
        parts.append(f"on {holder['host']}")
    doing = ": ".join(str(x) for x in (holder.get("command"), holder.get("doing")) if x)
    if doing:
        parts.append(f"({doing})")
    if holder.get("since"):
        parts.append(f"since {holder['since']}")
    return " ".join(parts)


def holder_of(home: Path) -> dict[str, Any]:
    """What the lock file says about its current or last holder ({} when unknown)."""
    try:
        text = (home / LOCK_NAME).read_text(encoding="utf-8")
        data = json.loads(text) if text.strip() else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class StateLock:
    """The write lock of one state directory. Use as ``with StateLock(home).hold("doing X", wait=30):``
    or call :meth:`acquire` / :meth:`release`. Not re-entrant: one holder per instance."""

    home: Path
    _fd: int | None = None

    @property
    def path(self) -> Path:
        return self.home / LOCK_NAME

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, doing: str, *, wait: float = 0.0, poll: float = 0.1) -> None:
        """Take the lock, waiting up to ``wait`` seconds; raises :class:`StateBusy` naming the holder."""
        if self._fd is not None:
            raise RuntimeError("this StateLock is already held")
        self.home.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= wait:
                    os.close(fd)
                    raise StateBusy(self.home, holder_of(self.home), waited) from None
                time.sleep(min(poll, max(wait - waited, 0.01)))
        self._fd = fd
        self._note(doing)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def hold(self, doing: str, *, wait: float = 0.0) -> StateLock:
        """``with lock.hold(...)``: acquire now, release on leaving the block."""
        self.acquire(doing, wait=wait)
        return self

    def note(self, doing: str) -> None:
        """Update what the holder says it is doing (shown to processes that find the lock taken)."""
        if self._fd is not None:
            self._note(doing)

    def _note(self, doing: str) -> None:
        assert self._fd is not None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": _command(),
            "doing": doing,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        data = json.dumps(info, ensure_ascii=False).encode("utf-8")
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def __enter__(self) -> StateLock:
        if self._fd is None:
            raise RuntimeError("use `with lock.hold(doing):` (or acquire first)")
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def _command() -> str:
    argv = [Path(sys.argv[0]).name, *sys.argv[1:3]] if sys.argv and sys.argv[0] else []
    return " ".join(argv)[:120]
