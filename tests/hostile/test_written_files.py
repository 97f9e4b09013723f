"""Formula-like text in every spreadsheet file chainkg writes is text, never a formula (issue 17 item 4).

The reject report is covered in ``test_hostile.py``; here the workbench's downloads: a table whose
cells came from hostile input (an enterprise named ``=HYPERLINK(…)``, a note ``@SUM(A1)``) opens in a
spreadsheet as the text it is. Before the fix the CSV download wrote such cells raw and the ``.xlsx``
stored ``=…`` as a formula cell.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from chainkg.web.tables import Column, Table, to_csv, to_xlsx

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1"]
HARMLESS = ["-12.5", "+3", "德州有研亿金", "a=b"]


def _table() -> Table:
    table = Table("t", "恶意单元格", [Column("v", "值")])
    for text in HOSTILE + HARMLESS:
        table.add(text)
    return table


def test_the_csv_download_quotes_formula_like_cells() -> None:
    text = to_csv(_table()).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert cells[: len(HOSTILE)] == ["'" + t for t in HOSTILE]
    assert cells[len(HOSTILE) :] == HARMLESS, "numbers and ordinary text are written as they are"


@pytest.mark.parametrize("index", range(len(HOSTILE) + len(HARMLESS)))
def test_the_xlsx_download_has_no_formula_cells(index: int) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(_table()))).active
    assert sheet is not None
    cell = sheet.cell(row=index + 2, column=1)
    assert cell.data_type != "f", f"{cell.value!r} was stored as a formula"
    # (XML keeps a carriage return as a line feed)
    assert str(cell.value).lstrip("'") == (HOSTILE + HARMLESS)[index].replace("\r", "\n")
