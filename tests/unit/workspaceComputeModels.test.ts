import * as fs from "fs";
import * as path from "path";
import type { MlflowModelVersions } from "../../program/components/model/mlflowModelVersions";
import { fakeModelFolder, validMlmodel } from "../support/modelFolders";
import { withMocks } from "../support/program";
import { projectDir } from "../support/stackFile";

const models = () => require("../../program/components/model/mlflowModelVersions") as typeof import("../../program/components/model/mlflowModelVersions");

function registerModels(versions: { name: string; version: number; dir: string }[], protect = false) {
    return withMocks(
        () =>
            new (models().MlflowModelVersions)("models", {
                workspaceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws",
                stackFile: "Pulumi.test.yaml",
                cloud: "public",
                workspaceName: "ws",
                resourceGroupName: "rg",
                storageAccountName: "st",
                blobContainerName: "azureml-blobstore-guid",
                versions: versions.map(({ dir, ...v }) => ({ ...v, files: { folder: dir } })),
                protect,
                tags: { team: "ml" },
            }),
    );
}

describe("MlflowModelVersions", () => {
    const v1 = path.join(projectDir, "models/diabetes-v1");
    const v2 = path.join(projectDir, "models/diabetes-v2");

    it("uploads every file under a content-hashed path and registers an mlflow_model pointing at the folder", async () => {
        const { mocks, result } = await registerModels([{ name: "diabetes", version: 1, dir: v1 }]);
        const registered: MlflowModelVersions["versions"][string] = result.versions["diabetes:1"];
        const hash32 = registered.contentHash!.slice(0, 32);
        const blobs = mocks.ofType("azure-native:storage:Blob");
        expect(blobs.map((b) => b.inputs.blobName).sort()).toEqual(
            fs.readdirSync(v1).sort().map((f) => `LocalUpload/${hash32}/model/${f}`),
        );
        expect(blobs.every((b) => b.inputs.containerName === "azureml-blobstore-guid")).toBe(true);
        const version = mocks.one("azure-native:machinelearningservices:ModelVersion").inputs;
        expect(version).toMatchObject({
            name: "diabetes",
            version: "1",
            properties: {
                modelType: "mlflow_model",
                modelUri: `azureml://datastores/workspaceblobstore/paths/LocalUpload/${hash32}/model`,
                tags: { team: "ml", "content-sha256": registered.contentHash },
            },
        });
    });

    it("registers a version only after all of its files are uploaded", async () => {
        const { mocks } = await registerModels([{ name: "diabetes", version: 1, dir: v1 }]);
        const version = mocks.options.find((o) => o.type === "azure-native:machinelearningservices:ModelVersion")!;
        expect(version.dependsOn.sort()).toEqual([...mocks.ofType("azure-native:storage:Blob").map((b) => b.name), "models-diabetes-v1-b1958f61ee47-preflight"].sort());
    });

    it("retains registered versions, their container and their files when removed from the program", async () => {
        const { mocks } = await registerModels([{ name: "diabetes", version: 1, dir: v1 }], true);
        for (const option of mocks.options.filter((o) => o.type.startsWith("azure-native:"))) {
            expect(option.retainOnDelete).toBe(true);
        }
        expect(mocks.options.find((o) => o.type.endsWith("ModelVersion"))!.protect).toBe(true);
    });

    it("declares changed content as a new version resource, never an update of the old one", async () => {
        const dir = fakeModelFolder(validMlmodel, { "model.pkl": "first" });
        const before = await registerModels([{ name: "m", version: 1, dir }]);
        fs.writeFileSync(path.join(dir, "model.pkl"), "second");
        const after = await registerModels([{ name: "m", version: 1, dir }]);
        const nameOf = (run: typeof before) => run.mocks.one("azure-native:machinelearningservices:ModelVersion").name;
        expect(nameOf(after)).not.toEqual(nameOf(before));
        expect(nameOf(before)).toMatch(/^models-m-v1-[0-9a-f]{12}$/);
    });

    it("uploads identical content once when two versions share it", async () => {
        const copy = fakeModelFolder(undefined);
        for (const file of fs.readdirSync(v1)) fs.copyFileSync(path.join(v1, file), path.join(copy, file));
        const { mocks } = await registerModels([
            { name: "diabetes", version: 1, dir: v1 },
            { name: "diabetes", version: 3, dir: copy },
        ]);
        expect(mocks.ofType("azure-native:storage:Blob")).toHaveLength(fs.readdirSync(v1).length);
        expect(mocks.ofType("azure-native:machinelearningservices:ModelVersion")).toHaveLength(2);
    });

    it("declares one model container per model name", async () => {
        const { mocks } = await registerModels([
            { name: "diabetes", version: 1, dir: v1 },
            { name: "diabetes", version: 2, dir: v2 },
        ]);
        expect(mocks.ofType("azure-native:machinelearningservices:ModelContainer").map((c) => c.inputs.name)).toEqual([
            "diabetes",
        ]);
    });
});

describe("MlWorkspace", () => {
    async function workspace(overrides: Record<string, unknown> = {}) {
        const { MlWorkspace } = require("../../program/components/workspace/mlWorkspace") as typeof import("../../program/components/workspace/mlWorkspace");
        const { platformNames } = require("../../config/naming/names") as typeof import("../../config/naming/names");
        return withMocks(
            () =>
                new MlWorkspace("ml", {
                    location: "westeurope",
                    names: platformNames("test", "abc123"),
                    publicNetworkAccess: "Disabled",
                    keyVaultPurgeProtection: true,
                    logRetentionDays: 60,
                    containerRegistrySku: "Premium",
                    storageSku: "Standard_ZRS",
                    protect: false,
                    tags: {},
                    ...overrides,
                }),
        );
    }

    it("hardens storage, key vault and registry by default", async () => {
        const { mocks } = await workspace();
        expect(mocks.one("azure-native:storage:StorageAccount").inputs).toMatchObject({
            accountName: "teststabc123",
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            sku: { name: "Standard_ZRS" },
        });
        expect(mocks.one("azure-native:keyvault:Vault").inputs.properties).toMatchObject({
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            enablePurgeProtection: true,
        });
        expect(mocks.one("azure-native:containerregistry:Registry").inputs).toMatchObject({
            adminUserEnabled: false,
            sku: { name: "Premium" },
        });
    });

    it("sends Application Insights to the Log Analytics workspace and sets the workspace's network access", async () => {
        const { mocks } = await workspace();
        const logs = mocks.one("azure-native:operationalinsights:Workspace");
        expect(logs.inputs.retentionInDays).toBe(60);
        expect(mocks.one("azure-native:applicationinsights:Component").inputs).toMatchObject({
            ingestionMode: "LogAnalytics",
            workspaceResourceId: logs.id,
        });
        expect(mocks.one("azure-native:machinelearningservices:Workspace").inputs).toMatchObject({
            publicNetworkAccess: "Disabled",
            identity: { type: "SystemAssigned" },
        });
    });

    it("uses an existing resource group when given one", async () => {
        const { mocks, result } = await workspace({ existingResourceGroupName: "rg-shared" });
        expect(mocks.ofType("azure-native:resources:ResourceGroup")).toHaveLength(0);
        const { valueOf } = require("../support/mocks") as typeof import("../support/mocks");
        expect(await valueOf(result.resourceGroupName)).toBe("rg-shared");
        expect(await valueOf(result.defaultBlobContainerName)).toMatch(/^azureml-blobstore-[0-9a-f-]{36}$/);
    });
});

describe("ComputeCluster", () => {
    it("declares an AmlCompute cluster that scales down when idle, with a managed identity and no SSH", async () => {
        const { ComputeCluster } = require("../../program/components/compute/computeCluster") as typeof import("../../program/components/compute/computeCluster");
        const { mocks } = await withMocks(
            () =>
                new ComputeCluster("batch", {
                    workspaceName: "ws",
                    resourceGroupName: "rg",
                    location: "westeurope",
                    clusterName: "cpu-batch",
                    vmSize: "Standard_DS3_v2",
                    vmPriority: "LowPriority",
                    minNodes: 0,
                    maxNodes: 4,
                    idleSecondsBeforeScaleDown: 300,
                    tags: {},
                }),
        );
        const compute = mocks.one("azure-native:machinelearningservices:Compute").inputs;
        expect(compute.identity).toEqual({ type: "SystemAssigned" });
        expect(compute.properties).toMatchObject({
            computeType: "AmlCompute",
            properties: {
                vmSize: "Standard_DS3_v2",
                vmPriority: "LowPriority",
                remoteLoginPortPublicAccess: "Disabled",
                scaleSettings: { minNodeCount: 0, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: "PT300S" },
            },
        });
    });
});
