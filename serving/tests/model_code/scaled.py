"""A model from code that takes a `factor` param: x times factor."""
import mlflow


class Scaled(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return (model_input["x"] * (params or {}).get("factor", 1.0)).to_numpy()


mlflow.models.set_model(Scaled())
