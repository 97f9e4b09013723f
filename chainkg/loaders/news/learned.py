"""The rules' projects decided by the learned labeller (:mod:`chainkg.loaders.news.labeller`).

The rules of :mod:`chainkg.loaders.news.extract` propose project names and find what goes with them
(amount, status, dates, investors, park); the labeller, reading those proposals as features, decides which
spans of each sentence are project names. :func:`relabel` keeps a rule project the labeller names (under
the rules' name, the labeller's span added to its aliases, everything the rules found with it kept), drops a
rule project it does not name, and adds a project it names that the rules missed — with the investment
amount written right before or after it in its sentence and the status its sentence states.

Confidence is the share of labelled names that were right (name and amount, the rule of
``benchmarks/extraction.py``) per band of the labeller's probability, measured out of fold: each
gathering of the development material labelled by a model trained without it
(``benchmarks/extraction_crf.py loro``); pooled so that a higher probability never means a lower share.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from chainkg.loaders.news.facts import Extraction, ProjectFact
from chainkg.loaders.news.labeller import RuleName, label, tagger
from chainkg.loaders.news.mentions import find_statuses
from chainkg.schema.normalize import normalize_name

__all__ = ["LEARNED_CALIBRATION", "learned_confidence", "relabel"]

#: (lowest probability of the band, share right out of fold on the development material: 3,295 labelled names
#: of the thirty-three gatherings, each labelled by a model trained without it; 2026-12-07, twenty-eighth round). Refit
#: with ``benchmarks/extraction_crf.py loro`` (it prints the table).
LEARNED_CALIBRATION: tuple[tuple[float, float], ...] = (
    (0.0, 0.60),
    (0.5, 0.68),
    (0.7, 0.70),
    (0.8, 0.78),
    (0.9, 0.84),
    (0.95, 0.91),
)


def learned_confidence(probability: float, table: Sequence[tuple[float, float]] | None = None) -> float:
    """The share right of the band ``probability`` falls in."""
    bands = LEARNED_CALIBRATION if table is None else table
    index = bisect_right([low for low, _ in bands], probability) - 1
    return bands[max(index, 0)][1]


def relabel(facts: Extraction, paragraphs: Sequence[str], model: Any = None) -> None:
    """Replace ``facts.projects`` by the projects the labeller names (see the module's docstring)."""
    rules = [RuleName((p.name, *p.aliases), p.amount) for p in facts.projects]
    used: set[int] = set()
    projects: list[ProjectFact] = []
    for found in label(paragraphs, rules, model if model is not None else tagger()):
        if found.rule is not None and found.rule not in used:
            used.add(found.rule)
            fact = facts.projects[found.rule]
            unique: dict[str, str] = {}
            for name in (fact.name, *fact.aliases, found.name):
                unique.setdefault(normalize_name(name), name)
            names = list(unique.values())
            project = replace(fact, name=names[0], aliases=names[1:])
            if found.amount != fact.amount:  # aligned by position on the labeller's span (labeller._amount_of)
                project = replace(project, amount=found.amount, amount_text=found.amount_text)
        else:
            statuses = [s for s in find_statuses(found.sentence) if s.start >= found.end and not s.future]
            project = ProjectFact(
                name=found.name,
                amount=found.amount,
                amount_text=found.amount_text,
                status=statuses[0].status if statuses else None,
                evidence=[found.sentence],
                status_from="text" if statuses else "none",
                found_by="learned",
            )
        project.confidence = learned_confidence(found.probability)
        projects.append(project)
    facts.projects[:] = projects
