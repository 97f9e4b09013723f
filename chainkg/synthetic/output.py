"""The dataset directory being written: one JSON Lines file per kind of record, the chain files
copied, and counts of the records written and of the edges the load will create."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from chainkg.synthetic.ontology import Ontology
from chainkg.synthetic.presets import FILES

__all__ = ["Output"]


class Output:
    """Writes records to ``<out>/<file>.jsonl`` and counts them; :meth:`edge` counts the edges a
    record will make when loaded (the summary's prediction)."""

    def __init__(self, handles: dict[str, IO[str]], ontology: Ontology) -> None:
        self.handles = handles
        self.records = dict.fromkeys(FILES, 0)
        self.edges: dict[str, int] = {"ontology": ontology.edges}

    @classmethod
    @contextmanager
    def open(cls, out: Path, ontology: Ontology) -> Iterator[Output]:
        """Create ``out`` with the ontology's chain files and empty JSON Lines files (replacing old ones)."""
        out.mkdir(parents=True, exist_ok=True)
        chains_out = out / "chains"
        chains_out.mkdir(exist_ok=True)
        for file in ontology.files:
            shutil.copyfile(file, chains_out / file.name)
        handles: dict[str, IO[str]] = {
            name: (out / f"{name}.jsonl").open("w", encoding="utf-8", newline="\n") for name in FILES
        }
        try:
            yield cls(handles, ontology)
        finally:
            for handle in handles.values():
                handle.close()

    def write(self, file: str, record: dict[str, Any]) -> None:
        self.handles[file].write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.records[file] += 1

    def edge(self, kind: str, n: int = 1) -> None:
        self.edges[kind] = self.edges.get(kind, 0) + n

    def cite(self, sources: list[Any]) -> list[Any]:
        """``sources`` as a record cites them (one CITES edge each)."""
        self.edge("CITES", len(sources))
        return sources
