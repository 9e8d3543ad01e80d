import { EmulatedType, inWorkspace, mapping } from "./resourceType";

export const compute: EmulatedType = {
    token: "azure-native:machinelearningservices:Compute",
    armType: "Microsoft.MachineLearningServices/workspaces/computes",
    mapping: mapping("computeName", (i) => `${inWorkspace(i)}/computes/${i.computeName}`, ["workspaceName", "computeName"], false),
    sdkFile: "machinelearningservices/compute",
    // machineLearningServices.json: location without x-ms-mutability; create-only properties are type-level (R1): in place.
    forceNew: {},
};
