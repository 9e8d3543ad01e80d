import { deploymentCores, onlineQuotaRules } from "../../config/azureCatalog/onlineQuotaRules";
import { StackConfig, stackConfigSchema } from "../../config/schema";
import { RegionalQuota } from "../../emulator/quota/regionalQuota";
import { LiveState, nothingLive } from "../../program/preflight/liveState";
import { RegionQuota, assessQuota } from "../../program/preflight/quota";
import { Finding } from "../../program/preflight/findings";
import { stackConfigObject } from "../support/stackFile";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const rules = onlineQuotaRules();
const subscription = "00000000-0000-0000-0000-0000000000e1";

/** The region's quota as the local Azure answers it, from a fixture with these limits. */
function regionWith(dedicated: Record<string, number>, inUse: Record<string, number> = { TotalDedicatedCores: 8, standardDSv2Family: 8 }): RegionQuota {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "quota-")), "quota.json");
    fs.writeFileSync(file, JSON.stringify({ default: { dedicated, lowPriority: { TotalLowPriorityCores: 100, "*": -1 }, inUse }, regions: {} }));
    const quota = new RegionalQuota(file);
    return { subscriptionId: subscription, usages: quota.usages(() => [], subscription, "westeurope"), vmSizes: quota.vmSizes() };
}

/** The findings about online deployments (the cluster's are the last test's). */
const online = (findings: readonly { key: string }[]) => findings.filter((f) => f.key.startsWith("onlineEndpoint"));

const config = (stack: string, change: (c: Record<string, any>) => void = () => undefined): StackConfig => {
    const raw = structuredClone(stackConfigObject(stack)) as Record<string, any>;
    change(raw);
    return stackConfigSchema.parse(raw);
};

describe("the vCPUs a managed online deployment needs (Azure's 20% upgrade surplus)", () => {
    it("is ceil(1.2 x instances) x vCPUs: one 4-core instance needs 8, as Azure's refusals show", () => {
        expect(deploymentCores(rules, "Standard_DS3_v2", 1, 4)).toBe(8);
        expect(deploymentCores(rules, "Standard_DS3_v2", 10, 4)).toBe(48);
        expect(deploymentCores(rules, "Standard_F16s_v2", 1, 16)).toBe(32);
        // 1.2 x 5 is 6.000000000000001 in floating point: still 6 instances.
        expect(deploymentCores(rules, "Standard_DS2_v2", 5, 2)).toBe(12);
    });

    it("reserves nothing for the SKUs Azure exempts", () => {
        expect(deploymentCores(rules, "Standard_NC24ads_A100_v4", 2, 24)).toBe(48);
    });
});

describe("the preflight's quota check", () => {
    it("passes the committed prod stack against the committed fixture, counting what blue and green add together", () => {
        const { findings, lines } = assessQuota(config("prod"), nothingLive, regionWith({ TotalDedicatedCores: 100, standardDSv2Family: 64, "*": 24 }), rules);
        expect(findings).toEqual([]);
        expect(lines).toEqual([
            { quota: "Standard DSv2 Family Cluster Dedicated vCPUs", inUse: 8, added: 32, limit: 64 },
            { quota: "Total Cluster Dedicated Regional vCPUs", inUse: 8, added: 32, limit: 100 },
        ]);
    });

    it("refuses, with Azure's own numbers, the deployment whose PUT goes over the family's quota", () => {
        const findings = online(assessQuota(config("prod"), nothingLive, regionWith({ TotalDedicatedCores: 100, standardDSv2Family: 20, "*": 24 }), rules).findings) as Finding[];
        expect(findings.map((f) => [f.severity, f.key, f.value])).toEqual([
            ["error", "onlineEndpoint.deployments[0].instanceCount", 3],
            ["error", "onlineEndpoint.deployments[1].instanceCount", 3],
        ]);
        expect(findings[0].message).toContain(`Not enough quota available for Standard_DS3_v2 in SubscriptionId ${subscription}. Current usage/limit: 8/20. Additional needed: 16`);
        expect(findings[0].message).toContain("4 instances x 4 vCPUs of Standard_DS3_v2: Azure reserves 1 more for upgrades");
        // Blue's PUT is refused, so it holds nothing when green's comes: Azure would say the same to green.
        expect(findings[1].message).toContain("Current usage/limit: 8/20. Additional needed: 16");
        expect(findings[0].rule?.source).toContain("ceil(1.2 * number of instances requested for deployment)");
    });

    it("checks the regional total as well as the family", () => {
        const findings = online(assessQuota(config("prod"), nothingLive, regionWith({ TotalDedicatedCores: 30, standardDSv2Family: 64, "*": 24 }), rules).findings) as Finding[];
        expect(findings.map((f) => f.key)).toEqual(["onlineEndpoint.deployments[1].instanceCount"]);
        expect(findings[0].message).toContain("Total Cluster Dedicated Regional vCPUs");
        expect(findings[0].message).toContain("Current usage/limit: 24/30. Additional needed: 16");
    });

    it("counts only the growth of a deployment that runs (its cores are in use already)", () => {
        const live: LiveState = { ...nothingLive, deployments: [{ name: "blue", instanceType: "Standard_DS3_v2", instanceCount: 3, model: "", requestTimeoutMs: 5000, environmentVariables: {} }, { name: "green", instanceType: "Standard_DS3_v2", instanceCount: 3, model: "", requestTimeoutMs: 5000, environmentVariables: {} }] };
        const grown = config("prod", (c) => (c.onlineEndpoint.deployments[0].instanceCount = 4));
        // In use: 8 of others + 16 + 16 of blue and green; blue at 4 instances needs 5 x 4 = 20, 4 more.
        const { findings, lines } = assessQuota(grown, live, regionWith({ TotalDedicatedCores: 100, standardDSv2Family: 44 }, { TotalDedicatedCores: 40, standardDSv2Family: 40 }), rules);
        expect(lines[0]).toEqual({ quota: "Standard DSv2 Family Cluster Dedicated vCPUs", inUse: 40, added: 4, limit: 44 });
        expect(online(findings)).toEqual([]);
        const tighter = assessQuota(grown, live, regionWith({ TotalDedicatedCores: 100, standardDSv2Family: 43 }, { TotalDedicatedCores: 40, standardDSv2Family: 40 }), rules);
        expect(tighter.findings[0].message).toContain("Current usage/limit: 40/43. Additional needed: 4");
        expect(tighter.findings[0].message).toContain("4 more than it holds now");
    });

    it("warns where the compute cluster stops growing, without refusing (Azure does not refuse a cluster)", () => {
        const { findings } = assessQuota(config("prod"), nothingLive, regionWith({ TotalDedicatedCores: 100, standardDSv2Family: 48, "*": 24 }), rules);
        expect(findings).toEqual([
            expect.objectContaining({ severity: "warning", key: "computeCluster.maxNodes", value: 4, message: expect.stringContaining("8 are free after the online deployments, so it stops at 2 nodes") }),
        ]);
    });

    it("counts a deployment that moves to another VM family whole against the new family, and nets a move within one", () => {
        const live: LiveState = { ...nothingLive, deployments: [{ name: "blue", instanceType: "Standard_DS3_v2", instanceCount: 3, model: "", requestTimeoutMs: 5000, environmentVariables: {} }] };
        const fsv2 = config("prod", (c) => {
            c.onlineEndpoint.deployments = [{ ...c.onlineEndpoint.deployments[0], instanceType: "Standard_F4s_v2" }];
            c.onlineEndpoint.traffic = { blue: 100 };
            delete c.onlineEndpoint.rollout;
        });
        const moved = online(assessQuota(fsv2, live, regionWith({ TotalDedicatedCores: 100, standardFSv2Family: 12, standardDSv2Family: 64 }), rules).findings) as Finding[];
        expect(moved[0].message).toContain("Not enough quota available for Standard_F4s_v2 in SubscriptionId 00000000-0000-0000-0000-0000000000e1. Current usage/limit: 0/12. Additional needed: 16");
        const ds4 = config("prod", (c) => {
            c.onlineEndpoint.deployments = [{ ...c.onlineEndpoint.deployments[0], instanceType: "Standard_DS4_v2" }];
            c.onlineEndpoint.traffic = { blue: 100 };
            delete c.onlineEndpoint.rollout;
        });
        // DS4_v2 (8 vCPUs) x 4 = 32 against DS3_v2's 16 held: 16 more.
        const { lines } = assessQuota(ds4, live, regionWith({ TotalDedicatedCores: 100, standardDSv2Family: 64 }), rules);
        expect(lines[0]).toMatchObject({ quota: "Standard DSv2 Family Cluster Dedicated vCPUs", added: 16 });
    });

    it("says when Azure's vmSizes answer does not list an instance type", () => {
        const odd = config("dev", (c) => {
            c.onlineEndpoint.deployments[1].instanceType = "Standard_Z99_v9";
            c.onlineEndpoint.deployments[1].allowUnlistedInstanceType = true;
        });
        const findings = online(assessQuota(odd, nothingLive, regionWith({ TotalDedicatedCores: 100, "*": 24 }), rules).findings);
        expect(findings).toEqual([expect.objectContaining({ severity: "warning", key: "onlineEndpoint.deployments[1].instanceType", value: "Standard_Z99_v9" })]);
    });
});
