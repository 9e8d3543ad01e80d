import { priceTable } from "../../config/azureCatalog/priceTable";
import { StackConfig, stackConfigSchema } from "../../config/schema";
import { estimateCost } from "../../program/preflight/cost";
import { LiveState, nothingLive } from "../../program/preflight/liveState";
import { stackConfigObject } from "../support/stackFile";

const prices = priceTable();
const config = (stack: string, change: (c: Record<string, any>) => void = () => undefined): StackConfig => {
    const raw = structuredClone(stackConfigObject(stack)) as Record<string, any>;
    change(raw);
    return stackConfigSchema.parse(raw);
};
/** The dev stack as it runs: blue and green, one DS2_v2 each, the cluster idle, a Basic registry. */
const devLive: LiveState = {
    traffic: { traffic: { blue: 100 }, mirrorTraffic: { green: 10 } },
    deployments: [
        { name: "blue", instanceType: "Standard_DS2_v2", instanceCount: 1, model: "", requestTimeoutMs: 5000, environmentVariables: {} },
        { name: "green", instanceType: "Standard_DS2_v2", instanceCount: 1, model: "", requestTimeoutMs: 5000, environmentVariables: {} },
    ],
    cluster: { vmSize: "Standard_DS2_v2", vmPriority: "LowPriority", minNodes: 0 },
    containerRegistrySku: "Basic",
    registryExists: false,
};

describe("the monthly cost from the committed price table", () => {
    it("prices each online deployment at its Linux hourly price x instances x 730 hours", () => {
        // westeurope Standard_DS2_v2: 0.136 USD an hour (Retail Prices API, config/azureCatalog/prices.json).
        expect(prices.vm.westeurope.Standard_DS2_v2).toEqual({ linux: 0.136, lowPriority: 0.027 });
        const cost = estimateCost(config("dev"), nothingLive, prices);
        expect(cost.lines.find((l) => l.item === "online deployment blue")).toEqual({
            item: "online deployment blue",
            detail: "1 x Standard_DS2_v2",
            monthlyBefore: undefined,
            monthlyAfter: 99.28,
        });
        // A low-priority cluster: nothing at 0 nodes, 2 x 0.027 x 730 at its maximum.
        expect(cost.lines.find((l) => l.item === "compute cluster cpu-batch")).toMatchObject({ monthlyAfter: 0, monthlyAfterAtMax: 39.42 });
        // Basic registry: 0.1666 a day.
        expect(cost.lines.find((l) => l.item === "container registry (workspace)")).toMatchObject({ monthlyAfter: 5.07 });
        expect(cost).toMatchObject({ totalBefore: 0, totalAfter: 203.63, totalAfterAtMax: 243.05, currency: "USD", region: "westeurope" });
    });

    it("gives what green adds while it runs beside blue, and the change an update makes against what runs", () => {
        const cost = estimateCost(config("dev"), devLive, prices);
        expect(cost.coexistence).toEqual({ deployments: ["green"], monthly: 99.28, daily: 3.26 });
        expect([cost.totalBefore, cost.totalAfter]).toEqual([203.63, 203.63]);
        const bigger = estimateCost(config("dev", (c) => (c.onlineEndpoint.deployments[1].instanceCount = 3)), devLive, prices);
        expect(bigger.lines.find((l) => l.item === "online deployment green")).toMatchObject({ detail: "3 x Standard_DS2_v2", monthlyBefore: 99.28, monthlyAfter: 297.84 });
        expect(bigger.totalAfter - bigger.totalBefore).toBeCloseTo(198.56, 2);
    });

    it("keeps a deployment the update removes, at no cost after", () => {
        const blueOnly = config("dev", (c) => {
            c.onlineEndpoint.deployments = c.onlineEndpoint.deployments.slice(0, 1);
            c.onlineEndpoint.traffic = { blue: 100 };
            c.onlineEndpoint.mirrorTraffic = {};
        });
        const cost = estimateCost(blueOnly, devLive, prices);
        const removed = cost.lines.find((l) => l.item === "online deployment green (removed)");
        expect([removed?.monthlyBefore, removed?.monthlyAfter]).toEqual([99.28, undefined]);
        expect(cost.coexistence).toBeUndefined();
        expect(cost.totalAfter - cost.totalBefore).toBeCloseTo(-99.28, 2);
    });

    it("prices prod's registry: a Premium container registry in each of its regions", () => {
        const cost = estimateCost(config("prod"), nothingLive, prices);
        expect(cost.lines.filter((l) => l.item.startsWith("registry ")).map((l) => [l.item, l.monthlyAfter])).toEqual([
            ["registry mlflowplatreg container registry (westeurope)", 50.69],
            ["registry mlflowplatreg container registry (northeurope)", 50.69],
        ]);
    });

    it("names what the table has no price for, and leaves it out of the totals", () => {
        const cost = estimateCost(config("dev", (c) => (c.location = "brazilsouth")), nothingLive, prices);
        expect(cost.unpriced).toEqual(["Standard_DS2_v2", "Standard_DS2_v2 (low priority)", "container registry Basic (brazilsouth)"]);
        expect(cost.totalAfter).toBe(0);
    });
});
