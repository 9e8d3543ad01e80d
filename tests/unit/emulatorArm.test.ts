import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ArmServer } from "../../emulator/arm/armServer";
import { ArmClient } from "../../runtime/arm/armClient";
import { FixedCredential } from "../support/fakes";

/** The emulator's Resource Manager, driven by the platform's own ARM client and by plain HTTP. */
const token = "emulator-token";
const rg = "/subscriptions/s1/resourceGroups/rg-test";
const ws = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/ws`;
const endpoint = `${ws}/onlineEndpoints/diabetes`;
const storage = `${rg}/providers/Microsoft.Storage/storageAccounts/st1`;

let arm: ArmServer;
let client: ArmClient;
let storageDir: string;

beforeEach(async () => {
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-storage-"));
    arm = await new ArmServer({ token, storageDir }).start();
    client = new ArmClient({
        baseUrl: arm.url,
        scope: "https://management.azure.com/.default",
        credential: new FixedCredential(token),
        apiVersion: "2025-12-01",
        timeoutMs: 60_000,
        pollIntervalMs: 10,
        retryBaseMs: 10,
        clock: { now: () => Date.now(), sleep: (ms: number) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) },
    });
    await client.putAndWait(rg, { location: "westeurope" });
    await client.putAndWait(storage, { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } });
    await client.putAndWait(ws, { location: "westeurope", identity: { type: "SystemAssigned" }, properties: { storageAccount: storage } });
});
afterEach(async () => {
    await arm.stop();
    fs.rmSync(storageDir, { recursive: true, force: true });
});

async function call(method: string, id: string, body?: unknown, auth = token) {
    const response = await fetch(`${arm.url}${id}?api-version=2025-12-01`, {
        method,
        headers: { Authorization: `Bearer ${auth}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const deployment = (name: string) => `${endpoint}/deployments/${name}`;
async function endpointWith(deployments: string[]) {
    await client.putAndWait(endpoint, { location: "westeurope", properties: { authMode: "Key" } });
    for (const name of deployments) await client.putAndWait(deployment(name), { location: "westeurope", properties: { endpointComputeType: "Managed" } });
}

describe("emulated Resource Manager", () => {
    it("refuses a request without the token (401) or the api-version (400), and a child without its parent (404)", async () => {
        expect((await call("GET", ws, undefined, "wrong")).status).toBe(401);
        const noVersion = await fetch(`${arm.url}${ws}`, { headers: { Authorization: `Bearer ${token}` } });
        expect(noVersion.status).toBe(400);
        const orphan = await call("PUT", `${ws}/onlineEndpoints/none/deployments/blue`, { location: "westeurope", properties: {} });
        expect(orphan).toMatchObject({ status: 404, body: { error: { code: "ParentResourceNotFound" } } });
    });

    it("creates with 201 and Azure-AsyncOperation, and computes what Azure computes (workspaceId, provisioningState)", async () => {
        const created = await call("PUT", `${ws}2`, { location: "westeurope", properties: { storageAccount: storage } });
        expect(created.status).toBe(201);
        expect(created.headers.get("azure-asyncoperation")).toMatch(/\/operations\/\d+\?kind=async$/);
        const got = await client.get(ws);
        expect(got.properties).toMatchObject({ provisioningState: "Succeeded", workspaceId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
        expect(got.identity).toMatchObject({ type: "SystemAssigned", principalId: expect.any(String) });
        expect((await call("PUT", ws, { location: "westeurope", properties: { workspaceId: "mine" } })).status).toBe(400);
    });

    it("enforces Azure's traffic rules on an endpoint PUT, and a PUT without traffic clears it", async () => {
        await endpointWith(["blue", "green"]);
        const put = (properties: Record<string, unknown>) => call("PUT", endpoint, { location: "westeurope", properties: { authMode: "Key", ...properties } });
        expect((await put({ traffic: { blue: 100, purple: 0 } })).body.error.message).toBe("Deployment purple not found in endpoint.");
        expect((await put({ traffic: { blue: 60, green: 30 } })).body.error.message).toBe("Traffic must sum to 0 or 100; got 90.");
        expect((await put({ traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } })).body.error.message).toMatch(/cannot receive both live and mirrored traffic/);
        expect((await put({ traffic: { blue: 100 }, mirrorTraffic: { green: 60 } })).body.error.message).toBe("Mirror traffic cannot exceed 50%; got 60 for green.");

        await client.putAndWait(endpoint, { location: "westeurope", properties: { authMode: "Key", traffic: { Blue: 100 }, mirrorTraffic: { green: 10 } } });
        expect((await client.get(endpoint)).properties).toMatchObject({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } });
        await client.putAndWait(endpoint, { location: "westeurope", properties: { authMode: "Key" } });
        expect((await client.get(endpoint)).properties).toMatchObject({ traffic: {}, mirrorTraffic: {} });
    });

    it("refuses to delete a deployment with live or mirror traffic, and deletes an endpoint with its deployments", async () => {
        await endpointWith(["blue", "green"]);
        await client.putAndWait(endpoint, { location: "westeurope", properties: { traffic: { blue: 100 }, mirrorTraffic: { green: 10 } } });
        expect((await call("DELETE", deployment("blue"))).status).toBe(400);
        expect((await call("DELETE", deployment("green"))).status).toBe(400);
        const gone = await call("DELETE", endpoint);
        expect(gone.status).toBe(202);
        await new Promise((r) => setTimeout(r, 20));
        expect((await call("GET", deployment("blue"))).status).toBe(404);
        expect(arm.operations.filter((o) => o.method === "DELETE").map((o) => o.status)).toEqual(["Succeeded"]);
    });

    it("refuses to create a deployment while its endpoint is updating (409)", async () => {
        await arm.stop();
        arm = await new ArmServer({ token, storageDir, delays: { "microsoft.machinelearningservices/workspaces/onlineendpoints": 300 } }).start();
        await call("PUT", rg, { location: "westeurope" });
        await new Promise((r) => setTimeout(r, 20));
        await call("PUT", ws, { location: "westeurope", properties: {} });
        await new Promise((r) => setTimeout(r, 20));
        expect((await call("PUT", endpoint, { location: "westeurope", properties: {} })).status).toBe(201);
        const early = await call("PUT", deployment("blue"), { location: "westeurope", properties: {} });
        expect(early).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining("because it is in Updating provisioning state") } } });
    });

    it("registers a model version only where uploaded files hold an MLmodel, and never changes it", async () => {
        const version = `${ws}/models/diabetes/versions/1`;
        const modelUri = "azureml://datastores/workspaceblobstore/paths/LocalUpload/abc/model";
        await client.putAndWait(`${ws}/models/diabetes`, { properties: {} });
        const missing = await call("PUT", version, { properties: { modelType: "mlflow_model", modelUri } });
        expect(missing.body.error.message).toMatch(/holds no MLmodel/);
        const workspaceId = (await client.get(ws)).properties.workspaceId;
        const upload = await fetch(`${arm.url}/blobs/st1/azureml-blobstore-${workspaceId}/LocalUpload/abc/model/MLmodel`, {
            method: "PUT",
            headers: { Authorization: `Bearer ${token}` },
            body: "flavors: {}\n",
        });
        expect(upload.status).toBe(201);
        await client.putAndWait(version, { properties: { modelType: "mlflow_model", modelUri } });
        const changed = await call("PUT", version, { properties: { modelType: "mlflow_model", modelUri: `${modelUri}2` } });
        expect(changed).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining("immutable") } } });
    });

    it("hands out endpoint keys and tokens through listKeys and token", async () => {
        await endpointWith([]);
        const keys = await client.post(`${endpoint}/listKeys`);
        expect(keys).toEqual({ primaryKey: expect.any(String), secondaryKey: expect.any(String) });
        expect(keys.primaryKey).not.toBe(keys.secondaryKey);
        expect(await client.post(`${endpoint}/token`)).toMatchObject({ accessToken: expect.any(String), tokenType: "Bearer" });
    });
});
