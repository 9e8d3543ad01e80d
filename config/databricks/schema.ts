import { z } from "zod";
import { flag, oneOf, rolloutSchema, tags, text, weightMap, wholeNumber } from "../schemaParts";

/**
 * The `databricks` key: what a stack with `platform: databricks` declares (config/databricks/README.md).
 * Shapes only; the rules across keys (routes, regions, production guards) are in ./rules.ts.
 */

/** Permission levels a serving endpoint takes (Databricks permissions API, serving-endpoints). */
export const servingPermissionLevels = ["CAN_QUERY", "CAN_VIEW", "CAN_MANAGE"] as const;

export const databricksWorkspaceSchema = z.strictObject({
    /** Model Serving needs premium (Azure Databricks pricing tiers; the walkthrough's setup.ps1 creates premium). */
    sku: oneOf(["premium", "standard", "trial"]).default("premium"),
    publicNetworkAccess: oneOf(["Enabled", "Disabled"]).default("Enabled"),
    /** Secure cluster connectivity: cluster nodes get no public IP. */
    noPublicIp: flag.default(true),
});

export const databricksClusterSchema = z.strictObject({
    /** The cluster's name in the workspace. */
    name: text("a cluster name"),
    /** Azure VM size of the driver and workers (the walkthrough's Standard_D4ds_v5). */
    nodeType: text("an Azure VM size such as Standard_D4ds_v5").default("Standard_D4ds_v5"),
    /** Databricks Runtime: an ML runtime (`-ml-` in its key), e.g. the walkthrough's 15.4 LTS ML. */
    sparkVersion: text("a Databricks Runtime key such as 15.4.x-cpu-ml-scala2.12").default("15.4.x-cpu-ml-scala2.12"),
    /** Workers beside the driver; 0 is a single-node cluster (the walkthrough's). */
    numWorkers: wholeNumber(0, 100).default(0),
    /** Minutes of inactivity before the cluster terminates: 0 (never) or 10-10000. */
    autoterminationMinutes: wholeNumber(0, 10000).default(20),
    /** The one user the cluster is assigned to (single-user access mode); absent: the deploying identity. */
    singleUser: text("a workspace user name").optional(),
});

export const servedEntitySchema = z.strictObject({
    /** The entity's name on the endpoint: what routes and direct calls name. */
    name: text("a served entity name"),
    /** The model version it serves, as `name:version` from `models`. */
    model: text("a model version as name:version, e.g. Penguin Predictor:1"),
    /** Provisioned concurrency: Small (4), Medium (8-16), Large (16-64) requests. */
    workloadSize: oneOf(["Small", "Medium", "Large"]).default("Small"),
    /** Scale to zero when idle: cheap, but the first requests after idle wait for a cold start. */
    scaleToZero: flag.default(false),
});

export const servingPermissionSchema = z.strictObject({
    user: text("a workspace user name").optional(),
    group: text("a workspace group name").optional(),
    servicePrincipal: text("a service principal's application id").optional(),
    level: oneOf(servingPermissionLevels),
});

export const servingEndpointSchema = z.strictObject({
    /** The endpoint's name in the workspace (1-63 letters, digits, '-', '_'). */
    name: text("a serving endpoint name"),
    servedEntities: z.array(servedEntitySchema, { error: "must be a list of served entities" }).min(1, {
        error: "must list at least one served entity",
    }),
    /** Percent of traffic per served entity: every entity has a route, whole numbers summing to 100. */
    routes: weightMap.default({}),
    /** Present only to be refused with the reason: Databricks Model Serving has no mirror traffic. */
    mirrorTraffic: weightMap.optional(),
    /** Seconds one configuration update may take (Databricks builds each new entity): waits and retries included. */
    updateTimeoutSeconds: wholeNumber(60, 7200).default(2700),
    /** Progressive rollout of route changes, judged on the endpoint's metrics (no mirror stage here). */
    rollout: rolloutSchema.optional(),
    /** Who may use the endpoint, beside the deploying identity (which gets CAN_QUERY for the smoke test). */
    permissions: z.array(servingPermissionSchema, { error: "must be a list of permissions" }).default([]),
    tags: tags.default({}),
});

export const databricksSchema = z.strictObject({
    workspace: databricksWorkspaceSchema.prefault({}),
    /** Accept a location missing from config/azureCatalog/databricksServingRegions.json (a region newer than the list). */
    allowUnlistedServingRegion: flag.default(false),
    /** Workspace folder and base name of the MLflow experiment; the stack's suffix is appended. */
    experiment: text("an absolute workspace path such as /Shared/penguins").default("/Shared/mlflow-models"),
    /** An interactive cluster for notebooks and training (created without waiting for it to start); absent: none. */
    cluster: databricksClusterSchema.optional(),
    servingEndpoint: servingEndpointSchema,
});

export type DatabricksConfig = z.output<typeof databricksSchema>;
export type ServingEndpointConfig = z.output<typeof servingEndpointSchema>;
export type ServedEntityConfig = z.output<typeof servedEntitySchema>;
export type DatabricksClusterConfig = z.output<typeof databricksClusterSchema>;
