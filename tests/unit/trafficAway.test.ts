import { changedDeployments, trafficWithout } from "../../runtime/endpoints/trafficAway";

describe("taking changed deployments out of traffic", () => {
    it("names the deployments whose fingerprint changed or that are new, lower-case", () => {
        expect([...changedDeployments({ blue: "a", green: "b" }, { blue: "a", Green: "c", red: "d" })].sort()).toEqual(["green", "red"]);
        expect([...changedDeployments(undefined, { blue: "a" })]).toEqual(["blue"]);
        expect([...changedDeployments({ blue: "a" }, { blue: "a" })]).toEqual([]);
    });

    it("gives a changed deployment's live share to the unchanged deployments that serve, keeping 100", () => {
        expect(trafficWithout({ traffic: { blue: 90, green: 10 }, mirrorTraffic: {} }, new Set(["green"]))).toEqual({ traffic: { blue: 100 }, mirrorTraffic: {} });
        expect(trafficWithout({ traffic: { a: 50, b: 30, c: 20 }, mirrorTraffic: {} }, new Set(["a"]))).toEqual({ traffic: { b: 60, c: 40 }, mirrorTraffic: {} });
        const odd = trafficWithout({ traffic: { a: 34, b: 33, c: 33 }, mirrorTraffic: {} }, new Set(["a"]))!;
        expect(Object.values(odd.traffic).reduce((x, y) => x + y, 0)).toBe(100);
        expect(odd.traffic).toEqual({ b: 50, c: 50 });
    });

    it("stops mirroring to a changed deployment, and leaves weights of unchanged ones alone", () => {
        expect(trafficWithout({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } }, new Set(["green"]))).toEqual({ traffic: { blue: 100 }, mirrorTraffic: {} });
        expect(trafficWithout({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } }, new Set())).toEqual({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } });
    });

    it("never gives weight to a deployment that had none, and refuses to leave the endpoint without live traffic", () => {
        expect(trafficWithout({ traffic: { blue: 100, green: 0 }, mirrorTraffic: {} }, new Set(["blue"]))).toBeUndefined();
        expect(trafficWithout({ traffic: { blue: 100 }, mirrorTraffic: {} }, new Set(["blue", "green"]))).toBeUndefined();
    });
});
