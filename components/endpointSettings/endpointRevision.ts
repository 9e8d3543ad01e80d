import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

/**
 * A hash of everything an endpoint is declared with. When it changes, the endpoint is PUT again,
 * which resets its traffic (or batch default); the settings resource takes the revision as an
 * input, so it sees a change and applies its settings again.
 */
export function endpointRevision(declared: Record<string, pulumi.Input<unknown>>): pulumi.Output<string> {
    return pulumi.output(declared).apply(stableHash);
}

/** SHA-256 of a value's stable JSON: the same for equal values, whatever their key order. */
export function stableHash(value: unknown): string {
    return createHash("sha256").update(stableJson(value)).digest("hex");
}

/** JSON with object keys sorted, so that key order never changes a hash. */
export function stableJson(value: unknown): string {
    return JSON.stringify(value, (_key, v) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
            : v,
    );
}
