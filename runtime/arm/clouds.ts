/** REST API version of the platform's own Machine Learning ARM calls: that of @pulumi/azure-native 3.28. */
export const machineLearningApiVersion = "2025-12-01";

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
    const override = env[armEndpointVariable]?.trim();
    if (!override) return resourceManagerUrls[cloud];
    // The override receives a real management token: HTTPS, or plain HTTP to this machine only.
    let url: URL;
    try {
        url = new URL(override);
    } catch {
        throw new Error(`${armEndpointVariable}=${override} is not a URL`);
    }
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || url.hostname.startsWith("127.");
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
        throw new Error(`${armEndpointVariable}=${override} must be an https URL (plain http is allowed for 127.0.0.1 only)`);
    }
    return override.replace(/\/+$/, "");
}

/** Token scope for ARM in a cloud; an overridden URL still uses its cloud's audience. */
export function resourceManagerScope(cloud: AzureCloud): string {
    return `${resourceManagerUrls[cloud]}/.default`;
}
