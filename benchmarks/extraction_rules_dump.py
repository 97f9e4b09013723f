"""The rule extractor's project candidates of some passages, as JSON — for any commit's extractor.

    PYTHONPATH=/tmp/rules/<sha> .venv/bin/python benchmarks/extraction_rules_dump.py \
        --data /tmp/rules/<sha>/data/dezhou PASSAGE... > rules-<sha>.json

``benchmarks/extraction_crf.py`` scores a learned labeller against the rules *as they stood before a
round's passages were seen*: a copy of an earlier commit's ``chainkg/`` (``git archive <sha> chainkg
data``) put first on ``PYTHONPATH`` makes this script run that commit's extractor. It imports only what
every commit since issue 18 began has (``extract_file``, ``Gazetteer``, ``run_load``), so it does not
import this checkout's package on purpose. Output: ``{path: [{name, aliases, amount, currency}]}``
(``amount`` in the currency's base unit; an unreadable passage maps to ``[]``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the dataset folder the gazetteer is built from")
    parser.add_argument("passages", nargs="+", type=Path)
    args = parser.parse_args(argv)
    from chainkg.loaders import default_loaders
    from chainkg.loaders.news.loader import extract_file
    from chainkg.loaders.news.mentions import Gazetteer
    from chainkg.loaders.pipeline import run_load
    from chainkg.store.memory import MemoryStore

    store = MemoryStore()
    run_load(store, [args.data], default_loaders())
    gazetteer = Gazetteer.from_store(store)
    out: dict[str, list[dict[str, object]]] = {}
    for path in args.passages:
        try:
            try:
                result = extract_file(path, gazetteer, learned=False)  # the rules alone, where a labeller exists
            except TypeError:
                result = extract_file(path, gazetteer)  # a commit from before the labeller
        except Exception as exc:  # an old commit's reader may refuse a passage: record it, go on
            print(f"{path}: {exc}", file=sys.stderr)
            out[str(path)] = []
            continue
        out[str(path)] = [
            {
                "name": c.name,
                "aliases": list(c.aliases),
                "amount": c.total_investment,
                "currency": c.currency,
            }
            for c in result.candidates
            if c.kind == "project"
        ]
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
