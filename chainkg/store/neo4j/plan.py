"""A batch's write plan for the Neo4j store: which statements it sends, with which rows, in order.

Pure: nothing here talks to the server. :func:`mentioned` lists the ids the batch names (the checks
ask the server about those the store did not create itself); :func:`plan` turns a checked batch, the
ids that already existed and what the store knows it wrote (:class:`~chainkg.store.neo4j.own.Own`)
into :class:`Plan` steps — ``CREATE`` for what is certainly new, the comparing upserts of
:mod:`chainkg.store.neo4j.statements` for the rest, repeats of one record in later steps than its
first occurrence (so they merge onto it in order, as the MemoryStore merges).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from chainkg.schema.ids import edge_key
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.records import Batch, EdgeRecord, NodeRecord, Provenance
from chainkg.store.neo4j import statements as cy
from chainkg.store.neo4j.ddl import GRAMS, key_grams
from chainkg.store.neo4j.own import Learnt, Own, link_hash
from chainkg.store.protocol import UNION_LISTS
from chainkg.store.provenance import claims_json, merge_provenance, provenance_json

__all__ = ["Plan", "Step", "mentioned", "plan"]

_CITES = EdgeKind.CITES.value
_CITES_KEY = edge_key(EdgeKind.CITES)
_T = TypeVar("_T")
_K = TypeVar("_K", bound="NodeRecord | EdgeRecord")
# the statements, built once
_CREATE_NODES = {kind: cy.create_nodes(kind) for kind in NodeKind}
_UPSERT_NODES = {kind: cy.upsert_nodes(kind) for kind in NodeKind}
_CREATE_EDGES = {kind: cy.create_edges(kind) for kind in EdgeKind}
_UPSERT_EDGES = {kind: cy.upsert_edges(kind) for kind in EdgeKind}
_CREATE_CITES = cy.create_cites()
_UPSERT_CITES = cy.upsert_cites()


@dataclass
class Step:
    """One statement with its rows. A node step (``nodes``) returns its nodes' element ids; every other
    step writes relationships whose rows name their ends' ids in ``a`` and ``b``, to which the store
    adds their element ids (``ea``, ``eb``: from :data:`~chainkg.store.neo4j.statements.EXISTING`,
    the node steps, or the nodes it created before) before sending the rows."""

    statement: str
    rows: list[dict[str, Any]]
    nodes: bool
    #: a node step that creates its nodes (the store learns them once the batch has committed)
    creates: bool = False


@dataclass
class Plan:
    """The statements one batch sends, with their rows, in order, and the links it writes at the
    store's own nodes (:class:`~chainkg.store.neo4j.own.Learnt`; the writer adds the created nodes)."""

    steps: list[Step] = field(default_factory=list)
    learnt: Learnt = field(default_factory=Learnt)


def mentioned(batch: Batch) -> list[str]:
    """Every id the batch names (nodes, endpoints, cited sources), once: what the checks ask about."""
    mentioned: dict[str, None] = {}
    for node in batch.nodes:
        mentioned[node.id] = None
        for prov in node.provenance:
            mentioned[prov.source] = None
    for edge in batch.edges:
        mentioned[edge.source] = None
        mentioned[edge.target] = None
        for prov in edge.provenance:
            mentioned[prov.source] = None
    return list(mentioned)


def plan(batch: Batch, size: int, existing: Mapping[str, str], own: Own) -> Plan:
    """Statements for a checked batch. What is certainly new is created without a lookup: a node
    absent when the batch began (not in ``existing`` nor among the store's own), at its first
    occurrence in the batch; a relationship or CITES link with an end that is such a node or one the
    store created earlier (``own``: :mod:`chainkg.store.neo4j.own`) and that the store has not
    written before, at its first occurrence. Everything else is merged and compared (the upserts of
    :mod:`~chainkg.store.neo4j.statements`), so writing anything twice changes nothing and the counts
    say what changed. A fresh load is almost all creates. The plan's :attr:`Plan.learnt` holds the
    links it writes at the store's own nodes (the writer adds the nodes it creates)."""
    result = Plan()
    created, known_links, learnt = own.nodes, own.links, result.learnt.links
    new = {node.id for node in batch.nodes if node.id not in existing and node.id not in created}

    def fresh(a: str, b: str, rel_type: str, key: str) -> bool:
        """Whether a link (at its first occurrence in the batch) cannot exist yet; learns it if it is ours."""
        if a in new or b in new or a in created or b in created:
            link = link_hash(a, b, rel_type, key)
            learnt.add(link)
            return link not in known_links
        return False

    for index, node_round in enumerate(_rounds(batch.nodes, key=lambda r: r.id)):
        by_kind = _by_kind(node_round)
        for kind in NodeKind:
            records = by_kind.get(kind)
            if not records:
                continue
            if index == 0:
                rows = [_created_node_row(r.id, r.props) for r in records if r.id in new]
                _add(result, _CREATE_NODES[kind], rows, size, nodes=True, creates=True)
                records = [r for r in records if r.id not in new]
            _add(result, _UPSERT_NODES[kind], [_node_row(r.id, r.props) for r in records], size, nodes=True)

    cites: list[dict[str, Any]] = []
    for node in batch.nodes:
        for prov in merge_provenance(node.provenance) if len(node.provenance) > 1 else node.provenance:
            props = {
                "key": _CITES_KEY,
                "evidence": prov.evidence,
                "claims": claims_json(prov.claims),
                "certainty": prov.certainty.value,
            }
            cites.append({"a": node.id, "b": prov.source, "key": _CITES_KEY, "props": props})
    for index, round_ in enumerate(_rounds(cites, key=lambda r: (r["a"], r["b"]))):
        if index == 0:
            created_rows: list[dict[str, Any]] = []
            merged: list[dict[str, Any]] = []
            for row in round_:
                (created_rows if fresh(row["a"], row["b"], _CITES, _CITES_KEY) else merged).append(row)
            _add(result, _CREATE_CITES, created_rows, size, nodes=False)
            round_ = merged
        _add(result, _UPSERT_CITES, round_, size, nodes=False)

    for index, edge_round in enumerate(_rounds(batch.edges, key=lambda e: e.identity)):
        by_type = _by_kind(edge_round)
        for edge_kind in EdgeKind:
            edges = by_type.get(edge_kind)
            if not edges:
                continue
            if index == 0:
                rel_type = edge_kind.value
                created_edges: list[EdgeRecord] = []
                merged_edges: list[EdgeRecord] = []
                for e in edges:
                    (created_edges if fresh(e.source, e.target, rel_type, e.key) else merged_edges).append(e)
                _add(result, _CREATE_EDGES[edge_kind], [_created_edge_row(e) for e in created_edges], size, nodes=False)
                edges = merged_edges
            _add(result, _UPSERT_EDGES[edge_kind], [_edge_row(e) for e in edges], size, nodes=False)
    return result


def _by_kind(records: list[_K]) -> dict[Any, list[_K]]:
    """Records by kind, each list in the records' order."""
    out: dict[Any, list[_K]] = {}
    for record in records:
        group = out.get(record.kind)
        if group is None:
            out[record.kind] = [record]
        else:
            group.append(record)
    return out


def _texts(provenance: list[Provenance]) -> list[str]:
    """An edge's provenance as stored: the sorted distinct JSON texts."""
    if len(provenance) == 1:
        return [provenance_json(provenance[0])]
    return sorted({provenance_json(p) for p in provenance})


def _edge_row(edge: EdgeRecord) -> dict[str, Any]:
    return {
        "a": edge.source,
        "b": edge.target,
        "key": edge.key,
        "props": {k: v for k, v in edge.props.items() if v is not None},
        "provenance": _texts(edge.provenance),
    }


def _created_edge_row(edge: EdgeRecord) -> dict[str, Any]:
    """Every property of a new relationship in one map, as :func:`_edge_row`'s upsert would leave it."""
    props = {k: v for k, v in edge.props.items() if v is not None}
    props["key"] = edge.key
    props["provenance"] = _texts(edge.provenance)
    return {"a": edge.source, "b": edge.target, "props": props}


def _created_node_row(node_id: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """Every property of a new node in one map, as :func:`_node_row`'s upsert would leave it."""
    values = {name: value for name, value in props.items() if value is not None}
    values["id"] = node_id
    if isinstance(values.get("keys"), list) and (grams := key_grams(values["keys"])):
        values[GRAMS] = grams
    return {"props": values}


def _node_row(node_id: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """Overwritten properties apart from the accumulating lists; None means 'not given', as in MemoryStore."""
    row: dict[str, Any] = {"id": node_id, "props": {}}
    for name in UNION_LISTS:
        row[name] = None
    for name, value in props.items():
        if value is None:
            continue
        if name in UNION_LISTS and isinstance(value, list):
            row[name] = value
        else:
            row["props"][name] = value
    row[GRAMS] = key_grams(row["keys"] or []) or None  # accumulates as keys do
    return row


def _rounds(items: list[_T], key: Callable[[_T], Any]) -> list[list[_T]]:
    """Round k holds the k-th occurrence of each key, in order: repeats merge onto what came before.
    (Usually there are none: then the one round is the list itself.)"""
    keys = [key(item) for item in items]
    if len(set(keys)) == len(keys):
        return [items] if items else []
    seen: dict[Any, int] = {}
    rounds: list[list[_T]] = []
    for item, k in zip(items, keys, strict=True):
        index = seen.get(k, 0)
        seen[k] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(item)
    return rounds


def _add(
    plan: Plan, statement: str, rows: list[dict[str, Any]], size: int, *, nodes: bool, creates: bool = False
) -> None:
    for start in range(0, len(rows), size):
        plan.steps.append(Step(statement, rows[start : start + size], nodes, creates))
