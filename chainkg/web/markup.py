"""The HTML of the pieces every page repeats many times — tables, bars — written in Python.

A table of fifty rows has hundreds of cells; building them with string joins and
:func:`markupsafe.escape` costs a fraction of a template loop, and the pages' server time at city
scale is mostly these. Everything people or data can put in is escaped here; templates insert
the result as :class:`markupsafe.Markup`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from chainkg.web.formats import STATUS_CSS
from chainkg.web.tables import FORMATS, Table

if TYPE_CHECKING:
    from chainkg.queries.ledger import StatusCount
    from chainkg.web.deps import PageContext

__all__ = ["completeness_bars", "export_links", "meter", "status_bar", "table_html"]

_FORMAT_LABELS = {"xlsx": "Excel", "csv": "CSV"}


def export_links(ctx: PageContext, table: Table) -> Markup:
    """The download links of a table: this page's URL asking for the table in each format."""
    links = "".join(
        f'<a class="export" href="{escape(ctx.here(export=fmt, table=table.name))}" download '
        f'data-export="{fmt}" data-table="{escape(table.name)}">{_FORMAT_LABELS[fmt]}</a>'
        for fmt in FORMATS
    )
    return Markup(f'<div class="table-tools"><span class="muted">导出</span>{links}</div>')


def table_html(
    ctx: PageContext,
    table: Table,
    exports: bool = True,
    sort: tuple[str, bool] | None = None,
    target: str | None = None,
) -> Markup:
    """A table with its download links. ``sort`` (column key, descending) turns sortable headers into
    links that sort by them (descending first, then flipping); with ``target`` they re-render only
    the element of that id through htmx."""
    out = [f'<div class="table-wrap" id="table-{escape(table.name)}">']
    if exports and table.rows:
        out.append(export_links(ctx, table))
    out.append(f'<table class="data" data-table="{escape(table.name)}"><thead><tr>')
    for column in table.columns:
        label = escape(column.label)
        if column.sort and sort is not None:
            active = sort[0] == column.sort
            descending = not active or not sort[1]
            url = escape(ctx.here(sort=column.sort, desc="1" if descending else "0", page=None))
            state = f" active {'desc' if sort[1] else 'asc'}" if active else ""
            swap = f' hx-get="{url}" hx-target="#{escape(target)}" hx-push-url="true"' if target else ""
            label = Markup(f'<a href="{url}" class="sort{state}"{swap}>{label}</a>')
        out.append(f'<th class="a-{column.align}" scope="col">{label}</th>')
    out.append("</tr></thead><tbody>")
    aligns = [column.align for column in table.columns]
    for row in table.rows:
        out.append("<tr>")
        for align, cell in zip(aligns, row, strict=False):
            title = f' title="{escape(cell.title)}"' if cell.title else ""
            out.append(f'<td class="a-{align} {escape(cell.css)}"{title}>')
            if cell.href:
                out.append(f'<a href="{escape(cell.href)}">{escape(cell.text)}</a>')
            elif cell.text:
                out.append(str(escape(cell.text)))
            if cell.links:
                sep = f'<span class="sep">{escape(cell.sep)}</span>'
                out.append(sep.join(f'<a href="{escape(href)}">{escape(text)}</a>' for text, href in cell.links))
            out.append("</td>")
        out.append("</tr>")
    if not table.rows:
        out.append(f'<tr><td class="empty" colspan="{len(table.columns)}">{escape(table.empty)}</td></tr>')
    out.append("</tbody></table>")
    if table.note:
        out.append(f'<p class="note">{escape(table.note)}</p>')
    out.append("</div>")
    return Markup("".join(out))


def meter(share: float, label: str) -> Markup:
    """A share (0..1) as a thin bar, drawn in SVG (no inline style, so a strict CSP allows it)."""
    width = round(max(0.0, min(1.0, share)) * 100, 2)
    label = str(escape(label))
    return Markup(
        f'<svg class="meter" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="{label}">'
        f'<rect class="track" x="0" y="0" width="100" height="8"></rect>'
        f'<rect class="fill" x="0" y="0" width="{width}" height="8"></rect><title>{label}</title></svg>'
    )


def status_bar(counts: Sequence[StatusCount]) -> Markup:
    """Projects per status as a stacked bar with a legend of chips."""
    total = sum(c.projects for c in counts)
    words = "，".join(f"{c.status} {c.projects}" for c in counts) or "暂无项目"
    parts = [
        f'<svg class="status-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" '
        f'aria-label="项目按状态：{escape(words)}">'
    ]
    if total:
        x = 0.0
        for c in counts:
            width = 100 * c.projects / total
            css = STATUS_CSS.get(c.status, "s-unknown")
            parts.append(
                f'<rect class="{css}" x="{x:.3f}" y="0" width="{width:.3f}" height="6">'
                f"<title>{escape(c.status)} {c.projects} 个</title></rect>"
            )
            x += width
    else:
        parts.append('<rect class="s-none" x="0" y="0" width="100" height="6"></rect>')
    parts.append('</svg><div class="status-legend">')
    for c in counts:
        parts.append(
            f'<span class="chip {STATUS_CSS.get(c.status, "s-unknown")}">{escape(c.status)} {c.projects}</span>'
        )
    if not counts:
        parts.append('<span class="muted">暂无项目</span>')
    parts.append("</div>")
    return Markup("".join(parts))


def completeness_bars(rows: Sequence[tuple[str, str, float, float]]) -> Markup:
    """Chains side by side: for each (name, link, completeness, stage-weighted completeness) a pair
    of bars with their percentages — a chart drawn on the server, no script needed."""
    out = ['<div class="bars" role="table" aria-label="各产业链完整度">']
    for name, href, index, weighted in rows:
        a, b = round(index * 100, 1), round(weighted * 100, 1)
        out.append(
            f'<div class="bar-row" role="row"><a role="rowheader" href="{escape(href)}">{escape(name)}</a>'
            f'<svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
            f'aria-label="完整度 {a:g}%，阶段加权 {b:g}%">'
            f'<rect class="track" x="0" y="0" width="100" height="10"></rect>'
            f'<rect class="fill" x="0" y="0" width="{a}" height="5.5"></rect>'
            f'<rect class="fill-2" x="0" y="6" width="{b}" height="4"></rect></svg>'
            f'<span role="cell"><b>{a:g}%</b> / {b:g}%</span></div>'
        )
    out.append("</div>")
    return Markup("".join(out))
