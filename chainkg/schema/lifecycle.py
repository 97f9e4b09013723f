"""A project's life in time: partial dates as days, report periods, and the timeline ``as_of`` reads.

Sources give dates at the precision they know (2019, 2019-03, 2019-03-19). Two questions need days:

- **true on a day**: a fact dated with a partial date is certainly true from the *last* day it can
  mean (``2019-03`` → 2019-03-31, ``2019`` → 2019-12-31): :func:`day_end`. A project that started
  "in March 2019" is not claimed as started on 2019-03-15.
- **known on a day**: the date of the earliest source stating it, read the same way. An ``as_of``
  answer uses a fact only when it was both true and known that day.

A project's **status timeline** (the derived ``status_timeline`` property, written at load time
from its status events, see :mod:`chainkg.loaders.lifecycle`) lists one entry per status event that
has a date: ``"<true from>|<known from>|<status>"`` with both days as ``YYYY-MM-DD``, in pipeline
order (线索 … 投产, then 终止). The status on day D is the last entry whose two days are ≤ D — the
furthest stage reached and known by then, 终止 when the termination was (:func:`status_at`); no such
entry means the project did not exist yet as far as the sources tell. The fixed-width text lets the
Cypher twins apply the same rule with string comparisons (:func:`chainkg.queries.cypher.common.status_at`).

The **investment timeline** (``investment_timeline``) does the same for the total investment in 元:
``"<known from>|<amount>"`` ordered by day; the value on day D is the last entry known by D.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from chainkg.schema.kinds import ProjectStatus

__all__ = [
    "SEP",
    "Period",
    "day_end",
    "day_start",
    "investment_at",
    "investment_entry",
    "parse_day",
    "status_at",
    "timeline_entry",
]

#: Field separator inside timeline entries.
SEP = "|"

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})|[Qq]([1-4])))?$")


def _parts(partial: str) -> tuple[int, int | None, int | None]:
    match = _PARTIAL.match(partial)
    if not match:
        raise ValueError(f"date {partial!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    return int(year), int(month) if month else None, int(day) if day else None


@lru_cache(maxsize=65_536)
def day_end(partial: str) -> str:
    """The last day a partial date can mean: ``2019-03`` → ``2019-03-31``; a full date is itself."""
    year, month, day = _parts(partial)
    if day is not None:
        return partial
    if month is None:
        return f"{year:04d}-12-31"
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


@lru_cache(maxsize=65_536)
def day_start(partial: str) -> str:
    """The first day a partial date can mean: ``2019-03`` → ``2019-03-01``."""
    year, month, day = _parts(partial)
    return f"{year:04d}-{month or 1:02d}-{day or 1:02d}"


def parse_day(text: str) -> str:
    """A full ``YYYY-MM-DD`` date that exists, as given (ValueError otherwise) — the form of ``as_of``."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD") from exc


def timeline_entry(true_from: str, known_from: str, status: ProjectStatus) -> str:
    """One status-timeline entry (both days ``YYYY-MM-DD``)."""
    return f"{true_from}{SEP}{known_from}{SEP}{status.value}"


def status_at(timeline: list[str] | None, as_of: str) -> str | None:
    """The status on day ``as_of`` (``YYYY-MM-DD``) by the rule in the module docstring, or None."""
    found = None
    for entry in timeline or ():
        if entry[:10] <= as_of and entry[11:21] <= as_of:
            found = entry[22:]
    return found


def investment_entry(known_from: str, amount: int) -> str:
    return f"{known_from}{SEP}{amount}"


def investment_at(timeline: list[str] | None, as_of: str) -> int:
    """The total investment (元) known on day ``as_of``; 0 when none was known yet."""
    found = 0
    for entry in timeline or ():
        if entry[:10] <= as_of:
            found = int(entry[11:])
    return found


@dataclass(frozen=True)
class Period:
    """A report period: a month (``2023-03``), a quarter (``2023-Q1``) or a year (``2023``)."""

    label: str
    start: str  # first day, YYYY-MM-DD
    end: str  # last day, YYYY-MM-DD

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text.strip())
        if not match:
            raise ValueError(f"period {text!r} must be a month (2023-03), a quarter (2023-Q1) or a year (2023)")
        year, month, quarter = match.groups()
        y = int(year)
        if month:
            m = int(month)
            if not 1 <= m <= 12:
                raise ValueError(f"period {text!r}: month {month} is out of range 01–12")
            return cls(f"{y:04d}-{m:02d}", f"{y:04d}-{m:02d}-01", day_end(f"{y:04d}-{m:02d}"))
        if quarter:
            q = int(quarter)
            first, last = 3 * q - 2, 3 * q
            return cls(f"{y:04d}-Q{q}", f"{y:04d}-{first:02d}-01", day_end(f"{y:04d}-{last:02d}"))
        return cls(f"{y:04d}", f"{y:04d}-01-01", f"{y:04d}-12-31")

    def contains(self, partial: str) -> bool:
        """Whether a (partial) date lies inside the period — only a date at least as precise as the
        period can (``2023`` is not known to lie in 2023-Q1)."""
        return self.start <= day_start(partial) and day_end(partial) <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    @property
    def year(self) -> int:
        return int(self.label[:4])
