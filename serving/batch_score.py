"""Score a folder of files locally, like an Azure ML batch deployment does.

Mirrors what a batch deployment of an MLflow model with
`outputAction: AppendRow` produces, so batch runs can be checked without Azure:

  - every .csv (and .parquet, if pyarrow is installed) file directly inside
    --input is scored; files are taken in sorted order and grouped into
    mini-batches of --mini-batch-size files (the deployment's `miniBatchSize`);
  - mini-batches run on up to --max-concurrency threads (the deployment's
    `maxConcurrencyPerInstance`);
  - CSV files are read with the signature's column types (as Azure's MLflow
    batch driver reads them: `pd.read_csv(dtype=...)`), and each file is
    scored with one `predict` call;
  - a file that cannot be scored fails its whole mini-batch, as it does on
    Azure (the driver raises for the mini-batch, so none of its files gets a
    row): every file of a failed mini-batch counts as a failed file. More
    failed files than --error-threshold (the deployment's `errorThreshold`;
    -1 = tolerate any number) fails the run; so does a run that scored no row
    at all. Every failed file is reported with its reason, -1 or not;
  - the output is ONE csv WITHOUT a header line, as Azure's append-row output
    (its tutorials read it with `pd.read_csv(..., names=[...])`), one line per
    input row: `row,prediction,file_name` (row = the row's 0-based position
    in its file, prediction as Python's str() of the value, file_name = the
    file's base name); a model answering a DataFrame gets one field per
    output column in place of `prediction`. Unlike Azure, whose order
    depends on which mini-batch finishes first, lines are sorted by file name,
    then row, so two runs can be compared byte for byte.

Usage (from the repo root, with the serving venv):

  .venv/serving/bin/python serving/batch_score.py --model models/diabetes-v1 \\
      --input data/batch --output /tmp/predictions.csv \\
      --mini-batch-size 2 --error-threshold -1 [--max-concurrency 2]

Exit codes: 0 success; 1 failed files exceeded --error-threshold, or no row
was scored (the output file is then NOT written, as a failed Azure job leaves
no usable output); 2 bad arguments, no input files or a model that cannot be
loaded.
stdout gets one summary line; everything else (warnings, per-file errors)
goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("batch_score")


@dataclass
class FileResult:
    file_name: str
    predictions: list[Any] = field(default_factory=list)
    error: str | None = None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Score a folder of CSV/Parquet files with an MLflow model, "
        "writing row,prediction,file_name lines without a header, like an Azure ML batch deployment (AppendRow)."
    )
    p.add_argument("--model", required=True, help="folder that contains the MLmodel file")
    p.add_argument("--input", required=True, help="folder with the input .csv/.parquet files")
    p.add_argument("--output", required=True, help="output CSV file (row,prediction,file_name; no header)")
    p.add_argument(
        "--mini-batch-size",
        type=int,
        required=True,
        help="number of files per mini-batch (Azure: miniBatchSize)",
    )
    p.add_argument(
        "--error-threshold",
        type=int,
        required=True,
        help="number of failed files to tolerate; -1 ignores all failures (Azure: errorThreshold)",
    )
    p.add_argument(
        "--max-concurrency",
        type=int,
        default=1,
        help="mini-batches scored in parallel threads (Azure: maxConcurrencyPerInstance); default 1",
    )
    args = p.parse_args(argv)
    if args.mini_batch_size < 1:
        p.error("--mini-batch-size must be >= 1")
    if args.error_threshold < -1:
        p.error("--error-threshold must be >= -1")
    if args.max_concurrency < 1:
        p.error("--max-concurrency must be >= 1")
    return args


def list_input_files(folder: str) -> list[str]:
    """Input files in sorted order; only the top level, like a UriFolder input."""
    try:
        import pyarrow  # noqa: F401

        has_pyarrow = True
    except ImportError:
        has_pyarrow = False

    files = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        ext = os.path.splitext(name)[1].lower()
        if ext == ".csv":
            files.append(path)
        elif ext == ".parquet":
            if has_pyarrow:
                files.append(path)
            else:
                # The serving venv deliberately has no pyarrow (large, and the
                # sample data is CSV); skipping loudly beats failing the run.
                logger.warning("Skipping %s: reading .parquet needs pyarrow, which is not installed", name)
    return files


def column_types(model) -> dict[str, Any] | None:
    """The signature's column types, by name, which CSV files are read with (as Azure reads them)."""
    schema = model.metadata.get_input_schema()
    if schema is None or schema.is_tensor_spec() or not schema.has_input_names():
        return None
    return dict(zip(schema.input_names(), schema.pandas_types()))


def read_file(path: str, dtypes: dict[str, Any] | None):
    import pandas as pd

    if path.lower().endswith(".parquet"):
        return pd.read_parquet(path)
    return pd.read_csv(path, engine="c", dtype=dtypes)


def score_file(model, path: str, dtypes: dict[str, Any] | None) -> FileResult:
    result = FileResult(file_name=os.path.basename(path))
    try:
        df = read_file(path, dtypes)
        if len(df) == 0:
            # A header-only file is valid input that yields no rows.
            return result
        result.predictions = to_row_fields(model.predict(df), len(df))
    except Exception as ex:  # noqa: BLE001 - any failure is this file's error
        result.error = f"{type(ex).__name__}: {_short(ex)}"
    return result


def score_mini_batch(model, paths: list[str], dtypes: dict[str, Any] | None) -> list[FileResult]:
    """A mini-batch succeeds whole or fails whole: Azure's driver raises for the mini-batch."""
    results = [score_file(model, path, dtypes) for path in paths]
    failed = [r.file_name for r in results if r.error]
    if failed:
        for r in results:
            if not r.error:
                r.predictions = []
                r.error = f"not scored: its mini-batch failed ({', '.join(failed)})"
    return results


def to_row_fields(prediction: Any, n_rows: int) -> list[list[str]]:
    """The CSV fields of each input row's prediction, as Azure's driver renders them: str() of each
    value, or one field per output column for a model answering a DataFrame."""
    import numpy as np
    import pandas as pd

    if isinstance(prediction, pd.DataFrame):
        rows = [[_text(v) for v in row] for row in prediction.itertuples(index=False)]
    elif isinstance(prediction, (pd.Series, np.ndarray)):
        rows = [[_text(v)] for v in prediction.tolist()]
    else:
        rows = [[_text(v)] for v in list(prediction)]
    if len(rows) != n_rows:
        raise ValueError(f"model returned {len(rows)} predictions for {n_rows} rows")
    return rows


def _text(value: Any) -> str:
    """str() of a prediction, as Azure writes it; NaN and None as empty fields."""
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return str(value)


def _short(ex: BaseException) -> str:
    # MLflow's schema errors embed a repr of the whole DataFrame before the
    # actual reason; keep the reason, and only the first line of anything else.
    text = str(ex)
    marker = ". Error: "
    if text.startswith("Failed to enforce schema") and marker in text:
        text = "input does not match the model signature: " + text.rsplit(marker, 1)[1]
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def write_output(path: str, results: list[FileResult]) -> int:
    """Write row,<prediction fields>,file_name lines (no header) atomically; returns the number of rows."""
    out_dir = os.path.dirname(os.path.abspath(path))
    os.makedirs(out_dir, exist_ok=True)
    n = 0
    # Write to a temp file in the same folder and rename, so a crash never
    # leaves a half-written predictions file that looks complete.
    fd, tmp = tempfile.mkstemp(prefix=".predictions-", suffix=".csv", dir=out_dir)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            for res in sorted(results, key=lambda r: r.file_name):
                for i, fields in enumerate(res.predictions):
                    w.writerow([i, *fields, res.file_name])
                    n += 1
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return n


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    started = time.monotonic()

    if not os.path.isdir(args.input):
        logger.error("Input folder not found: %s", args.input)
        return 2
    files = list_input_files(args.input)
    if not files:
        logger.error("No .csv/.parquet files to score in %s", args.input)
        return 2

    import mlflow
    import mlflow.pyfunc

    # Without this, load_model() re-enables MLflow tracing on return, which
    # creates ./mlruns in the working directory; nothing here is traced.
    mlflow.tracing.disable()
    try:
        model = mlflow.pyfunc.load_model(args.model)
    except Exception as ex:  # noqa: BLE001
        logger.error("Could not load the model from %s: %s", args.model, _short(ex))
        return 2

    mini_batches = [files[i : i + args.mini_batch_size] for i in range(0, len(files), args.mini_batch_size)]
    logger.info(
        "Scoring %d file(s) in %d mini-batch(es) of up to %d file(s), %d at a time",
        len(files),
        len(mini_batches),
        args.mini_batch_size,
        args.max_concurrency,
    )

    # Threads rather than processes: the model is loaded once and shared, and
    # pandas/scikit-learn release the GIL for most of the heavy lifting. A
    # scikit-learn predict is thread-safe (it does not mutate the estimator).
    dtypes = column_types(model)
    with ThreadPoolExecutor(max_workers=args.max_concurrency) as pool:
        batches = list(pool.map(lambda batch: score_mini_batch(model, batch, dtypes), mini_batches))
    results = [r for batch in batches for r in batch]

    errors = [r for r in results if r.error]
    for r in errors:
        print(f"error: {r.file_name}: {r.error}", file=sys.stderr)

    n_rows = sum(len(r.predictions) for r in results)
    over_threshold = args.error_threshold != -1 and len(errors) > args.error_threshold
    failed = over_threshold or n_rows == 0
    if failed:
        why = (
            f"{len(errors)} file(s) failed, more than --error-threshold {args.error_threshold}"
            if over_threshold
            else f"no row was scored ({len(errors)} of {len(files)} file(s) failed)"
        )
        print(f"error: {why}; {args.output} not written", file=sys.stderr)
    else:
        n_rows = write_output(args.output, results)

    print(
        f"files={len(files)} rows={n_rows} mini_batches={len(mini_batches)} errors={len(errors)} "
        f"seconds={time.monotonic() - started:.2f} output={args.output if not failed else '-'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
