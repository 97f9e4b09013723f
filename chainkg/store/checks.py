"""The checks every store runs on a batch before writing any of it — one copy for both stores.

A batch is refused whole (``StoreError``, nothing written) when:

- a node's id prefix names another kind than the node says, or the id exists already as another kind;
- a node or an edge cites a source that neither exists nor is written in the same batch;
- an edge's endpoint neither exists nor is written in the same batch;
- an edge joins kinds its kind does not allow (:data:`chainkg.schema.kinds.EDGE_ENDPOINTS`).

The stores differ only in how they learn what exists: the embedded store looks in its graph, Neo4j
asks once per batch for the kinds of every id the batch mentions. Both hand that over as
``stored_kind(id) -> kind value or None``, so both refuse the same batches with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable

from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import EDGE_ENDPOINTS, NodeKind
from chainkg.schema.records import Batch
from chainkg.store.protocol import StoreError

__all__ = ["StoredKind", "check_batch", "kind_of"]

#: The stored kind value of an id, or None when no such node exists.
StoredKind = Callable[[str], "str | None"]

_KIND_OF_PREFIX = {kind.prefix: kind for kind in NodeKind}


def kind_of(node_id: str) -> NodeKind:
    """:func:`kind_of_id` with the common case inline; a malformed id still raises its ValueError."""
    prefix, _, rest = node_id.partition(":")
    kind = _KIND_OF_PREFIX.get(prefix)
    if kind is None or not rest:
        return kind_of_id(node_id)
    return kind


def check_batch(batch: Batch, stored_kind: StoredKind) -> None:
    """Raise :class:`~chainkg.store.protocol.StoreError` for the first problem found, in batch order.

    Runs for both ends of every edge written, so ids found once are remembered for the batch.
    """
    pending = {n.id for n in batch.nodes}
    known: dict[str, NodeKind] = {}  # id → kind, for ids already found to exist
    cited: set[str] = set()  # cited sources already found to exist

    def exists(node_id: str) -> bool:
        return node_id in pending or stored_kind(node_id) is not None

    for node in batch.nodes:
        if kind_of(node.id) is not node.kind:
            raise StoreError(f"node {node.id!r} has kind {node.kind.value} but its id says otherwise")
        stored = stored_kind(node.id)
        if stored is not None and stored != node.kind.value:
            raise StoreError(f"node {node.id!r} exists as {stored or '?'}, not {node.kind.value}")
        for prov in node.provenance:
            if prov.source not in cited:
                if not exists(prov.source):
                    raise StoreError(f"node {node.id!r} cites unknown source {prov.source!r}")
                cited.add(prov.source)
    for edge in batch.edges:
        sources, targets = EDGE_ENDPOINTS[edge.kind]
        for end, allowed in ((edge.source, sources), (edge.target, targets)):
            end_kind = known.get(end)
            if end_kind is None:
                if not exists(end):
                    raise StoreError(
                        f"{edge.kind.value} edge {edge.source!r} → {edge.target!r}: {end!r} does not exist"
                    )
                end_kind = known[end] = kind_of(end)
            if end_kind not in allowed:
                raise StoreError(
                    f"{edge.kind.value} edge cannot join {edge.source!r} → {edge.target!r} "
                    f"(allowed: {sorted(k.value for k in sources)} → {sorted(k.value for k in targets)})"
                )
        for prov in edge.provenance:
            if prov.source in cited:
                continue
            if prov.source not in known and not exists(prov.source):
                raise StoreError(
                    f"{edge.kind.value} edge {edge.source!r} → {edge.target!r} cites unknown source {prov.source!r}"
                )
            cited.add(prov.source)
