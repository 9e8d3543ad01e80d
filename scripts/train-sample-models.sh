#!/usr/bin/env bash
# Train the sample MLflow models (models/diabetes-v1, models/diabetes-v2) and
# regenerate the sample data (sample-request.json, data/batch/*.csv).
#
# Uses the project-local virtual environment .venv/training, created on first
# use and reused afterwards as long as training/requirements.txt is unchanged
# (see scripts/python-venv.sh).
#
# Usage: scripts/train-sample-models.sh [train.py args]   (from any directory)
# Env:   PYTHON=python3.11 to choose the interpreter used to create the venv.
set -euo pipefail

# Work from the repo root so every path below (and in train.py) is stable no
# matter where the script is invoked from.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# python-venv.sh prints the venv's interpreter as its last stdout line (its
# progress messages go to stderr). Capture it in a separate statement: inside
# `exec "$(...)"` a failed install would not stop the script under set -e.
VENV_PY="$(scripts/python-venv.sh training training/requirements.txt | tail -n 1)"

exec "$VENV_PY" training/train.py "$@"
