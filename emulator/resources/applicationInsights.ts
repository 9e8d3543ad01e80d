import { EmulatedType, mapping } from "./resourceType";

export const applicationInsights: EmulatedType = {
    token: "azure-native:applicationinsights:Component",
    armType: "Microsoft.Insights/components",
    mapping: mapping("resourceName", (i) => `/providers/Microsoft.Insights/components/${i.resourceName}`, ["resourceName"], true),
    sdkFile: "applicationinsights/component",
    forceNew: {
        location: "components_API.json ComponentsResource.location [create, read]",
        applicationType: "components_API.json Application_Type [create, read], properties flattened",
    },
};
