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

    it("drains a deployment whose model changes in place before anything else", () => {
        const changed = online("prod", (o) => (o.deployments[0].model = "diabetes-classifier:2"));
        const live = [
            { name: "blue", instanceType: "Standard_DS3_v2", instanceCount: 3, model: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/models/diabetes-classifier/versions/1" },
            { name: "green", instanceType: "Standard_DS3_v2", instanceCount: 3, model: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/models/diabetes-classifier/versions/2" },
        ];
        expect(changedInPlace(changed, live)).toEqual(["blue"]);
        const preview = previewRollout(changed, { traffic: { blue: 90, green: 10 }, mirrorTraffic: {} }, ["blue"]);
        expect(stages(preview)[0]).toEqual(["drain blue while it updates", { green: 100 }, {}, undefined]);
    });
});
