import { EmulatedType, mapping, trackedLocation } from "./resourceType";

export const logAnalyticsWorkspace: EmulatedType = {
    token: "azure-native:operationalinsights:Workspace",
    armType: "Microsoft.OperationalInsights/workspaces",
    mapping: mapping("workspaceName", (i) => `/providers/Microsoft.OperationalInsights/workspaces/${i.workspaceName}`, ["workspaceName"], true),
    sdkFile: "operationalinsights/workspace",
    forceNew: { location: trackedLocation },
};
