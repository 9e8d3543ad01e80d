#!/usr/bin/env bash
# Train the "compatibility" sample models (models/diabetes-sklearn13, -lightgbm, -py312, -py38) and
# write sample-request-unscaled.json, each model in its own training environment
# (.venv/training-<model>; see training/train_compat.py). py312 and py38 are trained with those
# Pythons (pyenv's 3.12 and 3.8, or PYTHON312/PYTHON38), as their models record.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
pyenv_python() { ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1".*/bin/python 2>/dev/null | sort -V | tail -n 1; }
for model in sklearn13 lightgbm py312 py38; do
    case "$model" in
        py312) PYTHON="${PYTHON312:-$(pyenv_python 3.12)}" ;;
        py38) PYTHON="${PYTHON38:-$(pyenv_python 3.8)}" ;;
        *) PYTHON="${PYTHON:-python3}" ;;
    esac
    VENV_PY="$(PYTHON="$PYTHON" scripts/python-venv.sh "training-$model" "training/requirements-$model.txt" | tail -n 1)"
    "$VENV_PY" training/train_compat.py --model "$model"
done
