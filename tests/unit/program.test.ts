import { main } from "../../program/main";
import { installMocks, settled } from "../support/mocks";
import { runProgram } from "../support/program";
import { azureMlStacks, projectValues, stackConfigObject, stackConfigValues } from "../support/stackFile";

const t = {
    resourceGroup: "azure-native:resources:ResourceGroup",
    storage: "azure-native:storage:StorageAccount",
    keyVault: "azure-native:keyvault:Vault",
    logs: "azure-native:operationalinsights:Workspace",
    appInsights: "azure-native:applicationinsights:Component",
    registry: "azure-native:containerregistry:Registry",
    workspace: "azure-native:machinelearningservices:Workspace",
    compute: "azure-native:machinelearningservices:Compute",
    modelContainer: "azure-native:machinelearningservices:ModelContainer",
    modelVersion: "azure-native:machinelearningservices:ModelVersion",
    blob: "azure-native:storage:Blob",
};

/** What a resource declares that matters to Azure: its type, logical name and inputs. */
async function declaration(run: Awaited<ReturnType<typeof runProgram>>) {
    const declared = await Promise.all(run.mocks.resources.map(async (r) => ({ type: r.type, name: r.name, inputs: await withAssetPaths(r.inputs) })));
    return declared.sort((a, b) => `${a.type}/${a.name}`.localeCompare(`${b.type}/${b.name}`));
}

/**
 * Inputs with each file asset as the path it uploads: an asset holds its path as a promise, and
 * promises compare by their async-hook ids once anything in the test process turned hooks on.
 */
async function withAssetPaths(inputs: Record<string, any>): Promise<Record<string, any>> {
    const entries = await Promise.all(
        Object.entries(inputs).map(async ([key, value]) => [key, value?.__pulumiAsset ? { fileAsset: await value.path } : value] as const),
    );
    return Object.fromEntries(entries);
}

describe("the whole program", () => {
    it.each(azureMlStacks)("declares the workspace, its dependencies, the cluster and mlflow_model versions for %s", async (stack) => {
        const { mocks, outputs } = await runProgram(stackConfigValues(stack), stack);
        for (const type of Object.values(t)) expect(mocks.ofType(type).length).toBeGreaterThan(0);

        const workspace = mocks.one(t.workspace).inputs;
        expect(workspace.identity).toEqual({ type: "SystemAssigned" });
        for (const dependency of [t.storage, t.keyVault, t.appInsights, t.registry]) {
            expect(Object.values(workspace)).toContain(mocks.one(dependency).id);
        }
        const versions = mocks.ofType(t.modelVersion);
        const declared = stackConfigObject(stack).models as { name: string; version: number }[];
        expect(versions.map((v) => v.inputs.properties.modelType)).toEqual(declared.map(() => "mlflow_model"));
        expect(versions.map((v) => v.inputs.version).sort()).toEqual(declared.map((m) => String(m.version)).sort());
        expect(outputs.modelVersions).toEqual(
            Object.fromEntries(declared.map((m) => [`${m.name}:${m.version}`, expect.stringMatching(new RegExp(`/models/${m.name}/versions/${m.version}$`))])),
        );
        expect(outputs.mlflowTrackingUri).toMatch(/^azureml:\/\//);
    });

    it("gives dev a cheap setup and leaves it unprotected", async () => {
        const { mocks } = await runProgram(stackConfigValues("dev"), "dev");
        const cluster = mocks.one(t.compute).inputs.properties.properties;
        expect(cluster.scaleSettings.minNodeCount).toBe(0);
        expect(cluster.vmSize).toBe("Standard_DS2_v2");
        expect(mocks.one(t.keyVault).inputs.properties.enablePurgeProtection).toBeUndefined();
        expect(mocks.optionsOf("ml-storage").protect).toBe(false);
    });

    it("protects prod's stateful resources because its config says so", async () => {
        const { mocks } = await runProgram(stackConfigValues("prod"), "prod");
        expect(mocks.one(t.keyVault).inputs.properties.enablePurgeProtection).toBe(true);
        for (const name of ["ml-rg", "ml-storage", "ml-keyvault", "ml-registry", "ml-logs", "ml-appinsights", "ml-workspace"]) {
            expect(mocks.optionsOf(name)).toMatchObject({ protect: true, retainOnDelete: true });
        }
        expect(mocks.optionsOf("name-suffix").protect).toBe(true);
    });

    it("protection follows the flag, not the stack's name", async () => {
        const config = { ...stackConfigObject("dev"), protectResources: true };
        const { mocks } = await runProgram(projectValues(config), "dev");
        expect(mocks.optionsOf("ml-workspace")).toMatchObject({ protect: true, retainOnDelete: true });
    });

    it("declares the same resources and names on every run", async () => {
        const first = await declaration(await runProgram(stackConfigValues("prod"), "prod"));
        const second = await declaration(await runProgram(stackConfigValues("prod"), "prod"));
        expect(second).toEqual(first);
    });

    it("replaces nothing when the models list is reordered", async () => {
        const config = stackConfigObject("dev");
        const reordered = { ...config, models: [...(config.models as unknown[])].reverse() };
        const before = await declaration(await runProgram(projectValues(config), "dev"));
        const after = await declaration(await runProgram(projectValues(reordered), "dev"));
        expect(after).toEqual(before);
    });

    it("deploys into an existing resource group without creating one", async () => {
        const config = { ...stackConfigObject("dev"), resourceGroupName: "rg-shared-ml" };
        const { mocks, outputs } = await runProgram(projectValues(config), "dev");
        expect(mocks.ofType(t.resourceGroup)).toHaveLength(0);
        expect(mocks.one(t.workspace).inputs.resourceGroupName).toBe("rg-shared-ml");
        expect(outputs.resourceGroupName).toBe("rg-shared-ml");
    });

    it("declares nothing when the config is invalid", async () => {
        const config = { ...stackConfigObject("dev"), prefix: "Bad Prefix" };
        const mocks = await installMocks(projectValues(config), "dev");
        await expect(main()).rejects.toThrow(/Pulumi\.dev\.yaml: azureml-mlflow:prefix = "Bad Prefix"/);
        await settled(mocks);
        expect(mocks.resources).toHaveLength(0);
    });
});
