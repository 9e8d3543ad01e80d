"""serving/batch_score.py writes what Azure's append-row MLflow batch scoring writes, and fails
when Azure's job fails."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from conftest import REPO, SERVING

sys.path.insert(0, str(SERVING))
import batch_score  # noqa: E402

COLUMNS = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
MODEL = REPO / "models" / "diabetes-v1"


def write_csv(path: Path, columns: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)


def run(model: Path, folder: Path, output: Path, *, mini_batch: int = 2, threshold: int = -1) -> int:
    return batch_score.main(
        ["--model", str(model), "--input", str(folder), "--output", str(output),
         "--mini-batch-size", str(mini_batch), "--error-threshold", str(threshold)]
    )


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    # Whole numbers written as integers: read with the signature's double type.
    write_csv(folder / "b.csv", COLUMNS, [[0, 1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]])
    write_csv(folder / "a.csv", COLUMNS, [[0.01] * 10])
    return folder


def lines(path: Path) -> list[list[str]]:
    with path.open(newline="") as f:
        return list(csv.reader(f))


def test_writes_one_headerless_line_per_input_row_row_prediction_file_name(inputs, tmp_path):
    output = tmp_path / "predictions.csv"
    assert run(MODEL, inputs, output) == 0
    written = lines(output)
    assert [(row, name) for row, _, name in written] == [("0", "a.csv"), ("0", "b.csv"), ("1", "b.csv")]
    assert all(prediction in {"0", "1"} for _, prediction, _ in written)
    assert written[0] != COLUMNS and "prediction" not in output.read_text()


def test_a_bad_file_fails_its_whole_mini_batch_and_every_failed_file_is_reported(inputs, tmp_path, capsys):
    write_csv(inputs / "c.csv", ["age"], [[1]])  # no other column: the signature refuses it
    output = tmp_path / "predictions.csv"
    # Mini-batches: [a, b], [c]. c fails alone; a and b are scored.
    assert run(MODEL, inputs, output, mini_batch=2) == 0
    assert {name for _, _, name in lines(output)} == {"a.csv", "b.csv"}
    # Mini-batches: [a, b, c]: c takes a and b down with it; nothing scored fails the run.
    assert run(MODEL, inputs, tmp_path / "all.csv", mini_batch=3) == 1
    errors = capsys.readouterr().err
    assert "error: c.csv:" in errors and "error: a.csv: not scored: its mini-batch failed (c.csv)" in errors
    assert "no row was scored (3 of 3 file(s) failed)" in errors
    assert not (tmp_path / "all.csv").exists()


def test_more_failed_files_than_the_threshold_fail_the_run_without_output(inputs, tmp_path, capsys):
    write_csv(inputs / "c.csv", ["age"], [[1]])
    output = tmp_path / "predictions.csv"
    assert run(MODEL, inputs, output, mini_batch=1, threshold=0) == 1
    assert "1 file(s) failed, more than --error-threshold 0" in capsys.readouterr().err
    assert not output.exists()
    assert run(MODEL, inputs, output, mini_batch=1, threshold=1) == 0


def test_a_model_answering_a_frame_gets_one_field_per_output_column(saved_models, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "x.csv", ["x", "n"], [[1, 2], [2.5, 3]])
    output = tmp_path / "predictions.csv"
    assert run(saved_models / "multi-output", folder, output) == 0
    assert lines(output) == [["0", "2.0", "float64", "x.csv"], ["1", "5.0", "float64", "x.csv"]]
