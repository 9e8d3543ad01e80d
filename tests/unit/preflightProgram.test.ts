import { RegionalQuota } from "../../emulator/quota/regionalQuota";
import { PreflightAzure, replacePreflightAzure } from "../../program/preflight/azureReads";
import { nothingLive } from "../../program/preflight/liveState";
import { listenForPreflight } from "../../program/preflight/preflight";
import { PreflightReport } from "../../program/preflight/report";
import { main } from "../../program/main";
import { declareInStack, installMocks } from "../support/mocks";
import { stackConfigValues } from "../support/stackFile";

/**
 * The preflight in the program, under mocks, with Azure's answers given by the test. (A preflight
 * error stopping the program is proven through the engine, tests/engine/preflight.test.ts: under
 * mocks the failed program's leftover promises would fail the next test.)
 */
const tightQuota = (subscriptionId: string, location: string) => {
    const usages = new RegionalQuota().usages(() => [], subscriptionId, location).map((u) => (u.name.value === "standardDSv2Family" && u.type.endsWith("dedicatedCores/usages") ? { ...u, limit: 20 } : u));
    return { subscriptionId, usages, vmSizes: new RegionalQuota().vmSizes() };
};

async function prodWith(azure: PreflightAzure): Promise<{ report?: PreflightReport; error?: string }> {
    const mocks = await installMocks(stackConfigValues("prod"), "prod");
    replacePreflightAzure(azure);
    let report: PreflightReport | undefined;
    listenForPreflight((made) => (report = made));
    try {
        await declareInStack(mocks, () => main());
        return { report };
    } catch (err) {
        return { report, error: String((err as Error).message) };
    } finally {
        listenForPreflight(undefined);
    }
}

describe("the preflight in the program", () => {
    it("makes quota errors warnings when what runs could not be read (Azure's usage may hold those deployments already)", async () => {
        const run = await prodWith({
            regionQuota: async (s, l) => tightQuota(s, l),
            liveState: async () => {
                throw new Error("403 AuthorizationFailed");
            },
        });
        expect(run.error).toBeUndefined();
        const quota = run.report!.findings.filter((f) => f.key.startsWith("onlineEndpoint"));
        expect(quota.map((f) => f.severity)).toEqual(["warning", "warning"]);
        expect(quota[0].message).toContain("what runs now could not be read");
        expect(run.report!.notes[0]).toContain("what the stack runs in Azure could not be read (403 AuthorizationFailed)");
    });

    it("warns, and goes on, when the region's quota cannot be read", async () => {
        const run = await prodWith({
            regionQuota: async () => {
                throw new Error("429 TooManyRequests");
            },
            liveState: async () => nothingLive,
        });
        expect(run.error).toBeUndefined();
        expect(run.report!.findings).toEqual([expect.objectContaining({ severity: "warning", key: "location", message: expect.stringContaining("the region's quota could not be read (429 TooManyRequests)") })]);
    });
});
