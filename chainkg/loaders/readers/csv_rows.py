"""CSV/TSV rows, with every dialect problem reported on the row where it starts.

Python's :mod:`csv` reader, as loaders usually call it, is forgiving in ways that lose data without a
word: a quote that is never closed swallows every following line into one field (two rows, or the
rest of the file, silently become one), and a field longer than :func:`csv.field_size_limit` stops
the whole file with an exception. Here rows are read in ``strict`` mode from the file's physical
lines, and a row that cannot be read is reported and *skipped alone*: reading starts again on the
line after the one it started on, so the rows around it still load.

A quoted field may span lines (Excel writes cells with line breaks so). A record that spans lines
and then has a different number of cells than the header, or whose later lines hold about half a
row's worth of delimiters, is not such a cell: it is reported as an unclosed quote, and its lines
are read again as rows of their own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from chainkg.loaders.readers.limits import DEFAULT_LIMITS, ReadLimits

__all__ = ["Row", "csv_rows"]


@dataclass(frozen=True)
class Row:
    """One record: ``line`` is where it starts (1-based), ``problem`` why it cannot be read (then
    ``cells`` holds what could be made of it, for the report)."""

    line: int
    cells: list[str]
    problem: str | None = None


def csv_rows(text: str, delimiter: str, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[Row]:
    """Every record of ``text``; a bad one comes as a :class:`Row` with ``problem`` set. The first
    readable non-empty record is taken as the header: its cell count is what later rows spanning
    lines are checked against."""
    lines = io.StringIO(text, newline="").readlines()
    expected: list[int] = []  # cells of the header, once seen
    position: int | None = 0
    while position is not None and position < len(lines):
        restart: list[int | None] = [None]
        for row in _read_from(lines, position, delimiter, limits, expected, restart):
            if not expected and row.problem is None and any(c.strip() for c in row.cells):
                expected.append(len(row.cells))
            yield row
        position = restart[0]


def _read_from(
    lines: list[str], start: int, delimiter: str, limits: ReadLimits, expected: list[int], restart: list[int | None]
) -> Iterator[Row]:
    """Rows from ``lines[start:]`` until one cannot be read; then ``restart[0]`` says where to go on."""
    cursor = start

    def feed() -> Iterator[str]:
        nonlocal cursor
        while cursor < len(lines):
            cursor += 1
            yield lines[cursor - 1]

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    while cursor < len(lines):
        first = cursor
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Row(first + 1, _raw_cells(lines[first], delimiter), _problem(str(exc), first, cursor, limits))
            restart[0] = first + 1
            return
        spanned = cursor - first
        if spanned > 1 and expected and (len(cells) != expected[0] or _swallowed(cells, delimiter, expected[0])):
            reason = (
                f"a quoted field opened on line {first + 1} runs over {spanned} lines, taking in what look like "
                f"other rows ({len(cells)} cells, the header has {expected[0]}): probably a quote that is never "
                "closed; the following lines are read as rows of their own"
            )
            yield Row(first + 1, _raw_cells(lines[first], delimiter), reason)
            restart[0] = first + 1
            return
        longest = max((len(c) for c in cells), default=0)
        if longest > limits.max_field_chars:
            reason = f"a field is {longest:,} characters long; at most {limits.max_field_chars:,} are read"
            yield Row(first + 1, [c[:200] for c in cells], reason)
            continue
        yield Row(first + 1, cells)


def _problem(message: str, first: int, cursor: int, limits: ReadLimits) -> str:
    if "field larger than field limit" in message:
        return f"a field is longer than {limits.max_field_chars:,} characters (the most that is read)"
    if cursor - first > 1 or "unexpected end of data" in message:
        end = "the end of the file" if "unexpected end of data" in message else f"line {cursor}"
        return (
            f"a quoted field opened on line {first + 1} is not closed on that line (the reader ran on to {end}); "
            "the following lines are read as rows of their own"
        )
    return f"malformed quoting ({message}); quote a field that contains the delimiter, a quote or a line break"


def _swallowed(cells: list[str], delimiter: str, expected: int) -> bool:
    """A multi-line cell whose later lines hold half a row's worth of delimiters or more: rows swallowed by a
    stray quote rather than a cell with line breaks in it."""
    need = max(1, (expected - 1) // 2)
    return any(
        line.count(delimiter) >= need
        for cell in cells
        if "\n" in cell or "\r" in cell
        for line in cell.splitlines()[1:]
    )


def _raw_cells(line: str, delimiter: str) -> list[str]:
    """The line split naively, so the report can show what the row said."""
    return [c[:200] for c in line.rstrip("\r\n").split(delimiter)]
