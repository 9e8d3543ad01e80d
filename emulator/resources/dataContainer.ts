import { EmulatedType, inWorkspace, mapping } from "./resourceType";

/** Azure ML assets are proxy resources: path keys only (R1). */
export const dataContainer: EmulatedType = {
    token: "azure-native:machinelearningservices:DataContainer",
    armType: "Microsoft.MachineLearningServices/workspaces/data",
    mapping: mapping("name", (i) => `${inWorkspace(i)}/data/${i.name}`, ["workspaceName", "name"], false),
    sdkFile: "machinelearningservices/dataContainer",
    forceNew: {},
};
