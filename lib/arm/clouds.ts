/** The Azure clouds the azure-native provider knows, by its `environment` setting. */
export type AzureCloud = "public" | "usgovernment" | "china";

const resourceManagerUrls: Record<AzureCloud, string> = {
    public: "https://management.azure.com",
    usgovernment: "https://management.usgovcloudapi.net",
    china: "https://management.chinacloudapi.cn",
};

/**
 * Overrides the Resource Manager URL for every ARM call the platform makes itself (traffic,
 * batch defaults). Meant for local test servers and sovereign-cloud proxies.
 */
export const armEndpointVariable = "AZUREML_ARM_ENDPOINT";

export function resourceManagerUrl(cloud: AzureCloud, env: NodeJS.ProcessEnv = process.env): string {
    const override = env[armEndpointVariable];
    return (override && override.trim() !== "" ? override : resourceManagerUrls[cloud]).replace(/\/+$/, "");
}

/** Token scope for ARM in a cloud; an overridden URL still uses its cloud's audience. */
export function resourceManagerScope(cloud: AzureCloud): string {
    return `${resourceManagerUrls[cloud]}/.default`;
}
