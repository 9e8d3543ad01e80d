import { loadStackConfig } from "../../config/load";
import { StackConfigError } from "../../config/problems";
import { fakeModelFolder, validMlmodel } from "../support/modelFolders";
import {
    committedStacks,
    projectDir,
    projectName,
    projectValues,
    stackConfigObject,
    stackConfigValues,
} from "../support/stackFile";

function load(config: Record<string, unknown>, stack = "dev", extra: Record<string, string> = {}) {
    return loadStackConfig({ project: projectName, stack, values: { ...projectValues(config), ...extra }, projectDir });
}

/** The config problems of a stack, as `key → message` lines, or [] when it loads. */
function problemsOf(config: Record<string, unknown>, stack = "dev"): string[] {
    try {
        load(config, stack);
        return [];
    } catch (err) {
        if (!(err instanceof StackConfigError)) throw err;
        return err.problems.map((p) => `${p.key}: ${p.message}`);
    }
}

function devWith(change: (config: Record<string, any>) => void): Record<string, any> {
    const config = structuredClone(stackConfigObject("dev")) as Record<string, any>;
    change(config);
    return config;
}

describe("stack configuration", () => {
    it.each(committedStacks)("accepts the committed %s stack", (stack) => {
        const { config } = loadStackConfig({ project: projectName, stack, values: stackConfigValues(stack), projectDir });
        const declared = stackConfigObject(stack).models as { name: string; version: number }[];
        expect(config.models.map((m) => `${m.name}:${m.version}`)).toEqual(declared.map((m) => `${m.name}:${m.version}`));
    });

    it("fills documented defaults for keys left out", () => {
        const { config } = load(
            devWith((c) => {
                delete c.workspace;
                delete c.protectResources;
                c.computeCluster = { name: "cpu-batch", maxNodes: 2 };
            }),
        );
        expect(config.workspace).toEqual({
            publicNetworkAccess: "Enabled",
            keyVaultPurgeProtection: false,
            logRetentionDays: 30,
            containerRegistrySku: "Basic",
            storageSku: "Standard_LRS",
        });
        expect(config.computeCluster).toMatchObject({ minNodes: 0, idleSecondsBeforeScaleDown: 120, vmPriority: "Dedicated" });
        expect(config.protectResources).toBe(false);
    });

    it("names the stack file, the key, the value and what is allowed", () => {
        expect(() => load(devWith((c) => (c.computeCluster.minNodes = -1)))).toThrow(
            "Pulumi.dev.yaml: azureml-mlflow:computeCluster.minNodes = -1: must be a whole number >= 0",
        );
    });

    it("rejects unknown keys at the top level and inside objects", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.locaton = "westeurope";
                c.computeCluster.maxNode = 3;
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/^locaton: is not a known key/),
                expect.stringMatching(/^computeCluster\.maxNode: is not a known key/),
            ]),
        );
    });

    it("reports every problem at once", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.location = "West Europe";
                c.computeCluster.maxNodes = 0;
                c.computeCluster.vmPriority = "Spot";
                c.models[0].version = 0;
            }),
        );
        expect(problems).toHaveLength(4);
        expect(problems).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/^location: is not a region of the Azure public cloud \(azure-native:environment\); did you mean "westeurope"\?/),
                "computeCluster.maxNodes: must be a whole number >= 1",
                'computeCluster.vmPriority: must be one of "Dedicated", "LowPriority"',
                "models[0].version: must be a whole number >= 1",
            ]),
        );
    });

    it("reports a missing required key as required", () => {
        expect(problemsOf(devWith((c) => delete c.prefix))).toEqual(["prefix: is required"]);
    });

    it.each([
        ["zero", 0],
        ["negative", -2],
        ["fractional", 1.5],
        ["text", "two"],
    ])("rejects a %s node count", (_, maxNodes) => {
        expect(problemsOf(devWith((c) => (c.computeCluster.maxNodes = maxNodes)))).toEqual([
            "computeCluster.maxNodes: must be a whole number >= 1",
        ]);
    });

    it("rejects more minimum nodes than maximum", () => {
        expect(
            problemsOf(
                devWith((c) => {
                    c.computeCluster.minNodes = 3;
                    c.computeCluster.maxNodes = 2;
                }),
            ),
        ).toEqual(["computeCluster.minNodes: must not exceed computeCluster.maxNodes (2)"]);
    });

    it.each([
        ["uppercase", "MLflow"],
        ["too long", "mlflowplatform"],
        ["starting with a digit", "1mlflow"],
    ])("rejects a prefix that is %s", (_, prefix) => {
        expect(problemsOf(devWith((c) => (c.prefix = prefix)))).toEqual([
            expect.stringMatching(/^prefix: must be 2-10 characters/),
        ]);
    });

    it("rejects a prefix whose derived key vault name would break Azure's rules", () => {
        expect(problemsOf(devWith((c) => (c.prefix = "ml--x")))).toEqual([
            expect.stringMatching(/^prefix: derived key vault name "ml--x-kv-aaaaaa" is not allowed/),
        ]);
    });

    it("rejects bad compute cluster and resource group names", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.computeCluster.name = "cpu_batch";
                c.resourceGroupName = "rg-ends-with-dot.";
            }),
        );
        expect(problems).toEqual([
            expect.stringMatching(/^resourceGroupName: resource group name "rg-ends-with-dot\." is not allowed/),
            expect.stringMatching(/^computeCluster\.name: compute cluster name "cpu_batch" is not allowed/),
            // ...and the batch deployment now names a cluster the stack does not declare.
            "batchEndpoint.deployments[0].compute: names no compute cluster of this stack; declared: cpu_batch",
        ]);
    });

    it("accepts an existing resource group", () => {
        expect(load(devWith((c) => (c.resourceGroupName = "rg-shared-ml"))).config.resourceGroupName).toBe(
            "rg-shared-ml",
        );
    });

    it("rejects the same model version declared twice", () => {
        expect(problemsOf(devWith((c) => (c.models[1].version = 1)))).toEqual([
            "models[1].version: diabetes-classifier:1 is already declared by models[0]; each name and version may be registered once",
            // ...and green and the batch deployment now use a version nobody declares.
            "onlineEndpoint.deployments[1].model: names no model version in models; declared: diabetes-classifier:1",
            "batchEndpoint.deployments[0].model: names no model version in models; declared: diabetes-classifier:1",
        ]);
    });

    it("rejects a model folder that does not exist", () => {
        expect(problemsOf(devWith((c) => (c.models[0].path = "models/nope")))).toEqual([
            expect.stringMatching(/^models\[0\]\.path: folder .*models\/nope does not exist/),
        ]);
    });

    it("rejects a folder without MLmodel", () => {
        const dir = fakeModelFolder(undefined, { "model.pkl": "x" });
        expect(problemsOf(devWith((c) => (c.models[0].path = dir)))).toEqual([
            expect.stringMatching(/^models\[0\]\.path: .*MLmodel is missing/),
        ]);
    });

    it("rejects an MLmodel without a signature", () => {
        const dir = fakeModelFolder(validMlmodel.replace(/signature:[\s\S]*$/, ""));
        expect(problemsOf(devWith((c) => (c.models[1].path = dir)))).toEqual([
            expect.stringMatching(/^models\[1\]\.path: .*has no signature/),
        ]);
    });

    it("rejects an MLmodel without the python_function flavor", () => {
        const dir = fakeModelFolder(validMlmodel.replace("python_function:", "keras_only:"));
        expect(problemsOf(devWith((c) => (c.models[0].path = dir)))).toEqual([
            expect.stringMatching(/^models\[0\]\.path: .*no python_function flavor \(found: keras_only, sklearn\)/),
        ]);
    });

    it("rejects an MLmodel that is not YAML", () => {
        const dir = fakeModelFolder("flavors: [unclosed");
        expect(problemsOf(devWith((c) => (c.models[0].path = dir)))).toEqual([
            expect.stringMatching(/^models\[0\]\.path: .*is not valid YAML/),
        ]);
    });

    it("accepts a version by reference (no path) and a run's model (runs:/ or a job output)", () => {
        const config = devWith((c) => {
            c.models.push({ name: "diabetes-classifier", version: 3 });
            c.models.push({ name: "diabetes-classifier", version: 4, path: "runs:/0b0358e3f33a49e59c6dea73efa2e297/model" });
            c.models.push({ name: "diabetes-classifier", version: 5, path: "azureml://jobs/calm_tree_1x2y/outputs/artifacts/paths/model/" });
            c.onlineEndpoint.deployments[1].model = "diabetes-classifier:3";
        });
        expect(problemsOf(config)).toEqual([]);
    });

    it("rejects a description or tags on a version by reference, and a run URI that names no run's model", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.models.push({ name: "diabetes-classifier", version: 3, description: "mine now", tags: { team: "platform" } });
                c.models.push({ name: "diabetes-classifier", version: 4, path: "runs:/only-a-run" });
                c.models.push({ name: "diabetes-classifier", version: 5, path: "runs:/abc/../../etc" });
            }),
        );
        expect(problems).toEqual([
            expect.stringMatching(/^models\[2\]\.description: goes with a path only: without one, the entry names a version already registered/),
            expect.stringMatching(/^models\[2\]\.tags: goes with a path only/),
            "models[3].path: is not a run's model: write runs:/<run_id>/<path> (or azureml://jobs/<job>/outputs/artifacts/paths/<path>)",
            "models[4].path: is not a run's model: write runs:/<run_id>/<path> (or azureml://jobs/<job>/outputs/artifacts/paths/<path>)",
        ]);
    });

    it("enforces the production guards when production is on", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.production = true;
                c.protectResources = false;
                c.workspace.keyVaultPurgeProtection = false;
            }),
        );
        expect(problems).toEqual([
            "protectResources: must be true when production is true (stateful resources must be protected)",
            "workspace.keyVaultPurgeProtection: must be true when production is true",
            'onlineEndpoint.authMode: must be "AADToken" or "AMLToken" when production is true (no long-lived keys); "Key" is also what an unset authMode means',
            "onlineEndpoint.deployments[0].instanceCount: must be at least 3 when production is true",
            "onlineEndpoint.deployments[1].instanceCount: must be at least 3 when production is true",
        ]);
    });

    it("checks every online endpoint rule with the stack file's keys", () => {
        const problems = problemsOf(
            devWith((c) => {
                c.onlineEndpoint.traffic = { blue: 70, green: 20 };
                c.onlineEndpoint.mirrorTraffic = { green: 60 };
                c.onlineEndpoint.deployments[1].name = "green_2";
            }),
        );
        expect(problems).toEqual([
            expect.stringMatching(/^onlineEndpoint\.deployments\[1\]\.name: online deployment name "green_2" is not allowed/),
            "onlineEndpoint.traffic.green: names a deployment that is not declared; declared: blue, green_2",
            "onlineEndpoint.mirrorTraffic.green: must be a whole number from 0 to 50",
            "onlineEndpoint.mirrorTraffic.green: names a deployment that is not declared; declared: blue, green_2",
            "onlineEndpoint.traffic: weights sum to 90; they must sum to 100 (or all be 0)",
            'onlineEndpoint.mirrorTraffic.green: mirrors to "green", which also gets live traffic; mirror only to a deployment at 0%',
        ]);
    });

    it("refuses a smoke test that could not reach a private endpoint", () => {
        expect(problemsOf(devWith((c) => (c.onlineEndpoint.publicNetworkAccess = "Disabled")))).toEqual([
            expect.stringMatching(/^smokeTest\.enabled: must be false while onlineEndpoint\.publicNetworkAccess is Disabled/),
        ]);
        expect(
            problemsOf(
                devWith((c) => {
                    c.onlineEndpoint.publicNetworkAccess = "Disabled";
                    c.smokeTest.enabled = false;
                }),
            ),
        ).toEqual([]);
    });

    it("rejects an unknown deployment setting", () => {
        expect(problemsOf(devWith((c) => (c.onlineEndpoint.deployments[0].instanceCnt = 2)))).toEqual([
            expect.stringMatching(/^onlineEndpoint\.deployments\[0\]\.instanceCnt: is not a known key/),
        ]);
    });

    it("rejects zero instances and an over-long request timeout", () => {
        expect(
            problemsOf(
                devWith((c) => {
                    c.onlineEndpoint.deployments[0].instanceCount = 0;
                    c.onlineEndpoint.deployments[1].requestTimeoutMs = 200000;
                }),
            ),
        ).toEqual([
            "onlineEndpoint.deployments[0].instanceCount: must be a whole number >= 1",
            "onlineEndpoint.deployments[1].requestTimeoutMs: must be a whole number from 1 to 180000",
        ]);
    });

    it("rejects an unknown Azure cloud", () => {
        expect(() => load(stackConfigObject("dev"), "dev", { "azure-native:environment": "mars" })).toThrow(
            'Pulumi.dev.yaml: azure-native:environment = "mars": must be one of "public", "usgovernment", "china"',
        );
    });

    it("keeps a string key that looks like a number as text", () => {
        const values = { ...projectValues(stackConfigObject("dev")), [`${projectName}:prefix`]: "1234" };
        expect(() => loadStackConfig({ project: projectName, stack: "dev", values, projectDir })).toThrow(
            'azureml-mlflow:prefix = "1234": must be 2-10 characters',
        );
    });
});

describe("the rollout's prediction gates", () => {
    const withPredictions = (predictions: unknown, load: number | null = 2) =>
        devWith((c) => {
            c.onlineEndpoint.rollout = { ...(load !== null && { loadRequestsPerSecond: load }), predictions };
        });

    it("accept agreement (labels, or numbers within a tolerance) and allowed, with their defaults", () => {
        expect(problemsOf(withPredictions({ agreement: { min: 0.9 }, allowed: {} }))).toEqual([]);
        expect(problemsOf(withPredictions({ agreement: { min: 0.9, tolerance: 0.5, minRequests: 3 } }))).toEqual([]);
    });

    it("refuse gates without the synthetic load whose answers they compare, an empty gate list, and allowed without allowed predictions", () => {
        expect(problemsOf(withPredictions({ agreement: { min: 0.9 } }, null))).toEqual([
            "onlineEndpoint.rollout.predictions: compares the answers to the rollout's synthetic load: set onlineEndpoint.rollout.loadRequestsPerSecond too",
        ]);
        expect(problemsOf(withPredictions({}))).toEqual(["onlineEndpoint.rollout.predictions: names no gate: set agreement (with min) or allowed, or remove predictions"]);
        const noAllowed = withPredictions({ allowed: {} });
        noAllowed.smokeTest.allowedPredictions = [];
        expect(problemsOf(noAllowed)).toEqual([
            "onlineEndpoint.rollout.predictions.allowed: judges answers against smokeTest.allowedPredictions, which lists none: list them",
        ]);
        expect(problemsOf(withPredictions({ agreement: { min: 1.5 } }))).toEqual([expect.stringMatching(/^onlineEndpoint\.rollout\.predictions\.agreement\.min: /)]);
        const thin = devWith((c) => {
            c.onlineEndpoint.rollout = { loadRequestsPerSecond: 1, stepSeconds: 5, predictions: { agreement: { min: 0.5 } } };
        });
        expect(problemsOf(thin)).toEqual([
            "onlineEndpoint.rollout.predictions.agreement.minRequests: is more than a window ever compares (loadRequestsPerSecond 1 x stepSeconds 5 = 5): every window would be inconclusive",
        ]);
    });
});
