import { badRequest } from "../arm/azureErrors";
import { EmulatedType, inWorkspace, mapping, trackedLocation } from "./resourceType";
import { endpointNameProblem, endpointReadOnly } from "./sharedRules";

export const batchEndpoint: EmulatedType = {
    token: "azure-native:machinelearningservices:BatchEndpoint",
    armType: "Microsoft.MachineLearningServices/workspaces/batchEndpoints",
    mapping: mapping("endpointName", (i) => `${inWorkspace(i)}/batchEndpoints/${i.endpointName}`, ["workspaceName", "endpointName"], false),
    sdkFile: "machinelearningservices/batchEndpoint",
    forceNew: { location: trackedLocation },
    rules: {
        readOnly: endpointReadOnly,
        checkPut(ctx, id, body) {
            const name = endpointNameProblem("endpoint", id.name);
            if (name) return name;
            const wanted = body.properties?.defaults?.deploymentName;
            if (wanted && !ctx.children(id.id, "deployments").some((d) => d.id.name.toLowerCase() === String(wanted).toLowerCase())) {
                return badRequest(`Deployment ${wanted} not found in endpoint; the default must name an existing deployment.`);
            }
            return undefined;
        },
    },
};
