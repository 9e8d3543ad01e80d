import { z } from "zod";

/**
 * The shape of a stack's configuration (the project's namespace in `Pulumi.<stack>.yaml`).
 * Every object is strict, so a misspelt key is an error instead of a silently ignored setting.
 * Each key is also documented in `Pulumi.yaml`; a test keeps the two in step.
 */

const wholeNumber = (min: number, max?: number) => {
    const allowed = max === undefined ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    const base = z.int({ error: `must be ${allowed}` }).min(min, { error: `must be ${allowed}` });
    return max === undefined ? base : base.max(max, { error: `must be ${allowed}` });
};

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: `must be one of ${values.map((v) => `"${v}"`).join(", ")}` });

const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

const flag = z.boolean({ error: "must be true or false" });

const tags = z.record(z.string(), z.string({ error: "tag values must be strings" }), {
    error: "must be a map of tag names to string values",
});

export const workspaceSchema = z.strictObject({
    /** Whether the workspace answers on the public internet ("Enabled") or only through private links. */
    publicNetworkAccess: oneOf(["Enabled", "Disabled"]).default("Enabled"),
    /** Key vault purge protection: once on, Azure never lets it be turned off again. */
    keyVaultPurgeProtection: flag.default(false),
    /** Days Log Analytics keeps the workspace's logs and Application Insights telemetry. */
    logRetentionDays: wholeNumber(30, 730).default(30),
    containerRegistrySku: oneOf(["Basic", "Standard", "Premium"]).default("Basic"),
    storageSku: oneOf(["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS"]).default(
        "Standard_LRS",
    ),
});

export const computeClusterSchema = z.strictObject({
    name: text("a compute cluster name"),
    vmSize: text("an Azure VM size such as Standard_DS3_v2").default("Standard_DS3_v2"),
    /** Accept a vmSize that is not in config/azureCatalog/computeVmSizes.json (a size newer than the list). */
    allowUnlistedVmSize: flag.default(false),
    vmPriority: oneOf(["Dedicated", "LowPriority"]).default("Dedicated"),
    minNodes: wholeNumber(0).default(0),
    maxNodes: wholeNumber(1),
    /** Seconds a node may sit idle before the cluster scales it away. */
    idleSecondsBeforeScaleDown: wholeNumber(60, 604800).default(120),
});

export const modelSchema = z.strictObject({
    /** Registered model name; versions of one model share it. */
    name: text("a model name"),
    /** Registered version. A version is immutable: changed files need a new version. */
    version: wholeNumber(1),
    /**
     * Where the version's files are (config/modelSources.ts): an MLflow model folder (the one
     * holding `MLmodel`) relative to the project directory, or a run's model (`runs:/<run_id>/<path>`).
     * Left out: the version is already registered in the workspace and is deployed by reference.
     */
    path: text("a folder path relative to the project directory, or runs:/<run_id>/<path>").optional(),
    description: z.string({ error: "must be text" }).optional(),
    tags: tags.default({}),
});

const probeSchema = z.strictObject({
    initialDelaySeconds: wholeNumber(0).default(10),
    periodSeconds: wholeNumber(1).default(10),
    timeoutSeconds: wholeNumber(1).default(2),
    failureThreshold: wholeNumber(1).default(30),
    successThreshold: wholeNumber(1).default(1),
});

const weightMap = z.record(z.string(), z.number({ error: "weights must be numbers" }), {
    error: "must be a map of deployment name to percentage",
});

export const onlineDeploymentSchema = z.strictObject({
    name: text("a deployment name"),
    /** The registered model version it serves, as `name:version` from `models`. */
    model: text("a model version as name:version, e.g. diabetes-classifier:1"),
    instanceType: text("an Azure ML instance type such as Standard_DS3_v2").default("Standard_DS3_v2"),
    /** Accept an instanceType that is not in config/azureCatalog/onlineEndpointSkus.json (newer than the list). */
    allowUnlistedInstanceType: flag.default(false),
    instanceCount: wholeNumber(1).default(1),
    /** Milliseconds a scoring request may take before Azure answers 408. */
    requestTimeoutMs: wholeNumber(1, 180000).default(5000),
    maxConcurrentRequestsPerInstance: wholeNumber(1).default(1),
    livenessProbe: probeSchema.prefault({}),
    readinessProbe: probeSchema.prefault({}),
    environmentVariables: z.record(z.string(), z.string({ error: "values must be strings" })).default({}),
    appInsightsEnabled: flag.default(true),
});

const fraction = z
    .number({ error: "must be a fraction from 0 to 1" })
    .min(0, { error: "must be a fraction from 0 to 1" })
    .max(1, { error: "must be a fraction from 0 to 1" });

/**
 * Progressive rollout: when an update raises a deployment's live weight, traffic moves there in
 * steps, each watched for `stepSeconds` and judged by the gates on the endpoint's own metrics;
 * a failed gate puts the weights back as they were before the update, and the update fails.
 */
export const rolloutSchema = z.strictObject({
    enabled: flag.default(true),
    /** Live-traffic percentages for the growing deployment before its declared weight, ascending. */
    steps: z.array(wholeNumber(1, 99), { error: "must be a list of percentages" }).default([10, 50]),
    /** Seconds each step is watched before its gates are judged (Azure's metrics have a 1-minute grain). */
    stepSeconds: wholeNumber(5, 3600).default(120),
    /** Percent of live traffic mirrored to the new deployment, watched for one window, before it gets any live traffic. */
    mirrorPercent: wholeNumber(1, 50).optional(),
    /** Largest share of the new deployment's requests that may fail (5xx, or 424: the model failed). */
    maxErrorRate: fraction.default(0.01),
    /** Largest p95 latency of the new deployment, in ms. */
    maxP95LatencyMs: wholeNumber(1).optional(),
    /** Largest ratio of the new deployment's p95 latency to the old one's. */
    maxLatencyRatio: z.number({ error: "must be a number >= 1" }).min(1, { error: "must be a number >= 1" }).optional(),
    /** Requests of the new deployment a window needs to be judged; fewer: the window is inconclusive. */
    minRequests: wholeNumber(1).default(20),
    /** Synthetic load (the smoke test's request, sent to the new and the old deployment) at this many requests a second per deployment; absent: none. */
    loadRequestsPerSecond: wholeNumber(1, 50).optional(),
    /** What an inconclusive window does: "fail" counts it as failed; "hold" watches the step again (at most inconclusiveLimit times). */
    onInconclusive: oneOf(["fail", "hold"]).default("fail"),
    inconclusiveLimit: wholeNumber(1, 20).default(3),
    /** Failed windows tolerated in one rollout before it rolls back. */
    failureLimit: wholeNumber(0, 10).default(0),
    /**
     * Seconds Azure Monitor may take to make a window's requests readable (a few minutes on Azure):
     * a window with too few requests at its end is read again until it has enough or this passes.
     */
    metricsDelaySeconds: wholeNumber(0, 900).default(180),
    /**
     * Gates on the new deployment's answers themselves, which the metrics cannot see (a wrong answer
     * is a 200): the synthetic load's requests go to both deployments, and their answers are compared.
     */
    predictions: z
        .strictObject({
            /** Share of rows where the new deployment agrees with the old: labels equal, or numbers within `tolerance`. */
            agreement: z
                .strictObject({
                    min: fraction,
                    tolerance: z.number({ error: "must be a number >= 0" }).min(0, { error: "must be a number >= 0" }).optional(),
                    minRequests: wholeNumber(1).default(10),
                })
                .optional(),
            /** Every prediction of the new deployment within smokeTest.allowedPredictions. */
            allowed: z.strictObject({ minRequests: wholeNumber(1).default(10) }).optional(),
        })
        .optional(),
});

export const onlineEndpointSchema = z.strictObject({
    /** Base name; the Azure name adds the stack's suffix (endpoint names are unique per region). */
    name: text("an endpoint name"),
    authMode: oneOf(["Key", "AMLToken", "AADToken"]).default("Key"),
    publicNetworkAccess: oneOf(["Enabled", "Disabled"]).default("Enabled"),
    deployments: z.array(onlineDeploymentSchema, { error: "must be a list of deployments" }).min(1, {
        error: "must list at least one deployment",
    }),
    /** Percent of live traffic per deployment: 0-100, summing to 100 (or all 0). */
    traffic: weightMap.default({}),
    /** Percent of live traffic copied to one deployment with no live traffic: at most 50. */
    mirrorTraffic: weightMap.default({}),
    /** Seconds the traffic step may take, waits and retries included, before it fails. */
    trafficTimeoutSeconds: wholeNumber(60, 7200).default(1200),
    /** Progressive rollout of traffic changes; absent: traffic goes to the declared weights in one step. */
    rollout: rolloutSchema.optional(),
});

export const batchDeploymentSchema = z.strictObject({
    name: text("a deployment name"),
    /** The registered model version it scores with, as `name:version` from `models`. */
    model: text("a model version as name:version, e.g. diabetes-classifier:2"),
    /** Name of the compute cluster (must be `computeCluster.name`). */
    compute: text("the name of the stack's compute cluster"),
    instanceCount: wholeNumber(1).default(1),
    maxConcurrencyPerInstance: wholeNumber(1).default(1),
    /** Files per mini-batch handed to one scoring call. */
    miniBatchSize: wholeNumber(1).default(10),
    outputAction: oneOf(["AppendRow", "SummaryOnly"]).default("AppendRow"),
    outputFileName: text("a file name ending in .csv").default("predictions.csv"),
    retrySettings: z
        .strictObject({
            maxRetries: wholeNumber(1).default(3),
            timeoutSeconds: wholeNumber(1, 86400).default(300),
        })
        .prefault({}),
    /** Failed files (or rows) tolerated before the job fails; -1 ignores failures. */
    errorThreshold: wholeNumber(-1).default(-1),
    loggingLevel: oneOf(["Info", "Warning", "Debug"]).default("Info"),
    environmentVariables: z.record(z.string(), z.string({ error: "values must be strings" })).default({}),
});

export const batchEndpointSchema = z.strictObject({
    /** Base name; the Azure name adds the stack's suffix (endpoint names are unique per region). */
    name: text("an endpoint name"),
    /** The deployment jobs go to when none is named (set after it exists, like traffic). */
    defaultDeployment: text("the name of one of the deployments"),
    deployments: z.array(batchDeploymentSchema, { error: "must be a list of deployments" }).min(1, {
        error: "must list at least one deployment",
    }),
    /** Seconds the default-deployment step may take, waits and retries included. */
    defaultTimeoutSeconds: wholeNumber(60, 7200).default(1200),
    /** Sample input registered as a `uri_folder` data asset. */
    inputData: z
        .strictObject({
            name: text("a data asset name"),
            /** A registered version is immutable: changed files need a new version. */
            version: wholeNumber(1),
            /** Folder of .csv/.parquet files, relative to the project directory. */
            path: text("a folder path relative to the project directory"),
            description: z.string({ error: "must be text" }).optional(),
        })
        .optional(),
});

export const smokeTestSchema = z.strictObject({
    /** Run the post-deploy smoke test during `pulumi up` (it fails the update when the model answers wrong). */
    enabled: flag.default(true),
    /** Request in the online endpoint's `input_data` format, relative to the project directory. */
    requestFile: text("a file path relative to the project directory").default("sample-request.json"),
    /** Allowed prediction values; empty: any value. */
    allowedPredictions: z
        .array(z.union([z.number(), z.string(), z.boolean()]), { error: "must be a list of values" })
        .default([]),
    /** Milliseconds one successful scoring call may take. */
    latencyBudgetMs: wholeNumber(1).default(5000),
    /** Seconds the whole smoke test may take, retries (e.g. while deployments warm up) included. */
    timeoutSeconds: wholeNumber(10, 3600).default(600),
    /** Optional short load check through traffic routing. */
    load: z
        .strictObject({
            requests: wholeNumber(1, 10000).default(50),
            concurrency: wholeNumber(1, 100).default(4),
            maxP95Ms: wholeNumber(1).default(2000),
            maxErrorRate: fraction.default(0.02),
        })
        .optional(),
});

export const stackConfigSchema = z.strictObject({
    /** Azure region for every resource, e.g. "westeurope". */
    location: text("an Azure region name such as westeurope"),
    /** Accept a location that is not in config/azureCatalog/regions.json (a region newer than the list). */
    allowUnlistedLocation: flag.default(false),
    /** Short base for every resource name. */
    prefix: z.string({ error: "must be text" }).regex(/^[a-z][a-z0-9-]{1,9}$/, {
        error: "must be 2-10 characters: lowercase letters, digits and '-', starting with a letter",
    }),
    /** An existing resource group to deploy into; when absent, the stack creates its own. */
    resourceGroupName: text("a resource group name").optional(),
    /** Marks stateful resources `protect` and `retainOnDelete`. */
    protectResources: flag.default(false),
    /** Turns on the production guards (see `productionProblems`). */
    production: flag.default(false),
    tags: tags.default({}),
    workspace: workspaceSchema.prefault({}),
    computeCluster: computeClusterSchema,
    models: z
        .array(modelSchema, { error: "must be a list of models" })
        .min(1, { error: "must list at least one model" }),
    /** A managed online endpoint with its deployments and traffic; absent: no online endpoint. */
    onlineEndpoint: onlineEndpointSchema.optional(),
    /** A batch endpoint on the compute cluster; absent: no batch endpoint. */
    batchEndpoint: batchEndpointSchema.optional(),
    /** The post-deploy smoke test of the online endpoint. */
    smokeTest: smokeTestSchema.prefault({}),
});

export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type StackConfig = z.output<typeof stackConfigSchema>;
export type ModelConfig = z.output<typeof modelSchema>;
export type ComputeClusterConfig = z.output<typeof computeClusterSchema>;
export type WorkspaceConfig = z.output<typeof workspaceSchema>;
export type OnlineEndpointConfig = z.output<typeof onlineEndpointSchema>;
export type OnlineDeploymentConfig = z.output<typeof onlineDeploymentSchema>;
export type SmokeTestConfig = z.output<typeof smokeTestSchema>;
export type RolloutConfig = z.output<typeof rolloutSchema>;
export type BatchEndpointConfig = z.output<typeof batchEndpointSchema>;
export type BatchDeploymentConfig = z.output<typeof batchDeploymentSchema>;
