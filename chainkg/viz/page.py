"""A page: nodes and edges collected through pyvis, rendered into one offline HTML file.

:class:`GraphBuilder` wraps a ``pyvis.network.Network``: the page modules add nodes and edges with
positions they computed (physics stays off, so a page is drawn at once and never keeps a laptop's
fan spinning), the builder enforces the size limits, and :meth:`GraphBuilder.page` renders the
nodes, edges and options pyvis collected into :mod:`chainkg.viz.template` with vis-network inlined.

Limits: a page holds at most :data:`MAX_NODES` nodes and :data:`MAX_EDGES` edges; past that the
builder raises :class:`TooLarge`, whose message says which parameters narrow the request — a clear
answer instead of a browser tab frozen by thousands of nodes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from pyvis.network import Network

from chainkg.queries.errors import InvalidQuery
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.viz.style import EDGE_STYLES, FONT_FACE, NODE_STYLES, EdgeStyle, NodeStyle
from chainkg.viz.template import ERROR_TEMPLATE, PAGE_TEMPLATE

__all__ = ["MAX_EDGES", "MAX_NODES", "GraphBuilder", "LegendItem", "Limits", "Page", "TooLarge", "error_html"]

#: Nodes one page may hold: vis-network stays responsive well past this with physics off, but a
#: person cannot read more, and a bigger answer means the question was too broad.
MAX_NODES = 400
#: Edges one page may hold.
MAX_EDGES = 1200


@dataclass(frozen=True)
class Limits:
    max_nodes: int = MAX_NODES
    max_edges: int = MAX_EDGES


class TooLarge(InvalidQuery):
    """The answer does not fit on one page; the message names the parameters that narrow it."""

    code = "too_large"

    def __init__(self, what: str, unit: str, limit: int, narrow: list[str]):
        hints = "; ".join(narrow)
        zh_unit = {"nodes": "个节点", "edges": "条连线"}.get(unit, unit)
        super().__init__(
            f"{what} is too large to draw: more than {limit} {unit} (单页最多 {limit} {zh_unit}); narrow it: {hints}",
            details={"limit": limit, "unit": unit, "narrow": narrow},
        )
        self.narrow = narrow


@dataclass(frozen=True)
class LegendItem:
    """One line of the legend: a swatch drawn like the canvas draws it, and its words."""

    label: str
    node: NodeStyle | None = None
    edge: EdgeStyle | None = None

    @property
    def swatch(self) -> Markup:
        return Markup(_swatch(self.node, self.edge))


@dataclass(frozen=True)
class Page:
    """A rendered page: the HTML, and the nodes/edges it draws (tests and notebooks inspect those)."""

    kind: str
    title: str
    html: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path

    def node(self, node_id: str) -> dict[str, Any]:
        return next(n for n in self.nodes if n["id"] == node_id)

    def iframe(self, height: int = 620) -> str:
        """The page in an ``<iframe srcdoc>``: how a notebook shows it without leaking its script."""
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{height}px;border:1px solid #e0e0e0"></iframe>'
        )

    def _repr_html_(self) -> str:
        return self.iframe()


class GraphBuilder:
    """Collects styled nodes and edges into a pyvis network, within the page limits."""

    def __init__(self, kind: str, title: str, *, what: str, narrow: list[str], limits: Limits | None = None):
        self.kind = kind
        self.title = title
        self.what = what
        self.narrow = narrow
        self.limits = limits or Limits()
        self.net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%", heading=title)
        self._edge_keys: set[tuple[str, str, str]] = set()
        self._node_ids: set[str] = set()
        self.node_kinds: dict[NodeKind, None] = {}
        self.edge_kinds: dict[EdgeKind, None] = {}
        self.extra_legend: list[LegendItem] = []
        self.summary: list[str] = []
        self.notes: list[str] = []

    def __contains__(self, node_id: str) -> bool:
        return node_id in self._node_ids

    @property
    def node_count(self) -> int:
        return len(self._node_ids)

    @property
    def edge_count(self) -> int:
        return len(self._edge_keys)

    def add_node(
        self,
        node_id: str,
        label: str,
        kind: NodeKind,
        title: str,
        *,
        x: float,
        y: float,
        style: NodeStyle | None = None,
        border_width: float = 1.5,
        border_color: str | None = None,
        legend: bool = True,
        **extra: Any,
    ) -> None:
        """Add a node once (later calls with the same id are ignored); positions are fixed."""
        if node_id in self._node_ids:
            return
        if len(self._node_ids) >= self.limits.max_nodes:
            raise TooLarge(self.what, "nodes", self.limits.max_nodes, self.narrow)
        look = (style or NODE_STYLES[kind]).vis()
        if border_color:
            color = dict(look["color"])
            color["border"] = border_color
            look["color"] = color
        # pyvis drops the colour of a node that has a "group", so the kind travels as a plain field
        options: dict[str, Any] = {**look, "borderWidth": border_width, "kind": kind.value, **extra}
        self.net.add_node(node_id, label=label or " ", title=title, x=round(x, 1), y=round(y, 1), **options)
        self._node_ids.add(node_id)
        if legend:
            self.node_kinds.setdefault(kind, None)

    def add_edge(
        self,
        source: str,
        target: str,
        kind: EdgeKind | str,
        title: str,
        *,
        label: str | None = None,
        style: EdgeStyle | None = None,
        smooth: dict[str, Any] | bool = False,
    ) -> None:
        """Add an edge once per (source, target, kind); both ends must already be on the page."""
        key = (source, target, str(kind))
        if key in self._edge_keys or source not in self._node_ids or target not in self._node_ids:
            return
        if len(self._edge_keys) >= self.limits.max_edges:
            raise TooLarge(self.what, "edges", self.limits.max_edges, self.narrow)
        look = (style or EDGE_STYLES[EdgeKind(kind)]).vis()
        options: dict[str, Any] = {"title": title, "smooth": smooth, **look}
        if label:
            options["label"] = label
        self.net.add_edge(source, target, **options)
        self._edge_keys.add(key)
        if isinstance(kind, EdgeKind):
            self.edge_kinds.setdefault(kind, None)

    def legend(self) -> list[LegendItem]:
        items = [LegendItem(k.zh, node=NODE_STYLES[k]) for k in NodeKind if k in self.node_kinds]
        items += self.extra_legend
        items += [LegendItem(f"{k.zh}（{k.value}）", edge=EDGE_STYLES[k]) for k in EdgeKind if k in self.edge_kinds]
        return items

    def page(self, nav: str | None = None) -> Page:
        """Render the collected network into the offline template."""
        nodes, edges, _heading, _height, _width, _options = self.net.get_network_data()
        rendered = (
            _environment()
            .from_string(PAGE_TEMPLATE)
            .render(
                kind=self.kind,
                title=self.title,
                summary=self.summary,
                legend=self.legend(),
                notes=self.notes,
                nodes=nodes,
                edges=edges,
                options=_options_for(self.kind),
                nav=nav,
                font=FONT_FACE,
                vis_js=Markup(_asset("vis-network.min.js")),
                vis_css=Markup(_asset("vis-network.css")),
            )
        )
        return Page(kind=self.kind, title=self.title, html=rendered, nodes=list(nodes), edges=list(edges))


def error_html(
    title: str, message: str, *, code: str, hints: Sequence[str] = (), suggestions: Sequence[dict[str, str]] = ()
) -> str:
    """A page that says what went wrong and what to try; no script, nothing fetched."""
    return (
        _environment()
        .from_string(ERROR_TEMPLATE)
        .render(
            title=title,
            message=message,
            code=code,
            hints=list(hints),
            suggestions=list(suggestions),
            font=FONT_FACE,
        )
    )


def _options_for(kind: str) -> dict[str, Any]:
    """vis-network options: positions come from the page builders, so physics and layout stay off."""
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "navigationButtons": True,
            "keyboard": False,
            "hideEdgesOnDrag": kind == "entity",
        },
        "nodes": {"font": {"face": FONT_FACE, "size": 14}, "shadow": False},
        "edges": {
            "smooth": False,
            "font": {"face": FONT_FACE, "size": 11, "strokeWidth": 3},  # "middle" loses right-to-left labels
            "selectionWidth": 2,
        },
    }


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(autoescape=True, keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    """A vis-network file from the copy pyvis ships (its newest bundled version)."""
    lib = resources.files("pyvis") / "templates" / "lib"
    versions = [d for d in lib.iterdir() if d.is_dir() and re.fullmatch(r"vis-[\d.]+", d.name)]
    if not versions:
        raise RuntimeError(f"pyvis ships no vis-network under {lib}; reinstall pyvis>=0.3.2")
    newest = max(versions, key=lambda d: tuple(int(p) for p in d.name[4:].split(".")))
    return (newest / name).read_text(encoding="utf-8")


def _swatch(node: NodeStyle | None, edge: EdgeStyle | None) -> str:
    """A 22×16 inline SVG drawn like vis-network draws the shape or line (no external reference)."""
    if edge is not None:
        dash = ' stroke-dasharray="4 3"' if edge.dashes else ""
        head = f'<polygon points="16,3 22,8 16,13" fill="{edge.color}"/>' if edge.arrow else ""
        body = f'<line x1="1" y1="8" x2="17" y2="8" stroke="{edge.color}" stroke-width="{max(edge.width, 1.5)}"{dash}/>'
        return f'<svg width="22" height="16" viewBox="0 0 22 16" aria-hidden="true">{body}{head}</svg>'
    assert node is not None
    fill, stroke = node.color, node.border
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"'
    shapes = {
        "dot": f'<circle cx="11" cy="8" r="6" {common}/>',
        "box": f'<rect x="2" y="3" width="18" height="10" rx="3" {common}/>',
        "square": f'<rect x="5" y="2" width="12" height="12" {common}/>',
        "diamond": f'<polygon points="11,1 18,8 11,15 4,8" {common}/>',
        "triangle": f'<polygon points="11,1 18,14 4,14" {common}/>',
        "triangleDown": f'<polygon points="4,2 18,2 11,15" {common}/>',
        "star": f'<polygon points="11,1 13,6 18,6 14,9 16,15 11,11 6,15 8,9 4,6 9,6" {common}/>',
        "hexagon": f'<polygon points="7,2 15,2 19,8 15,14 7,14 3,8" {common}/>',
    }
    shape = shapes.get(node.shape, shapes["dot"])
    return f'<svg width="22" height="16" viewBox="0 0 22 16" aria-hidden="true">{shape}</svg>'
