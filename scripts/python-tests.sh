#!/usr/bin/env bash
# The Python tests of serving/ (pytest), in the serving test environment (.venv/serving, created or
# reused from serving/requirements.txt). Run by `npm test`; arguments go to pytest.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_PY="$("$REPO_ROOT/scripts/python-venv.sh" serving "$REPO_ROOT/serving/requirements.txt" | tail -n 1)"
cd "$REPO_ROOT/serving"
PYTHONDONTWRITEBYTECODE=1 exec "$VENV_PY" -m pytest "$@"
