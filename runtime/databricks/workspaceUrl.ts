/**
 * Where a call to an Azure Databricks workspace goes. Azure names a workspace by its host
 * (`workspaceUrl`, `adb-<workspace id>.<n>.azuredatabricks.net`), which only resolves on Azure's
 * network. `DATABRICKS_EMULATOR_URL` (set by the local Azure, like `AZUREML_ARM_ENDPOINT`) sends
 * every workspace to one local server instead, the host kept as the first path segment so the
 * server knows which workspace is meant: `https://adb-1.2.azuredatabricks.net/api/2.0/x` becomes
 * `http://127.0.0.1:<port>/adb-1.2.azuredatabricks.net/api/2.0/x`. Every caller (the program's
 * dynamic providers, the smoke test, the stand-in provider plugin, training) resolves through here.
 */
export function databricksBaseUrl(workspaceUrl: string, env: NodeJS.ProcessEnv = process.env): string {
    const host = workspaceHost(workspaceUrl);
    const emulator = env.DATABRICKS_EMULATOR_URL;
    return emulator ? `${emulator.replace(/\/+$/, "")}/${host}` : `https://${host}`;
}

/** The workspace's host, from its `workspaceUrl` with or without a scheme or trailing slash. */
export function workspaceHost(workspaceUrl: string): string {
    const host = workspaceUrl.replace(/^https?:\/\//i, "").replace(/\/.*$/, "").toLowerCase();
    if (!/^[a-z0-9.-]+$/.test(host)) throw new Error(`not a Databricks workspace URL: "${workspaceUrl}"`);
    return host;
}

/**
 * The Entra application id of Azure Databricks: a token for this resource is what a workspace
 * takes from Azure identities (databricks-sdk-py `environments.py`, ARM_DATABRICKS_RESOURCE_ID).
 */
export const azureDatabricksResourceId = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
export const azureDatabricksScope = `${azureDatabricksResourceId}/.default`;
