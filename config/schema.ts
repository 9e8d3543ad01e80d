import { z } from "zod";
import { databricksSchema } from "./databricks/schema";
import { flag, fraction, oneOf, rolloutSchema, tags, text, weightMap, wholeNumber } from "./schemaParts";

export { rolloutSchema };

/**
 * The shape of a stack's configuration (the project's namespace in `Pulumi.<stack>.yaml`).
 * Every object is strict, so a misspelt key is an error instead of a silently ignored setting.
 * Each key is also documented in `Pulumi.yaml`; a test keeps the two in step.
 */

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

export const onlineDeploymentSchema = z.strictObject({
    name: text("a deployment name"),
    /**
     * The model version it serves: `name:version` from `models`, or a version of the stack's
     * registry, `azureml://registries/<registry.name>/models/<name>/versions/<version>` (put there by
     * `npm run promote`; nothing is uploaded to the workspace).
     */
    model: text("a model version as name:version, e.g. diabetes-classifier:1, or azureml://registries/<r>/models/<n>/versions/<v>"),
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

/** An Azure ML registry this stack declares: where promoted model versions live, shared by the environments. */
export const registrySchema = z.strictObject({
    /** The registry's name (3-33 letters, digits, '-', '_'; unique in the tenant). */
    name: text("a registry name"),
    /** Regions it replicates to; the first is its primary region (fixed at creation). */
    locations: z.array(text("an Azure region name"), { error: "must be a list of regions" }).min(1, { error: "must list at least one region" }),
});

/** Promotion: this stack deploys only what `fromStack` served and smoke-tested, from the registry. */
export const promotionSchema = z.strictObject({
    /** The stack (in the same backend) whose smoke-tested model versions this one may deploy, e.g. "dev". */
    fromStack: text("a stack name such as dev"),
});

export const stackConfigSchema = z.strictObject({
    /** Where models are served: Azure Machine Learning ("azureml") or Azure Databricks Model Serving ("databricks"). */
    platform: oneOf(["azureml", "databricks"]).default("azureml"),
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
    /** Azure ML's compute cluster: required when platform is azureml (config/rules.ts). */
    computeCluster: computeClusterSchema.optional(),
    models: z
        .array(modelSchema, { error: "must be a list of models" })
        .min(1, { error: "must list at least one model" }),
    /** A managed online endpoint with its deployments and traffic; absent: no online endpoint. */
    onlineEndpoint: onlineEndpointSchema.optional(),
    /** A batch endpoint on the compute cluster; absent: no batch endpoint. */
    batchEndpoint: batchEndpointSchema.optional(),
    /** Azure Databricks: the workspace, its MLflow experiment and the serving endpoint; required when platform is databricks. */
    databricks: databricksSchema.optional(),
    /** An Azure ML registry declared by this stack (for promotion); absent: none. */
    registry: registrySchema.optional(),
    /** Deploy only what another stack verified, through the registry; absent: no such check. */
    promotion: promotionSchema.optional(),
    /** The post-deploy smoke test of the online endpoint. */
    smokeTest: smokeTestSchema.prefault({}),
});

export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type StackConfig = z.output<typeof stackConfigSchema>;
export type ModelConfig = z.output<typeof modelSchema>;
export type RegistryConfig = z.output<typeof registrySchema>;
export type ComputeClusterConfig = z.output<typeof computeClusterSchema>;
export type WorkspaceConfig = z.output<typeof workspaceSchema>;
export type OnlineEndpointConfig = z.output<typeof onlineEndpointSchema>;
export type OnlineDeploymentConfig = z.output<typeof onlineDeploymentSchema>;
export type SmokeTestConfig = z.output<typeof smokeTestSchema>;
export type RolloutConfig = z.output<typeof rolloutSchema>;
export type BatchEndpointConfig = z.output<typeof batchEndpointSchema>;
export type BatchDeploymentConfig = z.output<typeof batchDeploymentSchema>;
