"""Train the penguin classifier of the MLflow on Azure Databricks walkthrough, logged to MLflow, for
the two served entities of the Databricks stack (blue and green).

The walkthrough (MS Learn "Use MLflow in Azure Databricks") trains a Spark MLlib pipeline:

  StringIndexer(Island -> IslandIdx)
  VectorAssembler(CulmenLength, CulmenDepth, FlipperLength, BodyMass) -> MinMaxScaler
  VectorAssembler(IslandIdx, normalizedFeatures) -> LogisticRegression(maxIter, regParam)

This is the same pipeline in scikit-learn, not Spark: pyspark (a ~300 MB download plus a JVM per
served entity) is too heavy for CI and for serving each entity in its own environment, while a
scikit-learn model shares the sample models' pinned environment. Step by step:

  StringIndexer         OrdinalEncoder with the islands ordered as StringIndexer orders them
                        (most frequent in the training data first, ties alphabetical), and an
                        unknown island refused as StringIndexer's handleInvalid="error" does
  VectorAssembler +     ColumnTransformer: IslandIdx unscaled, then the four measurements
  MinMaxScaler          min-max scaled to [0, 1]
  LogisticRegression    Spark's LogisticRegression standardizes the features internally
                        (standardization=True: divided by their sample standard deviation, not
                        centred) and minimizes  mean(log loss) + regParam/2 * |w_std|^2  over the
                        standardized coefficients. scikit-learn minimizes
                        C * sum(log loss) + 1/2 * |w|^2, so the pipeline divides by the standard
                        deviation too (StandardScaler(with_mean=False)) and sets
                        C = (n - 1) / (regParam * n^2)  for n training rows: the n turns a sum
                        into a mean, the (n - 1)/n turns scikit-learn's population standard
                        deviation into Spark's sample one. (C = 1/regParam would regularize n
                        times less than Spark does.) maxIter is max_iter: both are L-BFGS
                        iterations, though Breeze and SciPy take different steps and start from
                        different intercepts, so a fit stopped at maxIter=10 is close to Spark's,
                        not identical. Multinomial for the three classes, as Spark's family="auto".

Data: the palmerpenguins package's penguins.csv (inside its wheel, read without a download), the
same 344 rows in the same order as the walkthrough's penguins.csv, with the walkthrough's column
names: island -> Island, bill_length_mm -> CulmenLength, bill_depth_mm -> CulmenDepth,
flipper_length_mm -> FlipperLength, body_mass_g -> BodyMass, and species -> Species as the
walkthrough's file numbers them: Adelie 0, Gentoo 1, Chinstrap 2. Rows missing any of those
columns are dropped (342 rows remain, as in the walkthrough, which has no sex column), and a fixed
70/30 split (random_state 42) replaces Spark's unseeded randomSplit([0.7, 0.3]).

The served inputs are Island as a string and the four measurements as doubles, so the
walkthrough's request, whose FlipperLength 210 and BodyMass 4450 are JSON integers, is cast to
double by MLflow's schema enforcement. The prediction is the integer class.

Runs, one per parameter set, in the experiment --experiment (default /Shared/penguins, an absolute
workspace path as Databricks wants): parameters maxIter and regParam (and the scikit-learn values
they map to), metrics accuracy, weightedRecall and weightedPrecision on the test rows (the
walkthrough's MulticlassClassificationEvaluator metrics), the model under `model`.

  blue   maxIter 10, regParam 0.2    the walkthrough's train_penguin_model(train, test, 10, 0.2),
                                     the run it registers as "Penguin Predictor" version 1
  green  maxIter 100, regParam 0.01  a fit run to convergence with little regularization

Where to log: MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN as the MLflow client reads them
(`npm run train:penguins -- --stack <name>` sets them from .local/mlflow/<name>.env); without
MLFLOW_TRACKING_URI, a local file store in mlruns/ at the repo root.

  --write-models          also write models/penguins-v1 (blue) and models/penguins-v2 (green), the
                          folders the Databricks stack serves. A folder whose model is unchanged
                          is left as it is, so a re-run rewrites no bytes (MLflow would give it a
                          new model_uuid and creation time).
  --register NAME         register a run's model under NAME (e.g. "Penguin Predictor") in the
                          tracking server's registry; --register-run chooses which (default blue).

The folders' requirements are pinned to the sample models' (models/diabetes-v1 without its Azure
ML packages), so they are served in an environment made of the same packages.

Prints one JSON line last: {"runs": {"blue": {"runId": ..., "accuracy": ...}, ...}[, "model": ...,
"version": ...]}. Run through scripts/train-sample-models.sh --penguins (npm run train:penguins),
which provides training/requirements.txt.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import logging
import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import mlflow
import mlflow.sklearn
import numpy as np
import pandas as pd
import yaml
from mlflow.models import infer_signature
from palmerpenguins import load_penguins
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, precision_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OrdinalEncoder, StandardScaler

REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "models"
LOCAL_TRACKING_DIR = REPO_ROOT / "mlruns"

# palmerpenguins' column -> the walkthrough's.
COLUMNS = {
    "island": "Island",
    "bill_length_mm": "CulmenLength",
    "bill_depth_mm": "CulmenDepth",
    "flipper_length_mm": "FlipperLength",
    "body_mass_g": "BodyMass",
    "species": "Species",
}
CAT_FEATURE = "Island"
NUM_FEATURES = ["CulmenLength", "CulmenDepth", "FlipperLength", "BodyMass"]
LABEL = "Species"
# The walkthrough's penguins.csv numbers the species in the order the table lists them.
SPECIES = {"Adelie": 0, "Gentoo": 1, "Chinstrap": 2}

RANDOM_STATE = 42
TEST_FRACTION = 0.3


@dataclass(frozen=True)
class ParameterSet:
    max_iter: int
    reg_param: float
    folder: str


PARAMETER_SETS = {
    "blue": ParameterSet(max_iter=10, reg_param=0.2, folder="penguins-v1"),
    "green": ParameterSet(max_iter=100, reg_param=0.01, folder="penguins-v2"),
}

# The sample models' pins (models/diabetes-v1/requirements.txt) without azureml-ai-monitoring and
# azureml-contrib-services, which only Azure ML's scoring script imports: the same packages, so
# the penguin models are served in an environment built from the same caches.
PIP_REQUIREMENTS = ["mlflow==2.22.5", "cloudpickle==3.1.2", "pandas==2.2.3", "scikit-learn==1.6.1"]

# The walkthrough's request row: the folders' input example.
SEED_ROW = {"Island": "Biscoe", "CulmenLength": 48.7, "CulmenDepth": 14.1, "FlipperLength": 210.0, "BodyMass": 4450.0}

# MLflow compares the model's requirements with this environment, which has mlflow-skinny rather
# than mlflow: the warning says nothing about the model. Runs from a file outside a git checkout
# of the tracking server's host warn about git too. Only errors matter here.
logging.getLogger("mlflow").setLevel(logging.ERROR)


def load_data() -> tuple[pd.DataFrame, pd.Series]:
    """The walkthrough's table: features (Island string, measurements double) and the int64 class."""
    penguins = load_penguins()[list(COLUMNS)].rename(columns=COLUMNS).dropna()
    X = penguins[[CAT_FEATURE, *NUM_FEATURES]].astype({name: np.float64 for name in NUM_FEATURES})
    X = X.reset_index(drop=True)
    # int64 classes make predict() answer int64, recorded as an integer output in the signature.
    y = penguins[LABEL].map(SPECIES).astype(np.int64).reset_index(drop=True)
    return X, y


def islands_by_frequency(islands: pd.Series) -> list[str]:
    """StringIndexer's default order (frequencyDesc): most frequent first, ties alphabetical."""
    counts = islands.value_counts()
    return sorted(counts.index, key=lambda island: (-counts[island], island))


def spark_c(reg_param: float, n_train: int) -> float:
    """scikit-learn's C for Spark's regParam on n_train rows (see the module docstring)."""
    return (n_train - 1) / (reg_param * n_train**2)


def build_pipeline(params: ParameterSet, X_train: pd.DataFrame) -> Pipeline:
    features = ColumnTransformer(
        [
            ("IslandIdx", OrdinalEncoder(categories=[islands_by_frequency(X_train[CAT_FEATURE])]), [CAT_FEATURE]),
            ("normalizedFeatures", MinMaxScaler(), NUM_FEATURES),
        ]
    )
    return Pipeline(
        [
            ("features", features),
            # Spark's LogisticRegression(standardization=True), done before the estimator.
            ("standardization", StandardScaler(with_mean=False)),
            (
                "classifier",
                LogisticRegression(max_iter=params.max_iter, C=spark_c(params.reg_param, len(X_train)), random_state=RANDOM_STATE),
            ),
        ]
    )


def evaluate(model: Pipeline, X_test: pd.DataFrame, y_test: pd.Series) -> dict[str, float]:
    """The walkthrough's MulticlassClassificationEvaluator metrics; a never-predicted class has precision 0, as in Spark."""
    predicted = model.predict(X_test)
    return {
        "accuracy": float(accuracy_score(y_test, predicted)),
        "weightedRecall": float(recall_score(y_test, predicted, average="weighted", zero_division=0)),
        "weightedPrecision": float(precision_score(y_test, predicted, average="weighted", zero_division=0)),
    }


def fit(params: ParameterSet, X_train: pd.DataFrame, y_train: pd.Series) -> Pipeline:
    model = build_pipeline(params, X_train)
    # The walkthrough's maxIter=10 stops L-BFGS before it converges, on purpose.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return model


def save_model(model: Pipeline, path: Path, X_train: pd.DataFrame) -> None:
    # The signature comes from the training frame and the model's own predictions: Island a string,
    # the measurements doubles, the prediction an int64.
    mlflow.sklearn.save_model(
        model,
        str(path),
        signature=infer_signature(X_train, model.predict(X_train)),
        input_example=pd.DataFrame([SEED_ROW]),
        pip_requirements=PIP_REQUIREMENTS,
    )


# What MLflow writes differently on every save of the same model.
VOLATILE_MLMODEL_KEYS = ("model_uuid", "utc_time_created")


def same_model_folder(a: Path, b: Path) -> bool:
    """Same files with the same bytes, MLmodel compared without the keys every save changes."""
    names_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    names_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    if names_a != names_b:
        return False
    for name in names_a:
        if name == Path("MLmodel"):
            mlmodel_a, mlmodel_b = (yaml.safe_load((d / name).read_text()) for d in (a, b))
            for key in VOLATILE_MLMODEL_KEYS:
                mlmodel_a.pop(key, None)
                mlmodel_b.pop(key, None)
            if mlmodel_a != mlmodel_b:
                return False
        elif not filecmp.cmp(a / name, b / name, shallow=False):
            return False
    return True


def write_model_folder(model: Pipeline, name: str, X_train: pd.DataFrame) -> str:
    """Writes models/<name> unless it already holds this model; returns "written" or "unchanged"."""
    target = MODELS_DIR / name
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / name
        save_model(model, fresh, X_train)
        if target.exists() and same_model_folder(fresh, target):
            return "unchanged"
        if target.exists():
            shutil.rmtree(target)
        shutil.move(fresh, target)
    return "written"


def log_run(set_name: str, params: ParameterSet, model: Pipeline, metrics: dict[str, float], n_train: int, X_train: pd.DataFrame) -> str:
    with mlflow.start_run(run_name=f"penguins-{set_name}") as run:
        mlflow.set_tag("parameterSet", set_name)
        mlflow.log_params(
            {
                "maxIter": params.max_iter,
                "regParam": params.reg_param,
                "sklearn.max_iter": params.max_iter,
                "sklearn.C": spark_c(params.reg_param, n_train),
            }
        )
        mlflow.log_metrics(metrics)
        mlflow.sklearn.log_model(
            model,
            artifact_path="model",
            signature=infer_signature(X_train, model.predict(X_train)),
            pip_requirements=PIP_REQUIREMENTS,
        )
    return run.info.run_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experiment", default="/Shared/penguins", help="MLflow experiment name (default %(default)s)")
    parser.add_argument("--write-models", action="store_true", help="write models/penguins-v1 (blue) and models/penguins-v2 (green)")
    parser.add_argument("--register", metavar="NAME", help='register a run\'s model under NAME, e.g. "Penguin Predictor"')
    parser.add_argument("--register-run", choices=sorted(PARAMETER_SETS), default="blue", help="the run --register registers (default %(default)s)")
    args = parser.parse_args()

    if not os.environ.get("MLFLOW_TRACKING_URI"):
        mlflow.set_tracking_uri(LOCAL_TRACKING_DIR.as_uri())
    print(f"Tracking: {mlflow.get_tracking_uri()}", file=sys.stderr)
    mlflow.set_experiment(args.experiment)

    X, y = load_data()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=TEST_FRACTION, random_state=RANDOM_STATE)
    print(f"Data: {len(X_train)} train / {len(X_test)} test rows", file=sys.stderr)

    runs: dict[str, dict[str, object]] = {}
    for set_name, params in PARAMETER_SETS.items():
        model = fit(params, X_train, y_train)
        metrics = evaluate(model, X_test, y_test)
        run_id = log_run(set_name, params, model, metrics, len(X_train), X_train)
        runs[set_name] = {"runId": run_id, "maxIter": params.max_iter, "regParam": params.reg_param, **metrics}
        line = f"{set_name:<5} maxIter {params.max_iter:<3} regParam {params.reg_param:<4}  " + "  ".join(f"{k} {v:.3f}" for k, v in metrics.items())
        line += f"  (L-BFGS iterations {int(model.named_steps['classifier'].n_iter_[0])}) run {run_id}"
        if args.write_models:
            line += f"  models/{params.folder} {write_model_folder(model, params.folder, X_train)}"
        print(line, file=sys.stderr)

    result: dict[str, object] = {"runs": runs}
    if args.register:
        run_id = runs[args.register_run]["runId"]
        registered = mlflow.register_model(f"runs:/{run_id}/model", args.register)
        print(f"registered {registered.name} version {registered.version} from the {args.register_run} run", file=sys.stderr)
        result.update({"model": registered.name, "version": int(registered.version), "runId": run_id})
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
