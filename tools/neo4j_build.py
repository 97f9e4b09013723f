"""Building the Neo4j launcher (``tools/neo4j-launcher``) with Maven, and finding Java.

Standard library only. :func:`build` compiles the launcher when needed (the first build downloads
Neo4j from Maven Central into ``~/.m2``; later builds work offline); :func:`class_path` is the
launcher's classpath, which also holds Neo4j's own admin tool (``neo4j-admin``'s commands,
:mod:`tools.neo4j_admin`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "JAVA17_HOME",
    "LAUNCHER_DIR",
    "NEO4J_VERSION",
    "Neo4jLauncherError",
    "build",
    "class_path",
    "find_java",
    "jar_path",
    "needs_build",
]

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j-launcher"
TARGET_DIR = LAUNCHER_DIR / "target"
JAR_NAME = "chainkg-neo4j-launcher.jar"
NEO4J_VERSION = "5.26.30"  # keep in sync with <neo4j.version> in neo4j-launcher/pom.xml
JAVA17_HOME = Path("/usr/lib/jvm/java-17-openjdk-amd64")


class Neo4jLauncherError(RuntimeError):
    """Building or running the Neo4j launcher failed; the message carries the relevant output tail."""


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


def class_path() -> str:
    """The built launcher's classpath (its jar, then every ``lib/`` jar), building it first if needed."""
    jar = build()
    return os.pathsep.join([str(jar), *(str(TARGET_DIR / entry) for entry in _manifest_class_path(jar))])
