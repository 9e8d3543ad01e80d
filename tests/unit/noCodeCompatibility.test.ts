import * as path from "path";
import { noCodeCompatibility } from "../../config/azureCatalog/noCodeCompatibilityTable";
import { StackConfig, stackConfigSchema } from "../../config/schema";
import { checkNoCodeCompatibility } from "../../program/preflight/noCodeCompatibility";
import { fakeModelFolder, validMlmodel } from "../support/modelFolders";
import { azureMlStacks, projectDir, stackConfigObject } from "../support/stackFile";

const table = noCodeCompatibility();

/** A model folder as MLflow writes it: conda.yaml with this Python and pip list. */
function modelWith(python: string, pip: readonly string[], condaPip = "pip<=23.2.1"): string {
    const conda = ["channels:", "- conda-forge", "dependencies:", `- python=${python}`, `- ${condaPip}`, "- pip:", ...pip.map((p) => `  - ${p}`), "name: mlflow-env", ""].join("\n");
    const mlmodel = validMlmodel.replace("    loader_module: mlflow.sklearn", `    env:\n      conda: conda.yaml\n    loader_module: mlflow.sklearn\n    python_version: ${python}`);
    return fakeModelFolder(mlmodel, { "conda.yaml": conda, "requirements.txt": pip.join("\n") });
}

const fine = ["mlflow==2.22.5", "scikit-learn==1.6.1", "azureml-ai-monitoring==1.0.0", "azureml-contrib-services==1.62.0"];

/** The dev stack serving the folder as green's model. */
function servingGreen(dir: string): { config: StackConfig; projectDir: string } {
    const raw = structuredClone(stackConfigObject("dev")) as Record<string, any>;
    raw.models[1].path = path.basename(dir);
    return { config: stackConfigSchema.parse(raw), projectDir: path.dirname(dir) };
}

function check(dir: string) {
    const { config, projectDir: where } = servingGreen(dir);
    return checkNoCodeCompatibility(config, where, table).findings.filter((f) => f.key === "models[1].path");
}

const rowsOf = (findings: ReturnType<typeof check>) => findings.map((f) => [f.severity, f.rule?.id]);

describe("no-code compatibility of each served model, against the committed table", () => {
    it("passes a model as the samples save it (Python 3.11, MLflow 2.22, azureml-ai-monitoring)", () => {
        expect(check(modelWith("3.11.7", fine))).toEqual([]);
    });

    it("flags an MLflow 3 pin with the table's row, as a warning", () => {
        const findings = check(modelWith("3.11.7", ["mlflow==3.1.0", ...fine.slice(1)]));
        expect(rowsOf(findings)).toEqual([["warning", "NC7 mlflow-3"]]);
        expect(findings[0].message).toContain("mlflow==3.1.0");
        expect(findings[0].rule?.source).toContain("Azure/azureml-examples#3873");
    });

    it("refuses an end-of-life Python and a missing azureml-ai-monitoring as errors, and names them both", () => {
        const findings = check(modelWith("3.7.15", ["mlflow==1.30.0", "scikit-learn==0.24.1"]));
        expect(rowsOf(findings)).toEqual([
            ["error", "NC1 python-end-of-life"],
            ["error", "NC4 azureml-ai-monitoring-missing"],
            ["warning", "NC8 mlflow-1"],
        ]);
        expect(findings[0]).toMatchObject({ key: "models[1].path", value: path.basename(findings[0].value as string) });
    });

    it("warns on Python 3.8, and refuses an inference server pin that excludes the model's Python", () => {
        expect(rowsOf(check(modelWith("3.8.18", fine)))).toEqual([["warning", "NC2 python-3.8"]]);
        const pinned = check(modelWith("3.8.18", [...fine, "azureml-inference-server-http==1.4.0"]));
        expect(rowsOf(pinned)).toEqual([["warning", "NC2 python-3.8"], ["error", "NC5 server-pin-excludes-python"]]);
        expect(pinned[1].message).toContain("azureml-inference-server-http==1.4.0 needs Python >=3.9, the model has 3.8.18");
    });

    it("warns on an unpinned mlflow, a server release without azureml-contrib-services, and an old pip cap", () => {
        const findings = check(modelWith("3.10.14", ["mlflow>=2", "azureml-ai-monitoring", "azureml_inference_server_http==1.3.4"], "pip<=21.2.4"));
        expect(rowsOf(findings)).toEqual([
            ["warning", "NC6 server-needs-contrib-services"],
            ["warning", "NC9 mlflow-unpinned"],
            ["warning", "NC10 pip-too-old"],
        ]);
    });

    it("warns on a Python newer than the inference server declares, and reads a conda pin with a build string", () => {
        expect(rowsOf(check(modelWith("3.13.1", fine)))).toEqual([["warning", "NC3 python-newer-than-server"]]);
        expect(rowsOf(check(modelWith("3.7.12=hf930737_100_cpython", fine)))).toEqual([["error", "NC1 python-end-of-life"]]);
    });

    it("takes pip's cap at its word: <22.1 and =21.0 are too old, <23 is not", () => {
        expect(rowsOf(check(modelWith("3.11.7", fine, "pip<22.1")))).toEqual([["warning", "NC10 pip-too-old"]]);
        expect(rowsOf(check(modelWith("3.11.7", fine, "pip=21.0")))).toEqual([["warning", "NC10 pip-too-old"]]);
        expect(check(modelWith("3.11.7", fine, "pip<23"))).toEqual([]);
    });

    it.each(azureMlStacks)("finds no error in the committed %s stack's models", (stack) => {
        const config = stackConfigSchema.parse(stackConfigObject(stack));
        const { findings } = checkNoCodeCompatibility(config, projectDir, table);
        // The compat stack serves a Python 3.8 model on purpose: the one warning it should get.
        expect(findings.map((f) => [f.severity, f.rule?.id, f.value])).toEqual(stack === "compat" ? [["warning", "NC2 python-3.8", "models/diabetes-py38"]] : []);
    });
});
