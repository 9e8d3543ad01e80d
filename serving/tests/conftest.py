"""Fixtures: real inference servers (azmlinfsrv, bound to 127.0.0.1) running serving/score.py with
a model, as a managed online deployment runs Azure's MLflow scoring script, and small MLflow
models saved here with the signature shapes the contract distinguishes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SERVING = Path(__file__).resolve().parent.parent
REPO = SERVING.parent
LOOPBACK_SERVER = (
    "import azureml_inference_server_http.constants as c; c.DEFAULT_HOST = '127.0.0.1'; "
    "from azureml_inference_server_http.amlserver import run; run()"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, model_dir: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
        env.update(AZUREML_MODEL_DIR=str(model_dir.parent), MLFLOW_MODEL_FOLDER=model_dir.name)
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOOPBACK_SERVER, "--entry_script", str(SERVING / "score.py"), "--port", str(self.port)],
            cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server for {model_dir} exited:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server for {model_dir} not live after 90 s:\n{log.read_text()[-3000:]}")

    def score(self, body, content_type: str = "application/json") -> tuple[int, object]:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        request = urllib.request.Request(
            f"{self.url}/score", data=data.encode() if isinstance(data, str) else data, method="POST",
            headers={"Content-Type": content_type},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, text

    def stop(self) -> None:
        os.killpg(self.process.pid, 9)
        self.process.wait()


@pytest.fixture(scope="session")
def serve(tmp_path_factory):
    """serve(model_dir) -> a running Server, one per model folder, stopped at the end."""
    servers: dict[Path, Server] = {}

    def start(model_dir: Path) -> Server:
        if model_dir not in servers:
            servers[model_dir] = Server(model_dir, tmp_path_factory.mktemp("logs") / f"{model_dir.name}.log")
        return servers[model_dir]

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def saved_models(tmp_path_factory) -> Path:
    """MLflow models from code (serving/tests/model_code/*.py), saved with each signature shape."""
    import mlflow.pyfunc
    from mlflow.models import ModelSignature
    from mlflow.types.schema import ColSpec, ParamSchema, ParamSpec, Schema, TensorSpec
    import numpy as np

    root = tmp_path_factory.mktemp("models")
    code = Path(__file__).parent / "model_code"
    tensor = Schema([TensorSpec(np.dtype("float64"), (-1, 3))])
    shapes = {
        "tensor": ("row_sums.py", ModelSignature(inputs=tensor)),
        "named-tensors": ("named_sums.py", ModelSignature(inputs=Schema([TensorSpec(np.dtype("float64"), (-1,), "a"), TensorSpec(np.dtype("float64"), (-1,), "b")]))),
        "multi-output": ("two_outputs.py", ModelSignature(inputs=Schema([ColSpec("double", "x"), ColSpec("long", "n")]))),
        "params": ("scaled.py", ModelSignature(inputs=Schema([ColSpec("double", "x")]), params=ParamSchema([ParamSpec("factor", "double", 1.0)]))),
        "no-signature": ("row_sums.py", None),
    }
    for name, (script, signature) in shapes.items():
        mlflow.pyfunc.save_model(str(root / name), python_model=str(code / script), signature=signature)
    return root
