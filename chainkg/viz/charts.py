"""A horizontal bar chart as inline SVG: the one plot the notebooks need, without a plotting library.

Notebooks compare a handful of numbers (completeness per stage or chain, investment per project);
an SVG of labelled bars does that, renders in Jupyter, VS Code and exported HTML alike, and adds no
dependency an offline intranet would have to mirror.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from chainkg.viz.style import FONT_FACE

__all__ = ["BarChart"]


@dataclass(frozen=True)
class BarChart:
    """Labelled horizontal bars; ``fmt`` writes each value next to its bar (e.g. ``format_cny``)."""

    title: str
    bars: Sequence[tuple[str, float]]
    fmt: Callable[[float], str] = lambda v: f"{v:g}"
    maximum: float | None = None
    color: str = "#42a5f5"
    width: int = 640

    @property
    def svg(self) -> str:
        label_w, row, top = 190, 26, 34
        bar_w = self.width - label_w - 110
        top_value = self.maximum if self.maximum is not None else max((v for _, v in self.bars), default=0)
        scale = bar_w / top_value if top_value > 0 else 0
        height = top + row * len(self.bars) + 10
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{height}" '
            f'font-family="{escape(FONT_FACE)}" font-size="13" role="img" aria-label="{escape(self.title)}">',
            f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(self.title)}</text>',
        ]
        for i, (label, value) in enumerate(self.bars):
            y = top + i * row
            length = max(value * scale, 0)
            parts += [
                f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>',
                f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{self.color}"/>',
                f'<text x="{label_w + length + 6:.1f}" y="{y + 15}">{escape(self.fmt(value))}</text>',
            ]
        parts.append("</svg>")
        return "".join(parts)

    def _repr_svg_(self) -> str:
        return self.svg
