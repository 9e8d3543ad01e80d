import { runProgram } from "../support/program";
import { projectValues, stackConfigObject, stackConfigValues } from "../support/stackFile";

const t = {
    endpoint: "pulumi-nodejs:dynamic/azureml:OnlineEndpoint",
    deployment: "azure-native:machinelearningservices:OnlineDeployment",
    traffic: "pulumi-nodejs:dynamic/azureml:OnlineEndpointTraffic",
    modelVersion: "azure-native:machinelearningservices:ModelVersion",
};

describe("OnlineEndpoint in the program", () => {
    it.each(["dev", "prod"])("declares %s's endpoint without traffic, blue and green, and the traffic resource after them", async (stack) => {
        const { mocks } = await runProgram(stackConfigValues(stack), stack);
        const endpoint = mocks.one(t.endpoint);
        expect(endpoint.inputs.properties).not.toHaveProperty("traffic");
        expect(endpoint.inputs.properties).not.toHaveProperty("mirrorTraffic");
        expect(endpoint.inputs.endpointId).toMatch(/\/workspaces\/[^/]+\/onlineEndpoints\/diabetes-k3x9q2$/);

        const deployments = mocks.ofType(t.deployment);
        expect(deployments.map((d) => d.inputs.deploymentName).sort()).toEqual(["blue", "green"]);
        for (const deployment of deployments) {
            expect(deployment.inputs.properties.endpointComputeType).toBe("Managed");
            // No-code MLflow: no scoring script, no environment.
            expect(deployment.inputs.properties).not.toHaveProperty("codeConfiguration");
            expect(deployment.inputs.properties).not.toHaveProperty("environmentId");
        }

        const traffic = mocks.optionsOf("online-diabetes-traffic");
        expect(traffic.dependsOn.sort()).toEqual(["online-diabetes-blue", "online-diabetes-endpoint", "online-diabetes-green", "online-pre-traffic-probe"]);
    });

    it("serves each deployment's model version and carries its request settings and probes", async () => {
        const { mocks } = await runProgram(stackConfigValues("prod"), "prod");
        const versions = Object.fromEntries(mocks.ofType(t.modelVersion).map((v) => [v.inputs.version, v.id]));
        const blue = mocks.ofType(t.deployment).find((d) => d.inputs.deploymentName === "blue")!;
        expect(blue.inputs).toMatchObject({
            sku: { name: "Default", capacity: 3 },
            properties: {
                model: versions["1"],
                instanceType: "Standard_DS3_v2",
                requestSettings: { requestTimeout: "PT5S", maxConcurrentRequestsPerInstance: 4 },
                livenessProbe: { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", failureThreshold: 30, successThreshold: 1 },
                readinessProbe: { initialDelay: "PT10S", period: "PT10S", failureThreshold: 30 },
                appInsightsEnabled: true,
            },
        });
    });

    it("gives prod deployments at least 3 instances and Entra auth, and dev key auth with 1 instance", async () => {
        const prod = await runProgram(stackConfigValues("prod"), "prod");
        expect(prod.mocks.ofType(t.deployment).map((d) => d.inputs.sku.capacity)).toEqual([3, 3]);
        expect(prod.mocks.one(t.endpoint).inputs.properties.authMode).toBe("AADToken");
        const dev = await runProgram(stackConfigValues("dev"), "dev");
        expect(dev.mocks.ofType(t.deployment).map((d) => d.inputs.sku.capacity)).toEqual([1, 1]);
        expect(dev.mocks.one(t.endpoint).inputs.properties.authMode).toBe("Key");
    });

    it("hands the traffic resource the configured split, the deployments it names and no credentials", async () => {
        const { mocks } = await runProgram(stackConfigValues("dev"), "dev");
        const traffic = mocks.one(t.traffic).inputs;
        expect(traffic).toMatchObject({
            kind: "onlineTraffic",
            cloud: "public",
            settings: { traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } },
            authMode: "Key",
            requiredDeployments: ["blue", "green"],
            endpointId: mocks.one(t.endpoint).inputs.endpointId,
        });
        const { __provider, ...rest } = traffic;
        expect(typeof __provider).toBe("string");
        expect(JSON.stringify(rest)).not.toMatch(/accessToken|primaryKey|secondaryKey|secret|password|offline-placeholder/i);
    });

    it("names the endpoint's resources after the endpoint: a renamed endpoint is a new one beside the old", async () => {
        const dev = structuredClone(stackConfigObject("dev")) as Record<string, any>;
        dev.onlineEndpoint.name = "diabetes2";
        const { mocks } = await runProgram(projectValues(dev), "dev");
        expect(mocks.resources.map((r) => r.name).filter((n) => n.startsWith("online-diabetes2-")).sort()).toEqual([
            "online-diabetes2-blue",
            "online-diabetes2-drain",
            "online-diabetes2-endpoint",
            "online-diabetes2-green",
            "online-diabetes2-traffic",
        ]);
        expect(mocks.one(t.endpoint).inputs.endpointId).toMatch(/\/onlineEndpoints\/diabetes2-k3x9q2$/);
    });

    it("removing green from config drops its deployment and its traffic in the same run", async () => {
        const dev = structuredClone(stackConfigObject("dev")) as Record<string, any>;
        dev.onlineEndpoint.deployments = dev.onlineEndpoint.deployments.filter((d: { name: string }) => d.name !== "green");
        dev.onlineEndpoint.traffic = { blue: 100 };
        dev.onlineEndpoint.mirrorTraffic = {};
        const { mocks } = await runProgram(projectValues(dev), "dev");
        expect(mocks.ofType(t.deployment).map((d) => d.inputs.deploymentName)).toEqual(["blue"]);
        expect(mocks.one(t.traffic).inputs.settings).toEqual({ traffic: { blue: 100 }, mirrorTraffic: {} });
        expect(mocks.optionsOf("online-diabetes-traffic").dependsOn.sort()).toEqual(["online-diabetes-blue", "online-diabetes-endpoint", "online-pre-traffic-probe"]);
    });

    it("keeps deployments' names and resources when the deployment list is reordered", async () => {
        const dev = structuredClone(stackConfigObject("dev")) as Record<string, any>;
        const before = await runProgram(projectValues(dev), "dev");
        dev.onlineEndpoint.deployments.reverse();
        const after = await runProgram(projectValues(dev), "dev");
        const shape = (run: typeof before) =>
            run.mocks.resources
                .filter((r) => r.type === t.deployment || r.type === t.traffic)
                .map((r) => ({ name: r.name, inputs: { ...r.inputs, __provider: undefined } }))
                .sort((a, b) => a.name.localeCompare(b.name));
        expect(shape(after)).toEqual(shape(before));
    });

    it("exports the scoring URI, swagger URI, deployments and applied traffic, and the key only as a secret", async () => {
        const { outputs } = await runProgram(stackConfigValues("dev"), "dev");
        expect(outputs).toMatchObject({
            onlineEndpointName: "diabetes-k3x9q2",
            scoringUri: "https://diabetes-k3x9q2.westeurope.inference.ml.azure.com/score",
            swaggerUri: "https://diabetes-k3x9q2.westeurope.inference.ml.azure.com/swagger.json",
            onlineDeployments: ["blue", "green"],
            appliedTraffic: { traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } },
        });
        const pulumi = await import("@pulumi/pulumi");
        const { main } = await import("../../program/main");
        const { installMocks, declareInStack } = await import("../support/mocks");
        const mocks = await installMocks(stackConfigValues("dev"), "dev");
        let exported: Record<string, unknown> = {};
        await declareInStack(mocks, async () => (exported = await main()));
        expect(await pulumi.isSecret(exported.onlineEndpointKey as any)).toBe(true);
        expect(await pulumi.isSecret(exported.scoringUri as any)).toBe(false);
    });

    it("exports no key for an Entra-authenticated endpoint", async () => {
        const { outputs } = await runProgram(stackConfigValues("prod"), "prod");
        expect(outputs).not.toHaveProperty("onlineEndpointKey");
    });
});

describe("PostDeploySmokeTest in the program", () => {
    const smokeType = "pulumi-nodejs:dynamic/azureml:PostDeploySmokeTest";

    it.each(["dev", "prod"])("runs after the traffic resource in %s, with no credential in its inputs", async (stack) => {
        const { mocks } = await runProgram(stackConfigValues(stack), stack);
        expect(mocks.optionsOf("online-smoke-test").dependsOn).toEqual(["online-diabetes-traffic"]);
        const smoke = mocks.one(smokeType).inputs;
        expect(smoke).toMatchObject({
            scoringUri: "https://diabetes-k3x9q2.westeurope.inference.ml.azure.com/score",
            deployments: ["blue", "green"],
            rows: 5,
            allowedPredictions: [0, 1],
        });
        expect(smoke.fingerprint).toMatch(/^[0-9a-f]{64}$/);
        const { __provider, ...rest } = smoke;
        expect(JSON.stringify(rest)).not.toMatch(/offline-placeholder|primaryKey|accessToken|secret/i);
    });

    it("re-runs when a deployment's model or the traffic changes (its fingerprint changes)", async () => {
        const fingerprint = async (config: Record<string, unknown>) =>
            (await runProgram(projectValues(config), "dev")).mocks.one(smokeType).inputs.fingerprint;
        const dev = stackConfigObject("dev") as Record<string, any>;
        const base = await fingerprint(dev);
        const newModel = structuredClone(dev);
        newModel.onlineEndpoint.deployments[1].model = "diabetes-classifier:1";
        expect(await fingerprint(newModel)).not.toBe(base);
        const newTraffic = structuredClone(dev);
        newTraffic.onlineEndpoint.traffic = { blue: 50, green: 50 };
        newTraffic.onlineEndpoint.mirrorTraffic = {};
        expect(await fingerprint(newTraffic)).not.toBe(base);
        const bigger = structuredClone(dev);
        bigger.onlineEndpoint.deployments[0].instanceCount = 2;
        expect(await fingerprint(bigger)).not.toBe(base);
    });

    it("probes every deployment by header before traffic moves: the traffic waits for the probe, the probe for the deployments", async () => {
        const { mocks } = await runProgram(stackConfigValues("prod"), "prod");
        const probe = mocks.one("pulumi-nodejs:dynamic/azureml:PreTrafficProbe").inputs;
        expect(probe).toMatchObject({ deployments: ["blue", "green"], throughRouting: false });
        expect(probe.load).toBeUndefined();
        expect(mocks.optionsOf("online-pre-traffic-probe").dependsOn.sort()).toEqual(["online-diabetes-blue", "online-diabetes-green"]);
        expect(mocks.optionsOf("online-diabetes-traffic").dependsOn).toContain("online-pre-traffic-probe");
        expect(mocks.one(smokeType).inputs).toMatchObject({ throughRouting: true, load: { requests: 100 } });
    });

    it("skips the routing and load checks when no deployment has live traffic (Azure would answer 404)", async () => {
        const dev = structuredClone(stackConfigObject("dev")) as Record<string, any>;
        dev.onlineEndpoint.traffic = { blue: 0, green: 0 };
        dev.onlineEndpoint.mirrorTraffic = {};
        const { mocks } = await runProgram(projectValues(dev), "dev");
        expect(mocks.one(smokeType).inputs).toMatchObject({ throughRouting: false });
        expect(mocks.one(smokeType).inputs.load).toBeUndefined();
    });

    it("can be switched off per stack", async () => {
        const dev = structuredClone(stackConfigObject("dev")) as Record<string, any>;
        dev.smokeTest.enabled = false;
        const { mocks, outputs } = await runProgram(projectValues(dev), "dev");
        expect(mocks.ofType(smokeType)).toHaveLength(0);
        expect(mocks.ofType("pulumi-nodejs:dynamic/azureml:PreTrafficProbe")).toHaveLength(0);
        expect(mocks.optionsOf("online-diabetes-traffic").dependsOn.sort()).toEqual(["online-diabetes-blue", "online-diabetes-endpoint", "online-diabetes-green"]);
        expect(outputs).not.toHaveProperty("smokeTest");
    });
});
