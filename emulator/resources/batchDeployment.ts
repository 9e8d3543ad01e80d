import { EmulatedType, inWorkspace, mapping, trackedLocation } from "./resourceType";

export const batchDeployment: EmulatedType = {
    token: "azure-native:machinelearningservices:BatchDeployment",
    armType: "Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments",
    mapping: mapping(
        "deploymentName",
        (i) => `${inWorkspace(i)}/batchEndpoints/${i.endpointName}/deployments/${i.deploymentName}`,
        ["workspaceName", "endpointName", "deploymentName"],
        false,
    ),
    sdkFile: "machinelearningservices/batchDeployment",
    forceNew: { location: trackedLocation },
};
