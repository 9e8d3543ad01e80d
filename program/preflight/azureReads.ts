import { OnlineQuotaRules } from "../../config/azureCatalog/onlineQuotaRules";
import { PlatformNames } from "../../config/naming/names";
import { StackConfig } from "../../config/schema";
import { ArmClient, armClientFor } from "../../runtime/arm/armClient";
import { AzureCloud } from "../../runtime/arm/clouds";
import { azureCredential } from "../../runtime/azure/credential";
import { LiveState } from "./liveState";
import { RegionQuota, Usage, VmSize } from "./quota";
import { readLiveState } from "./readLive";

/** What the preflight reads from Azure: GETs only. */
export interface PreflightAzure {
    /** The region's quota: Azure ML's usages and vmSizes answers. */
    regionQuota(subscriptionId: string, location: string, rules: OnlineQuotaRules): Promise<RegionQuota>;
    /** What the stack runs now. */
    liveState(config: StackConfig, subscriptionId: string, names: PlatformNames, suffix: string): Promise<LiveState>;
}

/** Reads Resource Manager with the deploying identity's credential (the ARM URL `AZUREML_ARM_ENDPOINT` may override). */
export function armPreflightAzure(cloud: AzureCloud): PreflightAzure {
    // One credential (it caches its token): the Azure CLI credential starts a process per token.
    const credential = azureCredential();
    const armFor = (apiVersion?: string): ArmClient => armClientFor(cloud, { credential, timeoutMs: 60_000, ...(apiVersion && { apiVersion }) });
    return {
        async regionQuota(subscriptionId, location, rules) {
            const arm = armFor(rules.usagesApiVersion);
            const base = `/subscriptions/${subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${location}`;
            const [usages, vmSizes] = await Promise.all([arm.list(`${base}/usages`), arm.list(`${base}/vmSizes`)]);
            return { subscriptionId, usages: usages as unknown as Usage[], vmSizes: vmSizes as unknown as VmSize[] };
        },
        liveState: (config, subscriptionId, names, suffix) => readLiveState(armFor, config, subscriptionId, names, suffix),
    };
}

let replaced: PreflightAzure | undefined;

/**
 * Where the preflight reads Azure: Resource Manager, unless a harness that must not call Azure
 * (the offline plan's mocks, tools/plan/) puts its own in place.
 */
export function preflightAzure(cloud: AzureCloud): PreflightAzure {
    return replaced ?? armPreflightAzure(cloud);
}

export function replacePreflightAzure(azure: PreflightAzure | undefined): void {
    replaced = azure;
}
