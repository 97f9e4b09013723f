"""Files chainkg writes: atomically, and safe to open in a spreadsheet.

**Atomic writes.** Every state file (the snapshot and its manifest, the candidates queue, the audit
log's rotations, exports) is written through :func:`atomic_write`: the bytes go to a temporary file
in the same directory (``.<name>.<random>.tmp``), are flushed and ``fsync``-ed, and the temporary
file is renamed over the target with :func:`os.replace` (atomic on POSIX), then the directory is
synced. A crash or a full disk mid-write leaves the previous file whole and, at worst, a stale
temporary file, which :func:`remove_stale_temps` deletes at the next start.

**Spreadsheet-safe cells.** A CSV or Excel file that chainkg writes (reject reports, exports) is
opened by people in Excel or WPS, which run a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a
tab / carriage return before one) as a formula — a registry row named ``=HYPERLINK(…)`` would then
act on the reader's desktop. :func:`spreadsheet_safe` prefixes such a cell with ``'``, the
spreadsheet's own "this is text" mark, so it shows exactly as written; a plain number such as
``-12.5`` is left alone (it is not a formula).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = [
    "TEMP_SUFFIX",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "remove_stale_temps",
    "spreadsheet_safe",
]

#: Every temporary file :func:`atomic_write` makes ends so (and starts with a dot).
TEMP_SUFFIX = ".tmp"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def atomic_write(
    path: Path, mode: str = "wb", *, encoding: str | None = None, newline: str | None = None, perms: int = 0o644
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; on a clean exit of the ``with`` block it
    replaces ``path`` (fsync-ed), on an exception it is removed and ``path`` is untouched.

    >>> with atomic_write(Path("out.json"), "w") as out:  # doctest: +SKIP
    ...     out.write("{}")
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write writes whole files: mode 'w' or 'wb', not {mode!r}")
    return _atomic(path, mode, encoding if mode == "w" else None, newline, perms)


@contextlib.contextmanager
def _atomic(path: Path, mode: str, encoding: str | None, newline: str | None, perms: int) -> Iterator[IO[Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, perms)
    try:
        kwargs: dict[str, Any] = {"encoding": encoding or "utf-8", "newline": newline} if mode == "w" else {}
        with os.fdopen(fd, mode, **kwargs) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def atomic_write_bytes(path: Path, data: bytes, perms: int = 0o644) -> None:
    with atomic_write(path, "wb", perms=perms) as out:
        out.write(data)


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8", perms: int = 0o644) -> None:
    with atomic_write(path, "w", encoding=encoding, perms=perms) as out:
        out.write(text)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every filesystem lets a directory be synced)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temps(directory: Path, *, older_than: float = 0.0, recursive: bool = False) -> list[Path]:
    """Delete temporary files left by interrupted writes (``*.tmp``) in ``directory`` that were last
    modified more than ``older_than`` seconds ago; returns what was removed. Call it only while
    holding the state directory's write lock (:mod:`chainkg.app.lock`), so no live write loses its
    temporary file."""
    if not directory.is_dir():
        return []
    now = time.time()
    removed: list[Path] = []
    pattern = f"**/*{TEMP_SUFFIX}" if recursive else f"*{TEMP_SUFFIX}"
    for candidate in directory.glob(pattern):
        try:
            if candidate.is_file() and not candidate.is_symlink() and now - candidate.stat().st_mtime >= older_than:
                candidate.unlink()
                removed.append(candidate)
        except FileNotFoundError:
            continue
    return sorted(removed)


def spreadsheet_safe(value: object) -> str:
    """``value`` as a cell a spreadsheet shows as text, never runs as a formula.

    >>> spreadsheet_safe("=1+1"), spreadsheet_safe("@SUM(A1)"), spreadsheet_safe("-12.5"), spreadsheet_safe("有研")
    ("'=1+1", "'@SUM(A1)", '-12.5', '有研')
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
