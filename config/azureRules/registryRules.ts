import { parseRegistryModel } from "../registryModels";
import { Problem } from "../problems";
import { regionProblem } from "../azureCatalog/catalogRules";
import type { RuleContext } from "../ruleContext";
import { ConfigRule } from "../ruleRunner";
import { StackConfig } from "../schema";

/** Registry names: 3-33 characters, letters, digits, '-' and '_', starting with a letter or digit (Azure ML registry naming). */
const registryName = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/;

/**
 * An Azure ML registry the stack declares, and promotion through it: a registry's regions are
 * Azure regions, each once; with `promotion`, every model a deployment serves comes from the
 * registry (put there by `npm run promote` after the source stack's smoke test passed for it).
 */
export function registryRules(context: RuleContext): ConfigRule<StackConfig>[] {
    return [
        (config) => {
            const registry = config.registry;
            if (!registry) return [];
            const problems: Problem[] = [];
            if (!registryName.test(registry.name)) {
                problems.push({ key: "registry.name", value: registry.name, message: "must be 3-33 characters: letters, digits, '-' and '_', starting with a letter or digit" });
            }
            registry.locations.forEach((location, i) => {
                if (registry.locations.indexOf(location) !== i) problems.push({ key: `registry.locations[${i}]`, value: location, message: "is listed twice" });
                const problem = config.allowUnlistedLocation || context.cloud === undefined ? undefined : regionProblem(context.catalog, context.cloud, location);
                if (problem) problems.push({ key: `registry.locations[${i}]`, value: location, message: problem });
            });
            return problems;
        },
        (config) => {
            if (!config.promotion) return [];
            const served = [
                ...(config.onlineEndpoint?.deployments ?? []).map((d, i) => ({ key: `onlineEndpoint.deployments[${i}].model`, model: d.model })),
                ...(config.batchEndpoint?.deployments ?? []).map((d, i) => ({ key: `batchEndpoint.deployments[${i}].model`, model: d.model })),
            ];
            return served
                .filter((s) => !parseRegistryModel(s.model))
                .map((s) => ({
                    key: s.key,
                    value: s.model,
                    message: `must be a version of the registry when promotion is set: promote it (npm run promote -- --model ${s.model} --from ${config.promotion!.fromStack} --to <this stack>) and serve azureml://registries/${config.registry?.name ?? "<registry.name>"}/models/<name>/versions/<version>`,
                }));
        },
    ];
}
