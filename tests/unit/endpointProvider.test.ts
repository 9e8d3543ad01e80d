import { EndpointInputs, EndpointOutputs, EndpointProvider } from "../../runtime/providers/endpointProvider";
import { armEndpointVariable } from "../../runtime/arm/clouds";
import { EmulatedArm } from "../support/emulatedArm";
import { FixedCredential } from "../support/fakes";

const workspace = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";
const endpointId = `${workspace}/onlineEndpoints/diabetes-abc123`;

function inputs(change: Partial<EndpointInputs> = {}): EndpointInputs {
    return {
        endpointId,
        cloud: "public",
        location: "westeurope",
        properties: { authMode: "Key", publicNetworkAccess: "Enabled" },
        tags: { stack: "test" },
        timeoutSeconds: 60,
        ...change,
    };
}

describe("the endpoint's own resource against the emulator's Resource Manager", () => {
    let arm: EmulatedArm;
    const provider = new EndpointProvider({ credential: new FixedCredential(), pollIntervalMs: 10, retryBaseMs: 10 });

    beforeEach(async () => {
        arm = await new EmulatedArm().start();
        arm.server.seed(workspace, { location: "westeurope", properties: {} });
        process.env[armEndpointVariable] = arm.url;
    });
    afterEach(async () => {
        delete process.env[armEndpointVariable];
        await arm.stop();
    });

    it("creates the endpoint with a system-assigned identity and no traffic, and reports its name and scoring URI", async () => {
        const created = await provider.create(inputs());
        expect(created.id).toBe(endpointId);
        expect(arm.requests.filter((r) => r.method === "PUT")[0].body).toEqual({
            location: "westeurope",
            identity: { type: "SystemAssigned" },
            properties: { authMode: "Key", publicNetworkAccess: "Enabled" },
            tags: { stack: "test" },
        });
        expect(created.outs).toMatchObject({ name: "diabetes-abc123", endpointId });
    });

    it("refuses to create an endpoint that exists already, naming it, as azure-native does", async () => {
        arm.addEndpoint(endpointId, { blue: "Succeeded" }, { traffic: { blue: 100 } });
        await expect(provider.create(inputs())).rejects.toThrow(/endpoint diabetes-abc123 already exists in the workspace .* not in this stack's state/);
        expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
    });

    it("keeps an endpoint whose creation failed after Azure accepted it in the state (an init failure), so the next up repairs it", async () => {
        arm.server.failNextOperation({ code: "InternalServerError", message: "Endpoint provisioning failed." });
        const error = (await provider.create(inputs()).catch((e: unknown) => e)) as Error & { id?: string; properties?: Record<string, unknown> };
        expect(error.message).toMatch(/Endpoint provisioning failed\./);
        expect(error.id).toBe(endpointId);
        expect(error.properties).toMatchObject({ endpointId, name: "diabetes-abc123" });
        const olds = error.properties as unknown as EndpointOutputs;
        await provider.update(endpointId, olds, inputs());
        expect(arm.server.resource(endpointId)?.provisioningState).toBe("Succeeded");
    });

    it("leaves nothing in the state when Azure refuses the create outright (nothing exists)", async () => {
        const refused = `${workspace}/onlineEndpoints/-bad-name-`;
        const error = (await provider.create(inputs({ endpointId: refused })).catch((e: unknown) => e)) as Error & { id?: string };
        expect(error.message).toMatch(/400 BadRequest: Invalid endpoint name -bad-name-/);
        expect(error.id).toBeUndefined();
        expect(arm.server.resource(refused)).toBeUndefined();
    });

    it("updates tags, auth mode and network access by GET-merge-PUT: live traffic at every moment", async () => {
        arm.addEndpoint(endpointId, { blue: "Succeeded", green: "Succeeded" }, { traffic: { blue: 90, green: 10 } });
        const olds = { ...inputs(), name: "diabetes-abc123", scoringUri: "" } as EndpointOutputs;
        const news = inputs({ properties: { authMode: "AMLToken", publicNetworkAccess: "Disabled" }, tags: { stack: "test", owner: "ml" } });
        expect((await provider.diff(endpointId, olds, news)).changes).toBe(true);
        await provider.update(endpointId, olds, news);
        expect(arm.endpoint(endpointId)).toMatchObject({
            tags: { stack: "test", owner: "ml" },
            properties: { authMode: "AMLToken", publicNetworkAccess: "Disabled", traffic: { blue: 90, green: 10 } },
        });
        for (const moment of arm.timelineOf(endpointId)) expect(moment.traffic).toEqual({ blue: 90, green: 10 });
    });

    it("diffs: a move (same id) is a delete-first replacement, a new id a create-first one, a change of tags an update", async () => {
        const olds = { ...inputs(), name: "diabetes-abc123", scoringUri: "" } as EndpointOutputs;
        expect(await provider.diff(endpointId, olds, inputs())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        expect(await provider.diff(endpointId, olds, inputs({ location: "West Europe" }))).toMatchObject({ changes: false });
        expect(await provider.diff(endpointId, olds, inputs({ location: "northeurope" }))).toEqual({ changes: true, replaces: ["location"], deleteBeforeReplace: true });
        expect(await provider.diff(endpointId, olds, inputs({ endpointId: `${endpointId}x` }))).toEqual({ changes: true, replaces: ["endpointId"], deleteBeforeReplace: false });
        expect((await provider.diff(endpointId, olds, inputs({ tags: {} }))).replaces).toEqual([]);
    });

    it("reads what Azure has (a tag changed in the portal shows as a change), and deletes the endpoint", async () => {
        const created = await provider.create(inputs());
        arm.endpoint(endpointId).tags = { stack: "edited" };
        const read = await provider.read(endpointId, created.outs as EndpointOutputs);
        expect(read.props).toMatchObject({ tags: { stack: "edited" } });
        expect((await provider.diff(endpointId, read.props as EndpointOutputs, inputs())).changes).toBe(true);
        await provider.delete(endpointId, created.outs as EndpointOutputs);
        expect(arm.server.resource(endpointId)).toBeUndefined();
        expect(await provider.read(endpointId, created.outs as EndpointOutputs)).toEqual({});
    });
});
