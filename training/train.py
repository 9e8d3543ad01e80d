"""Train the two sample MLflow models used by the blue/green deployments.

Run through scripts/train-sample-models.sh, which provides the pinned
environment from training/requirements.txt. Outputs (paths relative to the
repo root):

  models/diabetes-v1/   MLflow model for the "blue" deployment
                        (StandardScaler + LogisticRegression)
  models/diabetes-v2/   MLflow model for the "green" deployment
                        (small GradientBoostingClassifier)
  sample-request.json   5 held-out rows in the Azure ML online endpoint
                        request format for MLflow no-code deployments
  data/batch/part-00N.csv
                        the held-out rows, unlabeled, split into 3 files for
                        batch scoring

Everything is deterministic: fixed random_state everywhere and fixed float
formatting for the data files, so re-running produces the same predictions
and byte-identical sample-request.json / CSV files.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from pathlib import Path

import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

# Resolve paths from this file rather than the working directory so the
# script behaves the same however it is launched.
REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "models"
BATCH_DIR = REPO_ROOT / "data" / "batch"
SAMPLE_REQUEST = REPO_ROOT / "sample-request.json"

# The diabetes target is a quantitative measure of disease progression one
# year after baseline (range ~25-346). A classifier needs a binary label, so
# rows above THRESHOLD are labelled 1. 140 is roughly the median of the
# target, which keeps the two classes balanced (accuracy stays meaningful and
# neither model can score well by always predicting one class).
THRESHOLD = 140

# One seed for every source of randomness (split, estimators), so reruns
# produce the same models and the same predictions.
RANDOM_STATE = 42

# 90 held-out rows: large enough for a credible accuracy figure, and splits
# evenly into 3 batch files of 30 rows each.
TEST_SIZE = 90
N_BATCH_FILES = 3
N_SAMPLE_REQUEST_ROWS = 5

# Round written feature values to a fixed number of decimals so the data files
# do not depend on float repr details and stay byte-identical across runs.
DECIMALS = 6

# Azure ML's no-code MLflow scoring script imports azureml.ai.monitoring
# (and azureml.contrib.services); the inference environment is built from the
# model's own conda.yaml / requirements.txt, so without these the container
# fails to start (502 on the liveness probe). They are only needed at serving
# time, so they are declared here instead of being installed for training.
SERVING_EXTRA_PIP_REQUIREMENTS = [
    "azureml-ai-monitoring==1.0.0",
    "azureml-contrib-services==1.62.0",
]

# Saving with an input example makes MLflow compare the model's requirements
# with the current environment and warn about every serving-only package above
# ("current: uninstalled"). That warning is expected here and would only hide
# real output, so MLflow's requirements checker is limited to errors.
logging.getLogger("mlflow.utils.requirements_utils").setLevel(logging.ERROR)


def load_data() -> tuple[pd.DataFrame, pd.Series]:
    """Return features and the binarised int64 label."""
    # The diabetes data ships inside scikit-learn: no download, works offline.
    # Its frame already has the feature names age, sex, bmi, bp, s1..s6.
    dataset = load_diabetes(as_frame=True)
    X = dataset.data
    # int64 labels make the classifiers' classes_ (and hence predict()) int64,
    # so predictions serialize as plain 0/1 integers and the MLflow signature
    # records an integer (long) output instead of float or bool.
    y = (dataset.target > THRESHOLD).astype(np.int64).rename("label")
    return X, y


def build_models() -> dict[str, object]:
    """The two estimators, keyed by model folder name."""
    return {
        # v1 / "blue": a linear baseline. Scaling first keeps the lbfgs
        # solver well-conditioned; max_iter is generous so it always
        # converges instead of warning.
        "diabetes-v1": Pipeline(
            [
                ("scaler", StandardScaler()),
                (
                    "classifier",
                    LogisticRegression(max_iter=1000, random_state=RANDOM_STATE),
                ),
            ]
        ),
        # v2 / "green": a different model family so the two deployments give
        # visibly different predictions. Shallow trees and a modest number of
        # estimators keep model.pkl small (well under 300 KB) to keep the repo
        # and model uploads light.
        "diabetes-v2": GradientBoostingClassifier(
            n_estimators=100,
            max_depth=2,
            learning_rate=0.1,
            random_state=RANDOM_STATE,
        ),
    }


def save_model(model, name: str, X_train: pd.DataFrame) -> Path:
    path = MODELS_DIR / name
    # save_model refuses to write into an existing directory; removing it
    # first makes reruns idempotent.
    if path.exists():
        shutil.rmtree(path)
    # The signature is inferred from the training frame and the model's own
    # predictions, so it records the 10 named double columns as input and the
    # int64 prediction as output; Azure ML uses it to validate requests.
    signature = infer_signature(X_train, model.predict(X_train))
    mlflow.sklearn.save_model(
        model,
        str(path),
        signature=signature,
        input_example=X_train.head(3),
        extra_pip_requirements=SERVING_EXTRA_PIP_REQUIREMENTS,
    )
    return path


def rounded(df: pd.DataFrame) -> pd.DataFrame:
    return df.round(DECIMALS)


def write_sample_request(X_test: pd.DataFrame) -> None:
    rows = rounded(X_test.head(N_SAMPLE_REQUEST_ROWS))
    # Azure ML managed online endpoints accept MLflow no-code requests as
    # {"input_data": <pandas "split" orientation>}. The index is reset to
    # 0..n-1 because the original dataset row numbers mean nothing to callers.
    payload = {
        "input_data": {
            "columns": list(rows.columns),
            "index": list(range(len(rows))),
            # float() turns numpy scalars into plain JSON numbers.
            "data": [[float(v) for v in row] for row in rows.to_numpy()],
        }
    }
    SAMPLE_REQUEST.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def write_batch_files(X_test: pd.DataFrame) -> list[Path]:
    BATCH_DIR.mkdir(parents=True, exist_ok=True)
    # Remove CSVs from earlier runs so a changed split never leaves stale parts.
    for old in BATCH_DIR.glob("*.csv"):
        old.unlink()
    rows = rounded(X_test)
    # Contiguous, near-equal chunks (30 rows each for the 90 held-out rows).
    bounds = np.linspace(0, len(rows), N_BATCH_FILES + 1).round().astype(int)
    paths = []
    for i in range(N_BATCH_FILES):
        part = rows.iloc[bounds[i] : bounds[i + 1]]
        path = BATCH_DIR / f"part-{i:03d}.csv"
        # Unlabeled on purpose: batch scoring inputs contain features only. No
        # index column either, so every column is a model input. Fixed-point
        # format and "\n" line endings keep the bytes stable across runs and
        # platforms.
        part.to_csv(path, index=False, float_format=f"%.{DECIMALS}f", lineterminator="\n")
        paths.append(path)
    return paths


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    X, y = load_data()
    # Stratify so both splits keep the ~50/50 class balance.
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, random_state=RANDOM_STATE, stratify=y
    )
    print(
        f"Data: {len(X_train)} train / {len(X_test)} test rows, "
        f"positive rate {y.mean():.2f} (label = progression > {THRESHOLD})"
    )

    for name, model in build_models().items():
        model.fit(X_train, y_train)
        accuracy = accuracy_score(y_test, model.predict(X_test))
        path = save_model(model, name, X_train)
        print(
            f"{name}: {type(model).__name__:<26} test accuracy {accuracy:.3f}  "
            f"model.pkl {(path / 'model.pkl').stat().st_size / 1024:.1f} KB, "
            f"folder {dir_size(path) / 1024:.1f} KB"
        )

    write_sample_request(X_test)
    print(f"Wrote {SAMPLE_REQUEST.relative_to(REPO_ROOT)}")
    for path in write_batch_files(X_test):
        print(f"Wrote {path.relative_to(REPO_ROOT)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
