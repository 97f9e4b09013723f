"""The server a soak run drives: the city graph's state directory, the ``chainkg serve`` process, its RSS.

Used by :mod:`benchmarks.soak`. The city dataset (``chainkg generate --preset city --seed 0``) and a
state directory holding its snapshot alone are built once under the data directory and reused; every
run starts the server on a fresh copy of that snapshot, so runs start from the same graph.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.measure import REPO, start_serve
from benchmarks.measure import wait_ready as measure_wait_ready
from chainkg.store.snapshot import SnapshotError, read_header

__all__ = ["KEY", "city_dataset", "fresh_home", "rss_mb", "start_server", "wait_ready"]

#: The editor key the server is started with (writes on).
KEY = "soak-benchmark-key"


def city_dataset(data_dir: Path, seed: int) -> Path:
    dataset = data_dir / f"city-seed{seed}"
    if not (dataset / "synthetic.json").is_file():
        print(f"generating the city dataset in {dataset} …", flush=True)
        subprocess.run(
            [sys.executable, "-m", "chainkg.cli", "generate", str(dataset), "--preset", "city", "--seed", str(seed)],
            cwd=REPO,
            check=True,
        )
    return dataset


def fresh_home(data_dir: Path, dataset: Path) -> Path:
    """A state directory holding the city graph's snapshot alone, the same at every run: built once
    (``chainkg load``) into ``soak-base.home`` and copied; built again when this chainkg cannot read
    the cached one (an older snapshot format)."""
    base = data_dir / "soak-base.home"
    if not _readable(base / "memory.snapshot"):
        shutil.rmtree(base, ignore_errors=True)
        print(f"building the city snapshot in {base} …", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "chainkg.cli",
                "load",
                "--reset",
                str(dataset),
                "--no-progress",
                "--home",
                str(base),
            ],
            cwd=REPO,
            check=True,
        )
    home = data_dir / "soak.home"
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    for name in ("memory.snapshot", "memory.snapshot.manifest.json"):
        shutil.copy2(base / name, home / name)
    return home


def _readable(snapshot: Path) -> bool:
    try:
        read_header(snapshot)
    except (OSError, SnapshotError):
        return False
    return True


def start_server(
    home: Path, dataset: Path, log: Path, extra_env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        "CHAINKG_HOME": str(home),
        "CHAINKG_DATASET": str(dataset.resolve()),
        "CHAINKG_API_KEY": KEY,
        "CHAINKG_MAX_BODY_BYTES": str(200 * 1024 * 1024),
        **extra_env,
    }
    return start_serve(home, log, env, append=True)


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout_s: float = 1800.0) -> float:
    return measure_wait_ready(base, proc, timeout_s=timeout_s, poll_s=0.5)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
