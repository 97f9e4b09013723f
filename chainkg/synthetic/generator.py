"""Synthetic datasets at park, city and province scale, built on the real 12-chain ontology.

Why: chainkg serves one park's office as well as a province's, and the curated Dezhou graph holds a
few dozen enterprises. Benchmarks and scale tests need graphs of the right size *and* shape — the
shape decides the cost of a load, a snapshot or a query. What this generator reproduces:

- **the real ontology**: the chain files (``data/dezhou/chains/*.yaml``) are copied unchanged;
  enterprises sit in their segments and SUPPLIES links follow the segments' FEEDS direction;
- **heavy tails**: enterprise groups have Pareto-distributed sizes (most enterprises stand alone,
  a few groups have hundreds of subsidiaries, several levels deep, with stakes); project amounts
  are log-normal (median about 3亿元); registered capital too;
- **skew**: a few counties, parks and segments hold most enterprises (Zipf weights over a seeded
  shuffle), and parks specialise in one chain, so segments cluster in parks as they do in reality;
- **the pipeline**: projects carry statuses 洽谈 → 投产 with dates in order; some have statuses
  claimed by two news sources of different dates, so conflict resolution has work to do;
- **provenance**: every record cites generated sources (registry extracts, news, government
  documents), all titled 合成数据 so nobody mistakes them for real reports.

Output is a dataset directory the normal pipeline loads (``chainkg load <dir>``): ``chains/`` copied
from the ontology, the rest as JSON Lines (``sources.jsonl`` … ``projects.jsonl``, same fields as
the YAML files, see ``data/README.md``), plus ``synthetic.json`` describing what was generated.

Generation streams: enterprises are produced one group at a time and written at once; links to
other enterprises (parents, customers, investors) point only at a group's own members or at small
bounded reservoirs of enterprises already written, so memory stays constant and a province (a
million enterprises) can be written on a laptop. The same seed gives byte-identical files: one seeded
random generator, drawn from in a fixed order — segments shuffled, then places, sources, and the
enterprises with their projects.

The jobs, one module each: :mod:`~chainkg.synthetic.presets` (sizes and shapes),
:mod:`~chainkg.synthetic.ontology` (what is read), :mod:`~chainkg.synthetic.places`,
:mod:`~chainkg.synthetic.sources`, :mod:`~chainkg.synthetic.enterprises` (groups and members, with
:mod:`~chainkg.synthetic.segments` and :mod:`~chainkg.synthetic.members`),
:mod:`~chainkg.synthetic.projects`, :mod:`~chainkg.synthetic.names` (unique names and codes) and
:mod:`~chainkg.synthetic.output` (the files and their counts); this module puts them in order.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from chainkg.paths import CHAINS_DIR
from chainkg.synthetic.enterprises import Enterprises
from chainkg.synthetic.ontology import Ontology
from chainkg.synthetic.output import Output
from chainkg.synthetic.places import write_places
from chainkg.synthetic.presets import PRESETS, GenerationSummary, Preset, preset_named
from chainkg.synthetic.segments import Segments
from chainkg.synthetic.sources import REGISTRY_BATCH, News, write_sources

__all__ = ["PRESETS", "GenerationSummary", "Ontology", "Preset", "generate", "preset_named"]


def generate(
    out: Path,
    preset: Preset | str = "park",
    *,
    seed: int = 0,
    chains_dir: Path | None = None,
) -> GenerationSummary:
    """Write a synthetic dataset directory at ``out`` and return what was written.

    ``chains_dir`` defaults to the bundled ontology (``data/dezhou/chains``); its ``sources.yaml``
    sibling supplies the sources the chain files cite. Existing JSONL files in ``out`` are
    overwritten.
    """
    if isinstance(preset, str):
        preset = preset_named(preset)
    if chains_dir is None:
        chains_dir = CHAINS_DIR
    ontology = Ontology.read(chains_dir)
    rng = random.Random(seed)
    segments = Segments(ontology, rng)
    est_projects = int(preset.enterprises * preset.projects_per_enterprise * 1.3) + 10
    news = News(max(50, (preset.enterprises + est_projects) // 20))
    n_registry = -(-preset.enterprises // REGISTRY_BATCH)
    with Output.open(out, ontology) as output:
        places = write_places(output, preset, seed, ontology.chains, rng)
        write_sources(output, ontology, places.counties, n_registry, news)
        Enterprises(output, preset, seed, ontology, rng, segments, places, news).write_all()
    summary = GenerationSummary(preset.name, seed, out, dict(output.records), dict(output.edges))
    (out / "synthetic.json").write_text(
        json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return summary
