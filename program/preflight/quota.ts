import { OnlineQuotaRules, QuotaUsage, QuotaVmSize, coresAdded, dedicatedQuotas, notEnoughQuotaMessage } from "../../config/azureCatalog/onlineQuotaRules";
import { StackConfig } from "../../config/schema";
import { Finding } from "./findings";
import { LiveState } from "./liveState";

/** One item of Azure ML's usages answer (`.../locations/{location}/usages`). */
export type Usage = QuotaUsage;

/** One item of Azure ML's `.../locations/{location}/vmSizes` answer. */
export type VmSize = QuotaVmSize;

/** The region's quota as Azure reports it. */
export interface RegionQuota {
    readonly subscriptionId: string;
    readonly usages: readonly Usage[];
    readonly vmSizes: readonly VmSize[];
}

/** A quota the update draws on: in use now, what the update adds while its deployments coexist, the limit. */
export interface QuotaLine {
    readonly quota: string;
    readonly inUse: number;
    readonly added: number;
    readonly limit: number;
}

interface Counter {
    readonly usage: Usage;
    added: number;
}

/**
 * The vCPUs the update's online deployments add, checked against the region's quota as Azure
 * checks each deployment's PUT: `ceil(1.2 x instances) x vCPUs` of the VM family's dedicated
 * quota and of the regional total, on top of what is in use now (which holds every deployment
 * that runs, so one being replaced or removed still counts until the update ends: old and new
 * coexist). A deployment that already runs adds only what it grows by. A shortfall is an error
 * with Azure's own numbers, keyed on the deployment whose PUT Azure would refuse. The compute
 * cluster is not refused by Azure (it stops growing at the quota): a warning says where it stops.
 */
export function assessQuota(config: StackConfig, live: LiveState, region: RegionQuota, rules: OnlineQuotaRules): { findings: Finding[]; lines: QuotaLine[] } {
    const findings: Finding[] = [];
    const counters = new Map<Usage, Counter>();
    const counter = (usage: Usage) => counters.get(usage) ?? counters.set(usage, { usage, added: 0 }).get(usage)!;
    const sizeOf = (name: string) => region.vmSizes.find((s) => s.name.toLowerCase() === name.toLowerCase());
    const familyUsage = (family: string, tier: "dedicated" | "lowPriority") =>
        region.usages.find((u) => u.name.value.toLowerCase() === family.toLowerCase() && (u.type ?? "").toLowerCase().includes(tier === "dedicated" ? "dedicatedcores" : "lowprioritycores"));
    const total = (name: string) => region.usages.find((u) => u.name.value.toLowerCase() === name.toLowerCase());

    (config.onlineEndpoint?.deployments ?? []).forEach((d, i) => {
        const size = sizeOf(d.instanceType);
        if (!size) {
            findings.push({ check: "quota", severity: "warning", key: `onlineEndpoint.deployments[${i}].instanceType`, value: d.instanceType, message: `Azure's vmSizes answer for ${config.location} does not list ${d.instanceType}: its quota was not checked` });
            return;
        }
        const running = live.deployments.find((l) => l.name.toLowerCase() === d.name.toLowerCase());
        const runningSize = running && sizeOf(running.instanceType);
        const { needs, holds, additional } = coresAdded(rules, size, d.instanceCount, runningSize && { size: runningSize, instances: running!.instanceCount });
        if (additional === 0) return;
        const usages = dedicatedQuotas(rules, region.usages, size.family);
        // Azure names the first quota it would go over, the family's before the regional total.
        const usage = usages.find((u) => u.limit >= 0 && u.currentValue + counter(u).added + additional > u.limit);
        // A refused PUT holds nothing: the next deployment's numbers are Azure's without it.
        if (!usage) for (const u of usages) counter(u).added += additional;
        else {
            const current = usage.currentValue + counter(usage).added;
            const instances = needs / size.vCPUs;
            findings.push({
                check: "quota",
                severity: "error",
                key: `onlineEndpoint.deployments[${i}].instanceCount`,
                value: d.instanceCount,
                message:
                    `deployment ${d.name} needs ${needs} vCPUs (${instances} instances x ${size.vCPUs} vCPUs of ${d.instanceType}: Azure reserves ${instances - d.instanceCount} more for upgrades)` +
                    `${holds > 0 ? `, ${additional} more than it holds now` : ""}, over ${usage.name.localizedValue ?? usage.name.value} in ${config.location}; Azure refuses its PUT: "${notEnoughQuotaMessage(d.instanceType, region.subscriptionId, current, usage.limit, additional)}". ` +
                    "Ask for more quota (Azure ML studio, Quota), or lower instanceCount or pick a smaller instanceType",
                rule: { id: "online deployment quota", source: rules.source },
            });
        }
    });

    const cluster = config.platform === "azureml" ? config.computeCluster : undefined;
    const clusterSize = cluster && sizeOf(cluster.vmSize);
    if (cluster && clusterSize) {
        const tier = cluster.vmPriority === "LowPriority" ? "lowPriority" : "dedicated";
        const sameCluster = live.cluster && live.cluster.vmSize.toLowerCase() === cluster.vmSize.toLowerCase() && live.cluster.vmPriority === cluster.vmPriority;
        const nodesNow = sameCluster ? live.cluster!.minNodes : 0;
        const grows = (cluster.maxNodes - nodesNow) * clusterSize.vCPUs;
        for (const usage of [familyUsage(clusterSize.family, tier), total(tier === "dedicated" ? rules.totalDedicatedCores : rules.totalLowPriorityCores)]) {
            if (!usage || usage.limit < 0) continue;
            const free = usage.limit - usage.currentValue - (counters.get(usage)?.added ?? 0);
            if (grows <= free) continue;
            const reachable = nodesNow + Math.max(0, Math.floor(free / clusterSize.vCPUs));
            findings.push({
                check: "quota",
                severity: "warning",
                key: "computeCluster.maxNodes",
                value: cluster.maxNodes,
                message: `${cluster.name} at ${cluster.maxNodes} nodes needs ${grows} more vCPUs of ${usage.name.localizedValue ?? usage.name.value}; ${Math.max(0, free)} are free after the online deployments, so it stops at ${reachable} node${reachable === 1 ? "" : "s"} (Azure does not refuse the cluster; its jobs wait)`,
                rule: { id: "cluster quota", source: rules.source },
            });
        }
    }

    const lines = [...counters.values()].map(({ usage, added }) => ({ quota: usage.name.localizedValue ?? usage.name.value, inUse: usage.currentValue, added, limit: usage.limit }));
    return { findings, lines };
}
