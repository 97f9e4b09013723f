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
"""

from __future__ import annotations

import argparse
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
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

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

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j-launcher"
TARGET_DIR = LAUNCHER_DIR / "target"
JAR_NAME = "chainkg-neo4j-launcher.jar"
READY_PREFIX = "CHAINKG-NEO4J-READY "
NEO4J_VERSION = "5.26.30"  # keep in sync with <neo4j.version> in neo4j-launcher/pom.xml

DEFAULT_USER = "neo4j"
DEFAULT_PASSWORD = "chainkg-test-password"
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "256m"
JAVA17_HOME = Path("/usr/lib/jvm/java-17-openjdk-amd64")

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


class Neo4jLauncherError(RuntimeError):
    """Building or running the Neo4j launcher failed; the message carries the relevant output tail."""


# --------------------------------------------------------------------------------------------
# Java / Maven
# --------------------------------------------------------------------------------------------


def find_java() -> str:
    """The java executable: $JAVA_HOME/bin/java, else the Debian Java 17, else ``java`` on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    candidate = JAVA17_HOME / "bin" / "java"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which("java")
    if found:
        return found
    raise Neo4jLauncherError("no Java found: set JAVA_HOME or install a Java 17 JDK (openjdk-17-jdk-headless)")


def _java_home_for_maven() -> str | None:
    """A JDK home for Maven, consistent with :func:`find_java` (None: leave Maven's own choice)."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    if (JAVA17_HOME / "bin" / "javac").is_file():
        return str(JAVA17_HOME)
    return None


def _find_maven() -> str:
    mvn = os.environ.get("MVN") or shutil.which("mvn")
    if not mvn:
        raise Neo4jLauncherError("Maven (mvn) not found on PATH; install it (apt-get install maven) or set MVN")
    return mvn


def jar_path() -> Path:
    """Where the runnable launcher jar is (it may not be built yet)."""
    return TARGET_DIR / JAR_NAME


def _source_files() -> Iterable[Path]:
    yield LAUNCHER_DIR / "pom.xml"
    src = LAUNCHER_DIR / "src"
    if src.is_dir():
        yield from (p for p in src.rglob("*") if p.is_file())


def _manifest_class_path(jar: Path) -> list:
    with zipfile.ZipFile(jar) as zf:
        text = zf.read("META-INF/MANIFEST.MF").decode("utf-8")
    # manifest lines are wrapped at 72 bytes; continuation lines start with one space
    text = text.replace("\r\n", "\n").replace("\n ", "")
    for line in text.split("\n"):
        if line.startswith("Class-Path:"):
            return line[len("Class-Path:") :].split()
    return []


def needs_build() -> bool:
    """True if the jar or one of its lib/ jars is missing, or the jar is older than pom.xml/src."""
    jar = jar_path()
    if not jar.is_file():
        return True
    jar_mtime = jar.stat().st_mtime
    if any(p.stat().st_mtime > jar_mtime for p in _source_files()):
        return True
    try:
        entries = _manifest_class_path(jar)
    except (OSError, KeyError, zipfile.BadZipFile):
        return True
    return not entries or any(not (TARGET_DIR / e).is_file() for e in entries)


class _FileLock:
    """Inter-process lock (fcntl) so parallel test workers do not run Maven at the same time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = None

    def __enter__(self) -> _FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a+")
        try:
            import fcntl

            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX)
        except ImportError:  # not POSIX: best effort, no lock
            pass
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            self._fh.close()  # releases the flock
            self._fh = None


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def build(force: bool = False, *, timeout: float = 1800.0, verbose: bool = False) -> Path:
    """Build the launcher with Maven if needed (or always, with ``force``); return the runnable jar.

    Tries an offline build first (works once ~/.m2 holds everything), then an online one.
    Raises :class:`Neo4jLauncherError` with the tail of Maven's output on failure.
    """
    if not force and not needs_build():
        return jar_path()
    lock_name = "chainkg-neo4j-launcher-%08x.lock" % (zlib.crc32(str(LAUNCHER_DIR).encode()) & 0xFFFFFFFF)
    with _FileLock(Path(tempfile.gettempdir()) / lock_name):
        if not force and not needs_build():  # another process built it while we waited
            return jar_path()
        mvn = _find_maven()
        env = dict(os.environ)
        java_home = _java_home_for_maven()
        if java_home:
            env["JAVA_HOME"] = java_home
        base = [mvn, "-B", "--no-transfer-progress", "-Dstyle.color=never", "-f", str(LAUNCHER_DIR / "pom.xml")]
        if force:
            # not `mvn clean`: the clean plugin is not in a cache warmed by `package` alone
            shutil.rmtree(TARGET_DIR, ignore_errors=True)
        attempts = [[*base, "-o", "package"], [*base, "package"]]
        output = ""
        for cmd in attempts:
            try:
                proc = subprocess.run(
                    cmd,
                    cwd=str(LAUNCHER_DIR),
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=timeout,
                )
            except subprocess.TimeoutExpired as exc:
                out = exc.stdout or ""
                if isinstance(out, bytes):
                    out = out.decode("utf-8", "replace")
                raise Neo4jLauncherError(
                    f"Maven build timed out after {timeout:.0f}s: {' '.join(cmd)}\n{_tail(out)}"
                ) from None
            except OSError as exc:
                raise Neo4jLauncherError(f"could not run Maven ({mvn}): {exc}") from None
            output = proc.stdout or ""
            if verbose and (proc.returncode == 0 or cmd is attempts[-1]):
                sys.stderr.write(output)
            if proc.returncode == 0 and jar_path().is_file():
                # the jar plugin may keep an unchanged jar: mark it as newer than the sources
                os.utime(jar_path())
                if not needs_build():
                    return jar_path()
        raise Neo4jLauncherError(
            f"Maven build of {LAUNCHER_DIR} failed (exit {proc.returncode}): {' '.join(attempts[-1])}\n{_tail(output)}"
        )


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="neo4j_server.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="build the Java launcher (Maven) if needed")
    p_build.add_argument("--force", action="store_true", help="clean and rebuild")
    p_run = sub.add_parser("run", help="start Neo4j and stay in the foreground until Ctrl-C")
    p_run.add_argument("--port", type=int, default=None, help="Bolt port (default: 7687 if free, else any)")
    p_run.add_argument("--data", type=Path, default=None, help="DBMS home to keep (default: temp dir)")
    p_run.add_argument("--password", default=DEFAULT_PASSWORD)
    p_run.add_argument("--no-auth", action="store_true")
    p_run.add_argument("--heap", default=None)
    p_run.add_argument("--pagecache", default=None)
    p_run.add_argument("--log", type=Path, default=None, help="launcher log file")
    args = parser.parse_args(argv)

    try:
        if args.command == "build":
            t0 = time.monotonic()
            jar = build(force=args.force, verbose=True)
            print(f"{jar} ({time.monotonic() - t0:.1f}s)")
            return 0
        # Ctrl-C / SIGTERM: stop the server in order (even if SIGINT was inherited as ignored)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        port = args.port
        if port is None:
            port = 7687 if _port_bindable("127.0.0.1", 7687) else None
        server = Neo4jServer(
            port=port,
            data_dir=args.data,
            password=args.password,
            auth=not args.no_auth,
            log_path=args.log,
            heap=args.heap,
            pagecache=args.pagecache,
        )
        server.start()
        print(f"Neo4j {NEO4J_VERSION} ready in {server.start_seconds:.1f}s at {server.uri}", flush=True)
        print(f"auth: {server.user} / {server.password}" if server.auth else "auth: disabled", flush=True)
        print(f"data: {server.data_dir}  log: {server.log_path}  (Ctrl-C to stop)", flush=True)
        try:
            while server.running:
                time.sleep(0.5)
            print(f"Neo4j exited unexpectedly:\n{server.log_tail()}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("stopping ...", flush=True)
        finally:
            server.close()
        return 0
    except Neo4jLauncherError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(_main())
