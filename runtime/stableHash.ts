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

/**
 * A GUID-shaped name derived from a seed (case-insensitive): the same on every run, as Azure asks
 * for GUIDs where a stable name is wanted (role assignments) and computes stable ids (workspaces).
 */
export function stableGuid(seed: string): string {
    const hex = createHash("sha256").update(seed.toLowerCase()).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
