"""Writing ahead (:class:`chainkg.store.ahead.WriteAhead`): the pipeline hands a full batch to a store
that writes it on its own thread and reads on; the graph, the counts and the reject report are
exactly those of writing each batch before reading on — also when a batch is refused in the middle."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import LoadContext, LoadReport, run_load
from chainkg.schema.kinds import EdgeKind, Stage
from chainkg.schema.models import Segment, Source, make_edge
from chainkg.schema.records import Batch, Provenance
from chainkg.store.ahead import WriteAhead
from chainkg.store.memory import MemoryStore
from chainkg.store.protocol import GraphStore, WriteResult, WritesAhead
from tests.conftest import DATASET


class AheadMemoryStore(MemoryStore):
    """The embedded store, writing on a writer thread as the Neo4j store does."""

    def __init__(self) -> None:
        super().__init__()
        self.ahead = WriteAhead(self.write)
        self.handed = 0

    def write_ahead(self, batch: Batch) -> Future[WriteResult]:
        self.handed += 1
        return self.ahead.submit(batch)


class ListLoader:
    """Hands over prepared records, one per row (row numbers from 2, as in a spreadsheet)."""

    name = "records"

    def __init__(self, records: list[Batch]):
        self.records = records

    def accepts(self, path: Path) -> bool:
        return True

    def estimate(self, path: Path) -> int | None:
        return len(self.records)

    def load(self, path: Path, ctx: LoadContext) -> None:
        for row, batch in enumerate(self.records, start=2):
            ctx.read()
            ctx.accept(batch, path.name, row)

    def inputs(self, path: Path) -> Iterator[Path]:
        yield path


def records_with_refusals() -> list[Batch]:
    """A source, then segments each FEEDS the one before, and after the 3rd and the 10th a link to a
    segment that does not exist (which the store refuses): in batches of 3 graph records, the two
    refusals fall in different batches, with batches written ahead between them."""
    prov = [Provenance("src:wa-1", "第1条")]
    out = [Batch(nodes=[Source(name="写前测试", key="wa-1").to_record()])]
    names = [f"环节{i:02d}" for i in range(14)]
    for i, name in enumerate(names):
        segment = Segment(name=name, stage=Stage.MIDSTREAM).to_record(prov)
        edges = [make_edge(EdgeKind.FEEDS, segment.id, f"seg:{names[i - 1]}", provenance=prov)] if i else []
        out.append(Batch(nodes=[segment], edges=edges))
        if i in (3, 10):
            out.append(Batch(edges=[make_edge(EdgeKind.FEEDS, segment.id, "seg:不存在", provenance=prov)]))
    return out


def load_records(store: GraphStore, tmp_path: Path, batch_size: int = 3) -> LoadReport:
    path = tmp_path / "records.txt"
    if not path.exists():  # written once: the manifest records its time
        path.write_text("records\n", encoding="utf-8")
    (report,) = run_load(store, [path], [ListLoader(records_with_refusals())], batch_size=batch_size)
    return report


def _same(one: LoadReport, other: LoadReport) -> None:
    assert (one.records_read, one.records_loaded, one.write, one.rejects) == (
        other.records_read,
        other.records_loaded,
        other.write,
        other.rejects,
    )


def test_the_stores_that_write_ahead_are_the_ones_that_say_so() -> None:
    assert isinstance(AheadMemoryStore(), WritesAhead)
    assert not isinstance(MemoryStore(), WritesAhead)


def test_refused_batches_written_ahead_give_the_same_rejects_and_graph(tmp_path: Path) -> None:
    plain, ahead = MemoryStore(), AheadMemoryStore()
    expected, report = load_records(plain, tmp_path), load_records(ahead, tmp_path)
    assert ahead.handed >= 4
    assert [(r.row, r.action) for r in expected.rejects] == [(7, "row rejected"), (15, "row rejected")]
    assert "seg:不存在" in expected.rejects[0].reason
    _same(report, expected)
    assert dict(ahead.graph.nodes(data=True)) == dict(plain.graph.nodes(data=True))
    assert list(ahead.graph.edges(keys=True, data=True)) == list(plain.graph.edges(keys=True, data=True))


def test_the_dataset_written_ahead_is_the_dataset(tmp_path: Path) -> None:
    plain, ahead = MemoryStore(), AheadMemoryStore()
    (expected,) = run_load(plain, [DATASET], default_loaders(), batch_size=40)
    (report,) = run_load(ahead, [DATASET], default_loaders(), batch_size=40)
    assert ahead.handed > 10
    _same(report, expected)
    assert dict(ahead.graph.nodes(data=True)) == dict(plain.graph.nodes(data=True))
    assert sorted(ahead.graph.edges(keys=True)) == sorted(plain.graph.edges(keys=True))
