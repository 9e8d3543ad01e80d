"""The penguin models the Databricks stack serves answer the walkthrough's request as MLflow's
scoring server answers it (the contract Databricks model serving speaks), and the rollback
fixtures load like them and then answer badly.

The request goes through mlflow.pyfunc.scoring_server.invocations, the function behind the
server's POST /invocations, in this process: the same parsing (the JSON integers 210 and 4450
cast to the signature's doubles), schema enforcement and prediction, without starting a server."""

from __future__ import annotations

import json

import mlflow.pyfunc
import pandas as pd
import pytest
import yaml
from mlflow.exceptions import MlflowException
from mlflow.pyfunc import scoring_server

from conftest import REPO

MODELS = {"blue": REPO / "models" / "penguins-v1", "green": REPO / "models" / "penguins-v2"}
FIXTURES = REPO / "tests" / "fixtures" / "models"
SPECIES_CLASSES = {0, 1, 2}  # Adelie, Gentoo, Chinstrap, as the walkthrough's penguins.csv numbers them
GENTOO = 1
REQUEST_FILE = REPO / "sample-request-penguins.json"
AZURE_ML_ONLY = ("azureml-ai-monitoring", "azureml-contrib-services")


@pytest.fixture(autouse=True)
def tracking_elsewhere(monkeypatch, tmp_path):
    """Loading a model sets up MLflow's tracing, which makes a file store in the working directory."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tmp_path.as_uri())


def invoke(model_dir):
    """(status, body) of POST /invocations with the request file's bytes."""
    model = mlflow.pyfunc.load_model(str(model_dir))
    answer = scoring_server.invocations(REQUEST_FILE.read_text(), "application/json", model, model.metadata.get_input_schema())
    return answer.status, json.loads(answer.response)


def test_the_request_file_is_the_walkthroughs_query():
    assert json.loads(REQUEST_FILE.read_text()) == {
        "dataframe_records": [{"Island": "Biscoe", "CulmenLength": 48.7, "CulmenDepth": 14.1, "FlipperLength": 210, "BodyMass": 4450}]
    }


@pytest.mark.parametrize("entity", sorted(MODELS))
def test_a_committed_model_answers_the_request_with_a_species_class(entity):
    status, body = invoke(MODELS[entity])
    assert status == 200
    assert body == {"predictions": [GENTOO]}
    assert set(body["predictions"]) <= SPECIES_CLASSES


@pytest.mark.parametrize("model_dir", [*MODELS.values(), FIXTURES / "penguins-failing", FIXTURES / "penguins-wrong"], ids=lambda p: p.name)
def test_every_penguin_model_is_pinned_to_the_sample_models_packages_without_azure_mls(model_dir):
    def pins(folder):
        return (folder / "requirements.txt").read_text().split()

    def conda_pip(folder):
        return yaml.safe_load((folder / "conda.yaml").read_text())["dependencies"][-1]["pip"]

    reference = REPO / "models" / "diabetes-v1"
    assert pins(model_dir) == [pin for pin in pins(reference) if not pin.startswith(AZURE_ML_ONLY)]
    assert conda_pip(model_dir) == [pin for pin in conda_pip(reference) if not pin.startswith(AZURE_ML_ONLY)]
    assert (model_dir / "python_env.yaml").read_text() == (reference / "python_env.yaml").read_text()


def test_the_fixtures_have_the_served_models_signature():
    signature = mlflow.models.Model.load(str(MODELS["blue"])).signature
    for name in ("penguins-failing", "penguins-wrong"):
        assert mlflow.models.Model.load(str(FIXTURES / name)).signature == signature


def test_the_failing_fixture_loads_and_raises_on_predict():
    model = mlflow.pyfunc.load_model(str(FIXTURES / "penguins-failing"))
    request = json.loads(REQUEST_FILE.read_text())["dataframe_records"]
    with pytest.raises(RuntimeError, match="deliberately failing model"):
        model.predict(pd.DataFrame(request).astype({"FlipperLength": float, "BodyMass": float}))
    # The scoring server turns it into a 400 BAD_REQUEST.
    with pytest.raises(MlflowException) as refused:
        invoke(FIXTURES / "penguins-failing")
    assert refused.value.error_code == "BAD_REQUEST"


def test_the_wrong_fixture_answers_a_class_outside_the_species():
    status, body = invoke(FIXTURES / "penguins-wrong")
    assert status == 200
    assert body == {"predictions": [7]}
