"""The keys file: named API keys with roles, stored as SHA-256 hashes (``chainkg keys add|list|remove``).

``<home>/keys.json`` (or ``CHAINKG_KEYS_FILE``), mode 0600: ``{"keys": [{name, role, sha256, created}]}``.
A key is shown once, when it is made, and never stored; the server compares hashes
(:mod:`chainkg.api.security`). A keys file that exists but cannot be read is an error, never "no
keys": losing it silently would turn protected reads public.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from pathlib import Path

from chainkg.app.settings import Role
from chainkg.store.files import atomic_write_text

__all__ = ["ROLES", "KeysFileError", "add_key", "key_digest", "read_keys_file", "remove_key"]

ROLES: tuple[Role, ...] = ("viewer", "editor", "admin")


class KeysFileError(RuntimeError):
    """The keys file exists but is not a valid keys file."""


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


_cache: dict[Path, tuple[tuple[int, int, int], list[dict[str, str]]]] = {}


def read_keys_file(path: Path | None) -> list[dict[str, str]]:
    """Entries ``{name, role, sha256, created}`` of the keys file ([] when there is none). The server
    asks on every request, so the entries are kept until the file changes (inode, size, mtime)."""
    if path is None:
        return []
    try:
        stat = path.stat()
    except FileNotFoundError:
        return []
    stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        return list(cached[1])
    entries = _parse(path)
    _cache[path] = (stamp, entries)
    return list(entries)


def _parse(path: Path) -> list[dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["keys"]
        for entry in entries:
            if entry["role"] not in ROLES or len(bytes.fromhex(entry["sha256"])) != 32 or not entry["name"]:
                raise ValueError(f"bad entry {entry.get('name')!r}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeysFileError(f"the keys file {path} cannot be read ({exc}); fix or remove it") from exc
    return list(entries)


def add_key(path: Path, name: str, role: Role) -> str:
    """Make a new random key for ``name`` with ``role`` (replacing one of the same name) and store its
    hash; returns the key, which is shown once and never stored."""
    entries = [e for e in read_keys_file(path) if e["name"] != name]
    key = "ck_" + secrets.token_urlsafe(24)
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    entries.append({"name": name, "role": role, "sha256": key_digest(key), "created": created})
    _write(path, entries)
    return key


def remove_key(path: Path, name: str) -> bool:
    entries = read_keys_file(path)
    kept = [e for e in entries if e["name"] != name]
    if len(kept) == len(entries):
        return False
    _write(path, kept)
    return True


def _write(path: Path, entries: list[dict[str, str]]) -> None:
    atomic_write_text(path, json.dumps({"keys": entries}, ensure_ascii=False, indent=1) + "\n", perms=0o600)
