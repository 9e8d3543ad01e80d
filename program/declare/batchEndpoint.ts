import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { endpointName } from "../../config/naming/names";
import { BatchEndpointConfig } from "../../config/schema";
import { BatchEndpoint } from "../components/batch/batchEndpoint";
import { ComputeCluster } from "../components/compute/computeCluster";
import { UriFolderDataAsset } from "../components/data/uriFolderDataAsset";
import { MlWorkspace } from "../components/workspace/mlWorkspace";
import { StackScope } from "./stackScope";
import { inWorkspace } from "./workspace";

export interface DeclaredBatchEndpoint {
    readonly batchEndpoint: BatchEndpoint;
    /** The sample input registered as a data asset, when declared. */
    readonly batchInput?: UriFolderDataAsset;
}

/** The batch endpoint, its deployments on the stack's cluster and its default, and its sample input. */
export function declareBatchEndpoint(
    scope: StackScope,
    batch: BatchEndpointConfig,
    dependencies: {
        workspace: MlWorkspace;
        computeCluster: ComputeCluster;
        suffix: pulumi.Output<string>;
        modelVersionIds: Record<string, pulumi.Output<string>>;
    },
): DeclaredBatchEndpoint {
    const { workspace } = dependencies;
    const batchEndpoint = new BatchEndpoint(`batch-${batch.name}`, {
        ...inWorkspace(workspace),
        location: scope.config.location,
        endpointName: dependencies.suffix.apply((s) => endpointName(batch.name, s)),
        deployments: batch.deployments.map((d) => ({
            ...d,
            modelId: dependencies.modelVersionIds[d.model],
            // Validated: every deployment names the stack's one cluster.
            computeId: dependencies.computeCluster.computeId,
        })),
        defaultDeployment: batch.defaultDeployment,
        cloud: scope.cloud,
        defaultTimeoutSeconds: batch.defaultTimeoutSeconds,
        tags: scope.tags,
    });
    const input = batch.inputData;
    const batchInput =
        input &&
        new UriFolderDataAsset("batch-input", {
            ...inWorkspace(workspace),
            stackFile: scope.stackFile,
            cloud: scope.cloud,
            storageAccountName: workspace.storageAccountName,
            blobContainerName: workspace.defaultBlobContainerName,
            assetName: input.name,
            version: input.version,
            dir: path.resolve(scope.projectDir, input.path),
            description: input.description,
            protect: scope.config.protectResources,
            tags: scope.tags,
        });
    return { batchEndpoint, batchInput };
}
