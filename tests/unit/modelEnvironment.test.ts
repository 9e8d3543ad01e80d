import * as fs from "fs";
import * as path from "path";
import { failedRequirement, pipErrors } from "../../emulator/inference/modelEnvironment";
import { readModelRequirements } from "../../config/folders/modelRequirements";
import { environmentHash } from "../../emulator/inference/modelRequirements";
import { ProcessLog } from "../../emulator/inference/processLog";
import { fakeModelFolder } from "../support/modelFolders";
import { projectDir } from "../support/stackFile";

const mlmodel = (pythonVersion: string, env = "\n    env:\n      conda: conda.yaml\n      virtualenv: python_env.yaml") =>
    `flavors:\n  python_function:${env}\n    loader_module: mlflow.sklearn\n    python_version: ${pythonVersion}\n`;
const conda = (pip: string[], extra: string[] = []) =>
    `channels:\n- conda-forge\ndependencies:\n- python=3.11.7\n- pip<=23.2.1\n${extra.map((d) => `- ${d}\n`).join("")}- pip:\n${pip.map((p) => `  - ${p}\n`).join("")}name: mlflow-env\n`;

describe("a model's requirements, read as Azure reads them", () => {
    it("takes the conda file's pip list and Python version, and names conda-only packages", () => {
        const dir = fakeModelFolder(mlmodel("3.11.7"), { "conda.yaml": conda(["mlflow==2.22.5", "scikit-learn==1.3.2"], ["libgomp"]), "requirements.txt": "ignored==1\n" });
        expect(readModelRequirements(dir)).toEqual({
            pip: ["mlflow==2.22.5", "scikit-learn==1.3.2"],
            python: "3.11.7",
            condaOnly: ["libgomp"],
            source: "conda.yaml",
            condaPip: "<=23.2.1",
        });
    });

    it("falls back to requirements.txt and python_env.yaml when the model names no conda file", () => {
        const dir = fakeModelFolder(mlmodel("3.10.1", ""), { "requirements.txt": "# pinned\nlightgbm==4.6.0\n-r extra.txt\n", "python_env.yaml": "python: 3.10.13\n" });
        expect(readModelRequirements(dir)).toEqual({
            pip: ["lightgbm==4.6.0", `-r ${path.join(dir, "extra.txt")}`],
            python: "3.10.13",
            condaOnly: [],
            source: "requirements.txt",
        });
    });

    it("names one environment per set of requirements, whatever their order, and a new one when they change", () => {
        const a = { pip: ["b==1", "a==1"], condaOnly: [], source: "conda.yaml" };
        const same = { pip: ["a==1", "b==1"], condaOnly: [], source: "requirements.txt" };
        const server = "azureml-inference-server-http==1.5.1";
        expect(environmentHash(a, "3.11.7", server)).toBe(environmentHash(same, "3.11.2", server));
        expect(environmentHash(a, "3.11.7", server)).not.toBe(environmentHash({ ...a, pip: ["a==2", "b==1"] }, "3.11.7", server));
        expect(environmentHash(a, "3.11.7", server)).not.toBe(environmentHash(a, "3.12.1", server));
        expect(environmentHash(a, "3.11.7", server)).not.toBe(environmentHash(a, "3.11.7", "azureml-inference-server-http==1.6.0"));
    });

    it("shares one environment between the committed dev models, whose requirements are the same", () => {
        const server = fs.readFileSync(path.join(projectDir, "serving", "inference-server.txt"), "utf8");
        const hash = (model: string) => environmentHash(readModelRequirements(path.join(projectDir, "models", model)), "3.11.7", server);
        expect(hash("diabetes-v1")).toBe(hash("diabetes-v2"));
        expect(hash("diabetes-sklearn13")).not.toBe(hash("diabetes-lightgbm"));
    });
});

describe("pip's reason, when a model's requirement cannot be installed", () => {
    it("names the requirement as the model lists it, and keeps pip's ERROR lines", () => {
        const output = [
            "Collecting mlflow==2.22.5",
            "ERROR: Could not find a version that satisfies the requirement scikit_learn==9.9.9 (from versions: 1.6.0, 1.6.1)",
            "ERROR: No matching distribution found for scikit_learn==9.9.9",
        ].join("\n");
        expect(failedRequirement(output, ["mlflow==2.22.5", "scikit-learn==9.9.9"])).toBe("scikit-learn==9.9.9");
        expect(pipErrors(output)).toBe(
            "  ERROR: Could not find a version that satisfies the requirement scikit_learn==9.9.9 (from versions: 1.6.0, 1.6.1)\n" +
                "  ERROR: No matching distribution found for scikit_learn==9.9.9",
        );
        expect(failedRequirement("ERROR: Cannot install numpy==1.26.4 and pandas==2.2.3 because these package versions have conflicting dependencies.", ["numpy==1.26.4"])).toBe("numpy==1.26.4");
    });
});

describe("a failing server's report", () => {
    it("keeps the first error and its traceback, however much the server prints after it", () => {
        const log = new ProcessLog();
        log.add("Starting gunicorn 23.0.0\nTraceback (most recent call last):\n  File \"score.py\", line 3\nModuleNotFoundError: No module named 'lightgbm'\n");
        for (let i = 0; i < 500; i++) log.add(`worker ${i} exiting\n`);
        const report = log.report();
        expect(report).toContain("Traceback (most recent call last):\n  File \"score.py\", line 3\nModuleNotFoundError: No module named 'lightgbm'");
        expect(report).toContain("worker 499 exiting");
        expect(report).not.toContain("worker 100 exiting");
    });
});
