"""Train one of the "compatibility" sample models: MLflow models nobody on this project would
write the way its own samples are written, to prove the platform serves any model Azure serves.

  --model sklearn13   models/diabetes-sklearn13: StandardScaler + LogisticRegression saved with
                      scikit-learn 1.3.2 on numpy 1 (run in training/requirements-sklearn13.txt)
  --model lightgbm    models/diabetes-lightgbm: a LightGBM classifier (lightgbm 4.6, numpy 2;
                      run in training/requirements-lightgbm.txt)
  --model py312       models/diabetes-py312: saved with Python 3.12, pinning psutil==7.0.0 as
                      recent MLflow releases log it (run in training/requirements-py312.txt)
  --model py38        models/diabetes-py38: saved with Python 3.8 and scikit-learn 1.1
                      (run in training/requirements-py38.txt)

Their requirements conflict (scikit-learn 1.3.2 vs 1.6.1, numpy 1 vs 2), so serving them side by
side needs one Python environment per model, as Azure builds them.

Both learn the scikit-learn diabetes data **unscaled** (age in years, sex 1/2, blood serum values),
target binarised at > 140, so their signatures hold double columns whose values are mostly whole
numbers: sample-request-unscaled.json writes those as JSON integers (59, not 59.0), the way a
client does, and Azure's scoring casts them to the signature's doubles.

Run through scripts/train-compat-models.sh, which provides each model's training environment.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.datasets import load_diabetes
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

REPO_ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 140
RANDOM_STATE = 42
TEST_SIZE = 90
N_SAMPLE_REQUEST_ROWS = 5
SAMPLE_REQUEST = REPO_ROOT / "sample-request-unscaled.json"
# What Azure's MLflow scoring image imports besides the model's own packages (see train.py).
SERVING_EXTRA_PIP_REQUIREMENTS = ["azureml-ai-monitoring==1.0.0", "azureml-contrib-services==1.62.0"]
logging.getLogger("mlflow.utils.requirements_utils").setLevel(logging.ERROR)


def load_data() -> tuple[pd.DataFrame, pd.Series]:
    dataset = load_diabetes(as_frame=True, scaled=False)
    X = dataset.data.astype(np.float64)
    y = (dataset.target > THRESHOLD).astype(np.int64).rename("label")
    return X, y


def save(model, flavor, name: str, X_train: pd.DataFrame, pins: list[str] = ()) -> Path:
    path = REPO_ROOT / "models" / name
    if path.exists():
        shutil.rmtree(path)
    flavor.save_model(
        model,
        str(path),
        signature=infer_signature(X_train, model.predict(X_train)),
        input_example=X_train.head(3),
        extra_pip_requirements=[*SERVING_EXTRA_PIP_REQUIREMENTS, *pins],
    )
    return path


def whole_as_int(value: float) -> float | int:
    """59.0 -> 59: what a client writes for a whole number."""
    return int(value) if float(value).is_integer() else round(float(value), 4)


def write_sample_request(X_test: pd.DataFrame) -> None:
    rows = X_test.head(N_SAMPLE_REQUEST_ROWS)
    request = {
        "input_data": {
            "columns": list(rows.columns),
            "index": list(range(len(rows))),
            "data": [[whole_as_int(v) for v in row] for row in rows.itertuples(index=False)],
        }
    }
    SAMPLE_REQUEST.write_text(json.dumps(request, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["sklearn13", "lightgbm", "py312", "py38"], required=True)
    args = parser.parse_args()
    X, y = load_data()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=TEST_SIZE, random_state=RANDOM_STATE, stratify=y)

    if args.model == "sklearn13":
        import mlflow.sklearn
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        model = Pipeline([("scaler", StandardScaler()), ("classifier", LogisticRegression(max_iter=1000, random_state=RANDOM_STATE))])
        model.fit(X_train, y_train)
        # scikit-learn 1.3 wheels are built against numpy 1: pinned, as a careful team pins them
        # (MLflow does not infer numpy or pandas here).
        path = save(model, mlflow.sklearn, "diabetes-sklearn13", X_train, ["numpy==1.26.4", "pandas==2.1.4"])
        # The request is written once, by the model whose environment runs first.
        write_sample_request(X_test)
    elif args.model in ("py312", "py38"):
        import mlflow.sklearn
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        model = Pipeline([("scaler", StandardScaler()), ("classifier", LogisticRegression(max_iter=1000, random_state=RANDOM_STATE))])
        model.fit(X_train, y_train)
        # What each training environment pins beyond what MLflow infers: recent MLflow logs
        # psutil==7.0.0 (py312); the old stack is pinned whole, as a careful team pins it (py38).
        import numpy, pandas, sklearn  # noqa: E401 - the versions this model was trained with

        pins = {
            "py312": ["psutil==7.0.0"],
            "py38": [f"numpy=={numpy.__version__}", f"pandas=={pandas.__version__}", f"scikit-learn=={sklearn.__version__}"],
        }[args.model]
        path = save(model, mlflow.sklearn, f"diabetes-{args.model}", X_train, pins)
    else:
        import lightgbm
        import mlflow.lightgbm

        model = lightgbm.LGBMClassifier(n_estimators=60, num_leaves=8, learning_rate=0.1, random_state=RANDOM_STATE, verbose=-1)
        model.fit(X_train, y_train)
        path = save(model, mlflow.lightgbm, "diabetes-lightgbm", X_train)

    accuracy = accuracy_score(y_test, model.predict(X_test))
    print(f"{path.relative_to(REPO_ROOT)}: accuracy {accuracy:.3f} on {len(X_test)} held-out rows")


if __name__ == "__main__":
    main()
