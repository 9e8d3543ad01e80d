#!/usr/bin/env bash
# Train the sample MLflow models (models/diabetes-v1, models/diabetes-v2) and
# regenerate the sample data (sample-request.json, data/batch/*.csv).
#
# Creates a project-local virtual environment at .venv/training on first use
# and reuses it afterwards, as long as training/requirements.txt is unchanged
# (tracked by a stamp file holding the sha256 of requirements.txt).
#
# Usage: scripts/train-sample-models.sh        (from any directory)
# Env:   PYTHON=python3.11 to choose the interpreter used to create the venv.
set -euo pipefail

# Work from the repo root so every path below (and in train.py) is stable no
# matter where the script is invoked from.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

PYTHON="${PYTHON:-python3}"
VENV_DIR=".venv/training"
REQUIREMENTS="training/requirements.txt"
STAMP="$VENV_DIR/.requirements.sha256"

want_hash="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
have_hash="$(cat "$STAMP" 2>/dev/null || true)"

if [[ -x "$VENV_DIR/bin/python" && "$want_hash" == "$have_hash" ]]; then
  echo "Reusing $VENV_DIR (requirements unchanged)"
else
  if [[ ! -x "$VENV_DIR/bin/python" ]]; then
    echo "Creating virtual environment in $VENV_DIR"
    "$PYTHON" -m venv "$VENV_DIR"
  fi
  echo "Installing $REQUIREMENTS into $VENV_DIR"
  # Remove the stamp first so an interrupted install is retried next time.
  rm -f "$STAMP"
  "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$REQUIREMENTS"
  echo "$want_hash" >"$STAMP"
fi

exec "$VENV_DIR/bin/python" training/train.py "$@"
