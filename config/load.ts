import { z } from "zod";
import { configProblems } from "./rules";
import { ConfigProblem, StackConfigError, keyPath } from "./problems";
import { StackConfig, stackConfigSchema } from "./schema";

export interface ConfigSource {
    /** Pulumi project name: the namespace of the project's own keys. */
    readonly project: string;
    readonly stack: string;
    /** All configuration as Pulumi hands it to a program: `"<namespace>:<key>"` → raw string. */
    readonly values: Readonly<Record<string, string>>;
    /** Where relative paths in the config (model folders) start. */
    readonly projectDir: string;
}

/** A stack's settings that belong to providers rather than to this project. */
export interface ProviderSettings {
    /** `azure-native:environment`: which Azure cloud ARM calls go to. */
    readonly azureEnvironment: "public" | "usgovernment" | "china";
}

export interface LoadedConfig {
    readonly stackFile: string;
    readonly config: StackConfig;
    readonly provider: ProviderSettings;
}

/**
 * Reads, shapes and checks a stack's configuration in one pass, before any resource exists.
 * Throws a StackConfigError listing every problem found.
 */
export function loadStackConfig(source: ConfigSource): LoadedConfig {
    const stackFile = `Pulumi.${source.stack}.yaml`;
    const namespace = source.project;
    const ownKeys = projectKeys(source.values, namespace);

    const shaped = stackConfigSchema.safeParse(ownKeys, { reportInput: true });
    const problems: ConfigProblem[] = shaped.success
        ? configProblems(shaped.data, source.projectDir)
        : shaped.error.issues.flatMap(toProblems);
    const provider = providerSettings(source.values, problems);
    if (problems.length > 0 || !shaped.success) throw new StackConfigError(stackFile, namespace, problems);
    return { stackFile, config: shaped.data, provider };
}

/**
 * The project's keys with values decoded: Pulumi passes objects, lists, numbers and booleans as
 * JSON text and plain strings as they are.
 */
function projectKeys(values: Readonly<Record<string, string>>, namespace: string): Record<string, unknown> {
    const own: Record<string, unknown> = {};
    for (const [fullKey, raw] of Object.entries(values)) {
        if (!fullKey.startsWith(`${namespace}:`)) continue;
        const key = fullKey.slice(namespace.length + 1);
        // A text key keeps its value as written, even one that looks like a number ("1234").
        own[key] = expectsText(key) ? raw : decode(raw);
    }
    return own;
}

function expectsText(key: string): boolean {
    const shape = stackConfigSchema.shape as Record<string, z.ZodType | undefined>;
    let schema = shape[key];
    while (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) schema = schema.unwrap() as z.ZodType;
    return schema instanceof z.ZodString;
}

function decode(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

function toProblems(issue: z.core.$ZodIssue): ConfigProblem[] {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((unknownKey) => {
            const key = keyPath([...issue.path, unknownKey]);
            const container = issue.input as Record<string, unknown> | undefined;
            return {
                key,
                value: container?.[unknownKey],
                message: `is not a known key${issue.path.length === 0 ? " of this project" : ""}; see Pulumi.yaml for the keys allowed here`,
            };
        });
    }
    const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
    return [{ key: keyPath(issue.path), value: issue.input, message }];
}

const azureEnvironments = ["public", "usgovernment", "china"] as const;

function providerSettings(values: Readonly<Record<string, string>>, problems: ConfigProblem[]): ProviderSettings {
    const raw = values["azure-native:environment"] ?? "public";
    const environment = azureEnvironments.find((env) => env === raw);
    if (environment === undefined) {
        problems.push({
            namespace: "azure-native",
            key: "environment",
            value: raw,
            message: `must be one of ${azureEnvironments.map((e) => `"${e}"`).join(", ")}`,
        });
    }
    return { azureEnvironment: environment ?? "public" };
}
