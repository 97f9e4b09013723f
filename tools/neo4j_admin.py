"""Neo4j's admin tool (what ``neo4j-admin`` runs) from the launcher's classpath: the offline bulk importer.

The launcher's ``target/lib`` already holds ``neo4j-command-line`` (``org.neo4j.cli.AdminTool``) and
``neo4j-import-tool`` (the ``database import`` commands), the same jars a Neo4j 5.26 distribution
runs, so ``neo4j-admin database import full`` needs nothing beyond the Maven build. The importer
writes a database's store files directly: the server must be stopped (Community cannot stop one
database while the DBMS runs); :meth:`tools.neo4j_server.Neo4jServer.import_full` stops, imports and
starts again.

    from tools.neo4j_admin import import_full
    import_full(home, import_dir)     # runs: database import full @import.args  (cwd: import_dir)

``import_dir`` is what ``chainkg load --store neo4j --bulk`` writes (:mod:`chainkg.store.neo4j.bulk`):
CSV files and ``import.args``, the importer's arguments with paths relative to that directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.neo4j_build import Neo4jLauncherError, _tail, class_path, find_java

__all__ = ["ARGS_FILE", "admin", "import_full"]

#: The importer's argument file inside an import directory (picocli reads ``@file`` arguments).
ARGS_FILE = "import.args"


def admin(
    home: os.PathLike,
    args: Sequence[str],
    *,
    cwd: os.PathLike | None = None,
    heap: str = "1g",
    timeout: float = 3600.0,
) -> str:
    """Run ``neo4j-admin <args>`` against the DBMS home ``home`` (stopped); its output on success.

    Raises :class:`Neo4jLauncherError` with the tail of the output when it exits non-zero.
    """
    home = Path(home).resolve()
    (home / "conf").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    cmd = [find_java(), f"-Xmx{heap}", "-cp", class_path(), "org.neo4j.cli.AdminTool", *args]
    try:
        proc = subprocess.run(
            cmd,
            cwd=str(cwd or home),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise Neo4jLauncherError(f"neo4j-admin {' '.join(args)} timed out after {timeout:.0f}s") from exc
    except OSError as exc:
        raise Neo4jLauncherError(f"could not run {cmd[0]}: {exc}") from exc
    if proc.returncode != 0:
        raise Neo4jLauncherError(f"neo4j-admin {' '.join(args)} failed (exit {proc.returncode}):\n{_tail(proc.stdout)}")
    return proc.stdout


def import_full(home: os.PathLike, import_dir: os.PathLike, *, heap: str = "1g", off_heap: str | None = None) -> str:
    """``neo4j-admin database import full @import.args`` in ``import_dir``, into the stopped home.

    ``off_heap`` caps the importer's memory outside the JVM heap (``--max-off-heap-memory``: its id
    mapper and caches; Neo4j's default is 90% of the machine's free memory, too much on a machine that
    runs other servers).
    """
    directory = Path(import_dir).resolve()
    if not (directory / ARGS_FILE).is_file():
        raise Neo4jLauncherError(f"{directory} holds no {ARGS_FILE}: not written by `chainkg load --bulk`")
    args = ["database", "import", "full", f"@{ARGS_FILE}"]
    if off_heap:
        args.append(f"--max-off-heap-memory={off_heap}")
    return admin(home, args, cwd=directory, heap=heap)
