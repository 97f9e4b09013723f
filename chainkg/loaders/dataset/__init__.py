"""The curated dataset loader: a directory of YAML files describing chains and the facts behind them.

A dataset directory holds (see ``data/README.md`` for every field)::

    sources.yaml       the articles and documents facts cite          (loaded first)
    regions.yaml       city → districts, counties, functional zones
    parks.yaml         parks and bases, with their region
    chains/*.yaml      one chain each: segments with stages, FEEDS links, its office
    enterprises.yaml   groups and subsidiaries, where they sit, segments, 链主 roles
    projects.yaml      investment projects with per-source claims

Files load in that order, each in two passes — first every record's node, then its links — so a
record may refer to one further down the same file. A record that fails validation is rejected as a
whole; a link whose target cannot be found is dropped with a reason and the record is kept. Several
datasets load one after the other (the bundled graph is ``data/dezhou`` then ``data/national``); a
later one may refer to, and add facts to, the nodes of an earlier one — the same name is the same node.

Any list file may instead (or as well) be JSON Lines — ``sources.jsonl`` … ``projects.jsonl``, one
record per line with the same fields — because YAML parsing is far too slow for generated or exported
datasets of a city or a province. When both exist the YAML file loads first; the reject report names
the line number of a JSONL record. Chain files stay YAML.

The steps live beside this module: :mod:`.records` (the list files), :mod:`.chains` (chain files)
and :mod:`.common` (citations, memos and coercions they share).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from chainkg.loaders.dataset.chains import ChainSteps
from chainkg.loaders.dataset.common import Citations, file_reject
from chainkg.loaders.dataset.common import make_edge_fast as _make_edge  # noqa: F401  (tests prove it equal to make_edge)
from chainkg.loaders.dataset.records import RecordSteps
from chainkg.loaders.pipeline import FileRejected, LoadContext
from chainkg.loaders.readers.jsonl_records import iter_jsonl
from chainkg.loaders.readers.yaml_records import read_yaml

__all__ = ["DatasetLoader"]

Step = Callable[[str, Any, LoadContext], None]


class DatasetLoader:
    name = "dataset"

    def accepts(self, path: Path) -> bool:
        return path.is_dir() and ((path / "sources.yaml").is_file() or (path / "sources.jsonl").is_file())

    def inputs(self, path: Path) -> Iterator[Path]:
        yield from sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".jsonl") and p.is_file())

    def estimate(self, path: Path) -> int | None:
        return None

    def load(self, path: Path, ctx: LoadContext) -> None:
        cite = Citations(ctx)
        records = RecordSteps(cite)
        for stem, step in (("sources", records.sources), ("regions", records.regions), ("parks", records.parks)):
            self._list_files(path, stem, ctx, step)
        # Chains in two passes over all files: every segment exists before any FEEDS link is read,
        # so a link may name a segment defined in a chain file that sorts later.
        chain_files = sorted((path / "chains").glob("*.yaml")) if (path / "chains").is_dir() else []
        chains = ChainSteps(cite)
        for file in chain_files:
            self._file(file, ctx, chains.chain, single=True)
        chains.feeds_all(ctx)
        ctx.flush()
        self._list_files(path, "enterprises", ctx, records.enterprises)
        self._list_files(path, "projects", ctx, records.projects)

    # --- file plumbing ---------------------------------------------------------------------

    def _list_files(self, path: Path, stem: str, ctx: LoadContext, step: Step) -> None:
        """The YAML and/or JSONL file of one list; a missing list is noted under its YAML name."""
        files = [f for f in (path / f"{stem}.yaml", path / f"{stem}.jsonl") if f.is_file()]
        for file in files or [path / f"{stem}.yaml"]:
            self._file(file, ctx, step)

    def _file(self, file: Path, ctx: LoadContext, step: Step, single: bool = False) -> None:
        if not file.is_file():
            ctx.report.files.append(str(file))
            ctx.note(str(file), 0, "", "file not present in dataset; nothing loaded from it")
            return
        ctx.start_file(file, None)
        if file.suffix == ".jsonl":
            try:
                step(str(file), iter_jsonl(file), ctx)
            except OSError as exc:
                ctx.report.rejects.append(file_reject(file, f"cannot read: {exc}"))
            ctx.flush()
            return
        try:
            doc = read_yaml(file)
        except FileRejected as exc:
            ctx.report.rejects.append(file_reject(file, exc.reason))
            return
        if single:
            if not isinstance(doc.value, dict):
                ctx.report.rejects.append(
                    file_reject(file, "a chain file must be one mapping (name, segments, feeds…)")
                )
                return
            step(str(file), doc, ctx)
        else:
            items = doc.value if isinstance(doc.value, list) else None
            if items is None:
                ctx.report.rejects.append(file_reject(file, "expected a list of records (each starting with '- ')"))
                return
            step(str(file), items, ctx)
        ctx.flush()
