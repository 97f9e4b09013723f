"""The ownership chains Neo4j keeps for recommend (chainkg.store.neo4j.groups.lineages): the embedded
store's definition (first parent by id, a cycle ends the chain), computed from the edges alone."""

from __future__ import annotations

from hypothesis import given, settings

from chainkg.queries.groups import ancestors
from chainkg.schema.kinds import EdgeKind
from chainkg.store.neo4j import groups
from chainkg.store.nx_index import ownership
from tests.queries.generated import Spec, build, specs


def test_lineages_follow_the_first_parent_and_stop_on_cycles() -> None:
    children = ["a", "a", "b", "c", "d"]
    parents = ["c", "b", "a", "a", "d"]  # a's parents b and c (b first); b ↔ a; c → a; d owns itself
    assert list(groups.lineages(children, parents)) == [
        ["a", "b"],  # b's only parent is a, already on the chain
        ["b", "a", "c"],
        ["c", "a", "b"],
        ["d"],
    ]


@settings(max_examples=40, deadline=None)
@given(specs())
def test_lineages_are_the_embedded_stores_chains(spec: Spec) -> None:
    graph = build(spec).graph
    edges = [(u, v) for u, v, k in graph.edges(data="kind") if k == EdgeKind.SUBSIDIARY_OF.value]
    kept = {row[0]: row[1:] for row in groups.lineages([u for u, _ in edges], [v for _, v in edges])}
    assert kept == {e: ancestors(graph, e) for e in ownership(graph).in_structure}
