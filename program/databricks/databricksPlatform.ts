import * as authorization from "@pulumi/azure-native/authorization";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { LoadedConfig } from "../../config/load";
import { DatabricksConfig } from "../../config/databricks/schema";
import { declareNameSuffix } from "../declare/nameSuffix";
import { rolloutSettings } from "../declare/onlineEndpoint";
import { StackScope, stackScope } from "../declare/stackScope";
import { DatabricksModelRegistry } from "./modelRegistry";
import { DatabricksWorkspace, DatabricksWorkspaceNames } from "./databricksWorkspace";
import { ServingSmokeTest } from "./resources";
import { ServingEndpoint } from "./servingEndpoint";

export interface DatabricksPlatform {
    readonly kind: "databricks";
    readonly workspace: DatabricksWorkspace;
    readonly experiment: databricks.MlflowExperiment;
    readonly registry: DatabricksModelRegistry;
    readonly cluster?: databricks.Cluster;
    readonly servingEndpoint: ServingEndpoint;
    readonly smokeTest?: ServingSmokeTest;
}

/** Names of the Databricks stack's Azure resources, from the prefix and the stack's suffix. */
export function databricksNames(prefix: string, suffix: string): DatabricksWorkspaceNames {
    return { resourceGroup: `rg-${prefix}-${suffix}`, workspace: `${prefix}-dbw-${suffix}`, managedResourceGroup: `rg-${prefix}-dbw-${suffix}-managed` };
}

/**
 * Azure Databricks as the serving target (config/databricks/): the workspace (azure-native), then,
 * through a databricks provider configured from it, the MLflow experiment, the registered models
 * and their versions, the optional cluster, the serving endpoint with its entities, routes and
 * rollout, and the post-deploy smoke test.
 */
export async function declareDatabricksPlatform(loaded: LoadedConfig, projectDir: string): Promise<DatabricksPlatform> {
    const scope = stackScope(loaded, projectDir);
    const { config } = scope;
    const settings = config.databricks!;
    const suffix = declareNameSuffix(scope);
    const client = authorization.getClientConfigOutput();
    const workspace = new DatabricksWorkspace("dbx", {
        location: config.location,
        names: suffix.apply((s) => databricksNames(config.prefix, s)),
        subscriptionId: client.subscriptionId,
        existingResourceGroupName: config.resourceGroupName,
        sku: settings.workspace.sku,
        publicNetworkAccess: settings.workspace.publicNetworkAccess,
        noPublicIp: settings.workspace.noPublicIp,
        protect: config.protectResources,
        tags: scope.tags,
    });
    // Azure identities reach the workspace with an Entra token for Azure Databricks (azure-cli locally, OIDC in CI).
    const provider = new databricks.Provider("dbx", {
        host: pulumi.interpolate`https://${workspace.workspaceUrl}`,
        azureWorkspaceResourceId: workspace.workspaceResourceId,
    });
    const inWorkspace = { provider };
    // The suffix keeps a re-created stack clear of its predecessor's soft-deleted experiment name.
    const experiment = new databricks.MlflowExperiment("experiment", { name: pulumi.interpolate`${settings.experiment}-${suffix}` }, inWorkspace);
    const registry = new DatabricksModelRegistry(
        "models",
        {
            workspaceUrl: workspace.workspaceUrl,
            projectDir,
            models: config.models.map((m) => ({ name: m.name, version: m.version, path: m.path!, description: m.description, tags: m.tags })),
            protect: config.protectResources,
        },
        inWorkspace,
    );
    const cluster = settings.cluster && declareCluster(settings.cluster, provider);
    const servingEndpoint = declareServing(scope, settings, workspace, registry, client.clientId, provider);
    const smokeTest = config.smokeTest.enabled ? declareSmokeTest(scope, settings, workspace, servingEndpoint) : undefined;
    return { kind: "databricks", workspace, experiment, registry, cluster, servingEndpoint, smokeTest };
}

/** The walkthrough's notebook cluster: created without waiting for it to start, terminated when idle. */
function declareCluster(cluster: NonNullable<DatabricksConfig["cluster"]>, provider: databricks.Provider): databricks.Cluster {
    const singleNode = cluster.numWorkers === 0;
    return new databricks.Cluster(
        "cluster",
        {
            clusterName: cluster.name,
            sparkVersion: cluster.sparkVersion,
            nodeTypeId: cluster.nodeType,
            numWorkers: cluster.numWorkers,
            autoterminationMinutes: cluster.autoterminationMinutes,
            noWait: true,
            runtimeEngine: "STANDARD",
            ...(cluster.singleUser && { dataSecurityMode: "SINGLE_USER", singleUserName: cluster.singleUser }),
            // A single-node cluster, as the Clusters API spells it.
            ...(singleNode && {
                sparkConf: { "spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*, 4]" },
                customTags: { ResourceClass: "SingleNode" },
            }),
        },
        { provider },
    );
}

function declareServing(
    scope: StackScope,
    settings: DatabricksConfig,
    workspace: DatabricksWorkspace,
    registry: DatabricksModelRegistry,
    deployerApplicationId: pulumi.Output<string>,
    provider: databricks.Provider,
): ServingEndpoint {
    const serving = settings.servingEndpoint;
    const smoke = scope.config.smokeTest;
    const request = scope.smokeRequest;
    return new ServingEndpoint(
        "serving",
        {
            workspaceUrl: workspace.workspaceUrl,
            endpointName: serving.name,
            servedEntities: serving.servedEntities,
            modelVersions: registry.versions,
            routes: serving.routes,
            timeoutSeconds: serving.updateTimeoutSeconds,
            rollout: serving.rollout && rolloutSettings(serving.rollout, request, smoke.allowedPredictions),
            probe:
                smoke.enabled && request
                    ? { requestText: request.text, rows: request.rows, allowedPredictions: [...smoke.allowedPredictions], latencyBudgetMs: smoke.latencyBudgetMs }
                    : undefined,
            deployerApplicationId,
            permissions: serving.permissions,
            tags: { ...scope.tags, ...serving.tags },
        },
        { provider },
    );
}

function declareSmokeTest(scope: StackScope, settings: DatabricksConfig, workspace: DatabricksWorkspace, serving: ServingEndpoint): ServingSmokeTest {
    const smoke = scope.config.smokeTest;
    const request = scope.smokeRequest!;
    return new ServingSmokeTest(
        "serving-smoke-test",
        {
            workspaceUrl: workspace.workspaceUrl,
            endpointName: serving.endpointName,
            entities: settings.servingEndpoint.servedEntities.map((e) => e.name).sort(),
            applied: serving.config.applied,
            requestText: request.text,
            rows: request.rows,
            allowedPredictions: [...smoke.allowedPredictions],
            latencyBudgetMs: smoke.latencyBudgetMs,
            timeoutSeconds: smoke.timeoutSeconds,
            load: smoke.load,
        },
        { dependsOn: [serving.config] },
    );
}
