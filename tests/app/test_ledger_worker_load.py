"""A project ledger loaded through the API in a worker process goes through the lifecycle
derivation (status events, derived status and timelines) exactly as an in-process load does: the
worker's derivation writes are among the operations the server replays."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainkg.app.settings import Settings
from chainkg.app.state import open_store
from chainkg.loaders import default_loaders
from chainkg.loaders.pipeline import run_load
from chainkg.queries import project_history
from chainkg.queries.refs import bind
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from tests.app.test_load_worker import graph_of
from tests.conftest import DATASET, LEDGER

KEY = "worker-ledger-key-01"


def test_a_ledger_loaded_in_the_worker_has_its_lifecycle_derived(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dataset, inbox = tmp_path / "dataset", tmp_path / "inbox"
    shutil.copytree(DATASET, dataset)
    shutil.copytree(LEDGER, inbox / "ledger")
    settings = Settings(
        home=tmp_path / "home",
        dataset=dataset,
        api_key=KEY,
        load_dir=inbox,
        load_worker_bytes=0,
        watch_seconds=0,
    )
    opened = open_store(settings)
    expected = MemoryStore(opened.store.graph.copy(), opened.store.manifest())
    app = create_app(settings, opened.store, snapshot_stamp=opened.stamp)
    with caplog.at_level(logging.INFO, logger="chainkg.load"), TestClient(app) as client:
        response = client.post("/api/v1/loads", headers={"X-API-Key": KEY}, data={"path": "ledger"})
        assert response.status_code == 200, response.text
        history = client.get("/api/v1/projects/示例电子特气项目/history")
    assert sum("worker load of" in r.getMessage() for r in caplog.records) == 1, "it ran in the worker"
    served = app.state.store
    answer = history.json()
    assert answer["status"] == "开工" and [c["status"] for c in answer["changes"]] == ["线索", "洽谈", "签约", "开工"]
    run_load(expected, [inbox / "ledger"], default_loaders())
    params = bind(expected, project_history.Params, {"project": "示例电子特气项目"})
    assert served.run(project_history.QUERY, params) == expected.run(project_history.QUERY, params)
    assert {k: v for k, v in graph_of(served).items() if k != "manifest"} == {
        k: v for k, v in graph_of(expected).items() if k != "manifest"
    }, "the worker's load (derivation included) is the in-process load"
