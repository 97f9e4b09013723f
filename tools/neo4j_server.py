"""Start a real Neo4j Community 5.26 server (embedded, Bolt only) for tests and benchmarks.

Standard library only. The server is the small Java program in ``tools/neo4j-launcher``
(see its README.md); :func:`build` compiles it with Maven when needed (the first build
downloads Neo4j from Maven Central into ``~/.m2``; later builds work offline).

Typical use::

    from tools.neo4j_server import Neo4jServer

    with Neo4jServer() as server:              # temp data dir, free port, auth enabled
        driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth)
        ...

    server = Neo4jServer(data_dir=tmp_path / "neo4j")
    server.start()
    server.kill()        # simulate a crash (SIGKILL)
    server.restart()     # same port, same data dir: committed data is still there
    server.close()       # stop + remove temp dirs the object created

Command line::

    python tools/neo4j_server.py build [--force]
    python tools/neo4j_server.py run [--port N] [--data DIR] [--password PW | --no-auth]
    python tools/neo4j_server.py import --data DIR IMPORT_DIR   (a stopped server's home)

The pieces, by job: :mod:`tools.neo4j_build` (Java, Maven, the launcher's classpath), this module
(the server process: start, stop, crash, restart), :mod:`tools.neo4j_admin` (Neo4j's admin tool:
the offline bulk importer) and :mod:`tools.neo4j_cli` (the command line).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script (python tools/neo4j_server.py): make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.neo4j_build import (
    LAUNCHER_DIR,
    NEO4J_VERSION,
    Neo4jLauncherError,
    _tail,
    build,
    find_java,
    jar_path,
    needs_build,
)

__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_USER",
    "LAUNCHER_DIR",
    "NEO4J_VERSION",
    "Neo4jLauncherError",
    "Neo4jServer",
    "build",
    "find_java",
    "free_port",
    "jar_path",
    "needs_build",
]

READY_PREFIX = "CHAINKG-NEO4J-READY "
DEFAULT_USER = "neo4j"
DEFAULT_PASSWORD = "chainkg-test-password"
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "256m"

# Flags Neo4j's own start scripts use that matter here (the --add-opens are in the jar manifest).
DEFAULT_JVM_ARGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dfile.encoding=UTF-8",
)

_BIND_ERRORS = ("Address already in use", "BindException", "PortBindException")


def _plus_gib(size: str, gib: int) -> str:
    """A JVM-style size (``512m``, ``2g``, ``1024k``, bytes) plus ``gib`` GiB, in MiB (``1536m``)."""
    units = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}
    text = size.strip().lower().removesuffix("b")
    mib = float(text[:-1]) * units[text[-1]] if text and text[-1] in units else float(text) / 2**20
    return f"{int(mib) + 1024 * gib}m"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _port_bindable(host: str, port: int) -> bool:
    """True if a listening socket could bind host:port now (TIME_WAIT leftovers do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _port_accepts(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _read_tail(path: Path | None, lines: int = 40) -> str:
    if path is None:
        return ""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024))
            data = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return _tail(data, lines)


_LIVE_SERVERS: weakref.WeakSet[Neo4jServer] = weakref.WeakSet()


@atexit.register
def _close_live_servers() -> None:
    for server in list(_LIVE_SERVERS):
        with contextlib.suppress(Exception):
            server.close()


class Neo4jServer:
    """A Neo4j 5.26 Community server in a child ``java`` process, Bolt on 127.0.0.1.

    Attributes after :meth:`start`: ``uri`` (``bolt://127.0.0.1:<port>``), ``host``, ``port``,
    ``user``, ``password``, ``auth`` (``(user, password)``, or ``None`` with ``auth=False``),
    ``data_dir`` (the DBMS home; ``data_dir/logs/debug.log`` is Neo4j's own log), ``log_path``
    (the launcher's stdout+stderr, appended across restarts), ``pid``, ``start_seconds``.

    ``stop()`` keeps the data dir, so ``start()``/``restart()`` resume on the same data.
    ``close()`` (also ``__exit__`` and interpreter exit) stops the server and removes the temp
    directories this object created (only those: a caller's data_dir/log_path are kept).
    The child also shuts itself down when this process dies (its stdin reaches EOF).

    ``settings`` are passed as ``--setting name=value``: any Neo4j setting by its documented name
    (e.g. ``{"dbms.cypher.min_replan_interval": "1h"}``).
    """

    def __init__(
        self,
        port: int | None = None,
        data_dir: os.PathLike | None = None,
        *,
        password: str = DEFAULT_PASSWORD,
        auth: bool = True,
        log_path: os.PathLike | None = None,
        heap: str | None = None,
        pagecache: str | None = None,
        tx_timeout: int = 300,
        java: str | None = None,
        jvm_args: Sequence[str] = (),
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.host = "127.0.0.1"
        self.port: int | None = port
        self.data_dir: Path | None = Path(data_dir) if data_dir is not None else None
        self.user = DEFAULT_USER
        self.password = password
        self.auth: tuple[str, str] | None = (DEFAULT_USER, password) if auth else None
        self.log_path: Path | None = Path(log_path) if log_path is not None else None
        self.heap = heap or os.environ.get("CHAINKG_NEO4J_HEAP") or DEFAULT_HEAP
        self.pagecache = pagecache or os.environ.get("CHAINKG_NEO4J_PAGECACHE") or DEFAULT_PAGECACHE
        self.tx_timeout = int(tx_timeout)
        self.java = java
        self.jvm_args = tuple(jvm_args)
        self.settings = dict(settings or {})
        self.uri: str | None = None
        self.start_seconds: float | None = None
        #: the last start's ready timeout: a restart (``import_full``) waits as long — a province's
        #: store takes minutes to start on a busy machine, where a fixed 90 s killed it mid-start
        self.start_timeout: float = 90.0
        self.process: subprocess.Popen | None = None
        self._workdir: Path | None = None  # temp dir owned (and removed) by this object
        self._log_fh = None

    # -- properties ---------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def debug_log_path(self) -> Path | None:
        return self.data_dir / "logs" / "debug.log" if self.data_dir is not None else None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Neo4jServer {self.uri or self.port} {state} data_dir={self.data_dir}>"

    # -- lifecycle ----------------------------------------------------------------------------

    def _own_workdir(self) -> Path:
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="chainkg-neo4j-"))
        return self._workdir

    def _command(self, jar: Path, port: int) -> list:
        cmd = [self.java or find_java(), f"-Xmx{self.heap}", *DEFAULT_JVM_ARGS, *self.jvm_args]
        cmd += ["-jar", str(jar), "--port", str(port), "--data", str(self.data_dir)]
        cmd += ["--pagecache", self.pagecache, "--tx-timeout", str(self.tx_timeout)]
        cmd += ["--password", self.password] if self.auth else ["--no-auth"]
        for name, value in sorted(self.settings.items()):
            cmd += ["--setting", f"{name}={value}"]
        return cmd

    def start(self, port: int | None = None, data_dir: os.PathLike | None = None, timeout: float = 90) -> Neo4jServer:
        """Start the server and wait until it prints READY and its Bolt port accepts TCP.

        ``port``/``data_dir`` override the constructor's; with no port a free one is picked
        (and re-picked if another process grabs it first). Returns ``self``.
        """
        if self.running:
            raise Neo4jLauncherError(f"already running: {self!r}")
        self.start_timeout = timeout
        if port is not None:
            self.port = port
        if data_dir is not None:
            self.data_dir = Path(data_dir)
        if self.data_dir is None:
            self.data_dir = self._own_workdir() / "home"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.log_path is None:
            self.log_path = self._own_workdir() / "neo4j-launcher.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)

        jar = build()
        pick_port = self.port is None
        for attempt in range(3):
            if pick_port:
                self.port = free_port(self.host)
            elif not _port_bindable(self.host, self.port):
                raise Neo4jLauncherError(f"port {self.host}:{self.port} is already in use")
            try:
                self._start_once(jar, timeout)
                _LIVE_SERVERS.add(self)
                return self
            except Neo4jLauncherError as exc:
                if pick_port and attempt < 2 and any(m in str(exc) for m in _BIND_ERRORS):
                    continue
                raise
        raise AssertionError("unreachable")

    def _start_once(self, jar: Path, timeout: float) -> None:
        assert self.port is not None and self.log_path is not None
        t0 = time.monotonic()
        self._log_fh = open(self.log_path, "ab")  # noqa: SIM115 - kept open: the child writes to it until stopped
        offset = self._log_fh.seek(0, os.SEEK_END)
        header = f"==== {time.strftime('%Y-%m-%d %H:%M:%S')} starting Neo4j on port {self.port} ====\n"
        self._log_fh.write(header.encode())
        self._log_fh.flush()
        offset += len(header.encode())
        cmd = self._command(jar, self.port)
        try:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,  # kept open: EOF (our death) makes the server shut down
                stdout=self._log_fh,
                stderr=subprocess.STDOUT,
                cwd=str(self.data_dir),
                start_new_session=True,  # a Ctrl-C in the terminal goes to us, we stop it in order
            )
        except OSError as exc:
            self._close_log()
            raise Neo4jLauncherError(f"could not start {cmd[0]}: {exc}") from None

        deadline = t0 + timeout
        uri = None
        while uri is None:
            uri = self._find_ready_line(offset)
            if uri is not None:
                break
            if self.process.poll() is not None:
                code = self.process.returncode
                self._reap()
                raise Neo4jLauncherError(
                    f"Neo4j exited with code {code} before it was ready (log: {self.log_path})\n"
                    f"{_read_tail(self.log_path)}"
                )
            if time.monotonic() > deadline:
                self.kill()
                raise Neo4jLauncherError(
                    f"Neo4j was not ready within {timeout:.0f}s (log: {self.log_path})\n{_read_tail(self.log_path)}"
                )
            time.sleep(0.05)
        while not _port_accepts(self.host, self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise Neo4jLauncherError(
                    f"Neo4j said ready but {self.host}:{self.port} does not accept connections\n"
                    f"{_read_tail(self.log_path)}"
                )
            time.sleep(0.05)
        self.uri = uri
        self.start_seconds = time.monotonic() - t0

    def _find_ready_line(self, offset: int) -> str | None:
        with open(self.log_path, "rb") as fh:
            fh.seek(offset)
            for raw in fh:
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith(READY_PREFIX) and raw.endswith(b"\n"):
                    return line[len(READY_PREFIX) :].strip()
        return None

    def stop(self, timeout: float = 30) -> None:
        """Shut down cleanly (stdin EOF + SIGTERM), SIGKILL after ``timeout`` s; wait for exit."""
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            try:
                if proc.stdin:
                    proc.stdin.close()
            except OSError:
                pass
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._hard_kill()
        self._reap()

    def kill(self) -> None:
        """Crash the server (SIGKILL, no shutdown, no checkpoint) and wait until it is gone."""
        self._hard_kill()
        self._reap()

    def restart(self, timeout: float = 90) -> Neo4jServer:
        """``stop()`` if running, then ``start()`` again on the same port and data dir."""
        self.stop()
        return self.start(port=self.port, data_dir=self.data_dir, timeout=timeout)

    def import_full(self, import_dir: os.PathLike, timeout: float | None = None) -> str:
        """Bulk-import a directory written by ``chainkg load --bulk`` into this server's database:
        stop, ``neo4j-admin database import full`` (:func:`tools.neo4j_admin.import_full`), start
        again on the same port, waiting ``timeout`` s (default: as long as the last start was allowed).
        The importer gets this server's heap and at most its page cache's size plus 1 GiB of memory
        off the heap (its default is 90% of the machine's). Returns the importer's report."""
        from tools.neo4j_admin import import_full

        was_running = self.running
        self.stop(timeout=300)  # a big page cache takes a while to flush; SIGKILL would skip the checkpoint
        assert self.data_dir is not None, "start the server once first: it makes its home"
        try:
            return import_full(self.data_dir, import_dir, heap=self.heap, off_heap=_plus_gib(self.pagecache, 1))
        finally:
            if was_running:
                self.start(port=self.port, data_dir=self.data_dir, timeout=timeout or self.start_timeout)

    def close(self) -> None:
        """``stop()`` and remove the temp directories this object created."""
        self.stop()
        _LIVE_SERVERS.discard(self)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            if self.data_dir is not None and self._workdir in self.data_dir.parents:
                self.data_dir = None
            if self.log_path is not None and self._workdir in self.log_path.parents:
                self.log_path = None
            self._workdir = None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the launcher log (``log_path``)."""
        return _read_tail(self.log_path, lines)

    def __enter__(self) -> Neo4jServer:
        if not self.running:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------

    def _hard_kill(self) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()

    def _reap(self) -> None:
        proc = self.process
        if proc is not None:
            if proc.poll() is None:
                proc.wait()
            if proc.stdin:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
        self._close_log()

    def _close_log(self) -> None:
        if self._log_fh is not None:
            self._log_fh.close()
            self._log_fh = None


if __name__ == "__main__":
    from tools.neo4j_cli import main

    sys.exit(main())
