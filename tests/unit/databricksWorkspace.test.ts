import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ArmServer } from "../../emulator/arm/armServer";
import { databricksWorkspaceId, databricksWorkspaceUrl } from "../../emulator/resources/databricksWorkspace";
import { typeMetadata } from "../../emulator/providers/azureNative/typeMetadata";
import { ArmClient } from "../../runtime/arm/armClient";
import { FixedCredential } from "../support/fakes";

/** Azure Databricks workspaces in the emulator's Resource Manager (emulator/resources/databricksWorkspace.ts). */
const token = "emulator-token";
const rg = "/subscriptions/s1/resourceGroups/rg-dbx";
const ws = `${rg}/providers/Microsoft.Databricks/workspaces/dbw`;
const managed = "/subscriptions/s1/resourceGroups/rg-dbx-managed";

let arm: ArmServer;
let client: ArmClient;
let storageDir: string;

beforeEach(async () => {
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-dbx-"));
    arm = await new ArmServer({ token, storageDir }).start();
    client = new ArmClient({
        baseUrl: arm.url,
        scope: "https://management.azure.com/.default",
        credential: new FixedCredential(token),
        apiVersion: "2026-01-01",
        timeoutMs: 60_000,
        pollIntervalMs: 10,
        retryBaseMs: 10,
        retries: () => false,
    });
    await client.putAndWait(rg, { location: "westeurope" });
});
afterEach(async () => {
    await arm.stop();
    fs.rmSync(storageDir, { recursive: true, force: true });
});

const workspace = (properties: Record<string, unknown> = {}, sku: unknown = { name: "premium" }) => ({
    location: "westeurope",
    sku,
    properties: { managedResourceGroupId: managed, ...properties },
});

async function put(body: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${arm.url}${ws}?api-version=2026-01-01`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
}

describe("azure-native:databricks:Workspace in the emulator", () => {
    it("computes a numeric workspaceId and adb-<id>.<digit>.azuredatabricks.net, the same for the same ARM id", async () => {
        const answer = await client.putAndWait(ws, workspace());
        expect(answer.properties.workspaceId).toMatch(/^[1-9][0-9]{15}$/);
        expect(answer.properties.workspaceUrl).toBe(`adb-${answer.properties.workspaceId}.${answer.properties.workspaceUrl.split(".")[1]}.azuredatabricks.net`);
        expect(answer.properties.workspaceUrl).toMatch(/^adb-[0-9]{16}\.[0-9]\.azuredatabricks\.net$/);
        expect(answer.properties.provisioningState).toBe("Succeeded");
        expect(databricksWorkspaceId(ws.toUpperCase())).toBe(answer.properties.workspaceId);
        expect(databricksWorkspaceUrl(ws)).toBe(answer.properties.workspaceUrl);
        expect(databricksWorkspaceId(`${ws}2`)).not.toBe(answer.properties.workspaceId);
    });

    it("takes standard, premium or trial as sku.name, nothing else", async () => {
        expect((await put(workspace({}, { name: "Premium_LRS" }))).body.error.message).toMatch(/standard, premium, trial/);
        expect((await put(workspace({}, null))).status).toBe(400);
        expect((await put(workspace({}, { name: "trial" }))).status).toBe(201);
    });

    it("needs a managed resource group id that is not its own group and does not exist yet", async () => {
        expect((await put({ location: "westeurope", sku: { name: "premium" }, properties: {} })).body.error.message).toMatch(/managedResourceGroupId is required/);
        expect((await put(workspace({ managedResourceGroupId: "rg-dbx-managed" }))).body.error.message).toMatch(/not a resource group id/);
        expect((await put(workspace({ managedResourceGroupId: rg.toUpperCase() }))).body.error.message).toMatch(/cannot be the resource group the workspace is created in/);
        await client.putAndWait(managed, { location: "westeurope" });
        const exists = await put(workspace());
        expect(exists.status).toBe(400);
        expect(exists.body.error).toEqual({
            code: "ApplianceProvisioningFailed",
            message: `The managed resource group '${managed}' already exists. Please specify a new non-existent managed resource group`,
        });
    });

    it("keeps its managed resource group and compute mode: an update may not change them, other properties it may", async () => {
        await client.putAndWait(ws, workspace());
        // The managed group now exists (created by Azure); an update naming the same one is fine.
        await client.putAndWait(managed, { location: "westeurope" });
        expect((await put({ ...workspace(), tags: { team: "ml" } })).status).toBe(200);
        expect((await put(workspace({ managedResourceGroupId: `${managed}-2` }))).body.error.message).toMatch(/cannot be changed/);
        expect((await put(workspace({ computeMode: "Serverless" }))).status).toBe(400);
    });

    it("refuses read-only properties in a PUT", async () => {
        expect((await put(workspace({ workspaceUrl: "adb-1.2.azuredatabricks.net" }))).status).toBe(400);
    });

    it("is replaced by the real provider on location only (the 2026-01-01 spec marks nothing else create-only)", () => {
        const meta = typeMetadata("azure-native:databricks:Workspace", "3.28.0");
        expect(meta).toMatchObject({ apiVersion: "2026-01-01", forceNew: ["location"] });
    });
});
