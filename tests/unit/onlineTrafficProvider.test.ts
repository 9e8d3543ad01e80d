import { endpointPutBody } from "../../runtime/endpoints/endpointPutBody";
import {
    EndpointSettingsInputs,
    EndpointSettingsOutputs,
    sameSettings,
} from "../../runtime/providers/endpointSettings/endpointSettingsCore";
import { OnlineTrafficProvider } from "../../runtime/providers/endpointSettings/onlineTrafficProvider";
import { armEndpointVariable } from "../../runtime/arm/clouds";
import { EmulatedArm } from "../support/emulatedArm";
import { FailingCredential, FakeClock, FixedCredential } from "../support/fakes";

const endpointId =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/diabetes-abc123";

/** The inputs the online traffic resource gives the provider: the live and mirror weights. */
function inputs(traffic: Record<string, number>, mirrorTraffic: Record<string, number> = {}): EndpointSettingsInputs {
    return {
        endpointId,
        cloud: "public",
        kind: "onlineTraffic",
        settings: { traffic, mirrorTraffic },
        authMode: "Key",
        requiredDeployments: [...new Set([...Object.keys(traffic), ...Object.keys(mirrorTraffic)])].sort(),
        timeoutSeconds: 600,
    };
}

/** Live traffic as Azure keeps it: the applied settings, traffic maps only. */
const trafficOf = (outs: any) => ({ traffic: outs.applied.traffic, mirrorTraffic: outs.applied.mirrorTraffic });

describe("online traffic provider against a local Resource Manager", () => {
    let arm: EmulatedArm;
    let clock: FakeClock;
    let credential: FixedCredential;
    let provider: OnlineTrafficProvider;

    beforeEach(async () => {
        arm = await new EmulatedArm().start();
        process.env[armEndpointVariable] = arm.url;
        arm.addEndpoint(endpointId, { blue: "Succeeded", green: "Succeeded" });
        clock = new FakeClock();
        credential = new FixedCredential();
        provider = new OnlineTrafficProvider({ credential, clock, pollIntervalMs: 1000 });
    });

    afterEach(async () => {
        delete process.env[armEndpointVariable];
        await arm.stop();
    });

    const puts = () => arm.requests.filter((r) => r.method === "PUT");

    it("GETs the endpoint, PUTs it back with the traffic and follows the operation through InProgress to Succeeded", async () => {
        const created = await provider.create(inputs({ blue: 100, green: 0 }, { green: 10 }));

        expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
        expect(arm.endpoint(endpointId).properties.mirrorTraffic).toEqual({ green: 10 });
        expect(created.outs.applied).toEqual({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } });
        const methods = arm.requests.map((r) => `${r.method} ${r.path.split("/").slice(-2).join("/")}`);
        expect(methods).toEqual([
            "GET deployments/blue",
            "GET deployments/green",
            "GET onlineEndpoints/diabetes-abc123",
            "PUT onlineEndpoints/diabetes-abc123",
            "GET onlineEndpoints/diabetes-abc123",
        ]);
        // The operation was polled after the Retry-After: 1 it answered with.
        expect(clock.sleeps.length).toBeGreaterThan(0);
        expect(new Set(clock.sleeps)).toEqual(new Set([1000]));
        // Read-only fields are not sent back; the rest of the endpoint is.
        expect(puts()[0].body).toMatchObject({ location: "westeurope", identity: { type: "SystemAssigned" } });
        expect(puts()[0].body.properties).not.toHaveProperty("scoringUri");
        expect(puts()[0].body).not.toHaveProperty("systemData");
    });

    it("sends the token only in the Authorization header, to Resource Manager only", async () => {
        await provider.create(inputs({ blue: 100 }));
        expect(arm.requests.every((r) => r.authorization === "Bearer test-token")).toBe(true);
        expect(JSON.stringify(puts().map((r) => r.body))).not.toContain("test-token");
    });

    it("keeps credentials out of its inputs and outputs", async () => {
        const created = await provider.create(inputs({ blue: 100 }));
        expect(JSON.stringify(created)).not.toMatch(/test-token|endpoint-primary-key|aml-access-token|secret/i);
    });

    it("updates traffic to a new split", async () => {
        const created = await provider.create(inputs({ blue: 100, green: 0 }));
        const updated = await provider.update(created.id, created.outs, inputs({ blue: 50, green: 50 }));
        expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 50, green: 50 });
        expect(trafficOf(updated.outs)).toEqual({ traffic: { blue: 50, green: 50 }, mirrorTraffic: {} });
    });

    it("takes traffic off a removed deployment first, so deleting it then succeeds (one pulumi up)", async () => {
        const created = await provider.create(inputs({ blue: 80, green: 20 }));
        const deleteGreen = () =>
            fetch(`${arm.url}${endpointId}/deployments/green?api-version=2025-12-01`, {
                method: "DELETE",
                headers: { Authorization: "Bearer test-token" },
            });
        // Azure refuses to delete a deployment that still has traffic...
        expect((await deleteGreen()).status).toBe(400);
        // ...so the traffic resource, updated before Pulumi deletes the deployment, drops green first.
        await provider.update(created.id, created.outs, inputs({ blue: 100 }));
        expect((await deleteGreen()).status).toBe(202);
    });

    it("clears all traffic when deleted, so every deployment can be deleted after it", async () => {
        const created = await provider.create(inputs({ blue: 100, green: 0 }, { green: 10 }));
        await provider.delete(created.id, created.outs as EndpointSettingsOutputs);
        expect(arm.endpoint(endpointId).properties.traffic).toEqual({});
        expect(arm.endpoint(endpointId).properties.mirrorTraffic).toEqual({});
    });

    it("treats an endpoint that is already gone as nothing to clear on delete", async () => {
        const created = await provider.create(inputs({ blue: 100 }));
        const gone = { ...(created.outs as EndpointSettingsOutputs), endpointId: `${endpointId}-deleted` };
        await expect(provider.delete(created.id, gone)).resolves.toBeUndefined();
    });

    it("reads the live traffic back, so a refresh shows changes made by hand", async () => {
        const created = await provider.create(inputs({ blue: 100, green: 0 }));
        arm.setTrafficByHand(endpointId, { blue: 30, green: 70 });
        const read = await provider.read(created.id, created.outs as EndpointSettingsOutputs);
        expect(trafficOf(read.props)).toEqual({ traffic: { blue: 30, green: 70 }, mirrorTraffic: {} });
        // ...and the next `up` sees the drift and puts the declared traffic back.
        const diff = await provider.diff(created.id, read.props, inputs({ blue: 100, green: 0 }));
        expect(diff.changes).toBe(true);
    });

    it("sees live traffic that differs from the declared weights without a refresh (an interrupted rollout, a restored smoke failure)", async () => {
        const created = await provider.create(inputs({ blue: 50, green: 50 }));
        const olds = created.outs as EndpointSettingsOutputs;
        // The state still says blue 50 / green 50; Azure has been moved to a rollout's step.
        arm.setTrafficByHand(endpointId, { blue: 90, green: 10 });
        expect((await provider.diff(created.id, olds, inputs({ blue: 50, green: 50 }))).changes).toBe(true);
        arm.setTrafficByHand(endpointId, { blue: 50, green: 50 });
        expect((await provider.diff(created.id, olds, inputs({ blue: 50, green: 50 }))).changes).toBe(false);
        // A mirror that differs is drift too.
        const mirrored = await provider.update(created.id, olds, inputs({ blue: 100 }, { green: 10 }));
        arm.setTrafficByHand(endpointId, { blue: 100 }, {});
        expect((await provider.diff(created.id, mirrored.outs as EndpointSettingsOutputs, inputs({ blue: 100 }, { green: 10 }))).changes).toBe(true);
    });

    it("leaves an endpoint that is gone to a refresh when diffing", async () => {
        const created = await provider.create(inputs({ blue: 100 }));
        const gone = { ...(created.outs as EndpointSettingsOutputs), endpointId: `${endpointId}x` };
        expect((await provider.diff(created.id, gone, { ...inputs({ blue: 100 }), endpointId: `${endpointId}x` })).changes).toBe(false);
    });

    it("reports a deleted endpoint on read as gone", async () => {
        const created = await provider.create(inputs({ blue: 100 }));
        const read = await provider.read(created.id, { ...(created.outs as EndpointSettingsOutputs), endpointId: `${endpointId}x` });
        expect(read).toEqual({});
    });

    it("diffs: no change when nothing changed, zero weights and key order aside; a change when traffic changes", async () => {
        const created = await provider.create(inputs({ blue: 100, green: 0 }));
        const olds = created.outs as EndpointSettingsOutputs;
        expect((await provider.diff(created.id, olds, inputs({ blue: 100, green: 0 }))).changes).toBe(false);
        expect((await provider.diff(created.id, olds, inputs({ green: 0, blue: 100 }))).changes).toBe(false);
        expect((await provider.diff(created.id, olds, inputs({ blue: 90, green: 10 }))).changes).toBe(true);
        expect((await provider.diff(created.id, olds, inputs({ blue: 100, green: 0 }, { green: 10 }))).changes).toBe(true);
        expect((await provider.diff(created.id, olds, inputs({ blue: 100, green: 0 }))).replaces).toEqual([]);
    });

    it("never PUTs a deployment in both maps: zero live weights are left out, as the azure-ai-ml SDK does", async () => {
        // Dev's settings: green gets no live traffic and a 10% mirror. Azure refuses green in both maps.
        await provider.create(inputs({ blue: 100, green: 0 }, { green: 10 }));
        expect(puts()[0].body.properties).toMatchObject({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } });
    });

    it("sends deployment names lower-cased, as Azure keeps them, and sees no drift in their case", async () => {
        const created = await provider.create(inputs({ Blue: 100 }, {}));
        expect(puts()[0].body.properties.traffic).toEqual({ blue: 100 });
        expect((await provider.diff(created.id, created.outs as EndpointSettingsOutputs, inputs({ Blue: 100 }))).changes).toBe(false);
    });

    it("leaves the endpoint's tags, auth mode and network access as Azure has them: they belong to the endpoint's resource", async () => {
        arm.endpoint(endpointId).tags = { owner: "ml" };
        await provider.create(inputs({ blue: 100, green: 0 }, { green: 10 }));
        expect(puts()[0].body).toMatchObject({ tags: { owner: "ml" }, properties: { authMode: "Key", traffic: { blue: 100 }, mirrorTraffic: { green: 10 } } });
    });

    it("sends back what Azure returned beside the owned settings (kind, sku, identity, compute, properties.properties)", async () => {
        const original = structuredClone(arm.endpoint(endpointId));
        await provider.create(inputs({ blue: 100 }));
        const after = arm.endpoint(endpointId);
        expect({ kind: after.kind, sku: after.sku, identity: after.identity }).toEqual({
            kind: original.kind,
            sku: original.sku,
            identity: original.identity,
        });
        expect(after.properties.properties).toEqual(original.properties.properties);
        expect(after.properties).toHaveProperty("compute", original.properties.compute);
    });

    it("is replaced, not updated, when its endpoint changes, so the old endpoint's traffic gets cleared", async () => {
        const created = await provider.create(inputs({ blue: 100, green: 0 }));
        const renamed = { ...inputs({ blue: 100, green: 0 }), endpointId: `${endpointId}-renamed` };
        expect(await provider.diff(created.id, created.outs as EndpointSettingsOutputs, renamed)).toEqual({
            changes: true,
            replaces: ["endpointId"],
            deleteBeforeReplace: false,
        });
        // The replaced resource's delete then takes the old endpoint's traffic off its deployments.
        await provider.delete(created.id, created.outs as EndpointSettingsOutputs);
        expect(arm.endpoint(endpointId).properties.traffic).toEqual({});
    });

    it("retries 409 (endpoint busy with another operation) until it succeeds", async () => {
        arm.script.push(
            { method: "PUT", status: 409, body: { error: { code: "Conflict", message: "Endpoint is busy with another operation." } } },
            { method: "PUT", status: 409, body: { error: { code: "Conflict", message: "Endpoint is busy with another operation." } } },
        );
        await provider.create(inputs({ blue: 100 }));
        expect(puts()).toHaveLength(3);
        expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
        // No Retry-After: exponential backoff from 2 s.
        expect(clock.sleeps.slice(0, 2)).toEqual([2000, 4000]);
    });

    it("honours Retry-After on 429", async () => {
        arm.script.push({ method: "PUT", status: 429, headers: { "Retry-After": "17" }, body: { error: { code: "TooManyRequests", message: "Throttled." } } });
        await provider.create(inputs({ blue: 100 }));
        expect(clock.sleeps[0]).toBe(17_000);
        expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
    });

    it("retries 5xx answers", async () => {
        arm.script.push({ method: "GET", pathIncludes: "onlineEndpoints/diabetes-abc123", status: 503, body: "Service Unavailable" });
        await provider.create(inputs({ blue: 100 }));
        expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
    });

    it("gives up on a busy endpoint after its timeout with a clear error", async () => {
        for (let i = 0; i < 100; i++) {
            arm.script.push({ method: "PUT", status: 409, body: { error: { code: "Conflict", message: "Endpoint is busy with another operation." } } });
        }
        const bounded = { ...inputs({ blue: 100 }), timeoutSeconds: 120 };
        await expect(provider.create(bounded)).rejects.toThrow(
            /gave up on PUT .*onlineEndpoints\/diabetes-abc123 after 120 s; last answer: 409 Conflict: Endpoint is busy with another operation\./,
        );
        expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(120_000);
    });

    it("surfaces Azure's own message when the operation ends Failed", async () => {
        arm.server.failNextOperation({ code: "DeploymentNotReady", message: "Deployment green is not in a state to receive traffic." });
        await expect(provider.create(inputs({ blue: 90, green: 10 }))).rejects.toThrow(
            "the operation ended Failed: DeploymentNotReady: Deployment green is not in a state to receive traffic.",
        );
    });

    it("fails clearly when traffic names a deployment that does not exist", async () => {
        await expect(provider.create(inputs({ blue: 50, purple: 50 }))).rejects.toThrow(
            'deployment "purple" does not exist on endpoint diabetes-abc123; settings can only name existing deployments',
        );
        expect(puts()).toHaveLength(0);
    });

    it("surfaces Azure's 400 when it rejects the traffic itself", async () => {
        const skippingCheck = { ...inputs({ blue: 50, purple: 50 }), requiredDeployments: [] };
        await expect(provider.create(skippingCheck)).rejects.toThrow(
            /PUT .*diabetes-abc123 failed: 400 BadRequest: Deployment purple not found in endpoint\./,
        );
    });

    it("waits for a deployment that is still provisioning", async () => {
        arm.script.push({ method: "GET", pathIncludes: "/deployments/green", status: 200, body: { properties: { provisioningState: "Creating" } } });
        await provider.create(inputs({ blue: 90, green: 10 }));
        expect(arm.requests.filter((r) => r.path.endsWith("/deployments/green"))).toHaveLength(2);
        expect(clock.sleeps[0]).toBe(1000);
    });

    it("refuses to send traffic to a failed deployment", async () => {
        arm.setDeploymentState(endpointId, "green", "Failed");
        await expect(provider.create(inputs({ blue: 90, green: 10 }))).rejects.toThrow('deployment "green" is Failed');
    });

    it("fails fast on a rejected credential, without retrying or printing the token", async () => {
        const rejected = new OnlineTrafficProvider({ credential: new FixedCredential("another-token"), clock, pollIntervalMs: 1000 });
        const error = await rejected.create(inputs({ blue: 100 })).catch((e: Error) => e);
        expect(String(error)).toMatch(/401 InvalidAuthenticationToken: The access token is missing or invalid\./);
        expect(String(error)).not.toContain("another-token");
        expect(arm.requests).toHaveLength(1);
    });

    it("says when no Azure credential is available", async () => {
        const noLogin = new OnlineTrafficProvider({ credential: new FailingCredential(), clock });
        await expect(noLogin.create(inputs({ blue: 100 }))).rejects.toThrow(
            "could not get an Azure token for https://management.azure.com/.default: DefaultAzureCredential failed to retrieve a token from the included credentials.",
        );
        expect(arm.requests).toHaveLength(0);
    });
});

describe("online traffic provider against a hung server", () => {
    it("gives up within its timeout when Resource Manager never answers", async () => {
        const arm = await new EmulatedArm().start();
        process.env[armEndpointVariable] = arm.url;
        arm.addEndpoint(endpointId, { blue: "Succeeded" });
        for (let i = 0; i < 50; i++) arm.script.push({ method: "GET", hang: true });
        const provider = new OnlineTrafficProvider({ credential: new FixedCredential(), requestTimeoutMs: 200, retryBaseMs: 100 });
        const started = Date.now();
        try {
            await expect(provider.create({ ...inputs({ blue: 100 }), timeoutSeconds: 1 })).rejects.toThrow(
                /gave up on GET .*deployments\/blue after 1 s; last answer: no answer/,
            );
            expect(Date.now() - started).toBeLessThan(2000);
        } finally {
            delete process.env[armEndpointVariable];
            await arm.stop();
        }
    });
});

describe("endpoint PUT body", () => {
    it("keeps what the endpoint has, drops read-only fields, and lays the settings over its properties", () => {
        const body = endpointPutBody(
            {
                id: "x",
                name: "e",
                location: "westeurope",
                systemData: {},
                identity: { type: "SystemAssigned", principalId: "p", tenantId: "t" },
                tags: { a: "b" },
                properties: { authMode: "Key", provisioningState: "Succeeded", scoringUri: "u", swaggerUri: "s", traffic: { blue: 100 } },
            },
            { traffic: { blue: 0, green: 100 } },
        );
        expect(body).toEqual({
            location: "westeurope",
            tags: { a: "b" },
            identity: { type: "SystemAssigned" },
            properties: { authMode: "Key", traffic: { green: 100 } },
        });
    });

    it("sends weight maps as Azure takes them: no zero weights, lower-case names", () => {
        const body = endpointPutBody(
            { location: "westeurope", properties: { authMode: "Key", traffic: { blue: 100 }, mirrorTraffic: {} } },
            { traffic: { Blue: 0, Green: 100 }, mirrorTraffic: { Blue: 10 } },
            { owner: "ml" },
        );
        expect(body).toEqual({
            location: "westeurope",
            tags: { owner: "ml" },
            properties: { authMode: "Key", traffic: { green: 100 }, mirrorTraffic: { blue: 10 } },
        });
    });

    it("compares traffic maps as Azure keeps them: without zero entries, whatever the case of names", () => {
        expect(sameSettings({ traffic: { blue: 100, green: 0 } }, { traffic: { blue: 100 } })).toBe(true);
        expect(sameSettings({ traffic: { Blue: 100 } }, { traffic: { blue: 100 } })).toBe(true);
        expect(sameSettings({ traffic: { blue: 100 } }, { traffic: { green: 100 } })).toBe(false);
        expect(sameSettings({ defaults: { deploymentName: "a" } }, { defaults: { deploymentName: "b" } })).toBe(false);
    });
});
