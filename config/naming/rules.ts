/**
 * Azure's naming rules for the resources this platform names itself. Azure checks them only when a
 * request reaches it, halfway through an update; checking them here first means a bad name fails
 * the preview instead of leaving a half-built stack.
 */
export interface NamingRule {
    /** What the name is for, as an operator would say it ("storage account"). */
    readonly kind: string;
    readonly minLength: number;
    readonly maxLength: number;
    /** Whole-name pattern, length excluded. */
    readonly pattern: RegExp;
    /** The allowed alphabet and shape, in words, for error messages. */
    readonly allowed: string;
}

const letterStartNoTrailingDash = /^[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

export const namingRules = {
    storageAccount: {
        kind: "storage account",
        minLength: 3,
        maxLength: 24,
        pattern: /^[a-z0-9]+$/,
        allowed: "lowercase letters and digits only",
    },
    keyVault: {
        kind: "key vault",
        minLength: 3,
        maxLength: 24,
        pattern: /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*[A-Za-z0-9]$/,
        allowed: "letters, digits and single hyphens, starting with a letter, not ending in a hyphen",
    },
    containerRegistry: {
        kind: "container registry",
        minLength: 5,
        maxLength: 50,
        pattern: /^[A-Za-z0-9]+$/,
        allowed: "letters and digits only",
    },
    workspace: {
        kind: "Azure ML workspace",
        minLength: 3,
        maxLength: 33,
        pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
        allowed: "letters, digits, '-' and '_', starting with a letter or digit",
    },
    computeCluster: {
        kind: "compute cluster",
        minLength: 3,
        maxLength: 24,
        pattern: /^[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
        allowed: "letters, digits and '-', starting with a letter, not ending in '-'",
    },
    endpoint: {
        kind: "endpoint",
        minLength: 3,
        maxLength: 32,
        pattern: letterStartNoTrailingDash,
        allowed: "letters, digits and '-', starting with a letter, not ending in '-'",
    },
    onlineDeployment: {
        kind: "online deployment",
        minLength: 3,
        maxLength: 32,
        // Azure lower-cases deployment names in an endpoint's traffic maps: a name with capitals
        // would never match its own traffic entry, and show a diff on every run.
        pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
        allowed: "lowercase letters, digits and '-', starting with a letter, not ending in '-' (Azure lower-cases the names in traffic maps)",
    },
    deployment: {
        kind: "deployment",
        minLength: 3,
        maxLength: 32,
        pattern: letterStartNoTrailingDash,
        allowed: "letters, digits and '-', starting with a letter, not ending in '-'",
    },
    asset: {
        kind: "model or data asset",
        minLength: 1,
        maxLength: 255,
        pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
        allowed: "letters, digits, '.', '-' and '_', starting with a letter or digit",
    },
    logAnalytics: {
        kind: "Log Analytics workspace",
        minLength: 4,
        maxLength: 63,
        pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
        allowed: "letters, digits and '-', not starting or ending with '-'",
    },
    resourceGroup: {
        kind: "resource group",
        minLength: 1,
        maxLength: 90,
        pattern: /^[-\w._()]*[-\w_()]$/,
        allowed: "letters, digits, '-', '_', '.', '(' and ')', not ending in '.'",
    },
} as const satisfies Record<string, NamingRule>;

export type NamedResource = keyof typeof namingRules;

/** Why `name` breaks `rule`, or undefined when it is a valid name. */
export function nameProblem(rule: NamingRule, name: string): string | undefined {
    if (name.length < rule.minLength || name.length > rule.maxLength) {
        return `${rule.kind} name "${name}" is ${name.length} characters; allowed: ${rule.minLength}-${rule.maxLength}`;
    }
    if (!rule.pattern.test(name)) {
        return `${rule.kind} name "${name}" is not allowed; allowed: ${rule.allowed}`;
    }
    return undefined;
}
