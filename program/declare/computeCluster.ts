import { ComputeCluster } from "../components/compute/computeCluster";
import { MlWorkspace } from "../components/workspace/mlWorkspace";
import { StackScope } from "./stackScope";

/** The cluster batch deployments run on; it scales to `minNodes` when idle. */
export function declareComputeCluster(scope: StackScope, workspace: MlWorkspace): ComputeCluster {
    const cluster = scope.config.computeCluster;
    // The platform rule (config/databricks/rules.ts) requires it on Azure ML, the only caller.
    if (!cluster) throw new Error(`${scope.stackFile}: computeCluster is required when platform is azureml`);
    return new ComputeCluster("batch", {
        workspaceName: workspace.workspaceName,
        resourceGroupName: workspace.resourceGroupName,
        location: scope.config.location,
        clusterName: cluster.name,
        vmSize: cluster.vmSize,
        vmPriority: cluster.vmPriority,
        minNodes: cluster.minNodes,
        maxNodes: cluster.maxNodes,
        idleSecondsBeforeScaleDown: cluster.idleSecondsBeforeScaleDown,
        tags: scope.tags,
    });
}
