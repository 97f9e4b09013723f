"""Graph pages (pyvis, vis-network inlined): chain map, entity neighbourhood, SOE footprint, explain path.

Each page is built from query results (so it works on any store backend), drawn with fixed
positions, and rendered into one self-contained HTML file that needs no network. The API serves
them under ``/viz/...`` (:mod:`chainkg.viz.routes`); ``chainkg viz`` writes them to files; notebooks
show them inline (:meth:`Page._repr_html_`).
"""

from __future__ import annotations

from chainkg.viz.build import VizKind, VizOptions, build_page
from chainkg.viz.chain import build_chain_page, chain_page
from chainkg.viz.explain import build_explain_page, explain_page
from chainkg.viz.footprint import build_footprint_page, footprint_page
from chainkg.viz.neighbourhood import build_entity_page, entity_page
from chainkg.viz.page import MAX_EDGES, MAX_NODES, Limits, Page, TooLarge, error_html

__all__ = [
    "MAX_EDGES",
    "MAX_NODES",
    "Limits",
    "Page",
    "TooLarge",
    "VizKind",
    "VizOptions",
    "build_chain_page",
    "build_entity_page",
    "build_explain_page",
    "build_footprint_page",
    "build_page",
    "chain_page",
    "entity_page",
    "error_html",
    "explain_page",
    "footprint_page",
]
