"""Train the sample classifier against a workspace's MLflow tracking server, the four ways the
Azure ML walkthrough logs a model, and register the chosen run's model through MLflow.

  autolog            mlflow.autolog(): parameters, metrics and the model, all automatic
  sklearn-autolog    mlflow.sklearn.autolog(): the same through the flavor's own autolog
  inferred-signature parameters and metrics logged by hand, the model with infer_signature()
  defined-signature  the same, with a ModelSignature written out column by column

Each way is one run in the experiment (default `diabetes-classifier`), with its parameters and
its test accuracy. The run chosen with --register (default defined-signature) is registered as
the model `--model-name` (default `diabetes-classifier`) with mlflow.register_model: in an Azure ML
workspace (and in the local Azure) that is the workspace's model registry, so the new version is
what a stack deploys by reference (`models: [{name: diabetes-classifier, version: N}]`).

Where to log: MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN, as the MLflow client reads them
(`npm run train -- --stack <name>` sets them from what `npm run local` wrote). Prints one JSON
line last: {"model": ..., "version": ..., "runId": ..., "runs": {...}}.

Run through scripts/train-sample-models.sh, which provides training/requirements.txt.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

import mlflow
import mlflow.sklearn
from mlflow.models import infer_signature
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import ColSpec, Schema, TensorSpec
import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from train import RANDOM_STATE, SERVING_EXTRA_PIP_REQUIREMENTS, TEST_SIZE, THRESHOLD, build_models, load_data

WAYS = ("autolog", "sklearn-autolog", "inferred-signature", "defined-signature")

# Autolog warns about the serving-only packages and the git repository it cannot read; only errors matter here.
logging.getLogger("mlflow").setLevel(logging.ERROR)


def defined_signature(columns: list[str]) -> ModelSignature:
    """The walkthrough's hand-written signature: one double column per feature, an int64 prediction."""
    inputs = Schema([ColSpec("double", name) for name in columns])
    outputs = Schema([TensorSpec(np.dtype("int64"), (-1,))])
    return ModelSignature(inputs=inputs, outputs=outputs)


def train_one(way: str, X_train, X_test, y_train, y_test) -> str:
    """One run logged `way`; returns its run id."""
    # Autolog's own model logging is used by the first two ways; the others log by hand.
    if way == "autolog":
        mlflow.autolog(log_models=True, silent=True, extra_tags={"logging": way})
    elif way == "sklearn-autolog":
        mlflow.sklearn.autolog(log_models=True, silent=True, extra_tags={"logging": way})
    model = build_models()["diabetes-v1"] if way in ("autolog", "defined-signature") else GradientBoostingClassifier(
        n_estimators=100, max_depth=2, learning_rate=0.1, random_state=RANDOM_STATE
    )
    with mlflow.start_run(run_name=f"diabetes-{way}") as run:
        mlflow.set_tag("logging", way)
        model.fit(X_train, y_train)
        accuracy = accuracy_score(y_test, model.predict(X_test))
        mlflow.log_metric("test_accuracy", accuracy)
        mlflow.log_params({"threshold": THRESHOLD, "test_size": TEST_SIZE, "random_state": RANDOM_STATE})
        if way in ("inferred-signature", "defined-signature"):
            mlflow.log_params({"estimator": type(model).__name__})
            signature = (
                infer_signature(X_train, model.predict(X_train)) if way == "inferred-signature" else defined_signature(list(X_train.columns))
            )
            mlflow.sklearn.log_model(
                model,
                artifact_path="model",
                signature=signature,
                extra_pip_requirements=SERVING_EXTRA_PIP_REQUIREMENTS,
            )
    if way in ("autolog", "sklearn-autolog"):
        mlflow.autolog(disable=True)
        mlflow.sklearn.autolog(disable=True)
    print(f"{way:<19} run {run.info.run_id}  test accuracy {accuracy:.3f}", file=sys.stderr)
    return run.info.run_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experiment", default="diabetes-classifier")
    parser.add_argument("--model-name", default="diabetes-classifier")
    parser.add_argument("--register", choices=WAYS, default="defined-signature", help="the run whose model is registered")
    args = parser.parse_args()
    if not os.environ.get("MLFLOW_TRACKING_URI"):
        print("MLFLOW_TRACKING_URI is not set: run `npm run train -- --stack <name>` while `npm run local -- --stack <name>` serves", file=sys.stderr)
        return 2

    X, y = load_data()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=TEST_SIZE, random_state=RANDOM_STATE, stratify=y)
    mlflow.set_experiment(args.experiment)
    runs = {way: train_one(way, X_train, X_test, y_train, y_test) for way in WAYS}
    registered = mlflow.register_model(f"runs:/{runs[args.register]}/model", args.model_name)
    print(f"registered {registered.name} version {registered.version} from the {args.register} run", file=sys.stderr)
    print(json.dumps({"model": registered.name, "version": int(registered.version), "runId": runs[args.register], "runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
