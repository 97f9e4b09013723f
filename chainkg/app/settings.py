"""One settings object, read from ``CHAINKG_*`` environment variables (and CLI options)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from chainkg.paths import BUNDLED_DATASET, BUNDLED_POLICIES

__all__ = ["BUNDLED_DATASET", "Settings", "StoreBackend"]

#: The graph stores chainkg can run on: the embedded networkx store, or a Neo4j 5 server.
StoreBackend = Literal["memory", "neo4j"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHAINKG_", extra="ignore")

    store: StoreBackend = Field(default="memory", description="graph store backend: memory (embedded) or neo4j")
    home: Path = Field(default=Path(".chainkg"), description="state directory: snapshot and reject reports")
    dataset: Path = Field(default=BUNDLED_DATASET, description="dataset loaded into a new embedded store")
    policies: Path | None = Field(
        default=BUNDLED_POLICIES, description="policy folder loaded after the dataset into a new store; unset: none"
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    batch_size: int = Field(default=1000, ge=1, le=100_000)
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
    # --- HTTP API (docs: README "HTTP API") -------------------------------------------------------
    api_key: SecretStr | None = Field(
        default=None, description="enables writes (POST /api/v1/loads) and is the key they need; unset: writes off"
    )
    load_dir: Path | None = Field(
        default=None, description="server-side directory whose datasets/files POST /api/v1/loads may name; unset: none"
    )
    max_body_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, description="largest request body (uploads), bytes")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed by CORS, comma-separated; default none"
    )
    retry_after: int = Field(default=5, ge=1, le=3600, description="Retry-After seconds sent with 503 responses")

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
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def uploads_dir(self) -> Path:
        """Files uploaded to POST /api/v1/loads are kept here: the snapshot's manifest names them."""
        return self.home / "uploads"
