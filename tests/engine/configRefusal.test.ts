import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { execFile } from "child_process";
import { promisify } from "util";
import { projectDir } from "../support/stackFile";

/**
 * A stack file with mistakes of every class the configuration checks know, run by the real engine
 * against the emulator in a process of its own, as `npm run local` runs the program. `pulumi up` fails before the program registers any resource (the random
 * name suffix included), listing every problem in one run.
 */
jest.setTimeout(180_000);

let scratch = "";
beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-config-refusal-"));
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function stackFileWithMistakes(): string {
    const dev = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
    const config = dev.config;
    config["azureml-mlflow:location"] = "westeurpoe";
    config["azureml-mlflow:tags"] = { ...config["azureml-mlflow:tags"], "cost/center": "42" };
    config["azureml-mlflow:computeCluster"].vmSize = "Standard_DS2v2";
    config["azureml-mlflow:computeCluster"].maxNodes = "2";
    config["azureml-mlflow:onlineEndpoint"].deployments[1].instanceType = "DS3_v2";
    config["azureml-mlflow:batchEndpoint"].name = config["azureml-mlflow:onlineEndpoint"].name;
    config["azureml-mlflw:smokeTest"] = { enabled: false };
    return toYaml(dev);
}

it("refuses every class of mistake in one run, before any resource exists", async () => {
    fs.writeFileSync(path.join(scratch, "Pulumi.mistakes.yaml"), stackFileWithMistakes());
    const { stdout } = await promisify(execFile)(
        path.join(projectDir, "node_modules", ".bin", "ts-node"),
        ["--transpile-only", path.join(projectDir, "tests", "support", "engineUpProcess.ts"), scratch, "mistakes"],
        { cwd: projectDir, maxBuffer: 16 * 1024 * 1024 },
    );
    const result = JSON.parse(stdout.trim().split("\n").pop()!) as { error?: string; resources: string[]; armOperations: number };
    const failure = new Error(result.error ?? "up succeeded");

    const expected = [
        "Pulumi.mistakes.yaml has 7 configuration problems:",
        'azureml-mlflow:computeCluster.maxNodes = "2": must be a whole number >= 1',
        'azureml-mlflw:smokeTest = {"enabled":false}: is in namespace "azureml-mlflw", which nothing in this program reads; did you mean "azureml-mlflow"?',
        'azureml-mlflow:location = "westeurpoe": is not a region of the Azure public cloud (azure-native:environment); did you mean "westeurope"?',
        'azureml-mlflow:tags.cost/center = "42": has "/" in its name',
        'azureml-mlflow:computeCluster.vmSize = "Standard_DS2v2": is not a VM size Azure ML compute clusters offer; did you mean "Standard_DS2_v2"?',
        'azureml-mlflow:onlineEndpoint.deployments[1].instanceType = "DS3_v2": is not an instance type managed online endpoints support; did you mean "Standard_DS3_v2"?',
        'azureml-mlflow:batchEndpoint.name = "diabetes": is also onlineEndpoint.name',
    ];
    for (const line of expected) expect(failure.message).toContain(line);
    // A configuration error, not a crash: no stack trace of the program.
    expect(failure.message).not.toMatch(/at loadStackConfig|StackConfigError/);

    expect(result.resources.filter((type) => type !== "pulumi:pulumi:Stack")).toEqual([]);
    expect(result.armOperations).toBe(0);
});
