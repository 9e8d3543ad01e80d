import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { parseRegistryModel } from "../../config/registryModels";
import { platformNames } from "../../config/naming/names";
import { Problem, StackConfigError } from "../../config/problems";
import { knownValue } from "./knownValue";
import { StackScope } from "./stackScope";

/** What a stack records of each model version its smoke test passed for (its `verifiedModels` output). */
export interface VerifiedModel {
    /** SHA-256 of the version's files (each file's relative path and bytes, in order). */
    readonly contentHash: string;
    /** Its id in the stack's workspace. */
    readonly modelId: string;
    /** Where its files are (a datastore URI in the workspace's default datastore). */
    readonly modelUri: string;
    /** Its files, relative to the model folder: what a promotion copies. */
    readonly files: readonly string[];
}

/** The registry version's tag recording the content hash of the files promoted into it. */
export const contentHashTag = "contentSha256";

/**
 * With `promotion`, before any Azure resource is declared: every registry version this stack
 * serves must be one the source stack served and smoke-tested, with the same content. Read through
 * the source stack's `verifiedModels` output (a stack reference in the same backend) and the
 * registry version's `contentSha256` tag (azure-native's `getRegistryModelVersion`). A version the
 * source stack never served, or whose files differ from what it verified, is a configuration
 * error naming the stack file and key: nothing is created, changed or deleted.
 */
export async function checkPromotion(scope: StackScope, suffix: pulumi.Output<string>): Promise<void> {
    const { config } = scope;
    const promotion = config.promotion;
    if (!promotion || !config.registry) return;
    const served = [
        ...(config.onlineEndpoint?.deployments ?? []).map((d, i) => ({ key: `onlineEndpoint.deployments[${i}].model`, model: d.model })),
        ...(config.batchEndpoint?.deployments ?? []).map((d, i) => ({ key: `batchEndpoint.deployments[${i}].model`, model: d.model })),
    ].flatMap((s) => {
        const ref = parseRegistryModel(s.model);
        return ref ? [{ ...s, ref }] : [];
    });
    if (served.length === 0) return;
    const known = await knownValue(suffix);
    // A preview of a stack that does not exist yet: its `up` checks once the suffix exists.
    if (known === undefined) return;
    const resourceGroupName = config.resourceGroupName ?? platformNames(config.prefix, known).resourceGroup;
    const source = `${pulumi.getOrganization()}/${pulumi.getProject()}/${promotion.fromStack}`;
    const problems: Problem[] = [];
    let verified: Record<string, VerifiedModel> = {};
    try {
        const reference = new pulumi.StackReference(`promotion-from-${promotion.fromStack}`, { name: source });
        verified = ((await reference.getOutputDetails("verifiedModels")).value ?? {}) as Record<string, VerifiedModel>;
    } catch (err) {
        problems.push({ key: "promotion.fromStack", value: promotion.fromStack, message: `cannot be read from this stack's backend (${source}): ${String((err as Error).message).split("\n")[0]}` });
    }
    if (problems.length === 0) {
        for (const { key: configKey, model: uri, ref } of served) {
            const key = ref.key;
            const at = { key: configKey, value: uri };
            const dev = verified[key];
            if (!dev) {
                const known = Object.keys(verified).sort().join(", ") || "none";
                problems.push({ ...at, message: `${key} was never served and smoke-tested by ${promotion.fromStack} (its verified models: ${known}); deploy and test it there first, then npm run promote -- --model ${key} --from ${promotion.fromStack}` });
                continue;
            }
            const registryHash = await registryContentHash(resourceGroupName, config.registry.name, ref.name, ref.version);
            if (registryHash === undefined) {
                problems.push({ ...at, message: `${key} is not in registry ${config.registry.name}; promote it: npm run promote -- --model ${key} --from ${promotion.fromStack}` });
            } else if (registryHash !== dev.contentHash) {
                problems.push({ ...at, message: `${key} in registry ${config.registry.name} holds other files (content ${registryHash.slice(0, 12)}) than ${promotion.fromStack} verified (${dev.contentHash.slice(0, 12)})` });
            }
        }
    }
    if (problems.length > 0) throw new pulumi.RunError(new StackConfigError(scope.stackFile, pulumi.getProject(), problems).message);
}

/** The content hash the promotion recorded on a registry version, or undefined when the version does not exist. */
async function registryContentHash(resourceGroupName: string, registryName: string, modelName: string, version: number): Promise<string | undefined> {
    try {
        const found = await machinelearningservices.getRegistryModelVersion({ resourceGroupName, registryName, modelName, version: String(version) });
        return String(found.properties?.tags?.[contentHashTag] ?? "");
    } catch (err) {
        if (/404|not ?found/i.test(String((err as Error).message))) return undefined;
        throw err;
    }
}
