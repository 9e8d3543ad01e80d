"""A model from code with two outputs per row (a DataFrame): x doubled, and x's type as seen."""
import mlflow
import pandas as pd


class TwoOutputs(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return pd.DataFrame({"doubled": model_input["x"] * 2, "x_dtype": str(model_input["x"].dtype)})


mlflow.models.set_model(TwoOutputs())
