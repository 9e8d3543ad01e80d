import { SmokeTestInputs, SmokeTestOutputs, SmokeTestProvider } from "../../runtime/providers/smokeTestProvider";
import { TrafficWeights } from "../../runtime/endpoints/trafficWire";
import { armEndpointVariable } from "../../runtime/arm/clouds";
import { readScoringRequest } from "../../runtime/scoring/scoringRequest";
import { EmulatedArm } from "../support/emulatedArm";
import { FakeScoring } from "../support/fakeScoring";
import { FakeClock, FixedCredential } from "../support/fakes";
import * as path from "path";
import { projectDir } from "../support/stackFile";

const endpointId =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/diabetes-abc123";
const request = readScoringRequest(path.join(projectDir, "sample-request.json"));

describe("post-deploy smoke test provider", () => {
    let arm: EmulatedArm;
    let endpoint: FakeScoring;

    beforeEach(async () => {
        arm = await new EmulatedArm().start();
        arm.addEndpoint(endpointId, { blue: "Succeeded", green: "Succeeded" });
        process.env[armEndpointVariable] = arm.url;
        endpoint = await new FakeScoring().start();
        endpoint.expectedKey = arm.credentials(endpointId).primaryKey;
    });
    afterEach(async () => {
        delete process.env[armEndpointVariable];
        await arm.stop();
        await endpoint.stop();
    });

    const inputs = (overrides: Partial<SmokeTestInputs> = {}): SmokeTestInputs => ({
        scoringUri: endpoint.scoringUri,
        endpointId,
        cloud: "public",
        authMode: "Key",
        deployments: ["blue", "green"],
        phase: "post-deploy",
        throughRouting: true,
        fingerprint: "f1",
        requestText: request.text,
        rows: request.rows,
        allowedPredictions: [0, 1],
        latencyBudgetMs: 2000,
        timeoutSeconds: 30,
        ...overrides,
    });
    const provider = () => new SmokeTestProvider({ armCredential: new FixedCredential(), retryBaseMs: 20 });

    it("probes every deployment by header and then the traffic routing, with the key fetched at run time", async () => {
        const created = await provider().create(inputs());
        expect(endpoint.calls.map((c) => c.deployment)).toEqual(["blue", "green", undefined]);
        expect(endpoint.calls.every((c) => c.authorization === `Bearer ${arm.credentials(endpointId).primaryKey}`)).toBe(true);
        expect(arm.requests.map((r) => `${r.method} ${r.path.split("/").pop()}`)).toEqual(["POST listKeys"]);
        expect(created.outs.lastRun).toMatchObject({ passed: true, checks: [{ name: "deployment blue", status: 200 }, { name: "deployment green" }, { name: "traffic routing" }] });
    });

    it("keeps the credential out of its outputs", async () => {
        const created = await provider().create(inputs());
        expect(JSON.stringify(created)).not.toContain(arm.credentials(endpointId).primaryKey);
    });

    it("uses an AML token from the endpoint's token action for AMLToken endpoints", async () => {
        endpoint.expectedKey = arm.credentials(endpointId).amlToken;
        await provider().create(inputs({ authMode: "AMLToken" }));
        expect(arm.requests.map((r) => r.path.split("/").pop())).toEqual(["token"]);
        expect(endpoint.calls[0].authorization).toBe(`Bearer ${arm.credentials(endpointId).amlToken}`);
    });

    it("uses an Entra token for AADToken endpoints, without calling Resource Manager", async () => {
        endpoint.expectedKey = "entra-token";
        const scopes: string[] = [];
        const entra = { getToken: async (scope: string) => (scopes.push(scope), { token: "entra-token", expiresOnTimestamp: Date.now() + 60_000 }) };
        await new SmokeTestProvider({ entraCredential: entra }).create(inputs({ authMode: "AADToken" }));
        expect(scopes[0]).toBe("https://ml.azure.com/.default");
        expect(arm.requests).toHaveLength(0);
    });

    it("fails the deployment with a readable report when a deployment answers wrong", async () => {
        endpoint.script.push({ deployment: "green", status: 200, body: "[1, 1]" });
        const error = await provider().create(inputs()).catch((e: Error) => e);
        expect(String(error)).toContain("post-deploy smoke test failed");
        expect(String(error)).toMatch(/FAIL {2}deployment green +HTTP 200/);
        expect(String(error)).toContain("expected 5 predictions (one per row), got 2");
        expect(String(error)).not.toContain(arm.credentials(endpointId).primaryKey);
    });

    it("fails when the load check misses its thresholds", async () => {
        // The three checks answer at once; two of the four load requests are slow.
        endpoint.script.push({ delayMs: 0 }, { delayMs: 0 }, { delayMs: 0 }, { delayMs: 150 }, { delayMs: 150 });
        const load = { requests: 4, concurrency: 2, maxP95Ms: 100, maxErrorRate: 0 };
        await expect(provider().create(inputs({ load }))).rejects.toThrow(/p95 latency \d+ ms over the allowed 100 ms/);
    });

    it("before traffic, probes each deployment by header only, and says traffic was left alone when one fails on a new endpoint", async () => {
        const probed = await provider().create(inputs({ phase: "pre-traffic", throughRouting: false, load: { requests: 5, concurrency: 1, maxP95Ms: 1000, maxErrorRate: 0 } }));
        expect(endpoint.calls.map((c) => c.deployment)).toEqual(["blue", "green"]);
        expect(probed.outs.lastRun.checks.map((c: { name: string }) => c.name)).toEqual(["deployment blue", "deployment green"]);
        endpoint.script.push({ deployment: "green", status: 400, body: '{"message": "Missing required input column(s)"}' });
        await expect(provider().create(inputs({ phase: "pre-traffic", throughRouting: false }))).rejects.toThrow(/^pre-traffic probe failed; traffic left as it is \(traffic \{\}\): no deployment that changed in this update serves\n[\s\S]*FAIL {2}deployment green +HTTP 400/);
    });

    it("before traffic, with the rollout's agreement gate, compares each deployment's answers with the baseline's", async () => {
        const probe = (minRequests: number) => inputs({ phase: "pre-traffic", throughRouting: false, compareWith: { baseline: "blue", min: 0.5, minRequests } });
        endpoint.script.push({ deployment: "blue", status: 200, body: "[1, 0, 1, 0, 1]" }, { deployment: "green", status: 200, body: "[0, 1, 0, 1, 1]" });
        const unjudged = await provider().create(probe(10));
        expect(unjudged.outs.lastRun.passed).toBe(true);
        endpoint.script.push({ deployment: "blue", status: 200, body: "[1, 0, 1, 0, 1]" }, { deployment: "green", status: 200, body: "[0, 1, 0, 1, 1]" });
        const error = await provider().create(probe(1)).catch((e: Error) => e);
        expect(String(error)).toMatch(/^Error: pre-traffic probe failed; [^\n]*\n[\s\S]*FAIL {2}agreement green~blue +0\.2 on 5 rows \(min 0\.5\)/);
    });

    it("after traffic, on an endpoint with every weight at 0, a failure is the post-deploy smoke test's, never the probe's", async () => {
        endpoint.script.push({ deployment: "green", status: 400, body: '{"message": "Missing required input column(s)"}' });
        const error = await provider().create(inputs({ throughRouting: false })).catch((e: Error) => e);
        expect(String(error)).toMatch(/post-deploy smoke test failed; traffic left as it is/);
        expect(String(error)).not.toMatch(/pre-traffic probe/);
    });

    it("runs again when what the endpoint serves changes, and only then", async () => {
        const created = await provider().create(inputs());
        const olds = created.outs as SmokeTestOutputs;
        expect((await provider().diff(created.id, olds, inputs())).changes).toBe(false);
        expect((await provider().diff(created.id, olds, inputs({ fingerprint: "f2" }))).changes).toBe(true);
        expect((await provider().diff(created.id, olds, inputs({ allowedPredictions: [0] }))).changes).toBe(true);
        endpoint.calls.length = 0;
        await provider().update(created.id, olds, inputs({ fingerprint: "f2" }));
        expect(endpoint.calls).toHaveLength(3);
    });

    describe("when it fails after an update moved traffic", () => {
        const before: TrafficWeights = { traffic: { blue: 100 }, mirrorTraffic: {} };
        const after = { traffic: { blue: 50, green: 50 }, mirrorTraffic: {} };
        const restoring = () => new SmokeTestProvider({ armCredential: new FixedCredential(), retryBaseMs: 20, clock: new FakeClock() });
        const lastPassing = async (served = before) => {
            arm.setTrafficByHand(endpointId, served.traffic);
            const created = await restoring().create(inputs({ servedWeights: served }));
            arm.setTrafficByHand(endpointId, after.traffic);
            arm.requests.length = 0;
            endpoint.script.push({ deployment: "green", status: 200, body: "[7, 7, 7, 7, 7]" });
            return created;
        };

        it("puts back the weights of its last passing run, then fails with the report", async () => {
            const created = await lastPassing();
            const error = await restoring().update(created.id, created.outs, inputs({ fingerprint: "f2", servedWeights: after })).catch((e: Error) => e);
            expect(String(error)).toContain('post-deploy smoke test failed; traffic restored to traffic {"blue":100}, the weights of the last passing run');
            expect(String(error)).toMatch(/FAIL {2}deployment green +HTTP 200/);
            expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
            expect(arm.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
        });

        it("leaves traffic alone when the update moved no weight and no deployment changed", async () => {
            const created = await lastPassing(after);
            const error = await restoring().update(created.id, created.outs, inputs({ fingerprint: "f2", servedWeights: after })).catch((e: Error) => e);
            expect(String(error)).toContain('traffic left as it is (traffic {"blue":50,"green":50}): no deployment that changed in this update serves');
            expect(arm.requests.filter((r) => r.method === "PUT")).toHaveLength(0);
        });

        it("takes a deployment whose model changed under the same weights out of traffic", async () => {
            const served = { traffic: { blue: 90, green: 10 }, mirrorTraffic: {} };
            arm.setTrafficByHand(endpointId, served.traffic);
            const created = await restoring().create(inputs({ servedWeights: served, deploymentFingerprints: { blue: "b1", green: "g1" } }));
            endpoint.script.push({ deployment: "green", status: 200, body: "[7, 7, 7, 7, 7]" });
            arm.requests.length = 0;
            const error = await restoring()
                .update(created.id, created.outs, inputs({ fingerprint: "f2", servedWeights: served, deploymentFingerprints: { blue: "b1", green: "g2" } }))
                .catch((e: Error) => e);
            expect(String(error)).toContain('traffic set to traffic {"blue":100}: green taken out (changed in this update)');
            expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
        });

        it("puts back the last passing weights with the deployment that changed in the update taken out", async () => {
            const served = { traffic: { blue: 90, green: 10 }, mirrorTraffic: {} };
            arm.setTrafficByHand(endpointId, served.traffic);
            const created = await restoring().create(inputs({ servedWeights: served, deploymentFingerprints: { blue: "b1", green: "g1" } }));
            arm.setTrafficByHand(endpointId, after.traffic);
            endpoint.script.push({ deployment: "green", status: 200, body: "[7, 7, 7, 7, 7]" });
            const error = await restoring()
                .update(created.id, created.outs, inputs({ fingerprint: "f2", servedWeights: after, deploymentFingerprints: { blue: "b1", green: "g2" } }))
                .catch((e: Error) => e);
            expect(String(error)).toContain('traffic restored to traffic {"blue":100}, the weights of the last passing run with green taken out (changed in this update)');
            expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
        });

        it("keeps a changed deployment's traffic when no unchanged deployment serves, and says so", async () => {
            const served = { traffic: { green: 100 }, mirrorTraffic: {} };
            arm.setTrafficByHand(endpointId, served.traffic);
            const created = await restoring().create(inputs({ servedWeights: served, deploymentFingerprints: { blue: "b1", green: "g1" } }));
            endpoint.script.push({ deployment: "green", status: 200, body: "[7, 7, 7, 7, 7]" });
            const error = await restoring()
                .update(created.id, created.outs, inputs({ fingerprint: "f2", servedWeights: served, deploymentFingerprints: { blue: "b1", green: "g2" } }))
                .catch((e: Error) => e);
            expect(String(error)).toContain("green changed in this update but keeps its live traffic: no unchanged deployment serves to take it");
            expect(arm.endpoint(endpointId).properties.traffic).toEqual({ green: 100 });
        });

        it("before traffic, takes a changed deployment that serves out of live traffic", async () => {
            arm.setTrafficByHand(endpointId, { blue: 90, green: 10 });
            const probe = (deploymentFingerprints: Record<string, string>) => inputs({ phase: "pre-traffic", throughRouting: false, deploymentFingerprints });
            const created = await restoring().create(probe({ blue: "b1", green: "g1" }));
            endpoint.script.push({ deployment: "green", status: 200, body: "[7, 7, 7, 7, 7]" });
            const error = await restoring().update(created.id, created.outs, probe({ blue: "b1", green: "g2" })).catch((e: Error) => e);
            expect(String(error)).toMatch(/^Error: pre-traffic probe failed; traffic set to traffic \{"blue":100\}: green taken out \(changed in this update\)/);
            expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
        });

        it("leaves traffic alone on a first run, and when the last passing run had no live traffic", async () => {
            endpoint.script.push({ deployment: "green", status: 200, body: "[7]" });
            await expect(restoring().create(inputs({ servedWeights: after }))).rejects.toThrow("traffic left as it is");
            const created = await lastPassing({ traffic: {}, mirrorTraffic: {} });
            await expect(restoring().update(created.id, created.outs, inputs({ fingerprint: "f2", servedWeights: after }))).rejects.toThrow(
                'traffic left as it is (traffic {"blue":50,"green":50})',
            );
            expect(arm.requests.filter((r) => r.method === "PUT")).toHaveLength(0);
        });

        it("does not overwrite traffic that something else moved while the test ran", async () => {
            const created = await lastPassing();
            arm.setTrafficByHand(endpointId, { blue: 70, green: 30 });
            await expect(restoring().update(created.id, created.outs, inputs({ fingerprint: "f2", servedWeights: after }))).rejects.toThrow(
                /traffic left as it is: it changed while the test ran \(now traffic \{"blue":70,"green":30\}\)/,
            );
            expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 70, green: 30 });
        });
    });
});
