"""A self-check of the recommendations against the curated leader ranks — not the held-out measure.

For every segment, the "truth" is the top five (fewer where the list is shorter) of the curated list
of national leaders outside Dezhou (the ``rank`` on IN_SEGMENT links), and we ask how many of them
``recommend`` puts in its top ten at the city scope. The ranking reads those very ranks, so this is
circular: it proves that 以商招商 siblings, supplier links, head offices and size do not bury the
leaders the data knows — not that the data knows the right leaders. The held-out list of the issue
measures that; this keeps the scoring honest between measurements.
"""

from __future__ import annotations

from collections import defaultdict

from chainkg.queries import recommend
from chainkg.queries.common import resolve_scope
from chainkg.schema.kinds import EdgeKind
from chainkg.store.memory import MemoryStore


def _truth(store: MemoryStore) -> dict[str, list[str]]:
    _, local = resolve_scope(store.graph, None)
    ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for u, v, attrs in store.graph.edges(data=True):
        if attrs["kind"] == EdgeKind.IN_SEGMENT.value and attrs.get("rank") and u not in local:
            ranked[v].append((attrs["rank"], u))
    return {segment: [u for _, u in sorted(items)[:5]] for segment, items in ranked.items()}


def _recall(store: MemoryStore, **weights: float) -> tuple[float, list[str]]:
    scores, weak = [], []
    for segment, top in sorted(_truth(store).items()):
        result = store.run(recommend.QUERY, recommend.Params(segment=segment, limit=10, **weights))
        found = len(set(top) & {c.enterprise.id for c in result.candidates}) / len(top)
        scores.append(found)
        if found < 0.6:
            weak.append(segment)
    return sum(scores) / len(scores), weak


def test_the_curated_leaders_reach_the_top_ten(dezhou: MemoryStore) -> None:
    recall, weak = _recall(dezhou)
    assert len(_truth(dezhou)) == 131
    assert recall >= 0.95 and weak == []
