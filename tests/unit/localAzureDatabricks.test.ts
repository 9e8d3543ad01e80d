import { execFileSync } from "child_process";
import * as path from "path";
import { LocalAzure } from "../../emulator/localAzure";
import { ArmClient } from "../../runtime/arm/armClient";
import { databricksBaseUrl } from "../../runtime/databricks/workspaceUrl";
import { FixedCredential } from "../support/fakes";
import { projectDir } from "../support/stackFile";

/**
 * Azure Databricks in the local Azure: a workspace created in ARM is served at its workspaceUrl
 * through DATABRICKS_EMULATOR_URL, with its managed resource group made and removed with it; the
 * stand-in `az` hands out the workspace's token for Azure Databricks' application id only.
 */
const group = "/subscriptions/00000000-0000-0000-0000-0000000000e1/resourceGroups/rg-dbx-local";
const workspaceId = `${group}/providers/Microsoft.Databricks/workspaces/dbw-local`;
const managed = "/subscriptions/00000000-0000-0000-0000-0000000000e1/resourceGroups/rg-dbx-local-managed";
let azure: LocalAzure;
let arm: ArmClient;

beforeAll(async () => {
    azure = await LocalAzure.start({ projectDir, name: "unit-local-databricks", progress: () => undefined });
    arm = new ArmClient({
        baseUrl: azure.arm.url,
        scope: "https://management.azure.com/.default",
        credential: new FixedCredential(azure.bearerToken),
        apiVersion: "2026-01-01",
        timeoutMs: 60_000,
        pollIntervalMs: 10,
        retryBaseMs: 10,
        retries: () => false,
    });
});
afterAll(() => azure?.stop());

/** The stand-in `az`'s answer for AzureCliCredential's arguments, in the engine's environment. */
function azToken(...args: string[]): string {
    const env = { ...process.env, ...azure.engineEnvironment() };
    return JSON.parse(execFileSync(path.join(projectDir, "emulator", "bin", "az"), ["account", "get-access-token", "--output", "json", ...args], { env, encoding: "utf8" })).accessToken;
}

it("serves a workspace from its creation in ARM to its deletion, with its managed resource group", async () => {
    await arm.putAndWait(group, { location: "westeurope" });
    const created = await arm.putAndWait(workspaceId, { location: "westeurope", sku: { name: "premium" }, properties: { managedResourceGroupId: managed } });
    const env = azure.engineEnvironment();
    expect(env.DATABRICKS_EMULATOR_URL).toBe(azure.databricksUrl);
    const base = databricksBaseUrl(created.properties.workspaceUrl, env);
    const dbxToken = azToken("--resource", "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
    expect(dbxToken).toBe(`dbx-${azure.bearerToken}`);
    expect(azToken("--scope", "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default")).toBe(dbxToken);
    expect(azToken("--resource", "https://management.azure.com")).toBe(azure.bearerToken);
    const me = await fetch(`${base}/api/2.0/preview/scim/v2/Me`, { headers: { Authorization: `Bearer ${dbxToken}` } });
    expect(me.status).toBe(200);
    // Each token is for its own audience: ARM refuses the Databricks one.
    const armWithDbx = await fetch(`${azure.arm.url}${workspaceId}?api-version=2026-01-01`, { headers: { Authorization: `Bearer ${dbxToken}` } });
    expect(armWithDbx.status).toBe(401);
    expect(azure.arm.resource(managed)?.body.managedBy).toBe(workspaceId);
    expect(azure.arm.operations.some((o) => o.id === managed && o.status === "Succeeded")).toBe(true);

    await arm.deleteAndWait(workspaceId);
    expect(azure.arm.resource(managed)).toBeUndefined();
    expect((await fetch(`${base}/api/2.0/preview/scim/v2/Me`, { headers: { Authorization: `Bearer ${dbxToken}` } })).status).toBe(404);
});
