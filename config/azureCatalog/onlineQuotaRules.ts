import { committedData } from "./catalog";

/** Azure ML's rule for the vCPU quota a managed online deployment needs (onlineQuota.json, with its source). */
export interface OnlineQuotaRules {
    readonly source: string;
    readonly retrieved: string;
    readonly refresh: string;
    /** Azure reserves this many instances per instance asked for, rounded up, for upgrades. */
    readonly surplusFactor: number;
    readonly usagesApiVersion: string;
    /** `name.value` of the regional totals in the usages answer. */
    readonly totalDedicatedCores: string;
    readonly totalLowPriorityCores: string;
    /** SKUs Azure reserves no surplus for. */
    readonly exemptSkus: readonly string[];
}

export function onlineQuotaRules(): OnlineQuotaRules {
    return committedData<OnlineQuotaRules>("onlineQuota.json");
}

/** vCPUs a deployment of `instances` x `vCPUs` holds: `ceil(1.2 * instances) * vCPUs`, or `instances * vCPUs` for an exempt SKU. */
export function deploymentCores(rules: OnlineQuotaRules, instanceType: string, instances: number, vCPUs: number): number {
    const exempt = rules.exemptSkus.some((sku) => sku.toLowerCase() === instanceType.toLowerCase());
    return (exempt ? instances : Math.ceil(rules.surplusFactor * instances - 1e-9)) * vCPUs;
}

/** A VM size as Azure ML's vmSizes answer lists it, as far as quota goes. */
export interface QuotaVmSize {
    readonly name: string;
    readonly family: string;
    readonly vCPUs: number;
}

/** One item of Azure ML's usages answer, as far as quota goes. */
export interface QuotaUsage {
    readonly name: { readonly value: string; readonly localizedValue?: string };
    readonly type?: string;
    readonly currentValue: number;
    /** -1: no limit of its own. */
    readonly limit: number;
}

/**
 * The vCPUs a deployment's PUT adds: what it needs, less what it holds now when it runs in the
 * same VM family (moved to another family, it needs all of it there). The preflight and the local
 * Azure count alike.
 */
export function coresAdded(rules: OnlineQuotaRules, size: QuotaVmSize, instances: number, running?: { readonly size: QuotaVmSize; readonly instances: number }): { needs: number; holds: number; additional: number } {
    const needs = deploymentCores(rules, size.name, instances, size.vCPUs);
    const holds = running && running.size.family === size.family ? deploymentCores(rules, running.size.name, running.instances, running.size.vCPUs) : 0;
    return { needs, holds, additional: Math.max(0, needs - holds) };
}

/** The dedicated quotas a deployment of `family` draws on, in the order Azure names a shortfall: the family's, then the regional total. */
export function dedicatedQuotas<U extends QuotaUsage>(rules: OnlineQuotaRules, usages: readonly U[], family: string): U[] {
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const own = usages.find((u) => same(u.name.value, family) && (u.type ?? "").toLowerCase().includes("dedicatedcores"));
    const total = usages.find((u) => same(u.name.value, rules.totalDedicatedCores));
    return [own, total].filter((u): u is U => u !== undefined);
}

/** Azure's refusal text for a deployment over quota (verbatim shape, see onlineQuota.json). */
export function notEnoughQuotaMessage(instanceType: string, subscriptionId: string, usage: number, limit: number, needed: number): string {
    return `Not enough quota available for ${instanceType} in SubscriptionId ${subscriptionId}. Current usage/limit: ${usage}/${limit}. Additional needed: ${needed} Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota`;
}
