import { runProgram } from "../support/program";
import { databricksStacks, stackConfigValues } from "../support/stackFile";

const t = {
    resourceGroup: "azure-native:resources:ResourceGroup",
    workspace: "azure-native:databricks:Workspace",
    provider: "pulumi:providers:databricks",
    experiment: "databricks:index/mlflowExperiment:MlflowExperiment",
    registeredModel: "databricks:index/mlflowModel:MlflowModel",
    cluster: "databricks:index/cluster:Cluster",
    endpoint: "databricks:index/modelServing:ModelServing",
    permissions: "databricks:index/permissions:Permissions",
};

describe("the program on Azure Databricks", () => {
    it.each(databricksStacks)("declares the workspace, the MLflow registry and the serving endpoint with one owner of its config for %s", async (stack) => {
        const { mocks } = await runProgram(stackConfigValues(stack), stack);
        for (const type of Object.values(t)) expect([type, mocks.ofType(type).length]).toEqual([type, expect.any(Number)]);
        for (const type of Object.values(t).filter((x) => x !== t.provider)) expect([type, mocks.ofType(type).length > 0]).toEqual([type, true]);

        const workspace = mocks.one(t.workspace).inputs;
        expect(workspace.sku).toEqual({ name: "premium" });
        // Named by id, never declared: Azure creates it and refuses one that exists.
        expect(workspace.managedResourceGroupId).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/rg-penguins-dbw-[a-z0-9]+-managed$/);
        expect(mocks.ofType(t.resourceGroup).map((r) => r.inputs.resourceGroupName)).not.toContain(workspace.managedResourceGroupId.split("/").pop());

        expect(mocks.one(t.registeredModel).inputs.name).toBe("Penguin Predictor");
        const versions = mocks.resources.filter((r) => r.type.endsWith("databricks:ModelVersion"));
        expect(versions.map((v) => [v.inputs.modelName, v.inputs.version, v.inputs.folder])).toEqual([
            ["Penguin Predictor", 1, "models/penguins-v1"],
            ["Penguin Predictor", 2, "models/penguins-v2"],
        ]);
        expect(versions.every((v) => /^[0-9a-f]{64}$/.test(v.inputs.contentHash))).toBe(true);

        // The shell carries no config: the config resource owns entities and routes.
        const endpoint = mocks.one(t.endpoint).inputs;
        expect(endpoint.name).toBe("predict-penguin");
        expect(endpoint.config).toBeUndefined();
        const config = mocks.resources.find((r) => r.type.endsWith("databricks:ServingEndpointConfig"))!.inputs;
        expect(config.servedEntities.map((e: { name: string; entityName: string; entityVersion: string }) => `${e.name}=${e.entityName}:${e.entityVersion}`)).toEqual([
            "blue=Penguin Predictor:1",
            "green=Penguin Predictor:2",
        ]);
        expect(config.routes).toEqual({ blue: 100, green: 0 });
        expect(config.probe.requestText).toContain('"dataframe_records"');

        const grants = mocks.one(t.permissions).inputs.accessControls;
        expect(grants[0].permissionLevel).toBe("CAN_QUERY");
        expect(grants).toContainEqual(expect.objectContaining({ groupName: "data-scientists", permissionLevel: "CAN_QUERY" }));

        const cluster = mocks.one(t.cluster).inputs;
        expect([cluster.autoterminationMinutes, cluster.noWait, cluster.numWorkers]).toEqual([20, true, 0]);
        expect(mocks.resources.some((r) => r.type.endsWith("databricks:ServingSmokeTest"))).toBe(true);
    });
});
