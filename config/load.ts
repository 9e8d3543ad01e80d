import { z } from "zod";
import { RequestFormat, ScoringRequest } from "../runtime/scoring/scoringRequest";
import { RequestFiles, sendsSmokeRequest } from "./requestFiles";
import { azureCatalog, AzureCloud } from "./azureCatalog/catalog";
import { configProblems } from "./rules";
import { Problem, StackConfigError, keyPath } from "./problems";
import { StackConfig, stackConfigSchema } from "./schema";
import { foreignKeyProblems } from "./stackFileKeys";
import { didYouMean, nearestNames } from "./suggest";
import { objectSchemaAt, tolerantParse } from "./tolerantParse";

export interface ConfigSource {
    /** Pulumi project name: the namespace of the project's own keys. */
    readonly project: string;
    readonly stack: string;
    /** All configuration as Pulumi hands it to a program: `"<namespace>:<key>"` → raw string. */
    readonly values: Readonly<Record<string, string>>;
    /** Where relative paths in the config (model folders) start. */
    readonly projectDir: string;
    /** Whether the stack file holds `"<namespace>:<key>"` as a secret: its value is then never shown. */
    readonly isSecret?: (fullKey: string) => boolean;
}

/** A stack's settings that belong to providers rather than to this project. */
export interface ProviderSettings {
    /** `azure-native:environment`: which Azure cloud ARM calls go to. */
    readonly azureEnvironment: AzureCloud;
}

export interface LoadedConfig {
    readonly stackFile: string;
    readonly config: StackConfig;
    readonly provider: ProviderSettings;
    /** The smoke test's request, read once and checked; present when the stack sends it (requestFiles.ts). */
    readonly smokeRequest?: ScoringRequest;
}

/**
 * Reads the whole stack configuration, shapes and checks it in one pass, before any resource
 * exists. Every problem is collected: a wrong value never stops the rules about other keys.
 * Throws a StackConfigError listing them all.
 */
export function loadStackConfig(source: ConfigSource): LoadedConfig {
    const stackFile = `Pulumi.${source.stack}.yaml`;
    const namespace = source.project;
    const { own, foreign } = splitByNamespace(source.values, namespace);

    const problems: Problem[] = [];
    const cloud = azureCloud(source.values, problems);
    const reading = tolerantParse(stackConfigSchema, own);
    problems.push(...reading.issues.flatMap(toProblems));
    problems.push(...foreignKeyProblems(foreign, namespace));
    const requests = new RequestFiles(source.projectDir, requestFormatOf(own.platform));
    problems.push(
        ...configProblems(reading.data, reading.invalidPaths, { projectDir: source.projectDir, cloud, catalog: azureCatalog(), requests }),
    );
    if (problems.length > 0) {
        const isSecret = source.isSecret ?? (() => false);
        const masked = problems.map((p) => (isSecret(fullKeyOf(p, namespace)) ? { ...p, secret: true } : p));
        throw new StackConfigError(stackFile, namespace, masked);
    }
    const config = reading.data;
    const smokeRequest = sendsSmokeRequest(config) ? requests.request(config.smokeTest.requestFile) : undefined;
    return { stackFile, config, provider: { azureEnvironment: cloud ?? "public" }, ...(smokeRequest && { smokeRequest }) };
}

/** The request format of the platform the stack names (an unknown one is reported by the schema). */
function requestFormatOf(platform: unknown): RequestFormat {
    return platform === "databricks" ? "mlflow" : "azureml";
}

/**
 * The project's keys, and everyone else's, with values decoded: Pulumi passes objects, lists,
 * numbers and booleans as JSON text and plain strings as they are.
 */
function splitByNamespace(values: Readonly<Record<string, string>>, namespace: string) {
    const own: Record<string, unknown> = {};
    const foreign: Record<string, unknown> = {};
    for (const [fullKey, raw] of Object.entries(values)) {
        if (fullKey.startsWith(`${namespace}:`)) {
            const key = fullKey.slice(namespace.length + 1);
            // A text key keeps its value as written, even one that looks like a number ("1234").
            own[key] = expectsText(key) ? raw : decode(raw);
        } else {
            foreign[fullKey] = decode(raw);
        }
    }
    return { own, foreign };
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

function toProblems(issue: z.core.$ZodIssue): Problem[] {
    if (issue.code === "unrecognized_keys") {
        const knownKeys = Object.keys(objectSchemaAt(stackConfigSchema, issue.path)?.shape ?? {});
        return issue.keys.map((unknownKey) => {
            const key = keyPath([...issue.path, unknownKey]);
            const container = issue.input as Record<string, unknown> | undefined;
            const hint = didYouMean(nearestNames(unknownKey, knownKeys)) || ".";
            return {
                key,
                value: container?.[unknownKey],
                message: `is not a known key${issue.path.length === 0 ? " of this project" : ""}${hint} Keys allowed here: ${knownKeys.join(", ")} (documented in Pulumi.yaml)`,
            };
        });
    }
    const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
    return [{ key: keyPath(issue.path), value: issue.input, message }];
}

/** `"<namespace>:<top-level key>"` of a problem: the unit Pulumi marks secret. */
function fullKeyOf(problem: Problem, namespace: string): string {
    const topLevel = problem.key.split(/[.[]/)[0];
    return `${problem.namespace ?? namespace}:${topLevel}`;
}

const azureClouds: readonly AzureCloud[] = ["public", "usgovernment", "china"];

/** `azure-native:environment`, or undefined (and a problem) when it names no Azure cloud. */
function azureCloud(values: Readonly<Record<string, string>>, problems: Problem[]): AzureCloud | undefined {
    const raw = values["azure-native:environment"] ?? "public";
    const cloud = azureClouds.find((c) => c === raw);
    if (cloud === undefined) {
        problems.push({
            namespace: "azure-native",
            key: "environment",
            value: raw,
            message: `must be one of ${azureClouds.map((e) => `"${e}"`).join(", ")}${didYouMean(nearestNames(raw, azureClouds))}`,
        });
    }
    return cloud;
}
