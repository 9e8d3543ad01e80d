"""serving/score.py answers what Azure's MLflow scoring answers, request form by request form.

Each test talks HTTP to a real inference server (azmlinfsrv) running the script with a model."""

from __future__ import annotations

import json

import pytest

from conftest import REPO

GENERIC_500 = "An unexpected error occurred in scoring script. Check the logs for more info."


@pytest.fixture(scope="module")
def diabetes(serve):
    return serve(REPO / "models" / "diabetes-v1")


@pytest.fixture(scope="module")
def request_body():
    return json.loads((REPO / "sample-request.json").read_text())


class TestColumnSignature:
    def test_split_orientation_with_index_gives_a_bare_list_one_prediction_per_row(self, diabetes, request_body):
        status, body = diabetes.score(request_body)
        assert status == 200
        assert isinstance(body, list) and len(body) == len(request_body["input_data"]["data"])
        assert set(body) <= {0, 1}

    def test_index_is_optional(self, diabetes, request_body):
        without_index = {"input_data": {k: v for k, v in request_body["input_data"].items() if k != "index"}}
        assert diabetes.score(without_index) == diabetes.score(request_body)

    def test_integers_in_double_columns_score_like_the_same_floats(self, diabetes):
        columns = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
        as_ints = {"input_data": {"columns": columns, "index": [0], "data": [[0, 1, 0, 0, 0, 0, 0, 0, 0, 0]]}}
        as_floats = {"input_data": {"columns": columns, "index": [0], "data": [[0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]}}
        assert diabetes.score(as_ints) == diabetes.score(as_floats)
        assert diabetes.score(as_ints)[0] == 200

    def test_other_top_level_keys_and_params_without_a_params_schema_are_ignored(self, diabetes, request_body):
        assert diabetes.score({**request_body, "extra": 1, "params": {"x": 1}}) == diabetes.score(request_body)

    def test_records_orientation_is_refused_as_azure_refuses_it(self, diabetes, request_body):
        columns = request_body["input_data"]["columns"]
        records = [dict(zip(columns, row)) for row in request_body["input_data"]["data"]]
        assert diabetes.score({"input_data": records}) == (500, {"message": GENERIC_500})

    def test_a_missing_column_fails_inside_run(self, diabetes, request_body):
        short = {"input_data": {"columns": request_body["input_data"]["columns"][1:], "data": [row[1:] for row in request_body["input_data"]["data"]]}}
        assert diabetes.score(short) == (500, {"message": GENERIC_500})

    def test_a_value_that_is_not_a_number_fails_inside_run(self, diabetes, request_body):
        bad = json.loads(json.dumps(request_body))
        bad["input_data"]["data"][0][0] = "old"
        assert diabetes.score(bad) == (500, {"message": GENERIC_500})


class TestRequestRefusals:
    def test_no_input_data_is_a_400_naming_it(self, diabetes):
        assert diabetes.score({"data": [[1]]}) == (400, {"message": "A value is not provided for the 'input_data' parameter."})

    def test_a_body_that_is_not_json_is_a_400(self, diabetes):
        status, body = diabetes.score("{not json")
        assert status == 400 and "could not be decoded as JSON" in body["message"]

    def test_a_json_body_that_is_not_an_object_is_a_400(self, diabetes):
        assert diabetes.score([1, 2]) == (400, {"message": "POST body should be a JSON dictionary."})

    def test_another_content_type_is_a_415(self, diabetes, request_body):
        status, _ = diabetes.score(json.dumps(request_body), content_type="text/plain")
        assert status == 415


class TestOtherSignatures:
    def test_an_unnamed_tensor_takes_nested_lists_and_answers_a_bare_list(self, serve, saved_models):
        assert serve(saved_models / "tensor").score({"input_data": [[1, 2, 3], [4, 5, 6]]}) == (200, [6.0, 15.0])

    def test_named_tensors_take_an_object_of_lists(self, serve, saved_models):
        assert serve(saved_models / "named-tensors").score({"input_data": {"a": [1, 2], "b": [10, 20]}}) == (200, [11.0, 22.0])

    def test_a_multi_output_model_answers_one_object_per_row_with_columns_cast(self, serve, saved_models):
        status, body = serve(saved_models / "multi-output").score({"input_data": {"columns": ["x", "n"], "data": [[1, 2], [2.5, 3]]}})
        assert status == 200
        assert body == [{"doubled": 2.0, "x_dtype": "float64"}, {"doubled": 5.0, "x_dtype": "float64"}]

    def test_params_reach_a_model_with_a_params_schema(self, serve, saved_models):
        server = serve(saved_models / "params")
        body = {"input_data": {"columns": ["x"], "data": [[2], [3]]}}
        assert server.score(body) == (200, [2.0, 3.0])
        assert server.score({**body, "params": {"factor": 10}}) == (200, [20.0, 30.0])

    def test_without_a_signature_a_list_is_an_array_and_a_split_object_a_frame(self, serve, saved_models):
        server = serve(saved_models / "no-signature")
        assert server.score({"input_data": [[1, 2, 3]]}) == (200, [6.0])
        assert server.score({"input_data": {"columns": ["a", "b"], "index": [0], "data": [[1, 2]]}}) == (200, [3.0])
