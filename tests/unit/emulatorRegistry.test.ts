import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ArmServer } from "../../emulator/arm/armServer";
import { systemPrincipalId } from "../../emulator/arm/storedResource";
import { registeredModel } from "../../emulator/dataPlane/registeredModel";
import { armIdOf, outputsOf, requestBody } from "../../emulator/resources";
import { ArmClient } from "../../runtime/arm/armClient";
import { FixedCredential } from "../support/fakes";

/** The local Azure's ML registries and role assignments, driven by the platform's own ARM client and by plain HTTP. */
const token = "emulator-token";
const subscription = "/subscriptions/s1";
const rg = `${subscription}/resourceGroups/rg-shared`;
const ws = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/ws-prod`;
const endpoint = `${ws}/onlineEndpoints/diabetes`;
const registryId = `${rg}/providers/Microsoft.MachineLearningServices/registries/promotion-reg`;
const container = `${registryId}/models/diabetes-classifier`;
const version = (v: string) => `${container}/versions/${v}`;
const assetId = (v: string) => `azureml://registries/promotion-reg/models/diabetes-classifier/versions/${v}`;
const role = (guid: string) => `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const reader = role("acdd72a7-3385-48ef-bd42-f606fba81ae7");
const registryUser = role("1823dd4f-9b8c-4ab6-ab4e-7397a3684615");
const assignment = (scope: string, name: string) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
const guid1 = "11111111-1111-4111-8111-111111111111";
const guid2 = "22222222-2222-4222-8222-222222222222";

let arm: ArmServer;
let client: ArmClient;
let authorization: ArmClient;
let storageDir: string;

function armClient(apiVersion: string): ArmClient {
    return new ArmClient({
        baseUrl: arm.url,
        scope: "https://management.azure.com/.default",
        credential: new FixedCredential(token),
        apiVersion,
        timeoutMs: 60_000,
        pollIntervalMs: 10,
        retryBaseMs: 10,
        clock: { now: () => Date.now(), sleep: (ms: number) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) },
    });
}

const regions = [
    { location: "westeurope", storageAccountDetails: [{ systemCreatedStorageAccount: { storageAccountType: "Standard_LRS", storageAccountHnsEnabled: false, allowBlobPublicAccess: false } }] },
    { location: "northeurope" },
];

beforeEach(async () => {
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-registry-"));
    arm = await new ArmServer({ token, storageDir }).start();
    client = armClient("2025-12-01");
    authorization = armClient("2022-04-01");
    await client.putAndWait(rg, { location: "westeurope" });
    await client.putAndWait(ws, { location: "westeurope", identity: { type: "SystemAssigned" }, properties: {} });
    await client.putAndWait(registryId, { location: "westeurope", properties: { regionDetails: regions } });
});
afterEach(async () => {
    await arm.stop();
    fs.rmSync(storageDir, { recursive: true, force: true });
});

async function call(method: string, id: string, body?: unknown, apiVersion = "2025-12-01") {
    const response = await fetch(`${arm.url}${id}?api-version=${apiVersion}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** A blob request with the SAS query of `sasUri` and no ARM token, as a client given only the SAS makes it. */
function sasFetch(sasUri: string, file: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
    const url = new URL(sasUri);
    url.pathname = `${url.pathname}/${file}`;
    return fetch(url, init);
}

/** startPendingUpload, the model's files uploaded with the SAS it hands out; the blobUri they are under. */
async function uploadModel(v: string, files: Record<string, string> = { MLmodel: "flavors: {python_function: {}}\n", "model.pkl": "bytes" }, pendingUploadId?: string) {
    const answer = await client.post(`${version(v)}/startPendingUpload`, { pendingUploadType: "TemporaryBlobReference", ...(pendingUploadId ? { pendingUploadId } : {}) });
    const { blobUri, credential } = answer.blobReferenceForConsumption;
    for (const [file, content] of Object.entries(files)) {
        const put = await sasFetch(credential.sasUri, file, { method: "PUT", body: content, headers: { "x-ms-blob-type": "BlockBlob" } });
        expect(put.status).toBe(201);
    }
    return { answer, blobUri: blobUri as string, sasUri: credential.sasUri as string };
}

async function registerVersion(v: string, hash = "sha256:aaa") {
    const { blobUri } = await uploadModel(v);
    const body = { properties: { modelType: "mlflow_model", modelUri: blobUri, properties: { contentHash: hash } } };
    await client.putAndWait(version(v), body);
    return body;
}

describe("emulated Azure ML registry", () => {
    it("creates a registry in its regions, each with a storage account, and computes its URIs", async () => {
        const missingPrimary = await call("PUT", `${registryId}2`, { location: "eastus", properties: { regionDetails: regions } });
        expect(missingPrimary).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("primary region eastus must be one of its regionDetails") } } });
        expect((await call("PUT", `${registryId}3`, { properties: { regionDetails: regions } })).body.error.code).toBe("LocationRequired");

        const created = await call("PUT", `${registryId}-b`, { location: "westeurope", properties: { regionDetails: regions } });
        expect(created.status).toBe(201);
        expect(created.headers.get("azure-asyncoperation")).toMatch(/\/operations\/\d+\?kind=async$/);

        const got = await client.get(registryId);
        const [west, north] = got.properties.regionDetails;
        expect(west.storageAccountDetails[0].systemCreatedStorageAccount).toMatchObject({
            storageAccountType: "Standard_LRS",
            storageAccountName: expect.stringMatching(/^promotionregst[0-9a-f]{10}$/),
            armResourceId: { resourceId: expect.stringMatching(/^\/subscriptions\/s1\/resourceGroups\/azureml-rg-promotion-reg_[0-9a-f-]{36}\/providers\/Microsoft\.Storage\/storageAccounts\/promotionregst/) },
        });
        expect(north.storageAccountDetails[0].systemCreatedStorageAccount.storageAccountName).not.toBe(west.storageAccountDetails[0].systemCreatedStorageAccount.storageAccountName);
        expect(got.properties).toMatchObject({
            provisioningState: "Succeeded",
            publicNetworkAccess: "Enabled",
            mlFlowRegistryUri: `azureml://westeurope.api.azureml.ms/mlflow/v1.0${registryId}`,
            discoveryUrl: "https://westeurope.api.azureml.ms/registrymanagement/v1.0/registries/promotion-reg/discovery",
        });
        // A PUT of the same inputs keeps the same computed accounts.
        await client.putAndWait(registryId, { location: "westeurope", properties: { regionDetails: regions } });
        expect((await client.get(registryId)).properties.regionDetails).toEqual(got.properties.regionDetails);
    });

    it("uploads a version's files with startPendingUpload's SAS, only below the folder it names, and registers them", async () => {
        await client.putAndWait(container, { properties: { description: "diabetes" } });
        const { answer, blobUri, sasUri } = await uploadModel("2", undefined, "hash-aaa");
        const storage = (await client.get(registryId)).properties.regionDetails[0].storageAccountDetails[0].systemCreatedStorageAccount;
        expect(answer).toEqual({
            blobReferenceForConsumption: {
                blobUri: `${arm.url}/blobs/${storage.storageAccountName}/assets/diabetes-classifier/2/hash-aaa`,
                storageAccountArmId: storage.armResourceId.resourceId,
                credential: { credentialType: "SAS", sasUri: expect.stringMatching(/\?sv=2025-11-05&sr=d&sdd=3&sp=rcw&se=[^&]+&sig=/) },
            },
            pendingUploadId: "hash-aaa",
            pendingUploadType: "TemporaryBlobReference",
        });
        expect(sasUri.startsWith(`${blobUri}?`)).toBe(true);
        expect(fs.readFileSync(path.join(storageDir, storage.storageAccountName, "assets", "diabetes-classifier", "2", "hash-aaa", "MLmodel"), "utf8")).toContain("python_function");

        // The SAS reads and writes below its folder only, needs Put Blob's header, never deletes.
        expect((await sasFetch(sasUri, "MLmodel")).status).toBe(200);
        expect((await sasFetch(sasUri, "x", { method: "PUT", body: "x" })).status).toBe(400);
        expect((await sasFetch(sasUri, "MLmodel", { method: "DELETE" })).status).toBe(403);
        expect((await sasFetch(sasUri.replace("/hash-aaa?", "/other?"), "MLmodel", { method: "PUT", body: "x", headers: { "x-ms-blob-type": "BlockBlob" } })).status).toBe(403);
        expect((await sasFetch(sasUri.replace(/sig=[^&]+/, "sig=AAAA"), "MLmodel")).status).toBe(403);
        expect((await sasFetch(sasUri.replace(/se=[^&]+/, "se=2020-01-01T00%3A00%3A00Z"), "MLmodel")).status).toBe(403);

        const missing = await call("PUT", version("2"), { properties: { modelType: "mlflow_model", modelUri: `${blobUri}-nothing` } });
        expect(missing).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("holds no MLmodel") } } });
        const elsewhere = await call("PUT", version("2"), { properties: { modelType: "mlflow_model", modelUri: "https://otheraccount.blob.core.windows.net/assets/m" } });
        expect(elsewhere.body.error.message).toMatch(/in storage account otheraccount, not in registry promotion-reg's storage/);

        const body = { properties: { modelType: "mlflow_model", modelUri: blobUri, properties: { contentHash: "sha256:aaa" } } };
        const created = await call("PUT", version("2"), body);
        expect(created.status).toBe(201);
        expect(created.headers.get("azure-asyncoperation")).toBeTruthy();
        await new Promise((r) => setTimeout(r, 20));
        expect((await client.get(version("2"))).properties).toMatchObject({ ...body.properties, provisioningState: "Succeeded" });
        // Once the version exists, no further upload is handed out for it.
        expect((await call("POST", `${version("2")}/startPendingUpload`, { pendingUploadType: "TemporaryBlobReference" })).status).toBe(409);
    });

    it("answers the same version PUT again with 200 and no change, refuses other content with 409, lets its metadata change", async () => {
        await client.putAndWait(container, { properties: {} });
        const body = await registerVersion("2");
        const before = await client.get(version("2"));

        const again = await call("PUT", version("2"), body);
        expect(again.status).toBe(200);
        await new Promise((r) => setTimeout(r, 20));
        expect((await client.get(version("2"))).properties).toEqual(before.properties);

        const otherHash = await call("PUT", version("2"), { properties: { ...body.properties, properties: { contentHash: "sha256:bbb" } } });
        expect(otherHash).toMatchObject({
            status: 409,
            body: { error: { code: "UserError", message: "Value of property contentHash for model diabetes-classifier cannot be replaced to sha256:bbb without increasing the version." } },
        });
        const { blobUri } = await uploadModel("3");
        const otherFiles = await call("PUT", version("2"), { properties: { ...body.properties, modelUri: blobUri } });
        expect(otherFiles.body.error.message).toMatch(/^Value of property modelUri for model diabetes-classifier cannot be replaced to .* without increasing the version\.$/);

        await client.putAndWait(version("2"), { properties: { ...body.properties, description: "promoted from dev", isArchived: false } });
        expect((await client.get(version("2"))).properties.description).toBe("promoted from dev");
    });

    it("never recreates a version deleted from the registry", async () => {
        await client.putAndWait(container, { properties: {} });
        const body = await registerVersion("2");
        await client.deleteAndWait(version("2"));
        expect((await call("GET", version("2"))).status).toBe(404);
        const recreated = await call("PUT", version("2"), body);
        expect(recreated).toMatchObject({
            status: 409,
            body: { error: { code: "UserError", message: expect.stringMatching(new RegExp(`^Asset ${assetId("2")} was deleted at \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d \\+00:00, it cannot be recreated\\. Please try again with a different version\\.$`)) } },
        });
    });

    it("creates, reads and deletes role assignments at any scope, refusing what Azure refuses", async () => {
        const principal = systemPrincipalId(arm.resource(ws)!.id);
        const atRegistry = assignment(registryId, guid1);
        const created = await authorization.putAndWait(atRegistry, { properties: { principalId: principal, principalType: "ServicePrincipal", roleDefinitionId: reader } });
        expect(created).toMatchObject({ id: atRegistry, name: guid1, type: "Microsoft.Authorization/roleAssignments", properties: { scope: registryId, principalId: principal, roleDefinitionId: reader } });

        const refusal = (answer: { status: number; body: any }) => [answer.status, answer.body?.error?.code];
        const put = (id: string, properties: Record<string, unknown>) => call("PUT", id, { properties }, "2022-04-01");
        expect(refusal(await put(atRegistry, { principalId: guid2, principalType: "ServicePrincipal", roleDefinitionId: reader }))).toEqual([400, "RoleAssignmentUpdateNotPermitted"]);
        expect(refusal(await put(assignment(registryId, guid2), { principalId: principal, principalType: "ServicePrincipal", roleDefinitionId: reader }))).toEqual([409, "RoleAssignmentExists"]);
        expect(refusal(await put(assignment(registryId, guid2), { principalId: principal, principalType: "User", roleDefinitionId: registryUser }))).toEqual([400, "UnmatchedPrincipalType"]);
        expect(refusal(await put(assignment(registryId, guid2), { principalId: principal, roleDefinitionId: role("00000000-0000-4000-8000-000000000000") }))).toEqual([400, "RoleDefinitionDoesNotExist"]);
        expect(refusal(await put(assignment(registryId, "not-a-guid"), { principalId: principal, roleDefinitionId: reader }))).toEqual([400, "InvalidRoleAssignmentId"]);
        expect(refusal(await put(assignment(`${registryId}-none`, guid2), { principalId: principal, roleDefinitionId: reader }))).toEqual([404, "ParentResourceNotFound"]);

        // At the subscription (no resource group) and at the resource group.
        const atSubscription = assignment(subscription, guid2);
        await authorization.putAndWait(atSubscription, { properties: { principalId: guid2, principalType: "User", roleDefinitionId: registryUser } });
        expect((await authorization.get(atSubscription)).properties.scope).toBe(subscription);
        await authorization.putAndWait(assignment(rg, guid2), { properties: { principalId: guid2, principalType: "User", roleDefinitionId: reader } });

        await authorization.deleteAndWait(atRegistry);
        expect((await call("GET", atRegistry, undefined, "2022-04-01")).status).toBe(404);
        await authorization.deleteAndWait(atSubscription);
        expect((await call("GET", atSubscription, undefined, "2022-04-01")).status).toBe(404);
    });

    it("maps RoleAssignment and the registry types as azure-native does, so get<Type> invokes read them", async () => {
        await client.putAndWait(container, { properties: {} });
        await registerVersion("2");
        const inputs = { scope: registryId, roleAssignmentName: guid1, principalId: guid2, principalType: "ServicePrincipal", roleDefinitionId: reader };
        const roleToken = "azure-native:authorization:RoleAssignment";
        expect(armIdOf(roleToken, inputs, "s1")).toBe(assignment(registryId, guid1));
        expect(requestBody(roleToken, inputs)).toEqual({ properties: { principalId: guid2, principalType: "ServicePrincipal", roleDefinitionId: reader } });

        // getRegistry / getRegistryModelVersion: a GET of the id built from the invoke's inputs.
        const registryInputs = { resourceGroupName: "rg-shared", registryName: "promotion-reg" };
        const registry = outputsOf("azure-native:machinelearningservices:Registry", {}, await client.get(armIdOf("azure-native:machinelearningservices:Registry", registryInputs, "s1")));
        expect(registry).toMatchObject({ name: "promotion-reg", mlFlowRegistryUri: expect.stringContaining("/registries/promotion-reg") });
        const versionToken = "azure-native:machinelearningservices:RegistryModelVersion";
        const versionId = armIdOf(versionToken, { ...registryInputs, modelName: "diabetes-classifier", version: "2" }, "s1");
        expect(versionId).toBe(version("2"));
        expect(outputsOf(versionToken, {}, await client.get(versionId))).toMatchObject({ properties: { modelType: "mlflow_model", properties: { contentHash: "sha256:aaa" } } });
    });

    it("refuses a deployment of a registry model without a role (403) or without the version (404), and accepts it with Reader on the registry or above", async () => {
        await client.putAndWait(container, { properties: {} });
        await registerVersion("2");
        await client.putAndWait(endpoint, { location: "westeurope", identity: { type: "SystemAssigned" }, properties: { authMode: "Key" } });
        const deploy = (model: string) => call("PUT", `${endpoint}/deployments/blue`, { location: "westeurope", sku: { name: "Default", capacity: 1 }, properties: { endpointComputeType: "Managed", model } });
        const principal = systemPrincipalId(arm.resource(ws)!.id);

        const forbidden = await deploy(assetId("2"));
        expect(forbidden).toMatchObject({
            status: 403,
            body: {
                error: {
                    code: "AuthorizationFailed",
                    message:
                        `The client '${principal}' with object id '${principal}' does not have authorization to perform action ` +
                        `'Microsoft.MachineLearningServices/registries/assets/read' over scope '${registryId}' or the scope is invalid. ` +
                        "If access was recently granted, please refresh your credentials.",
                },
            },
        });
        // A role for someone else, or one that does not grant reading assets, is no help.
        await authorization.putAndWait(assignment(registryId, guid2), { properties: { principalId: guid2, principalType: "User", roleDefinitionId: reader } });
        expect((await deploy(assetId("2"))).status).toBe(403);

        await authorization.putAndWait(assignment(registryId, guid1), { properties: { principalId: principal, principalType: "ServicePrincipal", roleDefinitionId: reader } });
        expect(await deploy(assetId("9"))).toMatchObject({
            status: 404,
            body: { error: { code: "ResourceNotFound", message: "Model with name diabetes-classifier, version 9 not found in provided registry promotion-reg." } },
        });
        expect((await deploy("azureml://registries/no-such-registry/models/diabetes-classifier/versions/2")).status).toBe(404);
        expect((await deploy(assetId("2"))).status).toBe(201);
        await new Promise((r) => setTimeout(r, 20));
        // The ARM id form names the same version; a role at the resource group is inherited.
        await authorization.deleteAndWait(assignment(registryId, guid1));
        expect((await deploy(version("2"))).status).toBe(403);
        await authorization.putAndWait(assignment(rg, guid1), { properties: { principalId: principal, principalType: "ServicePrincipal", roleDefinitionId: role("b24988ac-6180-42a0-ab88-20f7382dd24c") } });
        expect((await deploy(version("2"))).status).toBe(200);
    });

    it("refuses a registry model to a workspace outside the registry's regions", async () => {
        const other = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/ws-us`;
        await client.putAndWait(other, { location: "eastus", identity: { type: "SystemAssigned" }, properties: {} });
        await client.putAndWait(`${other}/onlineEndpoints/diabetes`, { location: "eastus", properties: { authMode: "Key" } });
        const answer = await call("PUT", `${other}/onlineEndpoints/diabetes/deployments/blue`, { location: "eastus", properties: { model: assetId("2") } });
        expect(answer).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("not in one of registry promotion-reg's regions (westeurope, northeurope)") } } });
    });

    it("serves a registry version from the registry's storage (the data plane's model folder)", async () => {
        await client.putAndWait(container, { properties: {} });
        await registerVersion("2");
        const model = registeredModel(arm, storageDir, assetId("2"));
        expect(model.key).toBe("promotion-reg/diabetes-classifier:2");
        expect(fs.existsSync(path.join(model.dir, "MLmodel"))).toBe(true);
        expect(registeredModel(arm, storageDir, version("2")).dir).toBe(model.dir);
        expect(() => registeredModel(arm, storageDir, assetId("9"))).toThrow(/is not registered/);
    });
});
