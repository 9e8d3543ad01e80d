import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as resources from "@pulumi/azure-native/resources";
import { ArmServer } from "../../emulator/arm/armServer";
import { ArmClient } from "../../runtime/arm/armClient";
import { EngineStack } from "../../tools/engine/engineStack";
import { pluginEnvironment } from "../support/pluginEnvironment";
import { StartingPoints } from "../support/startingPoints";

/**
 * The stand-in azure-native provider behaves as the real v3 provider does where a user's traffic
 * is decided (../shared/reference/azure-native-provider.md), proven through the real engine:
 * an upgrade that moves a type's API version is an update (a full PUT), a replacement deletes
 * first, a create refuses what exists, a refresh records Azure's values as inputs, a failed
 * long-running create stays in the state, and only transient answers are retried.
 */
jest.setTimeout(300_000);

const token = "fidelity-test-token";
const subscription = "00000000-0000-0000-0000-0000000000e1";
const base = `/subscriptions/${subscription}/resourceGroups/rg-fidelity`;
const workspaceId = `${base}/providers/Microsoft.MachineLearningServices/workspaces/ws-fidelity`;
const endpointId = (name: string) => `${workspaceId}/onlineEndpoints/${name}`;
let arm: ArmServer;
let scratch: string;
/** Endpoint names whose PUT operation fails after Azure accepted it (a deployment that cannot start, say). */
const failingEndpoints = new Set<string>();

beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-fidelity-"));
    fs.writeFileSync(path.join(scratch, "Pulumi.yaml"), "name: fidelity\nruntime: nodejs\n");
    fs.writeFileSync(path.join(scratch, "Pulumi.check.yaml"), "config: {}\n");
    arm = await new ArmServer({
        token,
        storageDir: path.join(scratch, "storage"),
        hooks: {
            afterPut: async (resource) => {
                if (failingEndpoints.has(resource.id.name)) throw new Error(`endpoint ${resource.id.name} failed to provision`);
            },
        },
    }).start();
});
afterAll(async () => {
    await arm.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
});

/** Resource Manager as someone else (the portal, a script) calls it. */
function outOfBand(): ArmClient {
    return new ArmClient({
        baseUrl: arm.url,
        scope: "https://management.azure.com/.default",
        credential: { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
        apiVersion: "2025-12-01",
        timeoutMs: 60_000,
        pollIntervalMs: 50,
    });
}

interface Declared {
    readonly tag?: string;
    readonly location?: string;
    readonly endpoints?: readonly string[];
    /** The release of @pulumi/azure-native the stand-in behaves as (default: the pinned one). */
    readonly release?: string;
}

const startingPoints = new StartingPoints();

/** The stack declaring `declared`; its `up` records what it deployed, for `given`. */
async function stack(declared: Declared = {}): Promise<EngineStack> {
    return startingPoints.track("check", await openStack(declared), () => JSON.stringify(declared));
}

/** Where a test starts: `declared` deployed, unless the test before left it so (then nothing runs). */
function given(declared: Declared): Promise<void> {
    return startingPoints.given("check", JSON.stringify(declared), () => stack(declared));
}

function openStack(declared: Declared) {
    const { tag = "a", location = "westeurope", endpoints = ["fid-endpoint"], release } = declared;
    return EngineStack.open({
        projectDir: scratch,
        stack: "check",
        stateDir: path.join(scratch, "state"),
        env: {
            ...pluginEnvironment(arm.url, token, subscription),
            ...(release ? { AZURE_NATIVE_EMULATED_RELEASE: release } : {}),
        },
        program: async () => {
            const group = new resources.ResourceGroup("rg", { resourceGroupName: "rg-fidelity", location });
            const workspace = new machinelearningservices.Workspace("ws", {
                resourceGroupName: group.name,
                workspaceName: "ws-fidelity",
                location,
                identity: { type: machinelearningservices.ManagedServiceIdentityType.SystemAssigned },
                tags: { owner: tag },
            });
            // By position: a new name for endpoint-0 is a replacement of the same resource.
            for (const [index, name] of endpoints.entries()) {
                new machinelearningservices.OnlineEndpoint(`endpoint-${index}`, {
                    resourceGroupName: group.name,
                    workspaceName: workspace.name,
                    endpointName: name,
                    location,
                    properties: { authMode: "Key" },
                });
            }
            return { workspaceApiVersion: workspace.azureApiVersion, groupApiVersion: group.azureApiVersion };
        },
    });
}

const puts = (id: string) => arm.operations.filter((o) => o.method === "PUT" && o.id.toLowerCase() === id.toLowerCase());

it("records each type's API version as the input azureApiVersion; an upgrade that moves the ML types' version updates every ML resource with a full PUT, and nothing else", async () => {
    const old = await (await stack({ release: "3.13.0" })).up();
    expect(old.outputs.workspaceApiVersion.value).toBe("2025-09-01");
    expect(old.outputs.groupApiVersion.value).toBe("2024-03-01");
    expect((await (await stack({ release: "3.13.0" })).preview({ expectNoChanges: true })).changeSummary).toEqual({ same: 4 });

    // Something else set live traffic on the endpoint: the upgrade's PUT carries the recorded inputs, not it.
    await outOfBand().putAndWait(endpointId("fid-endpoint"), { location: "westeurope", properties: { authMode: "Key", traffic: {} }, tags: { set: "by hand" } });
    const upgraded = await stack();
    // The plain preview says which input changed (the real provider's detailed diff).
    expect((await upgraded.preview()).stdout).toMatch(/~ +azure-native:machinelearningservices:OnlineEndpoint +endpoint-0 +update +\[diff: ~azureApiVersion[,\]]/);
    const preview = await upgraded.preview({ diff: true });
    expect(preview.changeSummary).toEqual({ same: 2, update: 2 });
    expect(preview.stdout).toMatch(/~ azure-native:machinelearningservices:Workspace: \(update\)/);
    expect(preview.stdout).toMatch(/~ azure-native:machinelearningservices:OnlineEndpoint: \(update\)/);
    expect(preview.stdout).not.toMatch(/~ azure-native:resources:ResourceGroup/);
    const before = puts(endpointId("fid-endpoint")).length;
    const up = await upgraded.up();
    expect(up.outputs.workspaceApiVersion.value).toBe("2025-12-01");
    expect(puts(endpointId("fid-endpoint")).length).toBe(before + 1);
    // Azure's PUT replaced the whole endpoint: what was set by hand is gone.
    expect(arm.resource(endpointId("fid-endpoint"))!.body.tags).toBeUndefined();
    expect((await (await stack()).preview({ expectNoChanges: true })).changeSummary).toEqual({ same: 4 });
});

it("compares location without case and spaces: 'West Europe' is no change", async () => {
    await given({});
    expect((await (await stack({ location: "West Europe" })).preview({ expectNoChanges: true })).changeSummary).toEqual({ same: 4 });
});

it("refresh records Azure's values as inputs: a tag changed by hand shows as an update that puts the declared one back", async () => {
    await given({});
    await outOfBand().putAndWait(workspaceId, { location: "westeurope", identity: { type: "SystemAssigned" }, tags: { owner: "someone else" }, properties: {} });
    const check = await stack();
    expect((await check.preview()).changeSummary).toEqual({ same: 4 });
    await check.refresh();
    const state = await check.stack.exportStack();
    const ws = state.deployment.resources.find((r: { type: string }) => r.type === "azure-native:machinelearningservices:Workspace");
    expect(ws.inputs.tags).toEqual({ owner: "someone else" });
    // The preview also lists the endpoint, which reads the workspace's name: unknown in a preview
    // of the workspace's update under the node provider host (emulator/README.md, known differences).
    expect((await (await stack()).preview()).changeSummary).toEqual({ same: 2, update: 2 });
    expect((await (await stack()).up()).summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(arm.resource(workspaceId)!.body.tags).toEqual({ owner: "a" });
});

it("a replacement deletes first: a renamed endpoint is gone before its replacement is created", async () => {
    await given({});
    const renamed = await stack({ endpoints: ["fid-endpoint-2"] });
    expect((await renamed.preview()).stdout).toMatch(/\+- +azure-native:machinelearningservices:OnlineEndpoint +endpoint-0 +replace +\[diff: ~endpointName\]/);
    expect((await renamed.preview({ diff: true })).stdout).toMatch(/\+-azure-native:machinelearningservices:OnlineEndpoint: \(replace\)/);
    await renamed.up();
    const ops = arm.operations.map((o) => `${o.method} ${o.id.split("/").pop()}`);
    expect(ops.indexOf("DELETE fid-endpoint")).toBeGreaterThan(-1);
    expect(ops.indexOf("DELETE fid-endpoint")).toBeLessThan(ops.indexOf("PUT fid-endpoint-2"));
    expect(arm.resource(endpointId("fid-endpoint"))).toBeUndefined();
});

it("create refuses a resource that already exists, naming it, instead of adopting it", async () => {
    await given({ endpoints: ["fid-endpoint-2"] });
    await outOfBand().putAndWait(endpointId("fid-taken"), { location: "westeurope", properties: { authMode: "Key" } });
    const failure = await (await stack({ endpoints: ["fid-endpoint-2", "fid-taken"], tag: "b" })).up().catch((err: Error) => err);
    expect(String(failure)).toContain(`cannot create already existing resource '${endpointId("fid-taken")}'`);
    await outOfBand().deleteAndWait(endpointId("fid-taken"));
});

it("a create that fails after Azure accepted it stays in the state: the next up updates it, removing it deletes it", async () => {
    await given({ endpoints: ["fid-endpoint-2"] });
    failingEndpoints.add("fid-broken");
    const declared = { endpoints: ["fid-endpoint-2", "fid-broken"], tag: "b" };
    const failure = await (await stack(declared)).up().catch((err: Error) => err);
    expect(String(failure)).toMatch(/endpoint fid-broken failed to provision/);
    const state = await (await stack(declared)).stack.exportStack();
    const broken = state.deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::endpoint-1"));
    expect(broken?.initErrors?.[0]).toMatch(/failed to provision/);
    expect(arm.resource(endpointId("fid-broken"))?.provisioningState).toBe("Failed");

    // Repaired: the next up updates (PUTs) it rather than creating it.
    failingEndpoints.delete("fid-broken");
    const preview = await (await stack(declared)).preview();
    expect(preview.changeSummary).toMatchObject({ update: 1 });
    await (await stack(declared)).up();
    expect(arm.resource(endpointId("fid-broken"))?.provisioningState).toBe("Succeeded");

    // Failed again, then removed from the program: deleted, nothing orphaned.
    failingEndpoints.add("fid-broken");
    await (await stack({ ...declared, tag: "c" })).up().catch(() => undefined);
    failingEndpoints.delete("fid-broken");
    await (await stack({ endpoints: ["fid-endpoint-2"], tag: "c" })).up();
    expect(arm.resource(endpointId("fid-broken"))).toBeUndefined();
});

it("retries 429, 503 and a 409 AnotherOperationInProgress; any other 409 fails at once", async () => {
    await given({ endpoints: ["fid-endpoint-2"], tag: "c" });
    arm.injectFaults([
        { status: 429, code: "TooManyRequests" },
        { status: 503, code: "ServiceUnavailable" },
        { status: 409, code: "AnotherOperationInProgress" },
        { status: 503, code: "ServiceUnavailable" },
    ]);
    await (await stack({ endpoints: ["fid-endpoint-2"], tag: "d" })).up();
    expect(arm.faultsAnswered.length).toBe(4);
    expect(arm.resource(workspaceId)!.body.tags).toEqual({ owner: "d" });

    arm.injectFaults([{ status: 409, code: "Conflict" }]);
    const failure = await (await stack({ endpoints: ["fid-endpoint-2"], tag: "e" })).up().catch((err: Error) => err);
    expect(String(failure)).toMatch(/409 Conflict/);
});
