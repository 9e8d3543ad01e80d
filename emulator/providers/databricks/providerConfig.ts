import { armClientFor } from "../../../runtime/arm/armClient";
import { azureCredential } from "../../../runtime/azure/credential";
import { workspaceHost } from "../../../runtime/databricks/workspaceUrl";
import type { ConfigureRequestValues } from "./engineRequests";

/** The provider configuration the stand-in acts on (pulumi-databricks `Provider` inputs; the rest are accepted and ignored). */
export interface ProviderConfig {
    /** `https://adb-<id>.<n>.azuredatabricks.net`, or a bare host. */
    readonly host?: string;
    /** The workspace's ARM id: the host is read from it when `host` is not given; sent as `X-Databricks-Azure-Workspace-Resource-Id`. */
    readonly azureWorkspaceResourceId?: string;
    /** A personal access token: taken instead of an Entra token when given. */
    readonly token?: string;
    readonly authType?: string;
}

/** The keys of the real provider's schema the stand-in reads; others are legal and ignored. */
const keys = ["host", "azureWorkspaceResourceId", "token", "authType"] as const;
/** Auth types the stand-in can honour: an Entra token through the Azure CLI (the stand-in `az`) or a PAT. */
const servedAuthTypes = ["", "azure-cli", "pat", "github-oidc-azure", "azure-client-secret", "azure-msi"];

/**
 * The configuration from a Configure request: each key from `args` (typed inputs), else from
 * `variables` (`databricks:config:<key>`, the form older engines send), else from the environment
 * variable the real provider reads it from (`DATABRICKS_HOST`, `DATABRICKS_AZURE_RESOURCE_ID`,
 * `DATABRICKS_TOKEN`, `DATABRICKS_AUTH_TYPE`; databricks-sdk-go `config/config.go`).
 */
export function configFrom({ args, variables }: ConfigureRequestValues, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
    const fromEnv: Record<(typeof keys)[number], string | undefined> = {
        host: env.DATABRICKS_HOST,
        azureWorkspaceResourceId: env.DATABRICKS_AZURE_RESOURCE_ID,
        token: env.DATABRICKS_TOKEN,
        authType: env.DATABRICKS_AUTH_TYPE,
    };
    const config: Record<string, string> = {};
    for (const key of keys) {
        const value = args[key] ?? variables[`databricks:config:${key}`] ?? fromEnv[key];
        if (typeof value === "string" && value !== "") config[key] = value;
    }
    if (config.authType !== undefined && !servedAuthTypes.includes(config.authType)) {
        throw new Error(`the local databricks provider cannot authenticate with authType "${config.authType}": it takes ${servedAuthTypes.filter(Boolean).join(", ")}`);
    }
    if (config.host !== undefined) workspaceHost(config.host);
    return config;
}

/**
 * The workspace host the configuration names: `host`, or the `workspaceUrl` of the workspace
 * `azureWorkspaceResourceId` names, read from Resource Manager (what the real provider does when
 * only the resource id is given: databricks-sdk-go `config/azure.go`).
 */
export async function resolveHost(config: ProviderConfig): Promise<string> {
    if (config.host) return workspaceHost(config.host);
    if (config.azureWorkspaceResourceId) {
        const arm = armClientFor("public", { credential: azureCredential(), apiVersion: "2026-01-01", timeoutMs: 120_000, pollIntervalMs: 200, retryBaseMs: 500 });
        const workspace = await arm.get(config.azureWorkspaceResourceId);
        const url = workspace?.properties?.workspaceUrl;
        if (typeof url !== "string" || url === "") throw new Error(`workspace ${config.azureWorkspaceResourceId} has no workspaceUrl yet`);
        return workspaceHost(url);
    }
    throw new Error("cannot configure default credentials: the provider has neither host nor azureWorkspaceResourceId (set them on the databricks Provider)");
}
