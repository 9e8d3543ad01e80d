import { z } from "zod";

/**
 * A best-effort reading of a configuration that failed its schema: every value that parsed gets
 * its defaults as usual, and every value that did not is kept as written (a wrong type, a missing
 * required key as `undefined`). Cross-key rules run on it so that one wrong value never hides a
 * rule about another key; the rule runner (ruleRunner.ts) discards whatever a rule concluded
 * from a value in `invalidPaths`.
 */
export interface TolerantReading<T> {
    readonly data: T;
    /** Key paths whose values broke the schema, e.g. `["computeCluster", "maxNodes"]`. */
    readonly invalidPaths: readonly (readonly PropertyKey[])[];
    /** What the schema said, unknown keys included. */
    readonly issues: readonly z.core.$ZodIssue[];
}

export function tolerantParse<S extends z.ZodType>(schema: S, input: unknown): TolerantReading<z.output<S>> {
    const strict = schema.safeParse(input, { reportInput: true });
    if (strict.success) return { data: strict.data, invalidPaths: [], issues: [] };
    const issues = strict.error.issues;
    // An unknown key is ignored, not invalid: rules may use the default it leaves in place.
    const invalidPaths = issues.filter((issue) => issue.code !== "unrecognized_keys").map((issue) => issue.path);
    return { data: tolerant(schema).parse(input) as z.output<S>, invalidPaths, issues };
}

/** Keeps the value as written where the original schema would fail. */
const asWritten = (ctx: { value: unknown }) => ctx.value as never;

/**
 * The same schema with every node made to accept what it cannot parse, so defaults still apply
 * around a bad value. Unknown keys are dropped here (the strict schema reports them).
 */
function tolerant(schema: z.ZodType): z.ZodType {
    if (schema instanceof z.ZodOptional) return tolerant(schema.unwrap() as z.ZodType).optional();
    if (schema instanceof z.ZodDefault) return tolerant(schema.unwrap() as z.ZodType).default(schema.def.defaultValue);
    if (schema instanceof z.ZodPrefault) {
        return tolerant(schema.unwrap() as z.ZodType).prefault(schema.def.defaultValue as never);
    }
    if (schema instanceof z.ZodObject) {
        const shape = Object.fromEntries(
            Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, field]) => [key, tolerant(field)]),
        );
        return z.object(shape).catch(asWritten);
    }
    if (schema instanceof z.ZodArray) return z.array(tolerant(schema.element as z.ZodType)).catch(asWritten);
    if (schema instanceof z.ZodRecord) {
        return z.record(schema.keyType as z.ZodString, tolerant(schema.valueType as z.ZodType)).catch(asWritten);
    }
    return schema.catch(asWritten);
}

/** The object schema that holds the keys at `path` (through lists, maps and optional wrappers). */
export function objectSchemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject | undefined {
    let current: z.ZodType | undefined = schema;
    for (const part of [...path, undefined]) {
        while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
            current = current.unwrap() as z.ZodType;
        }
        if (part === undefined) break;
        if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(part)];
        else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
        else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
        else return undefined;
    }
    return current instanceof z.ZodObject ? current : undefined;
}
