"""A big load through the API runs in a worker process; the server applies the worker's changes to
its own copy and serves exactly the graph the worker saved — the same graph an in-process load
makes (:mod:`chainkg.app.load_worker`)."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainkg.app.settings import Settings
from chainkg.app.state import open_store
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from tests.conftest import DATASET
from tests.hostile.corpus import CODE_A, good, rows
from tests.neo4j.contents import memory_contents

KEY = "worker-test-key-01"


def graph_of(store: MemoryStore) -> dict[str, object]:
    contents = memory_contents(store)
    return {"nodes": contents["nodes"], "edges": contents["edges"], "manifest": contents["manifest"]}


def test_a_worker_load_serves_what_the_worker_saved_and_what_an_in_process_load_makes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dataset = tmp_path / "dataset"
    shutil.copytree(DATASET, dataset)
    settings = Settings(home=tmp_path / "home", dataset=dataset, api_key=KEY, load_worker_bytes=0, watch_seconds=0)
    opened = open_store(settings)
    expected = MemoryStore(opened.store.graph.copy(), opened.store.manifest())
    # Conflicting rows (claims, reconciled props: every kind of operation) and ordinary ones, one file.
    upload = tmp_path / "registry.csv"
    upload.write_bytes(
        rows(f"德州甲冲突有限公司,{CODE_A},100,德州", f"德州乙冲突有限公司,{CODE_A},900,德州", *good(25))
    )
    inputs = [upload]
    app = create_app(settings, opened.store, snapshot_stamp=opened.stamp)
    with caplog.at_level(logging.INFO, logger="chainkg.load"), TestClient(app) as client:
        for path in inputs:
            response = client.post(
                "/api/v1/loads", headers={"X-API-Key": KEY}, files={"file": (path.name, path.read_bytes())}
            )
            assert response.status_code == 200, response.text
    assert sum("worker load of" in r.getMessage() for r in caplog.records) == 1, "it ran in the worker"
    served = app.state.store
    assert graph_of(served) == graph_of(MemoryStore.open(settings.snapshot_path)), "served = saved"
    (kept,) = settings.uploads_dir.iterdir()
    run_load(expected, [kept], default_loaders())
    assert {k: v for k, v in graph_of(served).items() if k != "manifest"} == {
        k: v for k, v in graph_of(expected).items() if k != "manifest"
    }
    assert app.state.snapshot_stamp is not None and not list(settings.home.glob(".load-*")), "no files left"


def test_fine_switching_nests_and_restores_the_interval() -> None:
    import sys

    from chainkg.app.pacing import FINE_SWITCH_INTERVAL, fine_switching

    before = sys.getswitchinterval()
    with fine_switching():
        assert sys.getswitchinterval() == min(before, FINE_SWITCH_INTERVAL)
        with fine_switching():
            assert sys.getswitchinterval() == min(before, FINE_SWITCH_INTERVAL)
        assert sys.getswitchinterval() == min(before, FINE_SWITCH_INTERVAL), "the outer user still runs"
    assert sys.getswitchinterval() == before


def test_a_paced_copy_is_a_copy(dezhou: MemoryStore) -> None:
    from chainkg.app.load_worker import paced_copy
    from chainkg.app.pacing import Pacer

    copy = paced_copy(dezhou, Pacer(duty=1.0))
    assert graph_of(copy) == graph_of(dezhou) and copy.graph is not dezhou.graph
    some = next(iter(copy.graph.nodes))
    assert copy.graph.nodes[some] is not dezhou.graph.nodes[some], "new attribute dicts, as graph.copy() makes"


def test_a_replaced_graph_is_freed_without_waiting_for_the_collector(dezhou: MemoryStore) -> None:
    """networkx caches views on a graph that refer back to it; the server drops them from a graph it
    replaces, so the graph goes with its last reference (memory stays flat over many loads)."""
    import gc
    import weakref
    from types import SimpleNamespace

    from chainkg.app.state import publish
    from chainkg.app.warmup import warm

    state = SimpleNamespace(store=None)
    first = MemoryStore(dezhou.graph.copy(), dezhou.manifest())
    warm(first)  # the queries use graph.out_edges & co: the views exist now
    publish(state, first)
    state.warming.join()
    gone = weakref.ref(first.graph)
    del first
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        publish(state, MemoryStore(dezhou.graph.copy(), dezhou.manifest()))
        state.warming.join()
        deadline = time.monotonic() + 30  # freed in the background, a slice at a time (chainkg.app.reclaim)
        while gone() is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gone() is None, "freed by reference counting alone"
    finally:
        if was_enabled:
            gc.enable()


def test_a_small_input_into_a_big_graph_loads_in_the_worker(tmp_path: Path) -> None:
    """In the soak, 1,000-row uploads into the city graph loaded in the server process and stalled reads
    for up to 21 s (copying, pickling and re-indexing 485k edges); the graph's size decides too."""
    from types import SimpleNamespace

    from chainkg.api.writes import LoadInput, Writer
    from chainkg.app.state import snapshot_stamp

    home = tmp_path / "home"
    store = MemoryStore()
    store.save(home / "memory.snapshot")
    upload = tmp_path / "small.csv"
    upload.write_bytes(rows(*good(2)))
    state = SimpleNamespace(snapshot_stamp=snapshot_stamp(home / "memory.snapshot"))
    source = LoadInput(upload, upload.name, uploaded=False)
    size = (home / "memory.snapshot").stat().st_size

    def decides(**limits: int) -> bool:
        return Writer._in_worker(state, Settings(home=home, **limits), source, store)  # type: ignore[arg-type]

    assert not decides(load_worker_bytes=1 << 30, load_worker_graph_bytes=size + 1), "small input, small graph"
    assert decides(load_worker_bytes=1 << 30, load_worker_graph_bytes=size), "small input, big graph"
    assert decides(load_worker_bytes=upload.stat().st_size, load_worker_graph_bytes=1 << 40), "big input"
