import { EmulatedType, mapping } from "./resourceType";

export const resourceGroup: EmulatedType = {
    token: "azure-native:resources:ResourceGroup",
    armType: "Microsoft.Resources/resourceGroups",
    mapping: mapping("resourceGroupName", () => "", [], true),
    sdkFile: "resources/resourceGroup",
    forceNew: { location: "gen/replacement.go forceNewMap Resources.ResourceGroup" },
};
