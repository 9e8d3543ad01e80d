import * as authorization from "@pulumi/azure-native/authorization";
import { MlRegistry } from "../components/registry/mlRegistry";
import { MlWorkspace } from "../components/workspace/mlWorkspace";
import { StackScope } from "./stackScope";

/**
 * The stack's Azure ML registry, when it declares one (`registry`): declared by the stack that
 * deploys from it (production), with a role for that stack's workspace identity to read its models.
 */
export function declareRegistry(scope: StackScope, workspace: MlWorkspace): MlRegistry | undefined {
    const registry = scope.config.registry;
    if (!registry) return undefined;
    return new MlRegistry("registry", {
        resourceGroupName: workspace.resourceGroupName,
        registryName: registry.name,
        locations: registry.locations,
        subscriptionId: authorization.getClientConfigOutput().subscriptionId,
        readers: { workspace: workspace.principalId },
        protect: scope.config.protectResources,
        tags: scope.tags,
    });
}
