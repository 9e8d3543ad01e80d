import * as pulumi from "@pulumi/pulumi";
import { platformNames } from "../../config/naming/names";
import { MlWorkspace } from "../components/workspace/mlWorkspace";
import { StackScope } from "./stackScope";

/** The hardened workspace and what it stands on (resource group, storage, key vault, registry, logs). */
export function declareWorkspace(scope: StackScope, suffix: pulumi.Output<string>): MlWorkspace {
    const { config } = scope;
    return new MlWorkspace("ml", {
        location: config.location,
        names: suffix.apply((s) => platformNames(config.prefix, s)),
        existingResourceGroupName: config.resourceGroupName,
        publicNetworkAccess: config.workspace.publicNetworkAccess,
        keyVaultPurgeProtection: config.workspace.keyVaultPurgeProtection,
        logRetentionDays: config.workspace.logRetentionDays,
        containerRegistrySku: config.workspace.containerRegistrySku,
        storageSku: config.workspace.storageSku,
        protect: config.protectResources,
        tags: scope.tags,
    });
}

/** What resources inside the workspace take to name it. */
export function inWorkspace(workspace: MlWorkspace) {
    return {
        workspaceId: workspace.workspaceId,
        workspaceName: workspace.workspaceName,
        resourceGroupName: workspace.resourceGroupName,
    };
}
