"""How likely an extracted project is to be right — calibrated, so a reviewer can accept in bulk.

A project candidate is *right* when the project is one the article names and its amount is the one
the article gives it (or it has none and the article gives none): the (project, amount) pair of
``benchmarks/extraction.py``. :func:`raw_score` adds up how the project was found (a name ending in
项目 or 工程, an item of a list, a phase), what was found with it (an amount, labelled 总投资 or not;
an investor; a stated status; a known graph node) and what weakens it (a short name). The score
only orders candidates; :data:`CALIBRATION` maps it to the share of projects that were right on the
development material of the real-text set (``real/dev`` and the first four test halves, whose
misses have been read), per score band, fitted by ``benchmarks/calibration.py`` (pooled so that a higher score
never means a lower share).
The reliability of the result on the development and test halves is in ``docs/news.md``.
"""

from __future__ import annotations

from bisect import bisect_right

from chainkg.loaders.news.facts import ProjectFact

__all__ = ["CALIBRATION", "calibrated", "project_confidence", "raw_score"]

#: (lowest raw score of the band, share right on the development material: real-dev and the first
#: four test halves, whose misses have been read; 787 candidates, 2026-12-06, fifth round). Refit with
#: ``benchmarks/calibration.py``; ``--holdout`` fits on five of those subsets and checks the sixth.
CALIBRATION: tuple[tuple[float, float], ...] = (
    (0.0, 0.85),
    (0.55, 0.88),
    (0.6, 0.88),
    (0.7, 0.92),
    (0.8, 0.95),
)


def raw_score(project: ProjectFact) -> float:
    """An uncalibrated score in [0, 1] from how the project was found and what came with it."""
    score = {"name": 0.55, "phase": 0.45, "list": 0.45}[project.found_by]
    core = project.name.removesuffix("项目")
    if project.amount is not None:
        score += 0.15 if project.labelled_total else 0.1
    if project.investors:
        score += 0.1
    if project.status_from == "text":
        score += 0.1
    if project.node_id:
        score += 0.05
    if len(core) <= 4:
        score -= 0.1
    return round(max(0.0, min(score, 1.0)), 2)


def calibrated(raw: float, table: tuple[tuple[float, float], ...] | None = None) -> float:
    """The share right of the band ``raw`` falls in; ``raw`` itself when there is no table."""
    bands = CALIBRATION if table is None else table
    if not bands:
        return raw
    index = bisect_right([low for low, _ in bands], raw) - 1
    return bands[max(index, 0)][1]


def project_confidence(project: ProjectFact) -> float:
    return calibrated(raw_score(project))
