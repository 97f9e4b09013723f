"""One settings object, read from ``CHAINKG_*`` environment variables (and CLI options)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal, cast

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from chainkg.paths import BUNDLED_DATASET, BUNDLED_DATASETS, BUNDLED_POLICIES

__all__ = ["BUNDLED_DATASET", "BUNDLED_DATASETS", "Role", "Settings", "StoreBackend"]

#: The graph stores chainkg can run on: the embedded networkx store, or a Neo4j 5 server.
StoreBackend = Literal["memory", "neo4j"]
#: What a key may do (chainkg.api.security): read; also load data; also read the audit log.
Role = Literal["viewer", "editor", "admin"]
_ROLES: tuple[Role, ...] = ("viewer", "editor", "admin")


def _parse_named_keys(text: str) -> list[tuple[str, Role, str]]:
    """``name:role:key, …`` → triples; raises ValueError naming the bad entry (never echoing a key)."""
    out: list[tuple[str, Role, str]] = []
    for number, entry in enumerate((e.strip() for e in text.split(",")), start=1):
        if not entry:
            continue
        name, _, rest = entry.partition(":")
        role, _, key = rest.partition(":")
        if not name.strip() or role.strip() not in _ROLES or len(key.strip()) < 8:
            raise ValueError(
                f"CHAINKG_KEYS entry {number} must be name:role:key with role viewer, editor or admin "
                "and a key of at least 8 characters"
            )
        out.append((name.strip(), cast(Role, role.strip()), key.strip()))  # checked against _ROLES above
    return out


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHAINKG_", extra="ignore")

    store: StoreBackend = Field(default="memory", description="graph store backend: memory (embedded) or neo4j")
    home: Path = Field(default=Path(".chainkg"), description="state directory: snapshot and reject reports")
    dataset: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: list(BUNDLED_DATASETS),
        description="datasets a new store is built from, in order (comma-separated); default data/dezhou,data/national",
    )
    policies: Path | None = Field(
        default=BUNDLED_POLICIES, description="policy folder loaded after the datasets into a new store; unset: none"
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    batch_size: int = Field(default=1000, ge=1, le=100_000)
    keep_backups: int = Field(default=7, ge=1, le=10_000, description="backups `chainkg backup` keeps")
    lock_wait: float = Field(
        default=30.0,
        ge=0,
        le=86_400,
        description="seconds a command waits for another process's write to the state directory (chainkg.app.lock)",
    )
    # --- Neo4j (CHAINKG_STORE=neo4j; docs: README "Neo4j") ---------------------------------------
    neo4j_uri: str = Field(default="bolt://127.0.0.1:7687", description="bolt://host:port, or neo4j:// for a cluster")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = Field(default=None, description="unset: connect without authentication")
    neo4j_database: str | None = Field(default=None, description="database name; unset: the server's default")
    neo4j_write_retry_seconds: float = Field(
        default=30.0, ge=0, le=3600, description="how long a batch is retried while the server is unreachable"
    )
    neo4j_read_retry_seconds: float = Field(
        default=2.0, ge=0, le=600, description="how long a query is retried before the API answers 503"
    )
    neo4j_import_command: str | None = Field(
        default=None,
        description="for `chainkg load --bulk`: a command run inside the import directory that stops Neo4j, "
        "runs `neo4j-admin database import full @import.args` and starts Neo4j again",
    )
    # --- HTTP API (docs: README "HTTP API") -------------------------------------------------------
    api_key: SecretStr | None = Field(
        default=None, description="enables writes (POST /api/v1/loads) and is the key they need; unset: writes off"
    )
    read_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="viewer keys, comma-separated; setting any protects reads (chainkg.api.security)",
    )
    keys: SecretStr | None = Field(
        default=None, description="named keys with roles: name:role:key entries, comma-separated (viewer/editor/admin)"
    )
    keys_file: Path | None = Field(
        default=None, description="keys file kept by `chainkg keys` (hashes only); unset: <home>/keys.json"
    )
    reads: Literal["public", "keys"] | None = Field(
        default=None, description="public or keys; unset: keys as soon as any read or named key exists"
    )
    session_hours: float = Field(default=12.0, gt=0, le=24 * 90, description="how long a browser sign-in lasts")
    session_secret: SecretStr | None = Field(
        default=None, description="signs session cookies; unset: a random secret kept in <home>/session.key"
    )
    load_dir: Path | None = Field(
        default=None, description="server-side directory whose datasets/files POST /api/v1/loads may name; unset: none"
    )
    max_body_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, description="largest request body (uploads), bytes")
    load_worker_bytes: int = Field(
        default=256 * 1024,
        ge=0,
        description="API loads of inputs this large or larger run in a worker process (reads keep their latency)",
    )
    load_worker_graph_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=0,
        description="API loads into a graph whose snapshot is this large or larger run in a worker process too, "
        "however small the input: copying, saving and re-indexing a big graph in the server stalls reads",
    )
    max_url_bytes: int = Field(default=8192, ge=256, le=1 << 20, description="longest URL (path and query), bytes")
    watch_seconds: float = Field(
        default=5.0, ge=0, le=3600, description="how often serve looks for a snapshot another process saved; 0: never"
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed by CORS, comma-separated; default none"
    )
    retry_after: int = Field(default=5, ge=1, le=3600, description="Retry-After seconds sent with 503 responses")

    @field_validator("dataset", mode="before")
    @classmethod
    def _split_datasets(cls, value: object) -> object:
        """``CHAINKG_DATASET=data/dezhou,data/national``; one path is a list of one."""
        if isinstance(value, Path):
            return [value]
        if isinstance(value, str):
            return [Path(p.strip()) for p in value.split(",") if p.strip()]
        return value

    @field_validator("read_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        """``CHAINKG_READ_KEYS=key1,key2``."""
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator("keys")
    @classmethod
    def _check_named_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            _parse_named_keys(value.get_secret_value())
        return value

    def named_keys(self) -> list[tuple[str, Role, str]]:
        """``CHAINKG_KEYS`` as (name, role, key) triples."""
        return _parse_named_keys(self.keys.get_secret_value()) if self.keys is not None else []

    @property
    def keys_path(self) -> Path:
        return self.keys_file if self.keys_file is not None else self.home / "keys.json"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """``CHAINKG_CORS_ORIGINS=https://a.example,https://b.example`` (a JSON list works too)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [o.strip() for o in text.split(",") if o.strip()]
        return value

    @property
    def snapshot_path(self) -> Path:
        return self.home / "memory.snapshot"

    @property
    def neo4j_import_dir(self) -> Path:
        """Where `chainkg load --bulk` writes the importer's files."""
        return self.home / "neo4j-import"

    @property
    def manifest_path(self) -> Path:
        """The snapshot's list of inputs, kept beside it so a damaged snapshot can still be rebuilt."""
        return self.snapshot_path.with_name(self.snapshot_path.name + ".manifest.json")

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def uploads_dir(self) -> Path:
        """Files uploaded to POST /api/v1/loads are kept here: the snapshot's manifest names them."""
        return self.home / "uploads"
