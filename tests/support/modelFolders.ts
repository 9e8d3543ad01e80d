import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const created: string[] = [];
// Throw-away folders go when the test file that made them is done.
afterAll(() => created.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A throw-away MLflow model folder with the given MLmodel text (or none), for validation tests. */
export function fakeModelFolder(mlmodel: string | undefined, files: Record<string, string> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-model-"));
    created.push(dir);
    if (mlmodel !== undefined) fs.writeFileSync(path.join(dir, "MLmodel"), mlmodel);
    for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), content);
    }
    return dir;
}

export const validMlmodel = `flavors:
  python_function:
    loader_module: mlflow.sklearn
    model_path: model.pkl
  sklearn:
    pickled_model: model.pkl
mlflow_version: 2.22.5
signature:
  inputs: '[{"type": "double", "name": "age", "required": true}, {"type": "double", "name": "bmi", "required": true}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
`;
