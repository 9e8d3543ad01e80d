import { createHash } from "crypto";

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
