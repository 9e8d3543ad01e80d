import { programConfig } from "./config/program";
import { buildPlatform } from "./platform";

// Configuration is read and checked in full before any resource is declared.
const { config } = programConfig();
const platform = buildPlatform(config);

export const resourceGroupName = platform.workspace.resourceGroupName;
export const location = platform.workspace.location;
export const workspaceName = platform.workspace.workspaceName;
export const workspaceId = platform.workspace.workspaceId;
export const mlflowTrackingUri = platform.workspace.mlflowTrackingUri;
export const computeClusterName = platform.computeCluster.computeName;
export const modelVersions = platform.modelVersionIds;
