import { ArmId } from "../arm/armIds";
import { Refusal, authorizationFailed, badRequest, conflict, notFound } from "../arm/azureErrors";
import { RuleContext, systemPrincipalId } from "../arm/storedResource";
import { workspaceOf } from "./mlWorkspace";
import { registryType } from "./registry";
import { referencedRegistry, referencedVersionId, registryModelReference } from "./registryModelVersion";
import { EmulatedType, inWorkspace, mapping, trackedLocation } from "./resourceType";
import { principalMay } from "./roleAssignment";
import { endpointNameProblem, regionOf } from "./sharedRules";

/** The action reading a registry's assets (AzureML Registry User: `registries/assets/*`; Reader: `*\/read`). */
export const registryAssetsRead = "Microsoft.MachineLearningServices/registries/assets/read";


/**
 * Why a deployment of a registry model (`azureml://registries/<r>/models/<n>/versions/<v>` or its
 * ARM id) is refused at its PUT, in the order Azure checks: the registry (404), the workspace's
 * region among the registry's (how-to-share-models-pipelines-across-workspaces-with-registries),
 * the workspace's system-assigned identity allowed to read the registry's assets at its scope or
 * above (403 AuthorizationFailed; the emulator's stricter choice, emulator/README.md), the version
 * (404).
 */
function registryModelRefusal(ctx: RuleContext, deployment: ArmId, model: string): Refusal | undefined {
    const reference = registryModelReference(model);
    if (!reference) return undefined;
    const registry = referencedRegistry(ctx, reference);
    if (!registry) return notFound(`${registryType}/${reference.registryName}`);
    const workspace = ctx.get(workspaceOf(deployment.id));
    if (!workspace) return undefined;
    const regions = (registry.body.properties?.regionDetails ?? []).map((d: Record<string, any>) => regionOf(d.location));
    if (!regions.includes(regionOf(workspace.body.location))) {
        return badRequest(`Workspace ${workspace.id.name} is in ${workspace.body.location}, not in one of registry ${registry.id.name}'s regions (${regions.join(", ")}).`);
    }
    const identity = String(workspace.body.identity?.type ?? "");
    const principal = identity.includes("SystemAssigned") ? systemPrincipalId(workspace.id) : `(workspace ${workspace.id.name} has no system-assigned identity)`;
    if (!principalMay(ctx, principal, registryAssetsRead, registry.id.id)) return authorizationFailed(principal, principal, registryAssetsRead, registry.id.id);
    if (!ctx.get(referencedVersionId(registry.id.id, reference))) {
        return { status: 404, code: "ResourceNotFound", message: `Model with name ${reference.model}, version ${reference.version} not found in provided registry ${registry.id.name}.` };
    }
    return undefined;
}

export const onlineDeployment: EmulatedType = {
    token: "azure-native:machinelearningservices:OnlineDeployment",
    armType: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
    mapping: mapping(
        "deploymentName",
        (i) => `${inWorkspace(i)}/onlineEndpoints/${i.endpointName}/deployments/${i.deploymentName}`,
        ["workspaceName", "endpointName", "deploymentName"],
        false,
    ),
    sdkFile: "machinelearningservices/onlineDeployment",
    forceNew: { location: trackedLocation },
    rules: {
        checkPut(ctx, id, body, existing) {
            const name = endpointNameProblem("deployment", id.name);
            if (name) return name;
            const endpoint = ctx.get(id.parent!);
            if (endpoint?.busy) {
                return conflict(`Cannot create a deployment in endpoint ${endpoint.id.name} because it is in Updating provisioning state.`);
            }
            return registryModelRefusal(ctx, id, String(body.properties?.model ?? "")) ?? ctx.quotaRefusal(id, body, existing);
        },
        checkDelete(ctx, deployment) {
            const endpoint = ctx.get(deployment.id.parent!);
            const name = deployment.id.name.toLowerCase();
            const live = Number(endpoint?.body.properties?.traffic?.[name] ?? 0);
            const mirrored = name in (endpoint?.body.properties?.mirrorTraffic ?? {});
            return live > 0 || mirrored
                ? badRequest(`Deployment ${deployment.id.name} has live or mirror traffic; take it off before deleting the deployment.`)
                : undefined;
        },
    },
};
