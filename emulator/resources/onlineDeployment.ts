import { badRequest, conflict } from "../arm/azureErrors";
import { EmulatedType, inWorkspace, mapping, trackedLocation } from "./resourceType";
import { endpointNameProblem } from "./sharedRules";

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
        checkPut(ctx, id) {
            const name = endpointNameProblem("deployment", id.name);
            if (name) return name;
            const endpoint = ctx.get(id.parent!);
            if (endpoint?.busy) {
                return conflict(`Cannot create a deployment in endpoint ${endpoint.id.name} because it is in Updating provisioning state.`);
            }
            return undefined;
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
