"""The contract every graph store keeps, so loaders and queries never see which one they talk to.

Writes are idempotent merges by stable id: writing the same batch twice leaves the same graph.
Queries are typed objects (:class:`QueryForms`; see :mod:`chainkg.queries`) that carry both their
networkx and their Cypher form; a store runs the form it understands and returns the query's own
result type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import networkx as nx
from pydantic import BaseModel

from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.records import Batch, Provenance

__all__ = [
    "UNION_LISTS",
    "ClaimRow",
    "Counts",
    "Execute",
    "GraphStore",
    "ManifestEntry",
    "ParamsT",
    "QueryForms",
    "ResultT",
    "StoreError",
    "StoreUnavailable",
    "WriteResult",
    "WritesAhead",
]

#: List properties that accumulate across writes instead of being replaced (aliases from a registry
#: and from the curated data both stay). Every store merges them the same way: the stored list, then
#: the written values it does not hold yet, in their order.
UNION_LISTS = ("aliases", "keys")


#: Run one read statement with parameters; the rows as dicts (what a query's Cypher form is given).
Execute = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]

P = TypeVar("P", bound=BaseModel, contravariant=True)
R = TypeVar("R", bound=BaseModel, covariant=True)
#: A query's params and result types, for functions generic over queries.
ParamsT = TypeVar("ParamsT", bound=BaseModel)
ResultT = TypeVar("ResultT", bound=BaseModel)


class QueryForms(Protocol[P, R]):
    """What a store needs of a query: a name for messages and its two forms, each returning ``R``."""

    @property
    def name(self) -> str: ...

    def networkx(self, graph: nx.MultiDiGraph[str], params: P) -> R:
        """The embedded form, on the store's graph."""
        ...

    def cypher(self, execute: Execute, params: P) -> R:
        """The Neo4j form: its statements run through ``execute`` inside one read transaction."""
        ...


class StoreError(RuntimeError):
    """A write or read the store refused; the message names the records involved."""


class StoreUnavailable(StoreError):
    """The store cannot be reached right now (server down, network); retrying later may succeed."""


@dataclass
class WriteResult:
    nodes_created: int = 0
    nodes_changed: int = 0
    edges_created: int = 0
    edges_changed: int = 0

    def add(self, other: WriteResult) -> None:
        self.nodes_created += other.nodes_created
        self.nodes_changed += other.nodes_changed
        self.edges_created += other.edges_created
        self.edges_changed += other.edges_changed

    @property
    def touched(self) -> int:
        return self.nodes_created + self.nodes_changed + self.edges_created + self.edges_changed


@dataclass
class Counts:
    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_edges(self) -> int:
        return sum(self.edges.values())


@dataclass(frozen=True)
class ManifestEntry:
    """One input the graph was loaded from: enough to tell whether the input changed since."""

    loader: str
    path: str
    sha256: str
    size: int
    mtime_ns: int
    options: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "loader": self.loader,
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "options": dict(self.options),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ManifestEntry:
        return cls(
            loader=data["loader"],
            path=data["path"],
            sha256=data["sha256"],
            size=int(data["size"]),
            mtime_ns=int(data["mtime_ns"]),
            options=tuple(sorted(data.get("options", {}).items())),
        )


@dataclass(frozen=True)
class ClaimRow:
    """A source's provenance on a node, with what conflict resolution needs to know of the source."""

    node_id: str
    provenance: Provenance
    source_date: str | None
    source_authority: int


@runtime_checkable
class GraphStore(Protocol):
    backend: str

    def write(self, batch: Batch) -> WriteResult:
        """Merge nodes (then edges) by stable id; endpoints must exist in the store or the batch."""

    def set_node_props(self, updates: dict[str, dict[str, Any]]) -> None:
        """Overwrite some properties of existing nodes (used by conflict resolution)."""

    def run(self, query: QueryForms[ParamsT, ResultT], params: ParamsT) -> ResultT:
        """Run a query (see :mod:`chainkg.queries`) with validated params; returns its result model."""

    def counts(self) -> Counts: ...

    def node(self, node_id: str) -> dict[str, Any] | None:
        """The node's properties (with ``kind``), or None."""

    def nodes(self, node_ids: list[str]) -> dict[str, dict[str, Any]]:
        """:meth:`node` for many ids in one read: id → properties of those that exist."""

    def find_ids(self, kind: NodeKind, key: str) -> list[str]:
        """Ids of nodes of ``kind`` whose name or alias normalises to ``key`` (sorted)."""

    def names(self, kind: NodeKind) -> dict[str, str]:
        """Every key → id of a kind (names and aliases), for resolving references in bulk."""

    def claims(self, node_ids: list[str]) -> list[ClaimRow]: ...

    def edge_count(self, kind: EdgeKind) -> int: ...

    def manifest(self) -> list[ManifestEntry]: ...

    def record_input(self, entry: ManifestEntry) -> None:
        """Remember an input in the manifest (replacing an earlier entry for the same loader+path)."""

    def clear(self) -> None: ...

    def save(self, path: Path) -> None:
        """Persist a snapshot that :meth:`open` can restore without re-reading the inputs."""

    def close(self) -> None: ...


@runtime_checkable
class WritesAhead(Protocol):
    """A store that can write a batch while its caller prepares the next one (Neo4j: the server works
    while the loader does). ``write_ahead`` returns once the batch handed over before has finished,
    with a future of this one's :meth:`GraphStore.write` outcome (its counts, or the store's error);
    batches commit in the order they were handed over, and the store's reads and other writes wait
    for the batch being written."""

    def write_ahead(self, batch: Batch) -> Future[WriteResult]: ...
