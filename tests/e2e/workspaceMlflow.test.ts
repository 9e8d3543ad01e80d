import * as fs from "fs";
import * as path from "path";
import { LocalAzure } from "../../emulator/localAzure";
import { projectDir } from "../support/stackFile";

/**
 * The workspace's MLflow in the local Azure, through its REST API as MLflow clients call it: MLflow's
 * own server behind the ARM server's authentication, held to Azure ML's rules, and one registry
 * with ARM's model versions in both directions (numbers, files, deletions).
 */
jest.setTimeout(300_000);

const group = "/subscriptions/00000000-0000-0000-0000-0000000000e1/resourceGroups/rg-mlflow-test";
const workspaceId = `${group}/providers/Microsoft.MachineLearningServices/workspaces/ws-mlflow-test`;
const account = "stmlflowtest";
const container = "azureml-blobstore-guid-1";
let azure: LocalAzure;

beforeAll(async () => {
    azure = await LocalAzure.start({ projectDir, name: "e2e-workspace-mlflow", progress: () => undefined });
    azure.arm.seed(group, { location: "westeurope" });
    azure.arm.seed(workspaceId, { location: "westeurope", properties: { storageAccount: `${group}/providers/Microsoft.Storage/storageAccounts/${account}`, workspaceId: "guid-1" } });
});
afterAll(() => azure?.stop());

/** A model folder (MLmodel and all) in the workspace's default datastore, as an upload leaves it. */
function modelFolderInDatastore(folder: string): string {
    const target = path.join(projectDir, ".local", "emulator", "e2e-workspace-mlflow", "storage", account, container, ...folder.split("/"));
    fs.cpSync(path.join(projectDir, "models", "diabetes-v1"), target, { recursive: true });
    return `azureml://datastores/workspaceblobstore/paths/${folder}`;
}

async function mlflow(method: string, route: string, body?: unknown, token: string | null = azure.bearerToken): Promise<{ status: number; json: any }> {
    const answer = await fetch(`${azure.trackingUri(workspaceId)}${route}`, {
        method,
        headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: answer.status, json: await answer.json().catch(() => ({})) };
}

async function armVersions(name: string): Promise<string[]> {
    const answer = await fetch(`${azure.arm.url}${workspaceId}/models/${name}/versions?api-version=2025-12-01`, { headers: { Authorization: `Bearer ${azure.bearerToken}` } });
    return ((await answer.json()) as { value: { name: string }[] }).value.map((v) => v.name);
}

it("refuses calls without the local Azure's token and anything but MLflow's REST API", async () => {
    expect((await mlflow("GET", "/api/2.0/mlflow/experiments/search?max_results=5", undefined, null)).status).toBe(401);
    expect((await mlflow("GET", "/api/2.0/mlflow/experiments/search?max_results=5", undefined, "wrong")).status).toBe(401);
    expect((await mlflow("GET", "/api/2.0/mlflow/experiments/search?max_results=5")).status).toBe(200);
    const ui = await mlflow("GET", "/static-files/index.html");
    expect(ui).toMatchObject({ status: 404, json: { error_code: "ENDPOINT_NOT_FOUND" } });
});

it("shows a version registered through ARM to MLflow under its own number, with its files, however far above MLflow's numbering", async () => {
    const uri = modelFolderInDatastore("LocalUpload/abc/model");
    azure.arm.seed(`${workspaceId}/models/from-arm`, { properties: {} });
    azure.arm.seed(`${workspaceId}/models/from-arm/versions/7`, { properties: { modelType: "mlflow_model", modelUri: uri, description: "registered by a stack" } });
    const seen = await mlflow("GET", "/api/2.0/mlflow/model-versions/get?name=from-arm&version=7");
    expect(seen.status).toBe(200);
    expect(seen.json.model_version).toMatchObject({ version: "7", source: "mlflow-artifacts:/LocalUpload/abc/model", description: "registered by a stack" });
    const search = await mlflow("GET", `/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent("name='from-arm'")}`);
    expect(search.json.model_versions.map((v: { version: string }) => v.version)).toEqual(["7"]);
    // Versions registered through MLflow go on from there, into ARM too.
    const next = await mlflow("POST", "/api/2.0/mlflow/model-versions/create", { name: "from-arm", source: "mlflow-artifacts:/LocalUpload/abc/model" });
    expect(next.json.model_version.version).toBe("8");
    expect(await armVersions("from-arm")).toEqual(["7", "8"]);
});

it("keeps deletions one: a version deleted through MLflow leaves ARM, one deleted through ARM leaves MLflow", async () => {
    expect((await mlflow("DELETE", "/api/2.0/mlflow/model-versions/delete", { name: "from-arm", version: "8" })).status).toBe(200);
    expect(await armVersions("from-arm")).toEqual(["7"]);
    const deleted = await fetch(`${azure.arm.url}${workspaceId}/models/from-arm/versions/7?api-version=2025-12-01`, { method: "DELETE", headers: { Authorization: `Bearer ${azure.bearerToken}` } });
    expect(deleted.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await mlflow("GET", "/api/2.0/mlflow/model-versions/get?name=from-arm&version=7")).json.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
});

it("registers only models logged to the workspace, holding an MLmodel, and neither renames nor deletes a registered model", async () => {
    await mlflow("POST", "/api/2.0/mlflow/registered-models/create", { name: "outsider" });
    const outside = await mlflow("POST", "/api/2.0/mlflow/model-versions/create", { name: "outsider", source: "s3://bucket/model" });
    expect(outside).toMatchObject({ status: 400, json: { error_code: "INVALID_PARAMETER_VALUE" } });
    expect(outside.json.message).toMatch(/not in this workspace's artifact store/);
    const empty = await mlflow("POST", "/api/2.0/mlflow/model-versions/create", { name: "outsider", source: "mlflow-artifacts:/nothing/here" });
    expect(empty.json.message).toMatch(/holds no MLmodel/);
    expect((await mlflow("POST", "/api/2.0/mlflow/registered-models/rename", { name: "outsider", new_name: "insider" })).status).toBe(400);
    expect((await mlflow("DELETE", "/api/2.0/mlflow/registered-models/delete", { name: "outsider" })).status).toBe(400);
    // Runs write their artifacts under ExperimentRun/; a registered version's folder cannot be overwritten.
    const overwrite = await fetch(`${azure.trackingUri(workspaceId)}/api/2.0/mlflow-artifacts/artifacts/LocalUpload/abc/model/MLmodel`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${azure.bearerToken}` },
        body: "flavors: {}",
    });
    expect(overwrite.status).toBe(403);
    // The registered model stays on both sides.
    expect(azure.arm.resource(`${workspaceId}/models/outsider`)).toBeDefined();
    expect((await mlflow("GET", "/api/2.0/mlflow/registered-models/get?name=outsider")).status).toBe(200);
});
