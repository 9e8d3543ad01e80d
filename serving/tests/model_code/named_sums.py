"""A model from code with named tensor inputs a and b: their element-wise sum."""
import mlflow
import numpy as np


class NamedSums(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return np.asarray(model_input["a"]) + np.asarray(model_input["b"])


mlflow.models.set_model(NamedSums())
