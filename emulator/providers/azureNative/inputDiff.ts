import * as pulumi from "@pulumi/pulumi";
import { normalizedLocation } from "../../../runtime/azure/location";
import type { ProviderMapping } from "../../resources";

/** The engine's marker for a value not known until the resource it comes from is updated. */
const unknownValue = pulumi.runtime.unknownValue;

export function containsUnknown(value: unknown): boolean {
    if (value === unknownValue) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** Deep equality of JSON-like values, key order aside. */
export function sameJson(a: unknown, b: unknown): boolean {
    const norm = (v: unknown): unknown =>
        Array.isArray(v) ? v.map(norm) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as any)[k])])) : v;
    return JSON.stringify(norm(a ?? null)) === JSON.stringify(norm(b ?? null));
}


/**
 * The top-level inputs whose value differs, as the real provider's `calculateChangesAndReplacements`
 * sees them: keys starting with `__` ignored, `location` compared without case and spaces, the
 * resource group's name without case, an unknown value always a change.
 */
export function changedInputs(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => !key.startsWith("__"));
    return keys.filter((key) => {
        const [old, now] = [before[key], after[key]];
        if (containsUnknown(now)) return true;
        if (key === "location" && typeof old === "string" && typeof now === "string") return normalizedLocation(old) !== normalizedLocation(now);
        if (key === "resourceGroupName" && typeof old === "string" && typeof now === "string") return old.toLowerCase() !== now.toLowerCase();
        return !sameJson(old, now);
    });
}

/** Outputs Azure computes or the provider adds: never copied into inputs by a refresh. */
const readOnlyOutputs = new Set(["id", "name", "type", "systemData", "etag", "azureApiVersion", "provisioningState", "scoringUri", "swaggerUri"]);
/** Top-level inputs every ARM type may carry. */
const topLevelInputs = ["location", "tags", "identity", "sku", "kind"];

/** An identity as an input: its type and the ids of its user-assigned identities (Azure adds principal ids). */
function identityInput(identity: any): unknown {
    if (!identity || typeof identity !== "object") return identity;
    const users = identity.userAssignedIdentities;
    return { type: identity.type, ...(users ? { userAssignedIdentities: Object.keys(users) } : {}) };
}

/**
 * The inputs a refresh records (`provider.go` Read, azure-native-provider.md R6): the old inputs
 * with every input-shaped value that changed between the old and the new outputs copied in. So a
 * value changed outside Pulumi (a portal edit, traffic set by another resource) becomes a recorded
 * input, and is what a later full PUT of the resource sends unless the program says otherwise.
 */
export function refreshedInputs(
    shape: ProviderMapping | undefined,
    oldInputs: Record<string, any>,
    oldOutputs: Record<string, any>,
    newOutputs: Record<string, any>,
): Record<string, any> {
    const inputs: Record<string, any> = structuredClone(oldInputs);
    const copyIfChanged = (target: Record<string, any>, key: string, old: unknown, now: unknown, asInput = (v: unknown) => v) => {
        if (sameJson(asInput(old), asInput(now))) return;
        if (now === undefined) delete target[key];
        else target[key] = asInput(now);
    };
    for (const key of topLevelInputs) {
        copyIfChanged(inputs, key, oldOutputs[key], newOutputs[key], key === "identity" ? identityInput : undefined);
    }
    if (shape && !shape.flattened) {
        const before = (oldOutputs.properties ?? {}) as Record<string, unknown>;
        const after = (newOutputs.properties ?? {}) as Record<string, unknown>;
        inputs.properties = { ...(inputs.properties ?? {}) };
        for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
            if (!readOnlyOutputs.has(key)) copyIfChanged(inputs.properties, key, before[key], after[key]);
        }
    } else {
        for (const key of Object.keys(oldInputs)) {
            if (!readOnlyOutputs.has(key) && !key.startsWith("__") && !shape?.pathInputs.includes(key) && !topLevelInputs.includes(key)) {
                copyIfChanged(inputs, key, oldOutputs[key], newOutputs[key]);
            }
        }
    }
    return inputs;
}
