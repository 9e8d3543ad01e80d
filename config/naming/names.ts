import { NamedResource, nameProblem, namingRules } from "./rules";

/**
 * Every name the platform gives Azure, derived from the stack's prefix and its random suffix.
 * The suffix (from @pulumi/random, kept in the stack's state) makes globally unique names unique,
 * and a stack that is destroyed and re-created gets a new one, so soft-deleted key vaults and
 * workspaces never collide with their successors.
 */
export const suffixLength = 6;

/** A stand-in with the suffix's length and alphabet, to check names before the suffix exists. */
export const placeholderSuffix = "a".repeat(suffixLength);

export interface PlatformNames {
    readonly resourceGroup: string;
    readonly storageAccount: string;
    readonly keyVault: string;
    readonly containerRegistry: string;
    readonly logAnalytics: string;
    readonly applicationInsights: string;
    readonly workspace: string;
}

export function platformNames(prefix: string, suffix: string): PlatformNames {
    const compact = prefix.replace(/-/g, "");
    return {
        resourceGroup: `rg-${prefix}-${suffix}`,
        storageAccount: `${compact}st${suffix}`,
        keyVault: `${prefix}-kv-${suffix}`,
        containerRegistry: `${compact}acr${suffix}`,
        logAnalytics: `${prefix}-logs-${suffix}`,
        applicationInsights: `${prefix}-appi-${suffix}`,
        workspace: `${prefix}-mlw-${suffix}`,
    };
}

/** Endpoint names are unique per Azure region, so they carry the suffix too. */
export function endpointName(baseName: string, suffix: string): string {
    return `${baseName}-${suffix}`;
}

const ruleFor: Record<keyof PlatformNames, NamedResource> = {
    resourceGroup: "resourceGroup",
    storageAccount: "storageAccount",
    keyVault: "keyVault",
    containerRegistry: "containerRegistry",
    logAnalytics: "logAnalytics",
    applicationInsights: "logAnalytics",
    workspace: "workspace",
};

/** Problems with the names `prefix` would produce, whatever suffix the stack ends up with. */
export function platformNameProblems(prefix: string): string[] {
    const names = platformNames(prefix, placeholderSuffix);
    return (Object.keys(names) as (keyof PlatformNames)[])
        .map((role) => nameProblem(namingRules[ruleFor[role]], names[role]))
        .filter((problem): problem is string => problem !== undefined);
}
