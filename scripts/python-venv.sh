#!/usr/bin/env bash
# Create (or reuse) a project-local Python virtual environment and install a
# pinned requirements file into it.
#
# Usage: scripts/python-venv.sh <venv-name> <requirements-file>   (any cwd)
#   <venv-name>          directory name under .venv/ at the repo root
#   <requirements-file>  path to a pip requirements file; relative paths are
#                        resolved against the caller's working directory
#                        first, then against the repo root
# Env:   PYTHON=python3.11 chooses the interpreter used to create the venv
#        (only matters on first creation; an existing venv is reused as is).
#
# Output contract: the LAST line of stdout is the absolute path of the venv's
# python interpreter; every other message goes to stderr. Callers can do
#   PY=$(scripts/python-venv.sh serving serving/requirements.txt | tail -1)
#
# Installs are skipped when a stamp file in the venv holds the sha256 of the
# requirements file (and the files it includes with -r), so repeated calls are
# cheap (no pip/network access).
set -euo pipefail

usage() {
  echo "usage: $(basename "$0") <venv-name> <requirements-file>" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
VENV_NAME="$1"
REQ_ARG="$2"

# The venv name becomes a path component under .venv/, so refuse anything that
# could escape it (or be empty) rather than create surprising directories.
if [[ -z "$VENV_NAME" || "$VENV_NAME" == *"/"* || "$VENV_NAME" == "."* ]]; then
  echo "error: invalid venv name '$VENV_NAME' (no '/', must not start with '.')" >&2
  exit 2
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Resolve the requirements file to an absolute path before changing directory,
# so both "serving/requirements.txt" from the repo root and a path relative to
# wherever the caller happens to be work.
if [[ -f "$REQ_ARG" ]]; then
  REQUIREMENTS="$(cd "$(dirname "$REQ_ARG")" && pwd)/$(basename "$REQ_ARG")"
elif [[ -f "$REPO_ROOT/$REQ_ARG" ]]; then
  REQUIREMENTS="$REPO_ROOT/$REQ_ARG"
else
  echo "error: requirements file not found: $REQ_ARG" >&2
  exit 2
fi

cd "$REPO_ROOT"

PYTHON="${PYTHON:-python3}"
VENV_DIR="$REPO_ROOT/.venv/$VENV_NAME"
VENV_PY="$VENV_DIR/bin/python"
STAMP="$VENV_DIR/.requirements.sha256"

# The stamp covers the file and the files it includes with `-r` (one level), so a change to
# either reinstalls.
included="$(sed -nE 's/^-r[[:space:]]+(.+)$/\1/p' "$REQUIREMENTS" | while read -r f; do echo "$(dirname "$REQUIREMENTS")/$f"; done)"
# shellcheck disable=SC2086
want_hash="$(cat "$REQUIREMENTS" $included | sha256sum | cut -d' ' -f1)"
have_hash="$(cat "$STAMP" 2>/dev/null || true)"

# One creator at a time per venv (two test workers, or a tool and a test, may ask at once): the
# others wait here, then find it made.
mkdir -p "$REPO_ROOT/.venv"
exec 9>"$REPO_ROOT/.venv/.$VENV_NAME.lock"
flock 9
have_hash="$(cat "$STAMP" 2>/dev/null || true)"

if [[ -x "$VENV_PY" && "$want_hash" == "$have_hash" ]]; then
  echo "Reusing .venv/$VENV_NAME (requirements unchanged)" >&2
else
  if [[ ! -x "$VENV_PY" ]]; then
    echo "Creating virtual environment in .venv/$VENV_NAME with $PYTHON" >&2
    "$PYTHON" -m venv "$VENV_DIR" >&2
  fi
  echo "Installing ${REQUIREMENTS#"$REPO_ROOT"/} into .venv/$VENV_NAME" >&2
  # Remove the stamp first so an interrupted install is retried next time.
  rm -f "$STAMP"
  # pip's own output goes to stderr too: stdout is reserved for the final path.
  "$VENV_PY" -m pip install --quiet --disable-pip-version-check \
    -r "$REQUIREMENTS" >&2
  echo "$want_hash" >"$STAMP"
fi

echo "$VENV_PY"
