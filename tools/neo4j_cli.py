"""The command line of the Neo4j test server: build the launcher, run a server, bulk-import into a home.

    python tools/neo4j_server.py build [--force]
    python tools/neo4j_server.py run [--port N] [--data DIR] [--password PW | --no-auth]
    python tools/neo4j_server.py import --data DIR IMPORT_DIR

(``python -m tools.neo4j_cli`` is the same.)
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.neo4j_admin import import_full
from tools.neo4j_build import NEO4J_VERSION, Neo4jLauncherError, build
from tools.neo4j_server import DEFAULT_PASSWORD, Neo4jServer, _port_bindable

__all__ = ["main"]


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
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
    p_imp = sub.add_parser("import", help="neo4j-admin database import full, into a stopped server's home")
    p_imp.add_argument("--data", type=Path, required=True, help="the DBMS home (the server must be stopped)")
    p_imp.add_argument("--heap", default="1g")
    p_imp.add_argument("import_dir", type=Path, help="a directory written by `chainkg load --bulk`")
    args = parser.parse_args(argv)

    try:
        if args.command == "build":
            t0 = time.monotonic()
            jar = build(force=args.force, verbose=True)
            print(f"{jar} ({time.monotonic() - t0:.1f}s)")
            return 0
        if args.command == "import":
            print(import_full(args.data, args.import_dir, heap=args.heap), end="")
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
    sys.exit(main())
