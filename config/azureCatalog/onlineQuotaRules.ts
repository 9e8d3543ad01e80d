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

/** Azure's refusal text for a deployment over quota (verbatim shape, see onlineQuota.json). */
export function notEnoughQuotaMessage(instanceType: string, subscriptionId: string, usage: number, limit: number, needed: number): string {
    return `Not enough quota available for ${instanceType} in SubscriptionId ${subscriptionId}. Current usage/limit: ${usage}/${limit}. Additional needed: ${needed} Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota`;
}
