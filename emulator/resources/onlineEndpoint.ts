import { badRequest } from "../arm/azureErrors";
import { lowerCaseNames, onlineTrafficProblem } from "../arm/onlineTrafficRules";
import { EmulatedType, inWorkspace, mapping, trackedLocation } from "./resourceType";
import { endpointNameProblem, endpointReadOnly } from "./sharedRules";

export const onlineEndpoint: EmulatedType = {
    token: "azure-native:machinelearningservices:OnlineEndpoint",
    armType: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    mapping: mapping("endpointName", (i) => `${inWorkspace(i)}/onlineEndpoints/${i.endpointName}`, ["workspaceName", "endpointName"], false),
    sdkFile: "machinelearningservices/onlineEndpoint",
    forceNew: { location: trackedLocation },
    rules: {
        readOnly: endpointReadOnly,
        checkPut(ctx, id, body) {
            const name = endpointNameProblem("endpoint", id.name);
            if (name) return name;
            const states = new Map(ctx.children(id.id, "deployments").map((d) => [d.id.name.toLowerCase(), d.provisioningState]));
            const problem = onlineTrafficProblem(states, body.properties?.traffic ?? {}, body.properties?.mirrorTraffic ?? {});
            return problem ? badRequest(problem) : undefined;
        },
        complete(_id, body) {
            // A PUT replaces the endpoint: traffic it leaves out is gone. Names are kept lower-cased.
            return {
                ...body,
                properties: {
                    ...body.properties,
                    traffic: lowerCaseNames(body.properties?.traffic ?? {}),
                    mirrorTraffic: lowerCaseNames(body.properties?.mirrorTraffic ?? {}),
                },
            };
        },
    },
};
