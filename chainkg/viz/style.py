"""How the graph looks: one colour and shape per node kind, one line style per edge kind, labels.

Every page takes its look from here, so a 企业 is the same blue dot on the chain map, in a
neighbourhood and on an explain path, and the legend is built from the same tables that styled the
nodes — it cannot say one thing while the canvas shows another.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chainkg.schema.kinds import EdgeKind, NodeKind

__all__ = [
    "EDGE_STYLES",
    "EXTEND_EDGE",
    "FONT_FACE",
    "LEADER_BORDER",
    "NODE_STYLES",
    "EdgeStyle",
    "NodeStyle",
    "SegmentStatus",
    "label_for",
]

#: Fonts that carry Chinese on the desktops analysts use; the last resort is the browser's own.
FONT_FACE = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', sans-serif"
)


@dataclass(frozen=True)
class NodeStyle:
    """A vis-network node look: fill colour, border, shape and size."""

    color: str
    border: str
    shape: str
    size: int = 16

    def vis(self) -> dict[str, Any]:
        """The vis-network node options for this style."""
        return {
            "shape": self.shape,
            "size": self.size,
            "color": {
                "background": self.color,
                "border": self.border,
                "highlight": {"background": self.color, "border": "#000000"},
                "hover": {"background": self.color, "border": "#000000"},
            },
        }


@dataclass(frozen=True)
class EdgeStyle:
    """A vis-network edge look: colour, width, dashes and whether it points."""

    color: str
    width: float = 1.5
    dashes: bool = False
    arrow: bool = True

    def vis(self) -> dict[str, Any]:
        return {
            "color": {"color": self.color, "highlight": "#000000", "hover": "#000000"},
            "width": self.width,
            "dashes": self.dashes,
            "arrows": {"to": {"enabled": self.arrow, "scaleFactor": 0.6}},
        }


# Shapes with the label inside (box) for the few nodes people read first; dots and symbols for the many.
NODE_STYLES: dict[NodeKind, NodeStyle] = {
    NodeKind.CHAIN: NodeStyle("#8e6cc8", "#4a2d86", "hexagon", 24),
    NodeKind.SEGMENT: NodeStyle("#90caf9", "#1e5a96", "box"),
    NodeKind.ENTERPRISE: NodeStyle("#42a5f5", "#0d47a1", "dot", 14),
    NodeKind.PROJECT: NodeStyle("#26a69a", "#00564d", "diamond", 15),
    NodeKind.PARK: NodeStyle("#a1887f", "#4e342e", "square", 14),
    NodeKind.REGION: NodeStyle("#90a4ae", "#37474f", "triangle", 15),
    NodeKind.CHAIN_OFFICE: NodeStyle("#f06292", "#880e4f", "triangleDown", 15),
    NodeKind.SOURCE: NodeStyle("#e0e0e0", "#757575", "star", 10),
    NodeKind.POLICY: NodeStyle("#ffb74d", "#e65100", "ellipse", 14),
    NodeKind.PROJECT_EVENT: NodeStyle("#b2dfdb", "#00564d", "dot", 8),
}


class SegmentStatus(StrEnum):
    """A segment's state on the chain map, with the rules of :mod:`chainkg.queries.gaps`."""

    COVERED = "covered"
    WEAK = "weak"
    MISSING = "missing"
    EXTEND = "extend"

    @property
    def zh(self) -> str:
        return {
            "covered": "已覆盖",
            "weak": "薄弱（强链）",
            "missing": "缺失（补链）",
            "extend": "相邻链环节（延链）",
        }[self.value]

    @property
    def style(self) -> NodeStyle:
        return _STATUS_STYLES[self]


_STATUS_STYLES = {
    SegmentStatus.COVERED: NodeStyle("#66bb6a", "#1b5e20", "box"),
    SegmentStatus.WEAK: NodeStyle("#ffb74d", "#e65100", "box"),
    SegmentStatus.MISSING: NodeStyle("#ef9a9a", "#b71c1c", "box"),
    SegmentStatus.EXTEND: NodeStyle("#eeeeee", "#616161", "box"),
}

EDGE_STYLES: dict[EdgeKind, EdgeStyle] = {
    EdgeKind.FEEDS: EdgeStyle("#37474f", 2.5),
    EdgeKind.IN_SEGMENT: EdgeStyle("#90a4ae", 1.0),
    EdgeKind.SUBSIDIARY_OF: EdgeStyle("#5e35b1", 2.0),
    EdgeKind.INVESTS_IN: EdgeStyle("#00897b", 2.0),
    EdgeKind.LOCATED_IN: EdgeStyle("#8d6e63", 1.2, dashes=True),
    EdgeKind.PART_OF: EdgeStyle("#9575cd", 1.2, dashes=True),
    EdgeKind.LEADS: EdgeStyle("#f9a825", 3.0),
    EdgeKind.OVERSEES: EdgeStyle("#c2185b", 1.5),
    EdgeKind.SUPPLIES: EdgeStyle("#e65100", 2.0),
    EdgeKind.CITES: EdgeStyle("#bdbdbd", 1.0, dashes=True),
    EdgeKind.EVENT_OF: EdgeStyle("#80cbc4", 1.0),
    EdgeKind.HANDLES: EdgeStyle("#c2185b", 1.5, dashes=True),
    EdgeKind.COVERS: EdgeStyle("#ffb74d", 1.2, dashes=True),
    EdgeKind.APPLIES_IN: EdgeStyle("#ffb74d", 1.2, dashes=True),
}

#: Not an edge of the graph: an extension candidate drawn next to the covered segment it would join.
EXTEND_EDGE = EdgeStyle("#757575", 1.5, dashes=True, arrow=False)
#: A leader's ring: 链主 enterprises get a thick gold border wherever they appear.
LEADER_BORDER = "#f9a825"

_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司")


def label_for(name: str, kind: NodeKind, width: int = 8, lines: int = 2) -> str:
    """A short label for the canvas: company suffixes dropped, wrapped, cut with … (tooltips keep the full name)."""
    text = name
    if kind is NodeKind.ENTERPRISE:
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)] + ("集团" if suffix == "集团有限公司" else "")
                break
    chunks = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    if len(chunks) > lines:
        chunks = chunks[:lines]
        chunks[-1] = chunks[-1][:-1] + "…"
    return "\n".join(chunks)
