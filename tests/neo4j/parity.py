"""Running one query on both stores and saying precisely where the answers differ."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from chainkg.queries.base import Query
from chainkg.queries.errors import QueryError
from chainkg.schema.records import Batch
from chainkg.store.memory import MemoryStore
from chainkg.store.neo4j.store import Neo4jStore
from chainkg.store.protocol import GraphStore
from tests.queries.generated import Spec, records


def outcome(store: GraphStore, query: Query[Any, Any], params: BaseModel) -> Any:
    """The result model, or for a query error its type, message and details (both must agree on those too)."""
    try:
        return store.run(query, params)
    except QueryError as exc:
        return ("error", type(exc).__name__, exc.message, exc.details)


def differences(
    memory: GraphStore, neo4j: GraphStore, query: Query[Any, Any], params: Iterable[BaseModel], show: int = 3
) -> tuple[int, list[str]]:
    """(how many params were run, a description of each of the first ``show`` mismatches)."""
    found: list[str] = []
    count = 0
    for p in params:
        count += 1
        expected, got = outcome(memory, query, p), outcome(neo4j, query, p)
        if expected == got:
            continue
        if len(found) < show:
            found.append(f"{query.name} {p!r}:\n{_diff(expected, got)}")
        else:
            found.append(f"{query.name} {p!r}")
    return count, found


def _diff(expected: Any, got: Any) -> str:
    if isinstance(expected, BaseModel) and isinstance(got, BaseModel):
        a, b = expected.model_dump(), got.model_dump()
        return "\n".join(
            f"  {field}:\n    memory: {str(a[field])[:600]}\n    neo4j:  {str(b[field])[:600]}"
            for field in a
            if a[field] != b.get(field)
        )
    return f"  memory: {str(expected)[:600]}\n  neo4j:  {str(got)[:600]}"


def assert_same(memory: GraphStore, neo4j: GraphStore, query: Query[Any, Any], params: Iterable[BaseModel]) -> int:
    """Every params gives equal answers on both stores; returns how many were compared."""
    count, found = differences(memory, neo4j, query, params)
    assert not found, f"{len(found)} of {count} differ:\n" + "\n".join(found)
    return count


def both_loaded(neo4j_store: Neo4jStore, spec: Spec) -> Iterator[tuple[MemoryStore, Neo4jStore]]:
    """A fixture's body: the generated graph of ``spec`` in a new embedded store and in the (cleared)
    Neo4j store; the Neo4j store is cleared again after the test."""
    nodes, edges = records(spec)
    memory = MemoryStore()
    memory.write(Batch(nodes=nodes, edges=edges))
    neo4j_store.clear()
    neo4j_store.write(Batch(nodes=nodes, edges=edges))
    yield memory, neo4j_store
    neo4j_store.clear()
