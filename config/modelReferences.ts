import { modelVersionKey } from "./modelVersionKey";
import { Problem } from "./problems";
import { StackConfig } from "./schema";

/** The `name:version` of every model the stack registers: what deployments may name. */
function declaredModelVersions(config: StackConfig): Set<string> {
    return new Set(config.models.map((m) => modelVersionKey(m.name, m.version)));
}

/** A problem when `model` (at `key`) names no `name:version` of `models`. */
export function modelReferenceProblem(config: StackConfig, key: string, model: string): Problem[] {
    const known = declaredModelVersions(config);
    if (known.has(model)) return [];
    return [{ key, value: model, message: `names no model version in models; declared: ${[...known].sort().join(", ") || "none"}` }];
}

