"""Where a listed company belongs: which segments, how sure, and on what basis — sharpest first.

1. **curated** — the company's stock code is in a curated dataset (``data/national``,
   ``data/dezhou``): its segments there, with their leader rank and certainty;
2. **name** — its full or short name contains a product or segment keyword of
   ``data/mappings/product_segments.yaml`` (e.g. 光刻胶, 人造草坪, 碳纤维); a keyword counts only if
   it names its segment (name or alias) or is a product name of the export's ``product.json`` (when
   the export has one), so the table cannot drift from the export's own vocabulary; certainty
   ``inferred``;
3. **industry** — its Shenwan industry maps to segments (``data/mappings/shenwan_segments.yaml``);
   an industry-level reading, certainty ``inferred``.

The first tier that places a company decides; the next tiers are not consulted. Each placement is
an IN_SEGMENT edge whose ``basis`` says the tier and whose evidence names the list, keyword or
industry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chainkg.loaders.pipeline import FileRejected
from chainkg.schema.kinds import Certainty, Exchange, SegmentBasis

__all__ = ["CuratedListing", "Placed", "Placement", "curated_listings", "read_mapping"]


@dataclass(frozen=True)
class Placed:
    """One segment a company is placed in."""

    segment: str  # segment name
    basis: SegmentBasis
    certainty: Certainty
    evidence: str
    rank: int | None = None


@dataclass
class CuratedListing:
    """What a curated dataset says about a stock code: the entity's name and its segments."""

    name: str
    kind: str | None
    dataset: str
    segments: list[Placed] = field(default_factory=list)


def curated_listings(datasets: tuple[Path, ...]) -> dict[str, CuratedListing]:
    """A-share code → its curated record, from each dataset's enterprises file (YAML or JSON Lines);
    the first dataset naming a code wins."""
    out: dict[str, CuratedListing] = {}
    for dataset in datasets:
        for record in _records(dataset):
            code = str(record.get("stock_code") or "").strip()
            exchange = record.get("exchange")
            if not (code.isdigit() and len(code) == 6) or (exchange and not Exchange(exchange).a_share):
                continue
            listing = out.setdefault(code, CuratedListing(record["name"], record.get("kind"), dataset.name))
            if listing.name != record["name"]:
                continue
            for entry in record.get("segments") or []:
                spec = entry if isinstance(entry, dict) else {"name": entry}
                certainty = Certainty(spec.get("certainty") or Certainty.STATED.value)
                rank = spec.get("rank")
                where = f"{dataset.name} 精选名单" + (f"，该环节第{rank}位" if rank else "")
                listing.segments.append(Placed(spec["name"], SegmentBasis.CURATED, certainty, where, rank))
    return out


def _records(dataset: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    yaml_file, jsonl_file = dataset / "enterprises.yaml", dataset / "enterprises.jsonl"
    try:
        if yaml_file.is_file():
            records += [r for r in yaml.safe_load(yaml_file.read_text("utf-8")) or [] if isinstance(r, dict)]
        if jsonl_file.is_file():
            for line in jsonl_file.read_text("utf-8").splitlines():
                if line.strip():
                    records.append(json.loads(line))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise FileRejected(f"cannot read the curated enterprises of {dataset}: {exc}") from exc
    return records


def read_mapping(path: Path, what: str) -> dict[str, list[str]]:
    """A YAML mapping of names to lists of names (industry → segments, segment → keywords)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FileRejected(f"cannot read the {what} {path}: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise FileRejected(f"{path} must map each name to a list of names ({what})")
    return {str(k): [str(x) for x in v] for k, v in data.items()}


class Placement:
    """The three tiers, ready to place companies of one export."""

    def __init__(
        self,
        curated: dict[str, CuratedListing],
        keywords: dict[str, list[str]],
        industries: dict[str, list[str]],
        products: set[str] | None,
        names_segment: Callable[[str, str], bool] = lambda word, segment: word == segment,
    ):
        """``names_segment(word, segment)``: whether the word is the segment's name or alias."""
        self.curated = curated
        self.industries = industries
        # longest keyword first, so 光伏玻璃 wins over a shorter keyword it contains
        pairs = [
            (word, segment)
            for segment, words in keywords.items()
            for word in words
            if products is None or word in products or names_segment(word, segment)
        ]
        self.keywords = sorted(pairs, key=lambda p: (-len(p[0]), p[0], p[1]))
        self.unused_keywords = sorted({w for words in keywords.values() for w in words} - {w for w, _ in self.keywords})

    def place(self, code: str, names: list[str], industries: list[str]) -> list[Placed]:
        listing = self.curated.get(code)
        if listing is not None and listing.segments:
            return listing.segments
        found: list[Placed] = []
        taken = ""
        for word, segment in self.keywords:
            if any(word in name for name in names) and word not in taken:
                if all(p.segment != segment for p in found):
                    evidence = f"名称含“{word}”（产品关键词）"
                    found.append(Placed(segment, SegmentBasis.NAME, Certainty.INFERRED, evidence))
                taken += word + "|"
        if found:
            return found
        out: list[Placed] = []
        for industry in industries:
            for segment in self.industries.get(industry, []):
                if all(p.segment != segment for p in out):
                    evidence = f"申万行业：{industry}"
                    out.append(Placed(segment, SegmentBasis.INDUSTRY, Certainty.INFERRED, evidence))
        return out
