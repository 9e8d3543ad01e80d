import { TrafficRulesInput, deploymentsNamedBy, trafficProblems } from "../../config/azureRules/trafficRules";

function plan(traffic: Record<string, number>, mirrorTraffic: Record<string, number> = {}, extra: Partial<TrafficRulesInput> = {}): TrafficRulesInput {
    return {
        name: "diabetes",
        deployments: [
            { name: "blue" },
            { name: "green" },
        ],
        traffic,
        mirrorTraffic,
        ...extra,
    };
}

const messages = (p: TrafficRulesInput) => trafficProblems(p).map((x) => `${x.key}: ${x.message}`);

describe("online traffic rules", () => {
    it.each([
        [{ blue: 100 }],
        [{ blue: 100, green: 0 }],
        [{ blue: 90, green: 10 }],
        [{ blue: 0, green: 0 }],
        [{}],
    ])("accepts traffic %j", (traffic) => {
        expect(messages(plan(traffic))).toEqual([]);
    });

    it("rejects weights that do not sum to 100", () => {
        expect(messages(plan({ blue: 60, green: 30 }))).toEqual(["traffic: weights sum to 90; they must sum to 100 (or all be 0)"]);
        expect(messages(plan({ blue: 100, green: 10 }))).toEqual(["traffic: weights sum to 110; they must sum to 100 (or all be 0)"]);
    });

    it.each([[-10], [10.5], [101]])("rejects the weight %p", (weight) => {
        expect(messages(plan({ blue: weight, green: 100 - weight }))).toContain("traffic.blue: must be a whole number from 0 to 100");
    });

    it("rejects traffic to a deployment that is not declared", () => {
        expect(messages(plan({ blue: 50, purple: 50 }))).toEqual([
            "traffic.purple: names a deployment that is not declared; declared: blue, green",
        ]);
    });

    it("accepts mirror traffic up to 50% to a deployment with no live traffic", () => {
        expect(messages(plan({ blue: 100, green: 0 }, { green: 50 }))).toEqual([]);
    });

    it("rejects mirror traffic above 50%", () => {
        expect(messages(plan({ blue: 100 }, { green: 51 }))).toEqual(["mirrorTraffic.green: must be a whole number from 0 to 50"]);
    });

    it("rejects mirroring to a deployment that gets live traffic", () => {
        expect(messages(plan({ blue: 90, green: 10 }, { green: 10 }))).toEqual([
            'mirrorTraffic.green: mirrors to "green", which also gets live traffic; mirror only to a deployment at 0%',
        ]);
    });

    it("rejects mirroring to more than one deployment", () => {
        const three = plan({ blue: 100 }, { green: 10, red: 10 }, {
            deployments: [
                { name: "blue" },
                { name: "green" },
                { name: "red" },
            ],
        });
        expect(messages(three)).toEqual(["mirrorTraffic: may mirror to one deployment only"]);
    });

    it("rejects bad and duplicate deployment names, and an over-long endpoint name", () => {
        const bad = plan({}, {}, {
            name: "a-very-long-endpoint-name-here",
            deployments: [
                { name: "bl" },
                { name: "green" },
                { name: "green" },
            ],
        });
        expect(messages(bad)).toEqual([
            'name: derived endpoint name "a-very-long-endpoint-name-here-aaaaaa" is 37 characters; allowed: 3-32',
            'deployments[0].name: online deployment name "bl" is 2 characters; allowed: 3-32',
            "deployments[2].name: is declared twice; deployment names must be unique",
        ]);
    });

    it("requires lower-case deployment names, as Azure keeps them in traffic maps", () => {
        const capitals = plan({ Blue: 100 }, {}, { deployments: [{ name: "Blue" }] });
        expect(messages(capitals)).toEqual([
            'deployments[0].name: online deployment name "Blue" is not allowed; allowed: lowercase letters, digits and \'-\', starting with a letter, not ending in \'-\' (Azure lower-cases the names in traffic maps)',
        ]);
    });

    it("lists the deployments traffic and mirror traffic name, once each, in order", () => {
        expect(deploymentsNamedBy({ green: 0, blue: 100 }, { green: 10 })).toEqual(["blue", "green"]);
    });
});
