import { PriceTable, hoursPerMonth } from "../../config/azureCatalog/priceTable";
import { StackConfig } from "../../config/schema";
import { normalizedLocation } from "../../runtime/azure/location";
import { LiveState } from "./liveState";

/** One priced part of the stack, before and after the update (undefined: it does not exist then). */
export interface CostLine {
    /** "online deployment blue", "compute cluster cpu-batch", "container registry (workspace)". */
    readonly item: string;
    /** What is priced: "3 x Standard_DS3_v2", "Premium". */
    readonly detail: string;
    readonly monthlyBefore?: number;
    readonly monthlyAfter?: number;
    /** A cluster's cost with every node busy (maxNodes), after the update. */
    readonly monthlyAfterAtMax?: number;
}

export interface CostReport {
    readonly currency: string;
    readonly region: string;
    readonly lines: readonly CostLine[];
    readonly totalBefore: number;
    readonly totalAfter: number;
    /** A cluster at max nodes instead of min: what the total can reach. */
    readonly totalAfterAtMax: number;
    /**
     * Deployments that run beside the one with the most declared live traffic (a green waiting at
     * 0%, a canary): what they add while they coexist, and what removing them would save.
     */
    readonly coexistence?: { readonly deployments: readonly string[]; readonly monthly: number; readonly daily: number };
    /** SKUs the price table has no price for in this region (their lines are left out of the totals). */
    readonly unpriced: readonly string[];
    /** Parts billed by use, not estimated. */
    readonly notEstimated: readonly string[];
    readonly source: string;
    readonly retrieved: string;
}

/**
 * The stack's monthly cost from the committed price table (config/azureCatalog/prices.json),
 * before the update (what runs in Azure now) and after it (what the stack declares): online
 * deployments at their instance count (they do not scale to zero), the compute cluster at its
 * minimum nodes (idle) and maximum (busy), and the fixed parts (container registries). Azure ML
 * adds no charge of its own to the VMs; storage, key vault, Log Analytics and Application
 * Insights are billed by use and are listed, not estimated.
 */
export function estimateCost(config: StackConfig, live: LiveState, prices: PriceTable): CostReport {
    const region = normalizedLocation(config.location);
    const unpriced = new Set<string>();
    const vmHourly = (sku: string, lowPriority: boolean): number | undefined => {
        const price = prices.vm[region]?.[sku];
        const hourly = lowPriority ? price?.lowPriority : price?.linux;
        if (hourly === undefined || hourly === null) unpriced.add(`${sku}${lowPriority ? " (low priority)" : ""}`);
        return hourly ?? undefined;
    };
    const monthlyVm = (sku: string, count: number, lowPriority = false) => {
        const hourly = vmHourly(sku, lowPriority);
        return hourly === undefined ? undefined : round(hourly * count * hoursPerMonth);
    };
    const lines: CostLine[] = [];

    const declaredDeployments = config.onlineEndpoint?.deployments ?? [];
    declaredDeployments.forEach((d) => {
        const before = live.deployments.find((l) => l.name.toLowerCase() === d.name.toLowerCase());
        lines.push({
            item: `online deployment ${d.name}`,
            detail: `${d.instanceCount} x ${d.instanceType}`,
            monthlyBefore: before && monthlyVm(before.instanceType, before.instanceCount),
            monthlyAfter: monthlyVm(d.instanceType, d.instanceCount),
        });
    });
    for (const gone of live.deployments.filter((l) => !declaredDeployments.some((d) => d.name.toLowerCase() === l.name.toLowerCase()))) {
        lines.push({ item: `online deployment ${gone.name} (removed)`, detail: `${gone.instanceCount} x ${gone.instanceType}`, monthlyBefore: monthlyVm(gone.instanceType, gone.instanceCount) });
    }

    const cluster = config.platform === "azureml" ? config.computeCluster : undefined;
    if (cluster || live.cluster) {
        const low = (priority?: string) => priority === "LowPriority";
        lines.push({
            item: `compute cluster ${cluster?.name ?? "(removed)"}`,
            detail: cluster ? `${cluster.minNodes}-${cluster.maxNodes} x ${cluster.vmSize}${low(cluster.vmPriority) ? " low priority" : ""}` : "removed",
            monthlyBefore: live.cluster && monthlyVm(live.cluster.vmSize, live.cluster.minNodes, low(live.cluster.vmPriority)),
            monthlyAfter: cluster && monthlyVm(cluster.vmSize, cluster.minNodes, low(cluster.vmPriority)),
            monthlyAfterAtMax: cluster && monthlyVm(cluster.vmSize, cluster.maxNodes, low(cluster.vmPriority)),
        });
    }

    const registryMonthly = (sku: string, where = region) => {
        const daily = prices.containerRegistry[where]?.[sku];
        if (daily === undefined) unpriced.add(`container registry ${sku} (${where})`);
        return daily === undefined ? undefined : round((daily * hoursPerMonth) / 24);
    };
    if (config.platform === "azureml") {
        const sku = config.workspace.containerRegistrySku;
        lines.push({
            item: "container registry (workspace)",
            detail: sku,
            monthlyBefore: live.containerRegistrySku ? registryMonthly(live.containerRegistrySku) : undefined,
            monthlyAfter: registryMonthly(sku),
        });
    }
    if (config.registry) {
        // Azure ML creates a Premium container registry in each of the registry's regions (program/components/registry/).
        config.registry.locations.forEach((location) => {
            const where = normalizedLocation(location);
            lines.push({
                item: `registry ${config.registry!.name} container registry (${where})`,
                detail: "Premium",
                monthlyBefore: live.registryExists ? registryMonthly("Premium", where) : undefined,
                monthlyAfter: registryMonthly("Premium", where),
            });
        });
    }

    const sum = (pick: (l: CostLine) => number | undefined) => round(lines.reduce((total, l) => total + (pick(l) ?? 0), 0));
    return {
        currency: prices.currency,
        region,
        lines,
        totalBefore: sum((l) => l.monthlyBefore),
        totalAfter: sum((l) => l.monthlyAfter),
        totalAfterAtMax: sum((l) => l.monthlyAfterAtMax ?? l.monthlyAfter),
        coexistence: coexistence(config, lines),
        unpriced: [...unpriced].sort(),
        notEstimated: ["the workspace itself (no charge)", "storage account", "key vault", "Log Analytics and Application Insights (per GB ingested)", "batch jobs (their nodes are the cluster's)"],
        source: prices.source,
        retrieved: prices.retrieved,
    };
}

/** What the deployments beside the one with the most declared live traffic cost while they run. */
function coexistence(config: StackConfig, lines: readonly CostLine[]): CostReport["coexistence"] {
    const online = config.onlineEndpoint;
    if (!online || online.deployments.length < 2) return undefined;
    const share = (name: string) => Number(Object.entries(online.traffic).find(([d]) => d.toLowerCase() === name.toLowerCase())?.[1] ?? 0);
    const main = [...online.deployments].sort((a, b) => share(b.name) - share(a.name) || a.name.localeCompare(b.name))[0];
    const others = online.deployments.filter((d) => d !== main).map((d) => d.name);
    const monthly = round(lines.filter((l) => others.some((o) => l.item === `online deployment ${o}`)).reduce((total, l) => total + (l.monthlyAfter ?? 0), 0));
    return { deployments: others, monthly, daily: round((monthly * 24) / hoursPerMonth) };
}

function round(value: number): number {
    return Math.round(value * 100) / 100;
}
