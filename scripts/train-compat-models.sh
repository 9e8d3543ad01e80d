#!/usr/bin/env bash
# Train the two "compatibility" sample models (models/diabetes-sklearn13, models/diabetes-lightgbm)
# and write sample-request-unscaled.json, each model in its own training environment
# (.venv/training-sklearn13, .venv/training-lightgbm; see training/train_compat.py).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
for model in sklearn13 lightgbm; do
    VENV_PY="$(scripts/python-venv.sh "training-$model" "training/requirements-$model.txt" | tail -n 1)"
    "$VENV_PY" training/train_compat.py --model "$model"
done
