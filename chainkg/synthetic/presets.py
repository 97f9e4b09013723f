"""The size and shape of a synthetic dataset (park, city, province) and the summary of one written."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FILES", "PRESETS", "GenerationSummary", "Preset", "preset_named"]

#: The JSON Lines files of a generated dataset, in the order they are opened.
FILES = ("sources", "regions", "parks", "enterprises", "projects")


@dataclass(frozen=True)
class Preset:
    """The size and shape of one synthetic dataset."""

    name: str
    enterprises: int
    cities: int  # 1: Dezhou only; more: Shandong's cities, Dezhou among them
    counties_per_city: int  # Dezhou keeps its real divisions (at most 13)
    towns_per_county: int
    parks_per_county: tuple[int, int]
    max_group: int  # cap on a group's size (the Pareto tail is cut here)
    projects_per_enterprise: float
    supplies_mean: float  # customers per enterprise whose segment feeds another

    def resized(self, enterprises: int) -> Preset:
        """The same shape with another number of enterprises (for tests and custom runs)."""
        if enterprises < 1:
            raise ValueError("a dataset needs at least one enterprise")
        return dataclasses.replace(self, name=f"{self.name}-{enterprises}", enterprises=enterprises)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("park", 2_000, 1, 1, 8, (4, 4), 60, 0.25, 3.0),
        Preset("city", 50_000, 1, 13, 8, (2, 4), 400, 0.25, 4.3),
        Preset("province", 1_000_000, 16, 9, 10, (2, 4), 3_000, 0.3, 4.6),
    )
}


def preset_named(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"no preset {name!r}; choose one of {', '.join(PRESETS)}") from None


@dataclass
class GenerationSummary:
    """What was written: records per file and the edges the load will create (a prediction)."""

    preset: str
    seed: int
    out: Path
    records: dict[str, int]
    edges: dict[str, int]

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    @property
    def total_edges(self) -> int:
        return sum(self.edges.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "generator": "chainkg synthetic (chainkg/synthetic/generator.py)",
            "preset": self.preset,
            "seed": self.seed,
            "records": self.records,
            "total_records": self.total_records,
            "edges_expected": self.edges,
            "total_edges_expected": self.total_edges,
        }
