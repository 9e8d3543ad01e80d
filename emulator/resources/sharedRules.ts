import { badRequest, conflict, Refusal } from "../arm/azureErrors";
import type { TypeRules } from "../arm/storedResource";
import { normalizedLocation } from "../../runtime/azure/location";

/** A stored body's `location` as Azure compares regions ("West Europe" is westeurope). */
export function regionOf(location: unknown): string {
    return normalizedLocation(String(location ?? ""));
}

/** Names Azure ML checks (endpoint and deployment names: 3-32, letter first, letters, digits, '-'). */
export function endpointNameProblem(kind: string, name: string): Refusal | undefined {
    return /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/.test(name)
        ? undefined
        : badRequest(`Invalid ${kind} name ${name}: 3-32 characters, starting with a letter, letters, digits and '-', not ending in '-'.`);
}

/** What Azure computes for an online or batch endpoint: a PUT that sends it is refused. */
export const endpointReadOnly: readonly string[] = ["provisioningState", "scoringUri", "swaggerUri"];

/** Azure ML asset versions are immutable: their URI and type cannot change. */
export function immutableVersion(field: string, kindField: string): TypeRules {
    return {
        checkPut(_ctx, id, body, existing) {
            if (!existing) return undefined;
            const before = existing.body.properties ?? {};
            const after = body.properties ?? {};
            for (const key of [field, kindField]) {
                if (String(before[key] ?? "") !== String(after[key] ?? "")) {
                    return conflict(`${id.type.split("/").pop()} ${id.name} already exists and is immutable: ${key} cannot change; register a new version.`);
                }
            }
            return undefined;
        },
    };
}
