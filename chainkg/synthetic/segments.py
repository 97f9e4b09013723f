"""Drawing a segment: a few segments hold most enterprises (Zipf weights over a seeded shuffle), and
an enterprise in a park usually works in the park's chain."""

from __future__ import annotations

import random

from chainkg.synthetic.ontology import Ontology
from chainkg.synthetic.places import zipf

__all__ = ["Segments"]


class Segments:
    """Seeded segment draws over the ontology (the shuffles happen here, once, in a fixed order)."""

    def __init__(self, ontology: Ontology, rng: random.Random) -> None:
        self.rng = rng
        self.order = list(ontology.segments)
        rng.shuffle(self.order)
        self.weights = zipf(len(self.order), 1.0)
        self.chain_order = {c: self._shuffled(s) for c, s in ontology.chain_segments.items()}
        self.chain_weights = {c: zipf(len(s), 0.9) for c, s in ontology.chain_segments.items()}

    def _shuffled(self, items: list[str]) -> list[str]:
        out = list(items)
        self.rng.shuffle(out)
        return out

    def draw(self, theme: str | None) -> str:
        """A segment of chain ``theme`` (70 % of the time, when given), else of any chain."""
        rng = self.rng
        if theme is not None and rng.random() < 0.7:
            return rng.choices(self.chain_order[theme], cum_weights=self.chain_weights[theme])[0]
        return rng.choices(self.order, cum_weights=self.weights)[0]
