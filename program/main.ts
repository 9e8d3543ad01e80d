import * as pulumi from "@pulumi/pulumi";
import { programConfig } from "./programConfig";
import { defaultDatastore } from "./components/model/mlflowModelVersions";
import { AzureMlPlatform } from "./azureMlPlatform";
import { DatabricksPlatform } from "./databricks/databricksPlatform";
import { Platform, declarePlatform } from "./platform";

/**
 * The whole program: read and check the stack's configuration (before any resource exists),
 * declare the platform, and return the stack outputs an operator needs.
 */
export async function main(): Promise<Record<string, unknown>> {
    return stackOutputs(await declarePlatform(programConfig()));
}

export function stackOutputs(platform: Platform): Record<string, unknown> {
    return platform.kind === "databricks" ? databricksOutputs(platform) : azureMlOutputs(platform);
}

function databricksOutputs(platform: DatabricksPlatform): Record<string, unknown> {
    return {
        platform: "databricks",
        resourceGroupName: platform.workspace.resourceGroupName,
        location: platform.workspace.location,
        databricksWorkspaceId: platform.workspace.workspaceResourceId,
        databricksWorkspaceUrl: platform.workspace.workspaceUrl,
        mlflowExperiment: platform.experiment.name,
        modelVersions: Object.fromEntries(Object.entries(platform.registry.versions).map(([key, version]) => [key, version.source])),
        ...(platform.cluster && { clusterId: platform.cluster.clusterId }),
        servingEndpointName: platform.servingEndpoint.endpointName,
        servingEndpointUrl: pulumi.interpolate`https://${platform.workspace.workspaceUrl}/serving-endpoints/${platform.servingEndpoint.endpointName}/invocations`,
        servedEntities: platform.servingEndpoint.config.applied,
        lastRollout: platform.servingEndpoint.config.lastRollout.apply((lines) => lines ?? []),
        ...(platform.smokeTest && { smokeTest: platform.smokeTest.lastRun }),
    };
}

function azureMlOutputs(platform: AzureMlPlatform): Record<string, unknown> {
    const online = platform.onlineEndpoint;
    return {
        resourceGroupName: platform.workspace.resourceGroupName,
        location: platform.workspace.location,
        workspaceName: platform.workspace.workspaceName,
        workspaceId: platform.workspace.workspaceId,
        // Batch job outputs are named by the datastore's ARM id (see runtime/batch/datastoreUri.ts).
        defaultDatastoreId: pulumi.interpolate`${platform.workspace.workspaceId}/datastores/${defaultDatastore}`,
        mlflowTrackingUri: platform.workspace.mlflowTrackingUri,
        computeClusterName: platform.computeCluster.computeName,
        modelVersions: platform.modelVersionIds,
        ...(online && {
            onlineEndpointName: online.endpointName,
            onlineEndpointId: online.endpointId,
            scoringUri: online.scoringUri,
            swaggerUri: online.swaggerUri,
            onlineDeployments: online.deploymentNames,
            appliedTraffic: online.appliedTraffic,
            // The last progressive rollout's report: a line per watched window ([]: the last change needed none).
            lastRollout: online.trafficResource.lastRollout.apply((lines) => lines ?? []),
        }),
        ...(platform.smokeTest && { smokeTest: platform.smokeTest.lastRun }),
        // What `npm run promote -- --from <this stack>` may copy into a registry.
        ...(platform.verifiedModels && { verifiedModels: platform.verifiedModels }),
        ...(platform.registry && { registryName: platform.registry.registryName, registryId: platform.registry.registryId }),
        ...(platform.batchEndpoint && {
            batchEndpointName: platform.batchEndpoint.endpointName,
            batchScoringUri: platform.batchEndpoint.scoringUri,
            batchDeployments: platform.batchEndpoint.deploymentNames,
            batchDefault: platform.batchEndpoint.defaultResource.applied,
        }),
        ...(platform.batchInput && {
            batchInputDataUri: platform.batchInput.dataUri,
            batchInputDataVersionId: platform.batchInput.dataVersionId,
        }),
        // Only a key-authenticated endpoint has a key; it is a secret already
        // (`pulumi stack output onlineEndpointKey --show-secrets`).
        ...(online?.primaryKey && { onlineEndpointKey: online.primaryKey }),
    };
}
