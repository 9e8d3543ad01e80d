"""Scoring entry script for Azure's inference server (azmlinfsrv).

Serves an MLflow pyfunc model with the same request/response contract as an
Azure ML managed online endpoint running a "no-code" MLflow deployment, so the
stack's online deployments can be exercised locally before (or instead of)
deploying them:

  request   POST /score, Content-Type: application/json
            {"input_data": {"columns": [...], "index": [...], "data": [[...]]},
             "params": {...}}                                  (params optional)
  response  a bare JSON array, one prediction per row, e.g. [0, 1, 1]
  errors    400 {"message": ...} for anything wrong with the request,
            500 {"message": ...} when the model itself fails

The model is located through the same environment variables Azure sets in the
inference container: AZUREML_MODEL_DIR (the registered model's root) and
MLFLOW_MODEL_FOLDER (the sub-folder that holds the MLmodel file).

Written for azureml-inference-server-http 1.5.x (see serving/requirements.txt).

Running it locally (from the repo root, with the serving venv):

  AZUREML_MODEL_DIR=$PWD/models MLFLOW_MODEL_FOLDER=diabetes-v1 \
    .venv/serving/bin/azmlinfsrv --entry_script serving/score.py --port 5001

azmlinfsrv always binds 0.0.0.0 (the host is a constant, not an option). To
listen on loopback only, start the same server through this one-liner, which
overrides that constant before the server reads it (same arguments after it):

  .venv/serving/bin/python -c 'import azureml_inference_server_http.constants as c; \
c.DEFAULT_HOST = "127.0.0.1"; from azureml_inference_server_http.amlserver import run; run()' \
    --entry_script serving/score.py --port 5001
"""

from __future__ import annotations

import json
import logging
import math
import os
from typing import Any

import numpy as np
import pandas as pd
import mlflow
import mlflow.pyfunc
from mlflow.exceptions import MlflowException

# run() can only choose its HTTP status by returning a Response object: any
# exception it raises is turned into a generic 500 ("An unexpected error
# occurred in scoring script") by the server. AMLResponse is that object (a
# flask.Response subclass); the server also passes any other flask.Response
# through untouched. The server package ships it as
# azureml_inference_server_http.api.aml_response; the older
# azureml.contrib.services.aml_response (separate azureml-contrib-services
# package) is only a fallback for images that lack the former.
try:
    from azureml_inference_server_http.api.aml_response import AMLResponse
except ImportError:  # pragma: no cover - only on old/curated Azure images
    from azureml.contrib.services.aml_response import AMLResponse

# A child of the server's "azmlinfsrv" logger, so our messages use the
# server's handlers/format and show up in the same log stream (and, on Azure,
# in the deployment logs).
logger = logging.getLogger("azmlinfsrv.score")

# Populated once per worker process by init(); run() is only called afterwards.
model = None
# Column names from the model signature, used to give a readable 400 message
# for missing columns before MLflow produces its much longer one.
input_columns: list[str] | None = None
# Whether the signature declares a params schema. Without one, MLflow ignores
# params anyway (with a warning on every call), so we drop them ourselves.
accepts_params = False


class BadRequest(Exception):
    """The request is malformed or does not match the model's input schema."""


def init() -> None:
    """Load the model once per worker, before any request is served.

    Failing here is deliberate: the server exits with a boot error instead of
    starting a process that answers every request with 500, which is what a
    deployment's liveness/readiness probe should see.
    """
    global model, input_columns, accepts_params

    model_dir = os.environ.get("AZUREML_MODEL_DIR")
    if not model_dir:
        raise RuntimeError(
            "AZUREML_MODEL_DIR is not set; point it at the folder that contains the model "
            "(or pass --model_dir to azmlinfsrv)"
        )
    # Azure registers the folder that *contains* the MLflow model and names the
    # sub-folder in MLFLOW_MODEL_FOLDER; an empty value means the root itself.
    model_path = os.path.join(model_dir, os.environ.get("MLFLOW_MODEL_FOLDER", ""))
    logger.info("Loading MLflow model from %s", model_path)
    # load_model() re-enables MLflow tracing when it returns, and enabling it
    # creates a file tracking store, i.e. an ./mlruns folder in whatever the
    # working directory is (the repo root when run locally). Nothing here is
    # traced, so switch tracing off first and leave the working tree alone.
    mlflow.tracing.disable()
    model = mlflow.pyfunc.load_model(model_path)

    schema = model.metadata.get_input_schema()
    if schema is not None and schema.has_input_names():
        input_columns = list(schema.input_names())
        logger.info("Model signature input columns: %s", input_columns)
    else:
        input_columns = None
        logger.warning("Model has no named input signature; inputs are passed through unchecked")

    accepts_params = model.metadata.get_params_schema() is not None
    logger.info("Model accepts params: %s", accepts_params)


def run(raw_data: str):
    """Score one request.

    The server hands undecorated run() functions the raw request body as a str
    (no JSON parsing, no validation), so everything about the request format
    is checked here and reported as 400.
    """
    try:
        df, params = _parse_request(raw_data)
    except BadRequest as ex:
        return _error(400, str(ex))

    try:
        if params and accepts_params:
            result = model.predict(df, params=params)
        else:
            if params:
                logger.warning(
                    "Ignoring params %s: the model signature defines no params schema",
                    sorted(params),
                )
            result = model.predict(df)
    except MlflowException as ex:
        # MLflow reports schema enforcement failures (missing columns, values
        # that cannot be converted to the declared type, bad params) as
        # INVALID_PARAMETER_VALUE: that is the caller's fault, not the model's.
        if ex.error_code == _INVALID_PARAMETER_VALUE:
            return _error(400, _short_schema_error(ex.message))
        logger.exception("Model prediction failed")
        return _error(500, f"Model prediction failed: {ex.message}")
    except Exception as ex:  # noqa: BLE001 - any other failure is the model's...
        # ...unless the request contains missing values: MLflow's signature
        # only checks that columns exist and have the right type, so a JSON null
        # reaches the model as NaN and most estimators then refuse the whole
        # batch. Reporting that as 500 would invite pointless retries (clients
        # treat 5xx as retryable), so a failure on input with nulls is 400.
        null_columns = _columns_with_nulls(df)
        if null_columns:
            logger.warning("Model rejected input with null values in %s: %s", null_columns, ex)
            return _error(
                400,
                f"Model rejected the input, which has null/NaN values in column(s) "
                f"{null_columns}: {type(ex).__name__}: {_first_line(ex)}",
            )
        logger.exception("Model prediction failed")
        return _error(500, f"Model prediction failed: {type(ex).__name__}: {ex}")

    try:
        # Returning a plain list lets the server JSON-encode it as the body of a
        # 200 response, i.e. the bare array the managed endpoint returns.
        return _to_jsonable(result)
    except Exception as ex:  # noqa: BLE001
        logger.exception("Could not convert the prediction to JSON")
        return _error(500, f"Could not convert the prediction to JSON: {ex}")


# MlflowException.error_code holds the protobuf ErrorCode *name* (a str), not
# its number.
_INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"


def _short_schema_error(message: str) -> str:
    """Drop the input dump from MLflow's schema enforcement message.

    MLflow's message is "Failed to enforce schema of data '<DataFrame repr>'
    with schema '<schema>'. Error: <reason>": the repr of the caller's own data
    is noise, the reason is what they need.
    """
    marker = ". Error: "
    if message.startswith("Failed to enforce schema") and marker in message:
        reason = message.rsplit(marker, 1)[1]
        return f"Input does not match the model signature: {reason}"
    return message


def _first_line(ex: BaseException) -> str:
    # scikit-learn appends a paragraph of advice to some errors; one line is
    # enough for an HTTP client (the full text is in the server log).
    lines = str(ex).strip().splitlines()
    return lines[0] if lines else ""


def _columns_with_nulls(df: pd.DataFrame) -> list[str]:
    try:
        return [str(c) for c in df.columns[df.isna().any()]]
    except Exception:  # noqa: BLE001 - best effort, only used for the message
        return []


def _parse_request(raw_data: Any) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """Turn the request body into (DataFrame, params), or raise BadRequest."""
    if isinstance(raw_data, (bytes, bytearray)):
        raw_data = raw_data.decode("utf-8")
    if isinstance(raw_data, str):
        try:
            body = json.loads(raw_data)
        except ValueError as ex:
            raise BadRequest(f"Request body is not valid JSON: {ex}") from None
    else:
        # Defensive: a future server version (or a test) may pass parsed JSON.
        body = raw_data

    if not isinstance(body, dict) or "input_data" not in body:
        raise BadRequest(
            'Request body must be a JSON object with an "input_data" key, e.g. '
            '{"input_data": {"columns": [...], "index": [...], "data": [[...]]}}'
        )

    params = body.get("params")
    if params is not None and not isinstance(params, dict):
        raise BadRequest('"params" must be a JSON object')

    df = _to_dataframe(body["input_data"])
    if df.empty:
        raise BadRequest('"input_data" contains no rows')

    # MLflow would reject this too, but its message embeds the whole input and
    # schema; a short list of the missing names is more useful to a caller.
    if input_columns is not None:
        missing = [c for c in input_columns if c not in df.columns]
        if missing:
            raise BadRequest(
                f"Missing required input column(s): {missing}. Expected columns: {input_columns}"
            )

    return df, params


def _to_dataframe(input_data: Any) -> pd.DataFrame:
    """Build a DataFrame from the shapes Azure's MLflow deployments accept.

    - split orientation (the documented one):
        {"columns": [...], "index": [...], "data": [[...], ...]}
    - records: [{"col": value, ...}, ...]
    - dict of columns: {"col": [v1, v2, ...], ...}  (or scalars for one row)
    """
    try:
        if isinstance(input_data, dict) and "data" in input_data and set(input_data) <= {
            "columns",
            "index",
            "data",
        }:
            data = input_data["data"]
            if not isinstance(data, list) or not all(isinstance(row, list) for row in data):
                raise BadRequest('"input_data.data" must be a list of rows (lists)')
            columns = input_data.get("columns")
            # pandas silently pads short rows with NaN; a row with the wrong
            # number of values is a malformed request, so say so up front.
            if isinstance(columns, list):
                bad_rows = [i for i, row in enumerate(data) if len(row) != len(columns)]
                if bad_rows:
                    raise BadRequest(
                        f"Row(s) {bad_rows[:10]} of \"input_data.data\" do not have "
                        f"{len(columns)} values (one per column)"
                    )
            return pd.DataFrame(
                data=data,
                columns=columns,
                index=input_data.get("index"),
            )
        if isinstance(input_data, list):
            if not all(isinstance(row, dict) for row in input_data):
                raise BadRequest(
                    '"input_data" as a list must contain one JSON object per row (records)'
                )
            return pd.DataFrame.from_records(input_data)
        if isinstance(input_data, dict):
            if all(not isinstance(v, (list, dict)) for v in input_data.values()):
                # All scalars: a single row, which pandas would otherwise reject
                # ("If using all scalar values, you must pass an index").
                return pd.DataFrame([input_data])
            return pd.DataFrame(input_data)
    except BadRequest:
        raise
    except (ValueError, TypeError) as ex:
        # pandas' own complaints, e.g. "5 columns passed, passed data had 4
        # columns" or index/data length mismatches.
        raise BadRequest(f'Could not build a DataFrame from "input_data": {ex}') from None
    raise BadRequest(
        '"input_data" must be an object in pandas "split" orientation '
        '({"columns", "index", "data"}), a list of row objects, or an object of columns'
    )


def _to_jsonable(result: Any) -> Any:
    """Convert a pyfunc prediction into plain JSON types, one entry per row."""
    if isinstance(result, pd.DataFrame):
        # A single output column is flattened so a one-output model still
        # returns a bare array of values; wider outputs become row objects.
        if result.shape[1] == 1:
            result = result.iloc[:, 0]
        else:
            return [_plain(r) for r in result.to_dict(orient="records")]
    if isinstance(result, pd.Series):
        result = result.to_numpy()
    if isinstance(result, np.ndarray):
        # tolist() already yields Python ints/floats (not numpy scalars).
        result = result.tolist()
    return _plain(result)


def _plain(value: Any) -> Any:
    """Recursively replace numpy scalars and non-finite floats.

    json.dumps writes NaN/Infinity, which is not valid JSON for most clients,
    so those become null.
    """
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _error(status: int, message: str) -> AMLResponse:
    # Same body shape the server uses for its own errors ({"message": ...}),
    # so clients can handle both uniformly.
    return AMLResponse({"message": message}, status, json_str=True)
