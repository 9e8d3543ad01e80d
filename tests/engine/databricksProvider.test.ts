import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as azureDatabricks from "@pulumi/azure-native/databricks";
import * as resources from "@pulumi/azure-native/resources";
import * as databricks from "@pulumi/databricks";
import { LocalAzure, emulatorSubscription } from "../../emulator/localAzure";
import { EngineStack } from "../../tools/engine/engineStack";
import { projectDir } from "../support/stackFile";

/**
 * The stand-in databricks provider plugin (emulator/providers/databricks) under the real engine,
 * against the local Azure's Databricks: an explicit provider whose host is a workspace's output
 * reaches that workspace, as does one given only the workspace's ARM id; each type is created, kept, updated in place, replaced and deleted as
 * the real provider does; a change made by hand shows after a refresh and is put back; a preview
 * after an up has no changes.
 */
jest.setTimeout(600_000);

const group = `/subscriptions/${emulatorSubscription}/resourceGroups/rg-dbx-check`;
const workspaceId = `${group}/providers/Microsoft.Databricks/workspaces/dbw-check`;

/** What the program declares, changed scenario by scenario. */
interface Declared {
    readonly endpoint: string;
    readonly endpointTeam: string;
    readonly endpointLevel: string;
    readonly model: string;
    readonly modelDescription: string;
    readonly experiment: string;
    readonly artifactLocation?: string;
    readonly autoterminationMinutes: number;
    readonly idempotencyToken: string;
}

const first: Declared = {
    endpoint: "predict-penguin",
    endpointTeam: "ml",
    endpointLevel: "CAN_QUERY",
    model: "Penguin Predictor",
    modelDescription: "penguins",
    experiment: "/Shared/penguins",
    autoterminationMinutes: 20,
    idempotencyToken: "first",
};

let azure: LocalAzure;
let scratch: string;

beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-databricks-"));
    fs.writeFileSync(path.join(scratch, "Pulumi.yaml"), "name: databricks-check\nruntime: nodejs\n");
    fs.writeFileSync(path.join(scratch, "Pulumi.check.yaml"), "config: {}\n");
    azure = await LocalAzure.start({ projectDir, name: "engine-databricks-provider", progress: () => undefined });
});
afterAll(async () => {
    await azure?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
});

function stack(declared: Declared): Promise<EngineStack> {
    return EngineStack.open({
        projectDir: scratch,
        stack: "check",
        stateDir: path.join(scratch, "state"),
        env: azure.engineEnvironment(),
        program: async () => {
            const rg = new resources.ResourceGroup("rg", { resourceGroupName: "rg-dbx-check", location: "westeurope" });
            const workspace = new azureDatabricks.Workspace("dbw", {
                resourceGroupName: rg.name,
                workspaceName: "dbw-check",
                location: "westeurope",
                sku: { name: "premium" },
                managedResourceGroupId: `${group}-managed`,
            });
            const provider = new databricks.Provider("workspace", {
                host: pulumi.interpolate`https://${workspace.workspaceUrl}`,
                azureWorkspaceResourceId: workspace.id,
                authType: "azure-cli",
            });
            const opts = { provider };
            const experiment = new databricks.MlflowExperiment(
                "experiment",
                { name: declared.experiment, ...(declared.artifactLocation ? { artifactLocation: declared.artifactLocation } : {}) },
                opts,
            );
            const model = new databricks.MlflowModel("model", { name: declared.model, description: declared.modelDescription, tags: [{ key: "seed", value: "003" }] }, opts);
            const cluster = new databricks.Cluster(
                "cluster",
                {
                    clusterName: "penguins",
                    sparkVersion: "15.4.x-cpu-ml-scala2.12",
                    nodeTypeId: "Standard_D4ds_v5",
                    numWorkers: 0,
                    isSingleNode: true,
                    kind: "CLASSIC_PREVIEW",
                    dataSecurityMode: "SINGLE_USER",
                    singleUserName: "someone@contoso.com",
                    runtimeEngine: "STANDARD",
                    autoterminationMinutes: declared.autoterminationMinutes,
                    idempotencyToken: declared.idempotencyToken,
                    noWait: true,
                },
                opts,
            );
            const endpoint = new databricks.ModelServing("endpoint", { name: declared.endpoint, tags: [{ key: "team", value: declared.endpointTeam }] }, opts);
            const grants = [
                new databricks.Permissions("endpoint-query", { servingEndpointId: endpoint.servingEndpointId, accessControls: [{ groupName: "users", permissionLevel: declared.endpointLevel }] }, opts),
                new databricks.Permissions("model-read", { registeredModelId: model.registeredModelId, accessControls: [{ groupName: "users", permissionLevel: "CAN_READ" }] }, opts),
                new databricks.Permissions("experiment-read", { experimentId: experiment.experimentId, accessControls: [{ groupName: "users", permissionLevel: "CAN_READ" }] }, opts),
                new databricks.Permissions("cluster-attach", { clusterId: cluster.clusterId, accessControls: [{ groupName: "users", permissionLevel: "CAN_ATTACH_TO" }] }, opts),
            ];
            // A second provider given the workspace's ARM id only: it finds the host through Resource Manager.
            const byResourceId = new databricks.Provider("by-resource-id", { azureWorkspaceResourceId: workspace.id });
            const me = databricks.getCurrentUserOutput({}, { provider: byResourceId });
            return {
                workspaceUrl: workspace.workspaceUrl,
                servingEndpointId: endpoint.servingEndpointId,
                registeredModelId: model.registeredModelId,
                experimentId: experiment.experimentId,
                clusterId: cluster.clusterId,
                objectTypes: pulumi.all(grants.map((g) => g.objectType)),
                me: me.userName,
                workspaceHost: me.workspaceUrl,
            };
        },
    });
}

/** A call to the workspace's REST API, as a user of the workspace would make it (the stand-in az's Databricks token). */
async function workspaceApi(method: string, apiPath: string, body?: unknown): Promise<{ status: number; json: any }> {
    const workspace = azure.arm.resource(workspaceId);
    if (!workspace) throw new Error("no workspace");
    const url = `${azure.engineEnvironment().DATABRICKS_EMULATOR_URL}/${workspace.body.properties.workspaceUrl}${apiPath}`;
    const answer = await fetch(url, {
        method,
        headers: { Authorization: `Bearer dbx-${azure.bearerToken}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    return { status: answer.status, json: text ? JSON.parse(text) : undefined };
}

const get = async (apiPath: string) => (await workspaceApi("GET", apiPath)).json;
const entries = (list: any) => (list.access_control_list as any[]).map((c) => [c.group_name ?? c.user_name, c.all_permissions[0].permission_level]);

describe("the local databricks provider under the engine", () => {
    let outputs: Record<string, any>;

    it("creates each type in the workspace a provider configured from the workspace's outputs reaches", async () => {
        const up = await (await stack(first)).up();
        outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
        expect(up.summary.resourceChanges).toEqual({ create: 13 });
        expect(outputs.workspaceUrl).toMatch(/^adb-[0-9]{16}\.[0-9]\.azuredatabricks\.net$/);
        expect(outputs.me).toBe((await get("/api/2.0/preview/scim/v2/Me")).userName);
        expect(outputs.workspaceHost).toBe(`https://${outputs.workspaceUrl}`);
        expect(outputs.objectTypes).toEqual(["serving-endpoint", "registered-model", "mlflowExperiment", "cluster"]);

        const endpoint = await get("/api/2.0/serving-endpoints/predict-penguin");
        expect({ id: endpoint.id, tags: endpoint.tags, config: endpoint.config }).toEqual({ id: outputs.servingEndpointId, tags: [{ key: "team", value: "ml" }], config: undefined });
        expect(entries(await get(`/api/2.0/permissions/serving-endpoints/${outputs.servingEndpointId}`))).toEqual(
            expect.arrayContaining([["users", "CAN_QUERY"], [outputs.me, "CAN_MANAGE"]]),
        );
        const model = (await get("/api/2.0/mlflow/databricks/registered-models/get?name=Penguin%20Predictor")).registered_model_databricks;
        expect({ id: model.id, description: model.description }).toEqual({ id: outputs.registeredModelId, description: "penguins" });
        expect((await get(`/api/2.0/mlflow/experiments/get?experiment_id=${outputs.experimentId}`)).experiment.name).toBe("/Shared/penguins");
        const cluster = await get(`/api/2.1/clusters/get?cluster_id=${outputs.clusterId}`);
        expect({ minutes: cluster.autotermination_minutes, state: cluster.state }).toEqual({ minutes: 20, state: expect.stringMatching(/^(PENDING|RUNNING)$/) });
    });

    it("previews no changes after an up", async () => {
        expect((await (await stack(first)).preview({ expectNoChanges: true })).changeSummary).toEqual({ same: 13 });
    });

    it("updates in place what the real provider updates, through the APIs it uses", async () => {
        const changed: Declared = { ...first, endpointTeam: "mlops", endpointLevel: "CAN_VIEW", modelDescription: "penguins, v2", experiment: "/Shared/penguins-renamed", autoterminationMinutes: 30 };
        const up = await (await stack(changed)).up();
        expect(up.summary.resourceChanges).toEqual({ same: 8, update: 5 });
        expect((await get("/api/2.0/serving-endpoints/predict-penguin")).tags).toEqual([{ key: "team", value: "mlops" }]);
        expect(entries(await get(`/api/2.0/permissions/serving-endpoints/${outputs.servingEndpointId}`))).toContainEqual(["users", "CAN_VIEW"]);
        expect((await get("/api/2.0/mlflow/databricks/registered-models/get?name=Penguin%20Predictor")).registered_model_databricks.description).toBe("penguins, v2");
        expect((await get(`/api/2.0/mlflow/experiments/get?experiment_id=${outputs.experimentId}`)).experiment.name).toBe("/Shared/penguins-renamed");
        expect((await get(`/api/2.1/clusters/get?cluster_id=${outputs.clusterId}`)).autotermination_minutes).toBe(30);
        expect(up.outputs.servingEndpointId.value).toBe(outputs.servingEndpointId);
        expect(up.outputs.clusterId.value).toBe(outputs.clusterId);
    });

    it("replaces on the keys the real provider replaces on, and the permissions of what was replaced", async () => {
        const replaced: Declared = {
            ...first,
            endpoint: "predict-penguin-2",
            model: "Penguin Predictor 2",
            artifactLocation: "dbfs:/databricks/mlflow-tracking/penguins-elsewhere",
            idempotencyToken: "second",
        };
        const preview = await (await stack(replaced)).preview();
        expect(preview.changeSummary).toMatchObject({ replace: 4 });
        const up = await (await stack(replaced)).up();
        expect(up.summary.resourceChanges).toMatchObject({ replace: 8 });
        outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
        expect((await workspaceApi("GET", "/api/2.0/serving-endpoints/predict-penguin")).status).toBe(404);
        expect((await get("/api/2.0/serving-endpoints/predict-penguin-2")).id).toBe(outputs.servingEndpointId);
        expect(entries(await get(`/api/2.0/permissions/serving-endpoints/${outputs.servingEndpointId}`))).toContainEqual(["users", "CAN_QUERY"]);
        expect((await workspaceApi("GET", "/api/2.0/mlflow/registered-models/get?name=Penguin%20Predictor")).status).toBe(404);
        expect((await get(`/api/2.0/mlflow/experiments/get?experiment_id=${outputs.experimentId}`)).experiment.artifact_location).toBe("dbfs:/databricks/mlflow-tracking/penguins-elsewhere");
        expect((await get("/api/2.1/clusters/list")).clusters.map((c: any) => c.cluster_id)).toEqual([outputs.clusterId]);
        expect((await (await stack(replaced)).preview({ expectNoChanges: true })).changeSummary).toEqual({ same: 13 });
    });

    it("shows a change made by hand after a refresh, and puts it back", async () => {
        const replaced: Declared = { ...first, endpoint: "predict-penguin-2", model: "Penguin Predictor 2", artifactLocation: "dbfs:/databricks/mlflow-tracking/penguins-elsewhere", idempotencyToken: "second" };
        await workspaceApi("PATCH", "/api/2.0/serving-endpoints/predict-penguin-2/tags", { add_tags: [{ key: "team", value: "by-hand" }] });
        await workspaceApi("POST", "/api/2.1/clusters/permanent-delete", { cluster_id: outputs.clusterId });
        const current = await stack(replaced);
        // Before a refresh the state still says what the last up left.
        expect((await current.preview()).changeSummary).toEqual({ same: 13 });
        const refresh = await current.refresh();
        expect(refresh.summary.resourceChanges).toMatchObject({ update: 1, delete: 2 });
        // The endpoint's grant reads the endpoint's id: unknown in a preview while the endpoint
        // updates (the node provider host takes no part in previews, emulator/README.md), so it
        // previews as an update too; the up, with known values, leaves it alone.
        expect((await current.preview()).changeSummary).toEqual({ same: 9, create: 2, update: 2 });
        const up = await current.up();
        expect(up.summary.resourceChanges).toEqual({ same: 10, create: 2, update: 1 });
        expect((await get("/api/2.0/serving-endpoints/predict-penguin-2")).tags).toEqual([{ key: "team", value: "ml" }]);
        expect((await get("/api/2.1/clusters/list")).clusters.map((c: any) => c.cluster_id)).toEqual([up.outputs.clusterId.value]);
        expect((await current.preview({ expectNoChanges: true })).changeSummary).toEqual({ same: 13 });
    });

    it("deletes everything on destroy", async () => {
        await (await stack(first)).destroy();
        expect(azure.arm.resource(workspaceId)).toBeUndefined();
        expect(azure.arm.resource(group)).toBeUndefined();
    });
});
