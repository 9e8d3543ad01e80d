import { BatchDefaultProvider } from "../../runtime/providers/endpointSettings/batchDefaultProvider";
import { EndpointSettingsOutputs } from "../../runtime/providers/endpointSettings/endpointSettingsCore";
import { batchProblems } from "../../config/azureRules/batchRules";
import { armEndpointVariable } from "../../runtime/arm/clouds";
import { EmulatedArm } from "../support/emulatedArm";
import { FakeClock, FixedCredential } from "../support/fakes";
import { runProgram } from "../support/program";
import { committedStacks, projectDir, projectValues, stackConfigObject, stackConfigValues } from "../support/stackFile";

/** The committed stacks that declare a batch endpoint. */
const stacksWithBatch = committedStacks.filter((stack) => stackConfigObject(stack).batchEndpoint !== undefined);

const t = {
    endpoint: "pulumi-nodejs:dynamic/azureml:BatchEndpoint",
    deployment: "azure-native:machinelearningservices:BatchDeployment",
    default: "pulumi-nodejs:dynamic/azureml:BatchEndpointDefault",
    compute: "azure-native:machinelearningservices:Compute",
    dataVersion: "azure-native:machinelearningservices:DataVersion",
    dataContainer: "azure-native:machinelearningservices:DataContainer",
    blob: "azure-native:storage:Blob",
};

describe("BatchEndpoint in the program", () => {
    it.each(stacksWithBatch)("%s: an AADToken endpoint, a deployment with every setting on the cluster, the default after it", async (stack) => {
        const { mocks, outputs } = await runProgram(stackConfigValues(stack), stack);
        const endpoint = mocks.one(t.endpoint);
        expect(endpoint.inputs.properties).toEqual({ authMode: "AADToken" });
        expect(endpoint.inputs.endpointId).toMatch(/\/workspaces\/[^/]+\/batchEndpoints\/diabetes-batch-k3x9q2$/);

        const deployment = mocks.one(t.deployment).inputs;
        const versions = Object.fromEntries(
            mocks.ofType("azure-native:machinelearningservices:ModelVersion").map((v) => [v.inputs.version, v.id]),
        );
        expect(deployment.properties).toEqual({
            model: { referenceType: "Id", assetId: versions["2"] },
            compute: mocks.one(t.compute).id,
            resources: { instanceCount: stack === "prod" ? 2 : 1 },
            maxConcurrencyPerInstance: stack === "prod" ? 4 : 2,
            miniBatchSize: stack === "prod" ? 10 : 2,
            outputAction: "AppendRow",
            outputFileName: "predictions.csv",
            retrySettings: { maxRetries: 3, timeout: "PT300S" },
            errorThreshold: -1,
            loggingLevel: "Info",
            environmentVariables: {},
        });
        expect(deployment).not.toHaveProperty("properties.codeConfiguration");

        expect(mocks.one(t.default).inputs).toMatchObject({
            kind: "batchDefault",
            settings: { defaults: { deploymentName: "classifier-v2" } },
            requiredDeployments: ["classifier-v2"],
            endpointId: endpoint.inputs.endpointId,
        });
        expect(mocks.optionsOf("batch-diabetes-batch-default").dependsOn.sort()).toEqual(["batch-diabetes-batch-classifier-v2", "batch-diabetes-batch-endpoint"]);
        expect(outputs.batchScoringUri).toBe("https://diabetes-batch-k3x9q2.westeurope.inference.ml.azure.com/jobs");
    });

    it.each(stacksWithBatch)("%s: registers the sample CSV folder as a uri_folder data version under a content-hashed path", async (stack) => {
        const { mocks, outputs } = await runProgram(stackConfigValues(stack), stack);
        const version = mocks.one(t.dataVersion).inputs;
        expect(version).toMatchObject({ name: "diabetes-batch-input", version: "1", properties: { dataType: "uri_folder" } });
        expect(version.properties.dataUri).toMatch(/^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/data$/);
        expect(outputs.batchInputDataUri).toBe(version.properties.dataUri);
        const blobs = mocks.ofType(t.blob).filter((b) => b.inputs.blobName.endsWith(".csv"));
        expect(blobs.map((b) => b.inputs.blobName.split("/").pop()).sort()).toEqual(["part-000.csv", "part-001.csv", "part-002.csv"]);
        expect(mocks.options.find((o) => o.type === t.dataVersion)!.retainOnDelete).toBe(true);
    });
});

describe("batch endpoint rules", () => {
    const base = () => structuredClone(stackConfigObject("dev")) as Record<string, any>;
    const problems = (batch: Record<string, any>) => batchProblems(batch as never, projectDir).map((p) => `${p.key}: ${p.message}`);

    it("accepts the committed stacks' batch endpoints", () => {
        expect(problems(base().batchEndpoint)).toEqual([]);
    });

    it("requires the default to name a declared deployment", () => {
        const batch = { ...base().batchEndpoint, defaultDeployment: "classifier-v9" };
        expect(problems(batch)).toEqual(["defaultDeployment: names a deployment that is not declared; declared: classifier-v2"]);
    });

    it("requires a .csv output and a readable input folder", () => {
        const batch = base().batchEndpoint;
        batch.deployments.push({ ...batch.deployments[0], name: "second", outputFileName: "out.json" });
        batch.inputData.path = "models";
        expect(problems(batch)).toEqual([
            "deployments[1].outputFileName: must be a file name ending in .csv",
            "inputData.path: holds no .csv or .parquet files",
        ]);
    });

    it("requires the stack's compute cluster and room in it", async () => {
        const config = base();
        const batch = config.batchEndpoint;
        batch.deployments[0].compute = "gpu-cluster";
        batch.deployments.push({ ...batch.deployments[0], name: "second", compute: "cpu-batch", instanceCount: 3 });
        const { loadStackConfig } = await import("../../config/load");
        expect(() => loadStackConfig({ project: "azureml-mlflow", stack: "dev", values: projectValues(config), projectDir })).toThrow(
            [
                "Pulumi.dev.yaml has 2 configuration problems:",
                '  - Pulumi.dev.yaml: azureml-mlflow:batchEndpoint.deployments[0].compute = "gpu-cluster": names no compute cluster of this stack; declared: cpu-batch',
                "  - Pulumi.dev.yaml: azureml-mlflow:batchEndpoint.deployments[1].instanceCount = 3: exceeds computeCluster.maxNodes (2)",
            ].join("\n"),
        );
    });

    it("reports zero or negative counts with the stack file's keys", async () => {
        const config = base();
        Object.assign(config.batchEndpoint.deployments[0], { miniBatchSize: 0, maxConcurrencyPerInstance: -1, instanceCount: 0 });
        config.batchEndpoint.deployments[0].retrySettings.maxRetries = 0;
        const { loadStackConfig } = await import("../../config/load");
        expect(() => loadStackConfig({ project: "azureml-mlflow", stack: "dev", values: projectValues(config), projectDir })).toThrow(
            [
                "Pulumi.dev.yaml has 4 configuration problems:",
                "  - Pulumi.dev.yaml: azureml-mlflow:batchEndpoint.deployments[0].instanceCount = 0: must be a whole number >= 1",
                "  - Pulumi.dev.yaml: azureml-mlflow:batchEndpoint.deployments[0].maxConcurrencyPerInstance = -1: must be a whole number >= 1",
                "  - Pulumi.dev.yaml: azureml-mlflow:batchEndpoint.deployments[0].miniBatchSize = 0: must be a whole number >= 1",
                "  - Pulumi.dev.yaml: azureml-mlflow:batchEndpoint.deployments[0].retrySettings.maxRetries = 0: must be a whole number >= 1",
            ].join("\n"),
        );
    });
});

describe("batch default provider against a local Resource Manager", () => {
    const endpointId =
        "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/batchEndpoints/diabetes-batch-abc123";
    let arm: EmulatedArm;
    let provider: BatchDefaultProvider;
    beforeEach(async () => {
        arm = await new EmulatedArm().start();
        arm.addEndpoint(endpointId, { "classifier-v1": "Succeeded", "classifier-v2": "Succeeded" }, { authMode: "AADToken" });
        process.env[armEndpointVariable] = arm.url;
        provider = new BatchDefaultProvider({ credential: new FixedCredential(), clock: new FakeClock() });
    });
    afterEach(async () => {
        delete process.env[armEndpointVariable];
        await arm.stop();
    });

    const inputs = (deploymentName: string) => ({
        endpointId,
        cloud: "public" as const,
        kind: "batchDefault" as const,
        settings: { defaults: { deploymentName } },
        requiredDeployments: [deploymentName],
        timeoutSeconds: 600,
    });

    it("sets the default deployment through GET + PUT once it exists, and switches it", async () => {
        const created = await provider.create(inputs("classifier-v2"));
        expect(arm.endpoint(endpointId).properties.defaults).toEqual({ deploymentName: "classifier-v2" });
        expect(created.outs.applied).toEqual({ defaults: { deploymentName: "classifier-v2" } });
        await provider.update(created.id, created.outs, inputs("classifier-v1"));
        expect(arm.endpoint(endpointId).properties.defaults).toEqual({ deploymentName: "classifier-v1" });
    });

    it("refuses a default deployment that does not exist", async () => {
        await expect(provider.create(inputs("classifier-v3"))).rejects.toThrow('deployment "classifier-v3" does not exist');
    });

    it("unsets the default when deleted, and sees a default changed by hand", async () => {
        const created = await provider.create(inputs("classifier-v2"));
        arm.endpoint(endpointId).properties.defaults = { deploymentName: "classifier-v1" };
        const read = await provider.read(created.id, created.outs as EndpointSettingsOutputs);
        expect((await provider.diff(created.id, read.props, inputs("classifier-v2"))).changes).toBe(true);
        await provider.delete(created.id, created.outs as EndpointSettingsOutputs);
        expect(arm.endpoint(endpointId).properties.defaults).toEqual({ deploymentName: null });
    });
});
