"""A registry file → its rows, with the hostile-file caps applied and the row-shape checks.

CSV/TSV/TXT are decoded (:mod:`chainkg.loaders.readers.encoding`) and split with the delimiter the
first line uses most; ``.xlsx``/``.xlsm`` are read by :mod:`chainkg.loaders.readers.xlsx_rows`; old
``.xls`` is refused. A file over the line cap is refused before it is decoded, and a workbook whose
claimed sheet size is over the caps is refused before its cells are read — each as a
:class:`chainkg.loaders.pipeline.FileRejected` naming the cap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from chainkg.loaders.pipeline import FileRejected, LoadContext, RecordError
from chainkg.loaders.readers.csv_rows import Row, csv_rows
from chainkg.loaders.readers.encoding import EncodingError, decode
from chainkg.loaders.readers.limits import ReadLimits
from chainkg.loaders.readers.xlsx_rows import SheetRefused, xlsx_rows

__all__ = ["EXCEL_SUFFIXES", "TEXT_SUFFIXES", "cell_count_ok", "file_rows", "shown"]

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


def file_rows(path: Path, data: bytes, limits: ReadLimits) -> Iterator[Row]:
    """The rows of a registry file's bytes (``path`` gives only the kind, by its suffix)."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise FileRejected("old Excel .xls format is not read; save the sheet as .xlsx or CSV")
    if suffix in EXCEL_SUFFIXES:
        return _guarded(xlsx_rows(data, limits))
    lines = data.count(b"\n")
    if lines > limits.max_rows + 1:
        raise FileRejected(f"the file has {lines:,} lines; at most {limits.max_rows:,} data rows are read — split it")
    try:
        text, _encoding = decode(data)
    except EncodingError as exc:
        raise FileRejected(str(exc)) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max(("\t", ",", ";", "|"), key=first_line.count) if suffix != ".tsv" else "\t"
    if first_line.count(delimiter) == 0:
        delimiter = ","
    return csv_rows(text, delimiter, limits)


def _guarded(rows: Iterator[Row]) -> Iterator[Row]:
    """Turn a refused workbook into a rejected file."""
    try:
        yield from rows
    except SheetRefused as exc:
        raise FileRejected(str(exc)) from exc


def cell_count_ok(file: str, row_no: int, cells: list[str], expected: int, ctx: LoadContext) -> bool:
    """Report a row whose cell count differs from the header's; False when it must not be read.

    More cells than the header, the extra ones not empty: rejected (an unquoted delimiter shifts every
    column after it). Extra empty cells, or fewer cells: read (missing cells as empty) and noted.
    """
    if len(cells) > expected:
        extra = [c for c in cells[expected:] if c.strip()]
        if extra:
            ctx.reject(
                file,
                row_no,
                RecordError(
                    "",
                    f"the row has {len(cells)} cells but the header {expected}: a delimiter inside an unquoted "
                    "value shifts the columns after it; quote that value",
                    shown(cells),
                ),
            )
            return False
        ctx.note(file, row_no, "", f"the row has {len(cells)} cells, the header {expected}; the extra ones are empty")
    elif len(cells) < expected:
        ctx.note(
            file,
            row_no,
            "",
            f"the row has {len(cells)} cells but the header {expected}: the last {expected - len(cells)} "
            "column(s) are read as empty",
            shown(cells),
        )
    return True


def shown(cells: list[str]) -> str:
    """A row's cells as the report shows them (shortened)."""
    text = ",".join(cells)
    return text if len(text) <= 200 else text[:197] + "…"
