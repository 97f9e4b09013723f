"""The period report as an Excel workbook (.xlsx), for offices that file their 月报/季报 in Excel.

One workbook per :class:`chainkg.queries.report.Result`, four sheets: 概览 (the totals), 分产业链 (one
row per chain), 重点项目 (the largest projects) and 项目动态 (every project that reached a stage in the
period). Amounts are written in 万元 as numbers (two decimals), so the cells add up in Excel; the
result's own figures are in 元.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from chainkg.queries.report import Result, Totals

__all__ = ["FLOW_LABELS", "report_xlsx", "xlsx_name"]

#: Report columns for the flows, in pipeline order (the statuses' values are the keys).
FLOW_LABELS = {
    "线索": "新增线索",
    "洽谈": "新增洽谈",
    "签约": "签约",
    "开工": "开工",
    "在建": "在建",
    "投产": "投产",
    "终止": "终止",
}
_WAN = "#,##0.00"


def _wan(amount: int) -> float:
    return round(amount / 10_000, 2)


def _header(sheet: Worksheet, row: list[str]) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")


def _totals_row(label: str, totals: Totals) -> list[object]:
    percent = totals.percent_of_plan
    return [
        label,
        totals.projects,
        *(totals.flows.get(status, 0) for status in FLOW_LABELS),
        _wan(totals.planned_cny),
        _wan(totals.actual_cny),
        percent if percent is not None else "—",
    ]


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width


def report_xlsx(result: Result) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    overview = book.active
    assert overview is not None
    overview.title = "概览"
    overview.append([f"{result.target.name} 招商引资项目报告（{result.period.label}）"])
    overview["A1"].font = Font(bold=True, size=14)
    overview.append([f"报告期 {result.period.start} 至 {result.period.end}；金额单位：万元"])
    overview.append([])
    columns = ["范围", "项目数", *FLOW_LABELS.values(), "计划投资", "实际投资（到位资金）", "完成计划%"]
    _header(overview, columns)
    overview.append(_totals_row(result.target.name, result.totals))
    for cell in overview[overview.max_row][-3:-1]:
        cell.number_format = _WAN
    overview.append([])
    overview.append([f"日期不够精确、未计入本期的状态变化：{result.imprecise} 条"])
    overview.append([f"报告期长于本期、未计入的投资记录：{result.partial_records} 条"])
    _widths(overview, [28, 8, *([9] * len(FLOW_LABELS)), 12, 18, 10])

    chains = book.create_sheet("分产业链")
    _header(chains, ["产业链", *columns[1:]])
    for row in result.by_chain:
        chains.append(_totals_row(row.chain.name if row.chain else "未归链", row.totals))
        for cell in chains[chains.max_row][-3:-1]:
            cell.number_format = _WAN
    _widths(chains, [18, 8, *([9] * len(FLOW_LABELS)), 12, 18, 10])

    largest = book.create_sheet("重点项目")
    _header(largest, ["项目", "当前阶段", "总投资", "本期计划投资", "本期实际投资"])
    for line in result.largest:
        largest.append(
            [
                line.project.name,
                line.status.value if line.status else "",
                _wan(line.total_investment_cny),
                _wan(line.planned_cny),
                _wan(line.actual_cny),
            ]
        )
        for cell in largest[largest.max_row][2:]:
            cell.number_format = _WAN
    _widths(largest, [40, 10, 14, 14, 14])

    moves = book.create_sheet("项目动态")
    _header(moves, ["动态", "项目", "项目编号"])
    for label, refs in result.flows.labelled():
        for ref in refs:
            moves.append([label, ref.name, ref.id])
    _widths(moves, [10, 40, 48])

    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_name(result: Result) -> str:
    """A file name for the download: 天衢新区_2023-Q1_招商报告.xlsx."""
    safe = "".join(c for c in result.target.name if c not in '\\/:*?"<>|')
    return f"{safe}_{result.period.label}_招商报告.xlsx"
