"""What the generator reads and never invents: the chain files and the sources they cite."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Ontology", "real_sources"]


@dataclass
class Ontology:
    """What the generator needs from the chain files; read, never invented."""

    files: list[Path]
    chains: list[str]
    chain_segments: dict[str, list[str]]
    segments: list[str]  # unique, in order of first definition
    segment_chain: dict[str, str]  # the chain that defines a segment first
    downstream: dict[str, list[str]]  # segment → the segments it FEEDS
    cited_sources: list[str]
    edges: int  # edges the chain files produce (PART_OF, FEEDS, OVERSEES, CITES)

    @classmethod
    def read(cls, chains_dir: Path) -> Ontology:
        files = sorted(chains_dir.glob("*.yaml"))
        if not files:
            raise FileNotFoundError(f"no chain files (*.yaml) in {chains_dir}")
        chains: list[str] = []
        chain_segments: dict[str, list[str]] = {}
        segment_chain: dict[str, str] = {}
        downstream: dict[str, list[str]] = {}
        cited: dict[str, None] = {}
        feeds: dict[tuple[str, str], None] = {}
        part_of = 0
        for file in files:
            doc = yaml.safe_load(file.read_text(encoding="utf-8"))
            name = str(doc["name"])
            chains.append(name)
            for entry in doc.get("sources") or []:
                cited[str(entry["source"] if isinstance(entry, dict) else entry)] = None
            members = [str(s["name"]) for s in doc.get("segments") or []]
            chain_segments[name] = members
            part_of += len(members)
            for seg in members:
                segment_chain.setdefault(seg, name)
            for src, dst in doc.get("feeds") or []:
                feeds[(str(src), str(dst))] = None
        for src, dst in feeds:
            downstream.setdefault(src, []).append(dst)
        n_sources = len(cited)
        edges = (
            part_of
            + len(feeds)
            + len(chains) * (1 + 2 * n_sources)  # OVERSEES, CITES of chain and office
            + len(segment_chain) * n_sources  # CITES of each segment node
        )
        return cls(
            files,
            chains,
            chain_segments,
            list(segment_chain),
            segment_chain,
            downstream,
            list(cited),
            edges,
        )


def real_sources(path: Path, keys: list[str]) -> list[dict[str, Any]]:
    """The records of the real sources.yaml that the chain files cite, as JSON-ready mappings."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the chain files cite sources defined there")
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    by_key = {str(item.get("key")): item for item in items if isinstance(item, dict)}
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise KeyError(f"sources {missing} cited by the chain files are not in {path}")
    out = []
    for key in keys:
        record = {}
        for name, value in by_key[key].items():
            record[name] = value.isoformat() if isinstance(value, dt.date) else value
        out.append(record)
    return out
