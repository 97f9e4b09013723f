"""How provenance is written into a property graph — one rule for both stores.

A node's sources become CITES edges (one per source, several entries from one source folded
together: :func:`merge_provenance`) carrying the evidence and the claims as JSON (:func:`claims_json`);
an edge's sources become a sorted list of JSON texts (:func:`provenance_json`). The MemoryStore and
the Neo4jStore both call these, so their contents can be compared item by item.
"""

from __future__ import annotations

import json
from typing import Any

from chainkg.schema.kinds import Certainty
from chainkg.schema.records import Provenance

__all__ = ["claims_json", "merge_provenance", "provenance_json"]

_JSON_MAX = 100_000
_json_texts: dict[tuple[str, str, Certainty], str] = {}


def provenance_json(prov: Provenance) -> str:
    """:meth:`Provenance.to_json`, remembered for claim-free provenance.

    Most edges of a load cite the same few (source, evidence) pairs; serialising each again cost a
    third of a large load, and sharing one text per pair also keeps a million edges from holding a
    million copies of it. Provenance with claims is serialised every time (claims are rare, and
    ``1``, ``1.0`` and ``True`` are equal keys but different JSON).
    """
    if prov.claims:
        return prov.to_json()
    key = (prov.source, prov.evidence, prov.certainty)
    text = _json_texts.get(key)
    if text is None:
        if len(_json_texts) >= _JSON_MAX:
            _json_texts.clear()
        text = _json_texts[key] = prov.to_json()
    return text


def claims_json(claims: tuple[tuple[str, Any], ...]) -> str:
    return json.dumps(dict(claims), ensure_ascii=False, sort_keys=True) if claims else "{}"


def merge_provenance(provenance: list[Provenance]) -> list[Provenance]:
    """One CITES edge per source: several entries from the same source are folded together."""
    by_source: dict[str, Provenance] = {}
    for prov in provenance:
        old = by_source.get(prov.source)
        if old is None:
            by_source[prov.source] = prov
            continue
        evidence = "；".join(e for e in dict.fromkeys([old.evidence, prov.evidence]) if e)
        claims = tuple(sorted({**dict(old.claims), **dict(prov.claims)}.items()))
        certainty = min(old.certainty, prov.certainty, key=lambda c: c != c.STATED)
        by_source[prov.source] = Provenance(prov.source, evidence, claims, certainty)
    return [by_source[s] for s in sorted(by_source)]
