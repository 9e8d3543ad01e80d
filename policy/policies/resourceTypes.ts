/** Type tokens the policies look at (checked by string, so the pack loads no provider SDK). */
export const types = {
    onlineEndpoint: "azure-native:machinelearningservices:OnlineEndpoint",
    /** The platform's own endpoint resource (program/components/endpoint/): same `properties` shape. */
    platformOnlineEndpoint: "pulumi-nodejs:dynamic/azureml:OnlineEndpoint",
    onlineDeployment: "azure-native:machinelearningservices:OnlineDeployment",
    onlineTraffic: "pulumi-nodejs:dynamic/azureml:OnlineEndpointTraffic",
    compute: "azure-native:machinelearningservices:Compute",
    storageAccount: "azure-native:storage:StorageAccount",
    keyVault: "azure-native:keyvault:Vault",
    containerRegistry: "azure-native:containerregistry:Registry",
} as const;

/**
 * The traffic and mirror traffic a resource declares, wherever it declares them: on the
 * platform's traffic resource, or on an endpoint written by hand with `properties.traffic`.
 */
export function declaredTraffic(type: string, props: Record<string, any>): { traffic: Record<string, number>; mirrorTraffic: Record<string, number> } | undefined {
    if (type === types.onlineTraffic) {
        return { traffic: props.settings?.traffic ?? {}, mirrorTraffic: props.settings?.mirrorTraffic ?? {} };
    }
    if (type === types.onlineEndpoint && (props.properties?.traffic || props.properties?.mirrorTraffic)) {
        return { traffic: props.properties.traffic ?? {}, mirrorTraffic: props.properties.mirrorTraffic ?? {} };
    }
    return undefined;
}
