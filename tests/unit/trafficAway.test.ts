import { changedDeployments, trafficWithout } from "../../runtime/endpoints/trafficAway";

describe("taking changed deployments out of traffic", () => {
    it("names the deployments whose fingerprint changed or that are new, lower-case; nothing when no fingerprints were recorded before", () => {
        expect([...changedDeployments({ blue: "a", green: "b" }, { blue: "a", Green: "c", red: "d" })].sort()).toEqual(["green", "red"]);
        expect([...changedDeployments({ blue: "a" }, { blue: "a" })]).toEqual([]);
        expect([...changedDeployments(undefined, { blue: "a" })]).toEqual([]);
    });

    it("gives a changed deployment's live share to the unchanged deployments that serve, keeping 100", () => {
        expect(trafficWithout({ traffic: { blue: 90, green: 10 }, mirrorTraffic: {} }, new Set(["green"]))).toEqual({ weights: { traffic: { blue: 100 }, mirrorTraffic: {} }, takenOut: ["green"], keptLive: [] });
        expect(trafficWithout({ traffic: { a: 50, b: 30, c: 20 }, mirrorTraffic: {} }, new Set(["a"])).weights.traffic).toEqual({ b: 60, c: 40 });
        expect(trafficWithout({ traffic: { a: 34, b: 33, c: 33 }, mirrorTraffic: {} }, new Set(["a"])).weights.traffic).toEqual({ b: 50, c: 50 });
        const three = trafficWithout({ traffic: { a: 10, b: 45, c: 45 }, mirrorTraffic: {} }, new Set(["a"])).weights.traffic;
        expect(Object.values(three).reduce((x, y) => x + y, 0)).toBe(100);
    });

    it("stops mirroring to a changed deployment, even when its live share cannot move, and leaves unchanged ones alone", () => {
        expect(trafficWithout({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } }, new Set(["green"])).weights).toEqual({ traffic: { blue: 100 }, mirrorTraffic: {} });
        expect(trafficWithout({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } }, new Set(["blue", "green"]))).toEqual({
            weights: { traffic: { blue: 100 }, mirrorTraffic: {} },
            takenOut: ["green"],
            keptLive: ["blue"],
        });
        expect(trafficWithout({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } }, new Set()).weights).toEqual({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } });
    });

    it("never gives weight to a deployment that had none, and never leaves the endpoint without live traffic", () => {
        expect(trafficWithout({ traffic: { blue: 100, green: 0 }, mirrorTraffic: {} }, new Set(["blue"]))).toEqual({ weights: { traffic: { blue: 100 }, mirrorTraffic: {} }, takenOut: [], keptLive: ["blue"] });
    });
});
