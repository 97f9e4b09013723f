"""Tables the pages show, and the same tables as downloads: ``.xlsx`` and CSV (UTF-8 with BOM).

A page builds each table once as a :class:`Table` — columns and rows of :class:`Cell` — and the
template draws it (``{{ table_html(table) }}``). Any page then answers ``?export=xlsx&table=<name>``
(or ``csv``) with exactly the rows it shows, named after what it shows
(``项目台账_集成电路_天衢新区.xlsx``), because the download is the same request as the page with two
more parameters: the same filters, sort and page.

Cells keep the value a spreadsheet wants (a number, a date text) beside the text people read:
amounts show as 亿元/万元 on the page and download as a number of 万元 in a column that says so.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from starlette.responses import Response

from chainkg.store.files import spreadsheet_safe

__all__ = ["FORMATS", "Cell", "Column", "Table", "export_response", "filename", "to_csv", "to_xlsx"]

FORMATS = ("xlsx", "csv")
Align = Literal["left", "right", "center"]


@dataclass(frozen=True, slots=True)
class Cell:
    """What one table cell shows (``text``), where it links (``href``), its CSS class, and the value
    a download holds (``value``; the text when None)."""

    text: str
    href: str | None = None
    value: Any = None
    css: str = ""
    title: str = ""
    #: Further links shown after the text (e.g. every chain of a project), each (text, href).
    links: tuple[tuple[str, str], ...] = ()
    #: What separates the links, on the page and in the download ("→" for a path).
    sep: str = "、"

    @property
    def export(self) -> Any:
        if self.value is not None:
            return self.value
        if self.links:
            return self.sep.join(text for text, _ in self.links)
        return self.text


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    #: The header of the download when it differs (e.g. "总投资（万元）" for a money column).
    export_label: str = ""
    align: Align = "left"
    #: The sort value this column orders by when the page can sort (None: not sortable).
    sort: str | None = None


@dataclass
class Table:
    """A named table: ``name`` identifies it on its page (``?table=``), ``title`` names the download."""

    name: str
    title: str
    columns: Sequence[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    empty: str = "暂无数据"
    #: A line under the table ("共 37 个项目，显示第 1–20 个").
    note: str = ""

    def add(self, *cells: Cell | str | None) -> None:
        self.rows.append([c if isinstance(c, Cell) else Cell("" if c is None else str(c)) for c in cells])

    def header(self) -> list[str]:
        return [c.export_label or c.label for c in self.columns]

    def values(self) -> Iterable[list[Any]]:
        for row in self.rows:
            yield [cell.export for cell in row]


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def filename(title: str, extension: str) -> str:
    """A file name from a title: characters file systems refuse become ``_``."""
    base = _UNSAFE.sub("_", title).strip(" ._") or "table"
    return f"{base[:120]}.{extension}"


def to_csv(table: Table) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel on Windows opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header())
    for row in table.values():
        writer.writerow(["" if v is None else _csv_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with a quote (CSV injection): the
    one rule every file chainkg writes keeps (:func:`chainkg.store.files.spreadsheet_safe`)."""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook always starts with one worksheet
        raise RuntimeError("openpyxl made a workbook without a worksheet")
    sheet.title = _UNSAFE.sub("_", table.title)[:31] or "Sheet1"
    sheet.append(table.header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) * 2 + 2 for h in table.header()]
    for row in table.values():
        sheet.append([_xlsx_safe(v) for v in row])
        for i, value in enumerate(row):
            widths[i] = min(60, max(widths[i], len(str(value or "")) * 2 + 2))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_safe(value: Any) -> Any:
    """openpyxl writes text starting with ``=`` as a formula: keep such text as text."""
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def export_response(table: Table, fmt: str) -> Response:
    """The table as a download in ``fmt`` (xlsx or csv), named after its title."""
    if fmt == "csv":
        body, media = to_csv(table), "text/csv; charset=utf-8"
    else:
        body, media = to_xlsx(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = filename(table.title, fmt)
    ascii_name = filename(table.name, fmt)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
