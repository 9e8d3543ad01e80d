#!/usr/bin/env bash
# Train the sample models.
#
#   npm run train                       the committed sample folders (models/diabetes-v1, -v2),
#                                       sample-request.json and data/batch/*.csv, deterministically
#                                       (training/train.py)
#   npm run train -- --stack <name> [track.py args]
#                                       train against the stack's workspace MLflow in the local
#                                       Azure that `npm run local -- --stack <name>` serves: four
#                                       runs, the four ways of logging, and the chosen model
#                                       registered through MLflow (training/track.py --help)
#   npm run train:penguins [-- [--stack <name>] [penguins.py args]]
#                                       (= npm run train -- --penguins ...) the MLflow on Azure
#                                       Databricks walkthrough's penguin classifier, blue and green
#                                       runs logged to the stack's MLflow (or to mlruns/ without
#                                       --stack); --write-models writes models/penguins-v1, -v2
#                                       (training/penguins.py --help)
#
# Uses the project-local virtual environment .venv/training (training/requirements.txt), created
# on first use and reused while the file is unchanged (scripts/python-venv.sh).
# Env: PYTHON=python3.11 chooses the interpreter the venv is created with.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# Captured in its own statement: inside `exec "$(...)"` a failed install would not stop the script.
VENV_PY="$(scripts/python-venv.sh training training/requirements.txt | tail -n 1)"

SCRIPT=training/train.py
STACK_SCRIPT=training/track.py
if [[ "${1:-}" == "--penguins" ]]; then
  SCRIPT=training/penguins.py
  STACK_SCRIPT=training/penguins.py
  shift
fi

if [[ "${1:-}" == "--stack" ]]; then
  STACK="${2:?--stack needs a stack name}"
  shift 2
  SETTINGS=".local/mlflow/${STACK}.env"
  if [[ ! -f "$SETTINGS" ]]; then
    echo "error: $SETTINGS does not exist: start \`npm run local -- --stack ${STACK}\` first (it serves the workspace's MLflow and writes that file), and train while it serves" >&2
    exit 2
  fi
  # MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN, as the MLflow client reads them.
  set -a
  # shellcheck disable=SC1090
  source "$SETTINGS"
  set +a
  exec "$VENV_PY" "$STACK_SCRIPT" "$@"
fi

exec "$VENV_PY" "$SCRIPT" "$@"
