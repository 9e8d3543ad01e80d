import { EmulatedType, inWorkspace, mapping } from "./resourceType";
import { immutableVersion } from "./sharedRules";

export const dataVersion: EmulatedType = {
    token: "azure-native:machinelearningservices:DataVersion",
    armType: "Microsoft.MachineLearningServices/workspaces/data/versions",
    mapping: mapping("version", (i) => `${inWorkspace(i)}/data/${i.name}/versions/${i.version}`, ["workspaceName", "name", "version"], false),
    sdkFile: "machinelearningservices/dataVersion",
    forceNew: {},
    rules: immutableVersion("dataUri", "dataType"),
};
