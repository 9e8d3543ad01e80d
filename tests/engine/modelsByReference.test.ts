import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { writeDevStack } from "../support/devStack";
import { engineProject } from "../support/engineProject";
import { projectDir } from "../support/stackFile";

/**
 * MLflow as the system of record, through the real engine against the local Azure: training logs
 * to the workspace's MLflow (MLflow's own server) and registers through it; the MLflow client and
 * ARM see one registry; a stack deploys a registered version by reference, refuses a missing or
 * unsigned one before anything changes, and registers a run's model itself.
 */
jest.setTimeout(1_200_000);

const project = engineProject("engine-models-by-reference");
const run = promisify(execFile);
const model = "diabetes-classifier";

type Change = (config: Record<string, any>) => void;

/** Dev with green (no live traffic, no mirror) serving `greenModel`, and `extra` models listed. */
const devServing = (greenModel: string, extra: Record<string, unknown>[] = []): Change => (c) => {
    c.models.push(...extra);
    c.onlineEndpoint.deployments.find((d: { name: string }) => d.name === "green").model = greenModel;
    c.onlineEndpoint.mirrorTraffic = {};
};

let python = "";
let workspaceId = "";

/** The MLflow client's environment for the stack's workspace, as `npm run train -- --stack dev` sets it. */
const tracking = () => ({ ...process.env, MLFLOW_TRACKING_URI: project.azure().trackingUri(workspaceId), MLFLOW_TRACKING_TOKEN: project.azure().bearerToken });

async function python_(args: string[]): Promise<any> {
    const { stdout } = await run(python, args, { cwd: projectDir, env: tracking(), maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout.trim().split("\n").pop()!);
}

async function armVersions(): Promise<Record<string, any>[]> {
    const azure = project.azure();
    const answer = await fetch(`${azure.arm.url}${workspaceId}/models/${model}/versions?api-version=2025-12-01`, { headers: { Authorization: `Bearer ${azure.bearerToken}` } });
    return ((await answer.json()) as { value: Record<string, any>[] }).value;
}

beforeAll(async () => {
    // The training environment (training/requirements.txt), as `npm run train` makes it.
    const { stdout } = await run("bash", [path.join(projectDir, "scripts", "python-venv.sh"), "training", "training/requirements.txt"], { cwd: projectDir });
    python = stdout.trim().split("\n").pop()!;
});

it("training logs four runs to the workspace's MLflow and registers version 3 through it; the MLflow client and ARM agree", async () => {
    writeDevStack(project.dir(), devServing(`${model}:2`));
    const deployed = await (await project.open("dev")).up();
    workspaceId = String(deployed.outputs.workspaceId.value);

    const trained = await python_(["training/track.py"]);
    // ARM held versions 1 and 2 (this stack's folders): MLflow numbers on from them.
    expect(trained).toMatchObject({ model, version: 3 });
    expect(Object.keys(trained.runs)).toEqual(["autolog", "sklearn-autolog", "inferred-signature", "defined-signature"]);

    const seen = await python_(["tests/fixtures/mlflow/registry_view.py", model, model]);
    expect(seen.runs).toHaveLength(4);
    for (const r of seen.runs) expect(r.metrics.test_accuracy).toBeGreaterThan(0.7);
    expect(seen.runs.map((r: { logging: string }) => r.logging).sort()).toEqual(["autolog", "defined-signature", "inferred-signature", "sklearn-autolog"]);

    const arm = await armVersions();
    expect(arm.map((v) => v.name)).toEqual(["1", "2", "3"]);
    expect(seen.versions.map((v: { version: string }) => v.version)).toEqual(["1", "2", "3"]);
    // The same files on both sides: MLflow's source and ARM's modelUri name one folder of the default datastore.
    for (const version of seen.versions) {
        const inArm = arm.find((v) => v.name === version.version)!;
        expect(version.get).toBe(version.source);
        expect(inArm.properties.modelUri).toBe(version.source.replace(/^mlflow-artifacts:\//, "azureml://datastores/workspaceblobstore/paths/"));
        expect(inArm.properties.modelType).toBe("mlflow_model");
    }
    const three = arm.find((v) => v.name === "3")!;
    expect(three.properties.jobName).toBe(trained.runId);
    expect(seen.versions[2].runId).toBe(trained.runId);
    expect(Object.keys(three.properties.flavors).sort()).toEqual(["python_function", "sklearn"]);
});

it("a stack referencing diabetes-classifier:3 (no folder) deploys it, the smoke test passes, and a second preview shows no changes", async () => {
    writeDevStack(project.dir(), devServing(`${model}:3`, [{ name: model, version: 3 }]));
    const stack = await project.open("dev");
    const result = await stack.up();
    expect(result.outputs.smokeTest.value.passed).toBe(true);
    expect(result.outputs.modelVersions.value[`${model}:3`]).toBe(`${workspaceId}/models/${model}/versions/3`);
    const green = project.azure().arm.resource(`${result.outputs.onlineEndpointId.value}/deployments/green`)!;
    expect(green.body.properties.model).toBe(`${workspaceId}/models/${model}/versions/3`);
    // Nothing was uploaded or registered for it: version 3 is still the one MLflow registered.
    expect((await armVersions()).find((v) => v.name === "3")!.properties.jobName).toBeDefined();
    await stack.preview({ expectNoChanges: true });
});

/**
 * `pulumi preview` or `pulumi up` of dev in a process of its own (a failing program takes the
 * SDK's path for a user, which a jest worker would report as a test failure), against this
 * test's local Azure.
 */
async function engineInOwnProcess(preview: boolean): Promise<{ error?: string }> {
    const { stdout } = await run(
        path.join(projectDir, "node_modules", ".bin", "ts-node"),
        ["--transpile-only", path.join(projectDir, "tests", "support", "engineUpProcess.ts"), project.dir(), "dev", "--running-emulator", ...(preview ? ["--preview"] : [])],
        { cwd: projectDir, env: { ...process.env, ...project.azure().engineEnvironment() }, maxBuffer: 16 * 1024 * 1024 },
    );
    return JSON.parse(stdout.trim().split("\n").pop()!);
}

it("a reference to a missing version and one to a model without a signature are refused by preview and up before anything changes, naming the stack file and key", async () => {
    const unsigned = await python_(["tests/fixtures/mlflow/log_unsigned.py", model]);
    expect(unsigned.version).toBe(4);
    const someRun = (await python_(["tests/fixtures/mlflow/registry_view.py", model, model])).runs[0].runId;
    writeDevStack(
        project.dir(),
        devServing(`${model}:9`, [
            { name: model, version: 3 },
            { name: model, version: 9 },
            { name: model, version: 4 },
            // A run's model under a name the workspace has no registered model of, and the stack no folder of.
            { name: "penguin-predictor", version: 1, path: `runs:/${someRun}/model` },
        ]),
    );
    const arm = project.azure().arm;
    const before = arm.requests.length;
    for (const preview of [true, false]) {
        const { error } = await engineInOwnProcess(preview);
        expect(error).toContain("Pulumi.dev.yaml has 3 configuration problems:");
        expect(error).toContain(`Pulumi.dev.yaml: azureml-mlflow:models[3].version = 9: ${model}:9 is not registered in workspace`);
        expect(error).toContain(`${model} has versions 1, 2, 3, 4`);
        expect(error).toMatch(new RegExp(`Pulumi.dev.yaml: azureml-mlflow:models\\[4\\].version = 4: ${model}:4: .*/MLmodel has no signature`));
        expect(error).toContain('Pulumi.dev.yaml: azureml-mlflow:models[5].name = "penguin-predictor": is not a registered model in workspace');
        // A configuration error, not a crash: no stack trace of the program.
        expect(error).not.toMatch(/at checkModelSources/);
    }
    // Only reads: the invokes, the list for the message.
    expect(arm.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
});

it("a run's model (runs:/<run_id>/model) is registered by the stack without an upload, is an MLflow version too, and serves", async () => {
    const { runs } = await python_(["tests/fixtures/mlflow/registry_view.py", model, model]).then((seen) => ({ runs: seen.runs as { runId: string; logging: string }[] }));
    const inferred = runs.find((r) => r.logging === "inferred-signature")!.runId;
    writeDevStack(project.dir(), devServing(`${model}:5`, [{ name: model, version: 3 }, { name: model, version: 5, path: `runs:/${inferred}/model` }]));
    const result = await (await project.open("dev")).up();
    expect(result.outputs.smokeTest.value.passed).toBe(true);
    // Registered where the run logged it (a job output), so nothing was uploaded for it.
    const five = (await armVersions()).find((v) => v.name === "5")!;
    expect(five.properties.modelUri).toBe(`azureml://jobs/${inferred}/outputs/artifacts/paths/model/`);
    const seen = await python_(["tests/fixtures/mlflow/registry_view.py", model, model]);
    expect(seen.versions.map((v: { version: string }) => v.version)).toEqual(["1", "2", "3", "4", "5"]);
    expect(seen.versions[4].runId).toBe(inferred);
    await (await project.open("dev")).preview({ expectNoChanges: true });
});

it("a reference dropped from the stack file deletes nothing: the version stays registered in ARM and MLflow", async () => {
    writeDevStack(project.dir(), devServing(`${model}:2`));
    const arm = project.azure().arm;
    const before = arm.requests.length;
    await (await project.open("dev")).up();
    expect(arm.requests.slice(before).filter((r) => r.method === "DELETE" && /\/models\//.test(r.path))).toEqual([]);
    expect((await armVersions()).map((v) => v.name)).toEqual(["1", "2", "3", "4", "5"]);
    const seen = await python_(["tests/fixtures/mlflow/registry_view.py", model, model]);
    expect(seen.versions.map((v: { version: string }) => v.version)).toEqual(["1", "2", "3", "4", "5"]);
});
