"""What stores read and write: plain node and edge records, already validated.

Loaders turn their input into the pydantic models of :mod:`chainkg.schema.models`; those models
produce these records. Records are deliberately light (slotted dataclasses, primitive property
values) because a province-scale load writes millions of them and because Neo4j properties may only
hold primitives and lists of primitives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chainkg.schema.kinds import Certainty, EdgeKind, NodeKind

__all__ = ["Batch", "EdgeRecord", "NodeRecord", "PropValue", "Provenance"]

PropValue = str | int | float | bool | list[str] | list[int] | list[float] | None


@dataclass(frozen=True, slots=True)
class Provenance:
    """One source's support for a fact: the evidence (in our words) and the values it states.

    ``claims`` holds the field values this particular source gives, e.g. ``{"total_investment":
    1800000000}``; when sources disagree the graph keeps every claim and a documented rule
    (:mod:`chainkg.schema.conflicts`) picks the value the node shows.
    """

    source: str
    evidence: str = ""
    claims: tuple[tuple[str, Any], ...] = ()
    certainty: Certainty = Certainty.STATED

    def claims_dict(self) -> dict[str, Any]:
        return dict(self.claims)

    def to_json(self) -> str:
        """Canonical text form, used where a property graph cannot hold a nested value."""
        return json.dumps(
            {
                "source": self.source,
                "evidence": self.evidence,
                "claims": dict(self.claims),
                "certainty": self.certainty.value,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Provenance:
        data = json.loads(text)
        return cls(
            source=data["source"],
            evidence=data.get("evidence", ""),
            claims=tuple(sorted(data.get("claims", {}).items())),
            certainty=Certainty(data.get("certainty", Certainty.STATED.value)),
        )


@dataclass(slots=True)
class NodeRecord:
    kind: NodeKind
    id: str
    props: dict[str, PropValue]
    provenance: list[Provenance] = field(default_factory=list)


@dataclass(slots=True)
class EdgeRecord:
    kind: EdgeKind
    source: str
    target: str
    key: str
    props: dict[str, PropValue] = field(default_factory=dict)
    provenance: list[Provenance] = field(default_factory=list)

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.key)


@dataclass(slots=True)
class Batch:
    """A unit of writing: nodes first, then edges between nodes that exist by then."""

    nodes: list[NodeRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.edges)

    def extend(self, other: Batch) -> None:
        self.nodes.extend(other.nodes)
        self.edges.extend(other.edges)
