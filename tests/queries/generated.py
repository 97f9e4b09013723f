"""Small random graphs for property tests: one home city, a few places, chains, enterprises, projects.

A :class:`Spec` is plain data drawn by hypothesis; :func:`build` writes it into a store in any
record order, so tests can check that answers do not depend on insertion order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import strategies as st

from chainkg.schema.kinds import EdgeKind, ProjectStatus, RegionLevel, Stage
from chainkg.schema.models import Chain, Enterprise, Park, Project, Region, Segment, Source, make_edge
from chainkg.schema.records import Batch, EdgeRecord, NodeRecord, Provenance
from chainkg.store.memory import MemoryStore

STAGES = list(Stage)
PLACES = ["region:本市", "region:东区", "region:西区", "park:东区园", "region:外市"]
LOCAL_PLACES = PLACES[:4]


@dataclass
class Spec:
    segments: list[Stage]  # segment i is named 环节i
    feeds: list[tuple[int, int]]  # i < j: 环节i feeds 环节j
    enterprises: list[tuple[int, int, int | None]]  # (segment, place index, parent enterprise index)
    projects: list[tuple[int, int, ProjectStatus | None, int]]  # (segment, place, status, amount 亿)
    second_chain: list[int] = field(default_factory=list)  # segments also in chain 链B


@st.composite
def specs(draw: st.DrawFn, max_segments: int = 9) -> Spec:
    n = draw(st.integers(min_value=3, max_value=max_segments))
    stages = sorted(draw(st.lists(st.sampled_from(STAGES), min_size=n, max_size=n)), key=lambda s: s.order)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    feeds = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=2 * n))
    n_ent = draw(st.integers(min_value=0, max_value=12))
    enterprises = []
    for i in range(n_ent):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        enterprises.append((draw(st.integers(0, n - 1)), draw(st.integers(0, len(PLACES) - 1)), parent))
    projects = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, len(PLACES) - 1),
                st.one_of(st.none(), st.sampled_from(list(ProjectStatus))),
                st.integers(0, 50),
            ),
            max_size=8,
        )
    )
    second = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=3))
    return Spec(stages, feeds, enterprises, projects, second)


def records(spec: Spec) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    source = Source(name="生成", key="gen", date="2024-01-01")
    prov = [Provenance(source.id, "generated")]
    nodes = [source.to_record()]
    edges: list[EdgeRecord] = []
    nodes.append(Region(name="本市", level=RegionLevel.CITY, home=True).to_record(prov))
    nodes.append(Region(name="东区", level=RegionLevel.DISTRICT).to_record(prov))
    nodes.append(Region(name="西区", level=RegionLevel.DISTRICT).to_record(prov))
    nodes.append(Region(name="外市", level=RegionLevel.CITY).to_record(prov))
    nodes.append(Park(name="东区园").to_record(prov))
    edges.append(make_edge(EdgeKind.PART_OF, "region:东区", "region:本市", provenance=prov))
    edges.append(make_edge(EdgeKind.PART_OF, "region:西区", "region:本市", provenance=prov))
    edges.append(make_edge(EdgeKind.LOCATED_IN, "park:东区园", "region:东区", provenance=prov))
    for chain in ("链A", "链B"):
        nodes.append(Chain(name=chain).to_record(prov))
    for i, stage in enumerate(spec.segments):
        seg = Segment(name=f"环节{i}", stage=stage)
        nodes.append(seg.to_record(prov))
        edges.append(make_edge(EdgeKind.PART_OF, seg.id, "chain:链a", provenance=prov))
        if i in spec.second_chain:
            edges.append(make_edge(EdgeKind.PART_OF, seg.id, "chain:链b", provenance=prov))
    for i, j in spec.feeds:
        edges.append(make_edge(EdgeKind.FEEDS, f"seg:环节{i}", f"seg:环节{j}", provenance=prov))
    for k, (segment, place, parent) in enumerate(spec.enterprises):
        ent = Enterprise(name=f"企业{k}", stock_code=str(k) if k % 3 == 0 else None)
        nodes.append(ent.to_record(prov))
        edges.append(make_edge(EdgeKind.IN_SEGMENT, ent.id, f"seg:环节{segment}", provenance=prov))
        edges.append(make_edge(EdgeKind.LOCATED_IN, ent.id, PLACES[place], provenance=prov))
        if parent is not None:
            edges.append(make_edge(EdgeKind.SUBSIDIARY_OF, ent.id, f"ent:企业{parent}", provenance=prov))
    for k, (segment, place, status, amount) in enumerate(spec.projects):
        proj = Project(name=f"项目{k}", status=status, total_investment=amount * 100_000_000)
        nodes.append(proj.to_record(prov))
        edges.append(make_edge(EdgeKind.IN_SEGMENT, proj.id, f"seg:环节{segment}", provenance=prov))
        edges.append(make_edge(EdgeKind.LOCATED_IN, proj.id, PLACES[place], provenance=prov))
        if spec.enterprises:
            investor = k % len(spec.enterprises)
            edges.append(make_edge(EdgeKind.INVESTS_IN, f"ent:企业{investor}", proj.id, provenance=prov))
    return nodes, edges


def build(spec: Spec, order_seed: int | None = None) -> MemoryStore:
    """Write the spec's records; with a seed, nodes and edges go in a shuffled order, in small batches."""
    nodes, edges = records(spec)
    store = MemoryStore()
    if order_seed is None:
        store.write(Batch(nodes=nodes, edges=edges))
        return store
    rng = random.Random(order_seed)
    source, rest = nodes[0], nodes[1:]
    rng.shuffle(rest)
    rng.shuffle(edges)
    nodes = [source, *rest]  # facts cite the source, so it goes first
    for start in range(0, len(nodes), 3):
        store.write(Batch(nodes=nodes[start : start + 3]))
    for start in range(0, len(edges), 4):
        store.write(Batch(edges=edges[start : start + 4]))
    return store
