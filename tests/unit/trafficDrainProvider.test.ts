import { armEndpointVariable } from "../../runtime/arm/clouds";
import { TrafficDrainInputs, TrafficDrainOutputs, TrafficDrainProvider } from "../../runtime/providers/endpointSettings/trafficDrainProvider";
import { EmulatedArm } from "../support/emulatedArm";
import { FakeClock, FixedCredential } from "../support/fakes";

const endpointId =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/diabetes-abc123";

const inputs = (deploymentFingerprints: Record<string, string>, enabled = true): TrafficDrainInputs => ({
    endpointId,
    cloud: "public",
    timeoutSeconds: 600,
    enabled,
    deploymentFingerprints,
});

describe("taking a deployment out of traffic before it changes", () => {
    let arm: EmulatedArm;
    let progress: string[];
    let provider: TrafficDrainProvider;
    const before = inputs({ blue: "b1", green: "g1" }) as TrafficDrainOutputs;

    beforeEach(async () => {
        arm = await new EmulatedArm().start();
        process.env[armEndpointVariable] = arm.url;
        arm.addEndpoint(endpointId, { blue: "Succeeded", green: "Succeeded" });
        progress = [];
        provider = new TrafficDrainProvider({ credential: new FixedCredential(), clock: new FakeClock(), pollIntervalMs: 1000, progress: (l) => progress.push(l) });
    });
    afterEach(async () => {
        delete process.env[armEndpointVariable];
        await arm.stop();
    });
    const puts = () => arm.requests.filter((r) => r.method === "PUT");

    it("moves a changed deployment's live traffic to the unchanged ones that serve, and says so", async () => {
        arm.setTrafficByHand(endpointId, { blue: 90, green: 10 });
        const updated = await provider.update("id", before, inputs({ blue: "b1", green: "g2" }));
        expect(arm.endpoint(endpointId).properties.traffic).toEqual({ blue: 100 });
        expect(updated.outs!.lastDrain).toBe('green changed: taken out of traffic before the update (traffic {"blue":90,"green":10} -> traffic {"blue":100}); the rollout gives green its weight back step by step, from the mirror stage if one is set');
        expect(progress).toEqual([updated.outs!.lastDrain]);
    });

    it("changes nothing without a rollout, for a scaled deployment, or when the changed one serves nothing", async () => {
        arm.setTrafficByHand(endpointId, { blue: 90, green: 10 });
        await provider.update("id", before, inputs({ blue: "b1", green: "g2" }, false));
        await provider.update("id", before, inputs({ blue: "b1", green: "g1" }));
        arm.setTrafficByHand(endpointId, { blue: 100 });
        await provider.update("id", before, inputs({ blue: "b1", green: "g2" }));
        expect(puts()).toHaveLength(0);
    });

    it("leaves the only serving deployment its traffic: the endpoint is never without live traffic", async () => {
        arm.setTrafficByHand(endpointId, { green: 100 });
        const updated = await provider.update("id", before, inputs({ blue: "b1", green: "g2" }));
        expect(puts()).toHaveLength(0);
        expect(updated.outs!.lastDrain).toMatch(/^green changed and keeps its live traffic while updating: no unchanged deployment serves to take it/);
    });

    it("leaves two changed deployments that serve their traffic: a rollout gives traffic back to one at a time", async () => {
        arm.setTrafficByHand(endpointId, { blue: 90, green: 10 });
        const updated = await provider.update("id", before, inputs({ blue: "b2", green: "g2" }));
        expect(puts()).toHaveLength(0);
        expect(updated.outs!.lastDrain).toMatch(/^blue, green changed and keep their live traffic while updating: a rollout gives traffic back to one deployment at a time/);
    });

    it("is a change exactly when a fingerprint or the rollout's presence changes", async () => {
        expect((await provider.diff("id", before, inputs({ blue: "b1", green: "g1" }))).changes).toBe(false);
        expect((await provider.diff("id", before, inputs({ blue: "b1", green: "g2" }))).changes).toBe(true);
        expect((await provider.diff("id", before, inputs({ blue: "b1", green: "g1" }, false))).changes).toBe(true);
    });
});
