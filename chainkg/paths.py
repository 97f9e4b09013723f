"""Where the bundled data lives: ``data/`` beside the package (a checkout, or the source tree the
Docker image runs). Every floor may import this module; it imports nothing of chainkg."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BUNDLED_DATASET",
    "BUNDLED_DATASETS",
    "BUNDLED_POLICIES",
    "CHAINS_DIR",
    "DATA_DIR",
    "NATIONAL_DATASET",
    "PRODUCT_MAPPING",
    "SHENWAN_MAPPING",
]

#: The checkout's ``data/`` folder.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The curated Dezhou dataset a new store is built from by default.
BUNDLED_DATASET = DATA_DIR / "dezhou"
#: Central SOE groups, their principal subsidiaries and the leading enterprises of every segment
#: in China (compiled from curated lists; built by tools/build_national.py).
NATIONAL_DATASET = DATA_DIR / "national"
#: What a new store is built from by default, in load order (the national data refers to the
#: Dezhou data's chains and enterprises).
BUNDLED_DATASETS = (BUNDLED_DATASET, NATIONAL_DATASET)
#: The incentive policies loaded with the bundled dataset (they name its chains, parks and sources).
BUNDLED_POLICIES = DATA_DIR / "policies"
#: The 12-chain ontology (one YAML file per chain).
CHAINS_DIR = BUNDLED_DATASET / "chains"
#: Shenwan industry → chain segment mapping the A-share loader places companies with.
SHENWAN_MAPPING = DATA_DIR / "mappings" / "shenwan_segments.yaml"
#: Product and segment keywords the A-share loader finds in company names.
PRODUCT_MAPPING = DATA_DIR / "mappings" / "product_segments.yaml"
