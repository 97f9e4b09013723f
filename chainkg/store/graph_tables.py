"""networkx's own tables, which the embedded store's hot loops read directly: the public views
(``graph.nodes[n]``, ``graph.succ[n]``) build an object per access, the tables are plain dicts.
Read them, never change them — every change goes through the store, which keeps the indexes current."""

from __future__ import annotations

from typing import Any

import networkx as nx

__all__ = ["Adjacency", "NodeTable", "node_table", "pred_table", "succ_table"]

#: node id → attributes, and node → neighbour → edge key → edge attributes.
NodeTable = dict[str, dict[str, Any]]
Adjacency = dict[str, dict[str, dict[str, dict[str, Any]]]]


def node_table(graph: nx.MultiDiGraph[str]) -> NodeTable:
    """The graph's node table itself (networkx's ``graph._node``)."""
    table: NodeTable = vars(graph)["_node"]
    return table


def succ_table(graph: nx.MultiDiGraph[str]) -> Adjacency:
    """The graph's out-edges (networkx's ``graph._succ``)."""
    table: Adjacency = vars(graph)["_succ"]
    return table


def pred_table(graph: nx.MultiDiGraph[str]) -> Adjacency:
    """The graph's in-edges (networkx's ``graph._pred``)."""
    table: Adjacency = vars(graph)["_pred"]
    return table
