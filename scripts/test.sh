#!/usr/bin/env bash
# The README's test command: from a fresh clone, make a virtualenv, install chainkg with its test
# extras, lint, check the import contracts and the types, and run the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The browser test (tests/app/test_viz_browser.py) drives Debian's Chromium; install it when missing.
# A failed install does not stop the run: that test then fails and says why.
if [ ! -x /usr/bin/chromium ]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
    || echo "warning: could not install chromium; the browser test will fail" >&2
fi

# The browser tests' screenshots need a CJK font (tests/web/test_browser.py checks for one); install a
# small one when the machine has none.
if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei; } \
    || echo "warning: could not install a CJK font; the workbench browser test will fail" >&2
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The floors contract (pyproject.toml [tool.importlinter]): imports only go down, no cycles.
.venv/bin/lint-imports --no-cache
# Types (pyproject.toml [tool.mypy]: strict, on the chainkg package).
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
