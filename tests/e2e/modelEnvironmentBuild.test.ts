import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ModelEnvironmentError, prepareModelEnvironments } from "../../emulator/inference/modelEnvironment";
import { fakeModelFolder } from "../support/modelFolders";
import { projectDir } from "../support/stackFile";

/** Building a model's environment for real: Python interpreters and pip, so not in the unit tier. */
const mlmodel = (pythonVersion: string) =>
    `flavors:\n  python_function:\n    env:\n      conda: conda.yaml\n      virtualenv: python_env.yaml\n    loader_module: mlflow.sklearn\n    python_version: ${pythonVersion}\n`;
const conda = (pip: string[]) =>
    `channels:\n- conda-forge\ndependencies:\n- python=3.11.7\n- pip<=23.2.1\n- pip:\n${pip.map((p) => `  - ${p}\n`).join("")}name: mlflow-env\n`;

describe("building a model's environment", () => {
    it("fails before building anything else, naming the model, the requirement and pip's reason; warns once for a Python it cannot match", async () => {
        const dir = fakeModelFolder(mlmodel("2.0.1"), { "conda.yaml": conda(["this is not a requirement!"]).replace("python=3.11.7", "python=2.0.1") });
        const progress: string[] = [];
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "model-env-"));
        fs.mkdirSync(path.join(scratch, "serving"));
        fs.copyFileSync(path.join(projectDir, "serving", "inference-server.txt"), path.join(scratch, "serving", "inference-server.txt"));
        try {
            const error = await prepareModelEnvironments([{ key: "broken:1", dir }], { projectDir: scratch, progress: (l) => progress.push(l) }).catch((e) => e);
            expect(error).toBeInstanceOf(ModelEnvironmentError);
            expect(error.message).toMatch(/^the Python environment of model broken:1 cannot be built: requirement this is not a requirement! cannot be installed:\n {2}ERROR: Invalid requirement/);
            expect(progress.filter((l) => l.startsWith("warning:"))).toEqual([
                expect.stringMatching(/^warning: model broken:1 was saved with Python 2\.0\.1 \(conda\.yaml\); no Python 2\.0 here, so it is served with Python 3\.\d+\.\d+$/),
            ]);
            // The half-built environment is gone, so the next run starts clean.
            expect(fs.readdirSync(path.join(scratch, ".venv", "models"))).toEqual([]);
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    }, 60_000);
});
