"""One settings object, read from ``CHAINKG_*`` environment variables (and CLI options)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["BUNDLED_DATASET", "Settings"]

#: The curated Dezhou dataset shipped in the repository.
BUNDLED_DATASET = Path(__file__).resolve().parent.parent / "data" / "dezhou"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHAINKG_", extra="ignore")

    store: Literal["memory"] = Field(default="memory", description="graph store backend")
    home: Path = Field(default=Path(".chainkg"), description="state directory: snapshot and reject reports")
    dataset: Path = Field(default=BUNDLED_DATASET, description="dataset loaded into a new embedded store")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    batch_size: int = Field(default=1000, ge=1, le=100_000)

    @property
    def snapshot_path(self) -> Path:
        return self.home / "memory.snapshot"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"
