import { OnlineEndpointConfig, onlineEndpointSchema } from "../../config/schema";
import { changedInPlace } from "../../program/preflight/changedInPlace";
import { previewRollout } from "../../program/preflight/rolloutPreview";
import { stackConfigObject } from "../support/stackFile";

const online = (stack: string, change: (o: Record<string, any>) => void = () => undefined): OnlineEndpointConfig => {
    const raw = structuredClone(stackConfigObject(stack).onlineEndpoint) as Record<string, any>;
    change(raw);
    return onlineEndpointSchema.parse(raw);
};
const stages = (preview: ReturnType<typeof previewRollout>) => preview.stages.map((s) => [s.label, s.weights.traffic, s.weights.mirrorTraffic, s.watchSeconds]);

describe("the traffic stages the up will walk, as the preview tells them", () => {
    it("walks prod's rollout: a 10% mirror, 5%, then the declared 10%, each watched a minute", () => {
        const preview = previewRollout(online("prod"), { traffic: { blue: 100 }, mirrorTraffic: {} }, []);
        expect(preview).toMatchObject({ mode: "progressive", canary: "green", baseline: "blue", shortestSeconds: 180, longestSeconds: 720 });
        expect(stages(preview)).toEqual([
            ["mirror 10%", { blue: 100 }, { green: 10 }, 60],
            ["step 5%", { blue: 95, green: 5 }, {}, 60],
            ["declared 10%", { blue: 90, green: 10 }, {}, 60],
        ]);
    });

    it("says unchanged when the live weights are the declared ones", () => {
        expect(previewRollout(online("prod"), { traffic: { blue: 90, green: 10 }, mirrorTraffic: {} }, [])).toMatchObject({ mode: "unchanged", stages: [] });
    });

    it("applies the declared weights in one step without a rollout", () => {
        const preview = previewRollout(online("dev", (o) => Object.assign(o, { traffic: { blue: 50, green: 50 }, mirrorTraffic: {} })), { traffic: { blue: 100 }, mirrorTraffic: { green: 10 } }, []);
        expect(preview.mode).toBe("one step");
        expect(stages(preview)).toEqual([["declared", { blue: 50, green: 50 }, {}, undefined]]);
    });

    const modelId = (version: number) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/models/diabetes-classifier/versions/${version}`;
    const running = [
        { name: "blue", instanceType: "Standard_DS3_v2", instanceCount: 3, model: modelId(1), requestTimeoutMs: 5000, environmentVariables: {} },
        { name: "green", instanceType: "Standard_DS3_v2", instanceCount: 3, model: modelId(2), requestTimeoutMs: 5000, environmentVariables: {} },
    ];

    it("drains a deployment whose model changes, then rolls out from the drained weights, as the up does", () => {
        const changed = online("prod", (o) => {
            o.deployments[1].model = "diabetes-classifier:1";
            o.traffic = { blue: 50, green: 50 };
        });
        expect(changedInPlace(changed, running)).toEqual(["green"]);
        const preview = previewRollout(changed, { traffic: { blue: 90, green: 10 }, mirrorTraffic: {} }, ["green"]);
        expect(preview).toMatchObject({ mode: "progressive", canary: "green", baseline: "blue" });
        expect(stages(preview)).toEqual([
            ["drain green while it updates", { blue: 100 }, {}, undefined],
            ["mirror 10%", { blue: 100 }, { green: 10 }, 60],
            ["step 5%", { blue: 95, green: 5 }, {}, 60],
            ["declared 50%", { blue: 50, green: 50 }, {}, 60],
        ]);
    });

    it("counts what the deployment's fingerprint covers as a change: environment variables and the request timeout too, not its capacity", () => {
        const env = online("prod", (o) => (o.deployments[0].environmentVariables = { MODE: "fast" }));
        expect(changedInPlace(env, running)).toEqual(["blue"]);
        const timeout = online("prod", (o) => (o.deployments[1].requestTimeoutMs = 8000));
        expect(changedInPlace(timeout, running)).toEqual(["green"]);
        const capacity = online("prod", (o) => (o.deployments[0].instanceCount = 5));
        expect(changedInPlace(capacity, running)).toEqual([]);
    });

    it("drains nothing when two changed deployments serve (a rollout gives traffic back to one at a time), nor without a rollout", () => {
        const both = online("prod");
        const preview = previewRollout(both, { traffic: { blue: 90, green: 10 }, mirrorTraffic: {} }, ["blue", "green"]);
        expect(preview).toMatchObject({ mode: "unchanged", stages: [] });
        const noRollout = online("prod", (o) => {
            delete o.rollout;
            o.traffic = { blue: 50, green: 50 };
        });
        expect(stages(previewRollout(noRollout, { traffic: { blue: 90, green: 10 }, mirrorTraffic: {} }, ["green"]))).toEqual([["declared", { blue: 50, green: 50 }, {}, undefined]]);
    });
});
