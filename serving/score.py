"""Scoring entry script for Azure's inference server (azmlinfsrv): an MLflow model served the way
Azure serves a "no-code" MLflow deployment on a managed online endpoint.

It follows the contract of the scoring script Azure generates for such deployments (public:
Azure/azureml-assets, assets/inference/environments/mlflow-py312-inference/context/
mlflow_score_script.py), built on the same libraries, so that a request gets here the answer it
gets on Azure:

  input     `run` is declared with inference-schema's `input_schema`, so the inference server
            takes the two top-level keys `input_data` (required: without it, 400 "A value is not
            provided for the 'input_data' parameter.") and `params` (optional), and ignores any
            other key. What `input_data` may be follows from the model's metadata:
            - a column signature (or a saved dataframe input example): pandas "split" orientation,
              `{"columns": [...], "index": [...], "data": [[...]]}` (`index` optional), read with
              `pd.read_json(orient="split")` and cast to the signature's types - `1` for a
              double column is read as 1.0;
            - an unnamed tensor signature: a (nested) list, as a numpy array of its dtype;
            - named tensors: an object of lists, each as a numpy array of its dtype;
            - no signature: a list becomes an array, a split object (with `index`) a DataFrame,
              any other object named arrays; nothing is cast.
  params    passed to `predict` when the model's `predict` takes them (its params schema).
  output    the prediction made JSON as MLflow makes it (`_get_jsonable_obj`, records
            orientation): an array becomes a bare JSON list (nested lists for 2-D), a DataFrame
            a list of row objects, a Series a list of `{name: value}` objects.
  errors    the inference server's own: 415 without `Content-Type: application/json`, 400 for a
            body that is not a JSON object or has no `input_data`; anything that fails inside
            `run` (input the model or its signature refuses) is a 500 "An unexpected error
            occurred in scoring script. Check the logs for more info.", with the reason in the
            server's log.

The model is found as Azure finds it: AZUREML_MODEL_DIR (the registered model's root) and
MLFLOW_MODEL_FOLDER (the sub-folder holding MLmodel). It is loaded when the server imports this
script, so a model that cannot load keeps the server from starting, as it keeps an Azure
deployment from becoming ready.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from inference_schema.parameter_types.abstract_parameter_type import AbstractParameterType
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.parameter_types.pandas_parameter_type import PandasParameterType
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema, output_schema
from mlflow.models import Model
from mlflow.pyfunc import load_model
from mlflow.utils.proto_json_utils import _get_jsonable_obj

logger = logging.getLogger("azmlinfsrv.score")


class PassThrough(AbstractParameterType):
    """A parameter taken as the JSON gave it: for models without a signature or params schema."""

    def __init__(self) -> None:
        super().__init__(None)

    def deserialize_input(self, input_data: Any) -> Any:
        return input_data

    def input_to_swagger(self) -> dict:
        return {"type": "object", "example": {}}


def model_folder() -> str:
    model_dir = os.environ.get("AZUREML_MODEL_DIR")
    if not model_dir:
        raise RuntimeError("AZUREML_MODEL_DIR is not set: it names the folder the registered model was downloaded to")
    return os.path.join(model_dir, os.environ.get("MLFLOW_MODEL_FOLDER", ""))


def input_example(metadata: Model, path: str) -> pd.DataFrame | None:
    """The saved dataframe input example: its column types are the ones requests are cast to."""
    info = getattr(metadata, "saved_input_example_info", None) or {}
    if info.get("type") != "dataframe" or not info.get("artifact_path"):
        return None
    example_file = os.path.join(path, info["artifact_path"])
    if not os.path.exists(example_file):
        return None
    with open(example_file, encoding="utf-8") as f:
        example = json.load(f)
    orient = "split" if "columns" in example else "values"
    return pd.read_json(json.dumps(example), orient=orient, dtype=False)


def tensor_sample(spec) -> np.ndarray:
    shape = tuple(1 if dim == -1 else dim for dim in (spec.shape or (1,)))
    return np.zeros(shape, dtype=spec.type)


def input_parameter(metadata: Model, path: str) -> AbstractParameterType:
    """How `input_data` is read, from the model's input example or signature."""
    schema = metadata.get_input_schema()
    example = input_example(metadata, path)
    if example is not None and (schema is None or not schema.is_tensor_spec()):
        return PandasParameterType(example, enforce_shape=False, orient="split")
    if schema is None:
        return PassThrough()
    if schema.is_tensor_spec():
        if schema.has_input_names():
            return StandardPythonParameterType(
                {spec.name: NumpyParameterType(tensor_sample(spec), enforce_shape=False) for spec in schema.inputs}
            )
        return NumpyParameterType(tensor_sample(schema.inputs[0]), enforce_shape=False)
    if schema.has_input_names():
        names = schema.input_names()
        sample = pd.DataFrame(columns=names).astype(dtype=dict(zip(names, schema.pandas_types())))
        return PandasParameterType(sample, enforce_shape=False, orient="split")
    return PassThrough()


def params_parameter(metadata: Model) -> AbstractParameterType:
    params_schema = metadata.get_params_schema()
    if params_schema is None:
        return PassThrough()
    return StandardPythonParameterType({param.name: param.default for param in params_schema.params})


def model_input(input_data: Any) -> Any:
    """What the model is given when no signature decided it (see the module comment)."""
    if isinstance(input_data, (pd.DataFrame, np.ndarray)):
        return input_data
    if isinstance(input_data, dict) and input_data and isinstance(next(iter(input_data.values())), np.ndarray):
        return input_data
    if isinstance(input_data, str):
        input_data = json.loads(input_data)
    if isinstance(input_data, dict) and "input_data" in input_data:
        input_data = input_data["input_data"]
    if isinstance(input_data, list):
        return np.asarray(input_data)
    if isinstance(input_data, dict) and {"columns", "index", "data"} <= set(input_data):
        return pd.read_json(json.dumps(input_data), orient="split", dtype=False)
    if isinstance(input_data, dict):
        return {name: np.asarray(value) for name, value in input_data.items()}
    raise TypeError(f"input_data of type {type(input_data).__name__} cannot be scored")


# Loaded when the server imports the script (as Azure's does): the decorators below need the
# model's metadata, and a model that cannot load must keep the server from starting.
if hasattr(mlflow, "tracing"):
    # load_model() would otherwise set up tracing, which creates ./mlruns in the working directory.
    mlflow.tracing.disable()
_path = model_folder()
_metadata = Model.load(_path)
model = load_model(_path)
_predict_takes_params = "params" in inspect.signature(model.predict).parameters
logger.info("Loaded MLflow model from %s (input: %s)", _path, type(input_parameter(_metadata, _path)).__name__)


def init() -> None:
    """Nothing left to do: the model was loaded with the script."""


@input_schema("input_data", input_parameter(_metadata, _path))
@input_schema("params", params_parameter(_metadata), optional=True)
@output_schema(PassThrough())
def run(input_data, params=None):
    data = model_input(input_data)
    if params and _predict_takes_params:
        result = model.predict(data, params=params)
    else:
        if params:
            logger.warning("Ignoring params %s: the model's predict takes none", sorted(params))
        result = model.predict(data)
    return _get_jsonable_obj(result, pandas_orient="records")
