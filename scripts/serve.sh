#!/usr/bin/env bash
# The README's run command: from a fresh clone, make a virtualenv, install chainkg and serve the
# bundled Dezhou graph on the embedded store (http://127.0.0.1:8000). Extra arguments go to
# `chainkg serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
exec .venv/bin/chainkg serve "$@"
