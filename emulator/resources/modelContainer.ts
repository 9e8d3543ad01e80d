import { EmulatedType, inWorkspace, mapping } from "./resourceType";

/** Azure ML assets are proxy resources: path keys only (R1). */
export const modelContainer: EmulatedType = {
    token: "azure-native:machinelearningservices:ModelContainer",
    armType: "Microsoft.MachineLearningServices/workspaces/models",
    mapping: mapping("name", (i) => `${inWorkspace(i)}/models/${i.name}`, ["workspaceName", "name"], false),
    sdkFile: "machinelearningservices/modelContainer",
    forceNew: {},
};
