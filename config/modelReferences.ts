import { modelVersionKey } from "./modelVersionKey";
import { Problem } from "./problems";
import { StackConfig } from "./schema";
import { parseRegistryModel } from "./registryModels";

/** The `name:version` of every model the stack registers: what deployments may name. */
function declaredModelVersions(config: StackConfig): Set<string> {
    return new Set(config.models.map((m) => modelVersionKey(m.name, m.version)));
}

/**
 * A problem when `model` (at `key`) names no `name:version` of `models`, nor a version of the
 * stack's registry (whether that version exists is checked before anything is declared).
 */
export function modelReferenceProblem(config: StackConfig, key: string, model: string): Problem[] {
    const fromRegistry = parseRegistryModel(model);
    if (fromRegistry) {
        if (config.registry?.name === fromRegistry.registry) return [];
        return [{ key, value: model, message: `names registry ${fromRegistry.registry}, which this stack does not declare (registry.name: ${config.registry?.name ?? "none"})` }];
    }
    const known = declaredModelVersions(config);
    if (known.has(model)) return [];
    return [{ key, value: model, message: `names no model version in models; declared: ${[...known].sort().join(", ") || "none"}` }];
}

