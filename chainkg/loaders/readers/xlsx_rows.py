"""Rows of an ``.xlsx`` sheet, refused before reading when the file claims more than the caps allow.

Two claims are checked before a cell is read (:mod:`chainkg.loaders.readers.limits`):

- the zip's: every member's uncompressed size as the archive's directory states it (their sum, and
  each one's ratio to its compressed size — a "zip bomb" inflates a thousandfold); zipfile never
  writes more than a member claims, so the claim bounds what reading can cost;
- the sheet's: its ``<dimension ref="A1:XFD10000">``, which openpyxl trusts — in read-only mode it
  pads every row to the claimed width and yields every claimed row — so a 4.9 KB file claiming
  ``A1:XFD10000`` used to cost 13 s and 2.4 GB. Claimed rows, columns and rows × columns are held
  to the caps, and the message says how to fix the file.

While streaming, the rows and cells actually present are held to the same caps (a file may claim
little and hold more), and a cell longer than ``max_field_chars`` rejects its row.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from chainkg.loaders.readers.csv_rows import Row
from chainkg.loaders.readers.limits import DEFAULT_LIMITS, ReadLimits

__all__ = ["SheetRefused", "xlsx_rows"]


class SheetRefused(ValueError):
    """The workbook as a whole cannot be read; the message says why and what to do."""


def xlsx_rows(data: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[Row]:
    """The first sheet's rows (``line`` = the sheet's row number). Raises :class:`SheetRefused`."""
    import openpyxl  # imported here: only Excel inputs pay for it

    _check_zip(data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise SheetRefused(f"cannot open as an Excel workbook: {type(exc).__name__}: {exc}") from exc
    try:
        if not book.worksheets:
            raise SheetRefused("the workbook has no worksheet")
        sheet = book.worksheets[0]
        _check_dimension(sheet, limits)
        rows = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows += 1
            if rows > limits.max_rows + 1:
                raise SheetRefused(
                    f"the sheet has more than {limits.max_rows:,} data rows; split it into smaller files"
                )
            if len(values) > limits.max_columns:
                extra = values[limits.max_columns :]
                if any(v not in (None, "") for v in extra):
                    yield Row(number, [], f"the row has more than {limits.max_columns} cells, the most that is read")
                    continue
                values = values[: limits.max_columns]
            cells = [_cell(v) for v in values]
            longest = max((len(c) for c in cells), default=0)
            if longest > limits.max_field_chars:
                reason = f"a cell is {longest:,} characters long; at most {limits.max_field_chars:,} are read"
                yield Row(number, [c[:200] for c in cells], reason)
                continue
            yield Row(number, cells)
    finally:
        book.close()


def _check_zip(data: bytes, limits: ReadLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise SheetRefused(f"cannot open as an Excel workbook: not an .xlsx (zip) file ({exc})") from exc
    total = 0
    for member in archive.infolist():
        total += member.file_size
        if member.file_size > 1 << 20 and member.file_size > limits.max_zip_ratio * max(member.compress_size, 1):
            raise SheetRefused(
                f"{member.filename} inflates from {member.compress_size:,} to {member.file_size:,} bytes "
                f"(more than {limits.max_zip_ratio}×): refused as a zip bomb"
            )
    if total > limits.max_unzipped_bytes:
        raise SheetRefused(
            f"the workbook unpacks to {total:,} bytes; at most {limits.max_unzipped_bytes:,} are read — "
            "save the sheet as CSV or split it"
        )


def _check_dimension(sheet: Any, limits: ReadLimits) -> None:
    """The sheet's claimed size, from its ``<dimension>`` (openpyxl reads it without reading rows)."""
    try:
        claimed = sheet.calculate_dimension()
        rows, columns = int(sheet.max_row or 0), int(sheet.max_column or 0)
    except (ValueError, TypeError):  # no usable dimension: rows are counted as they stream
        sheet.reset_dimensions()
        return
    if rows > limits.max_rows + 1 or columns > limits.max_columns or rows * columns > limits.max_cells:
        raise SheetRefused(
            f"the sheet claims the range {claimed} ({rows:,} rows × {columns:,} columns); chainkg reads at most "
            f"{limits.max_rows:,} rows, {limits.max_columns} columns and {limits.max_cells:,} cells — copy the used "
            "cells into a new sheet, or save it as CSV"
        )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
