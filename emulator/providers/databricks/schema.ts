import { randomBytes } from "crypto";
import type * as provider from "@pulumi/pulumi/provider";
import { containsUnknown, sameJson } from "../azureNative/inputDiff";

/** `servedEntities` -> `served_entities`: the bridge's names are the Terraform schema's, camel-cased. */
export const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const camelCase = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * A value with its keys renamed by `rename`, recursively, except inside the free maps named in
 * `freeMaps` (camelCase names of map-typed fields such as `sparkConf`, `customTags`,
 * `environmentVars`, whose keys are the user's). Undefined and null entries are left out.
 */
function renamed(value: unknown, rename: (key: string) => string, freeMaps: readonly string[], camelOf: (key: string) => string): unknown {
    if (Array.isArray(value)) return value.map((v) => renamed(v, rename, freeMaps, camelOf));
    if (!value || typeof value !== "object") return value;
    const entries = Object.entries(value as Record<string, unknown>)
        .filter(([key, v]) => v !== undefined && v !== null && !key.startsWith("__"))
        .map(([key, v]) => [rename(key), freeMaps.includes(camelOf(key)) ? v : renamed(v, rename, freeMaps, camelOf)]);
    return Object.fromEntries(entries);
}

/** Inputs as the REST API takes them (snake_case). */
export function toApi(value: unknown, freeMaps: readonly string[] = []): any {
    return renamed(value, snakeCase, freeMaps, (key) => key);
}

/** An API answer as outputs (camelCase). */
export function fromApi(value: unknown, freeMaps: readonly string[] = []): any {
    return renamed(value, camelCase, freeMaps, camelCase);
}

/** Only the given keys of an object (those present). */
export function pick(value: Record<string, any> | undefined, keys: readonly string[]): Record<string, any> {
    return Object.fromEntries(keys.filter((key) => value?.[key] !== undefined).map((key) => [key, value![key]]));
}

/** Without keys starting with `__` (the bridge's bookkeeping, e.g. `__defaults`), which never reach outputs. */
export function withoutBookkeeping(value: Record<string, any>): Record<string, any> {
    return Object.fromEntries(Object.entries(value).filter(([key, v]) => !key.startsWith("__") && v !== undefined));
}

/** How a type's inputs are diffed, as its Terraform schema says (each with its source in the type's file). */
export interface DiffRules {
    /** ForceNew: a change replaces the resource. */
    readonly replaceKeys: readonly string[];
    /** Optional and Computed: when the program leaves one out, the recorded value stands (no change). */
    readonly computed?: readonly string[];
    /** Compared in a normal form (a set's order, a name's case or spelling the server normalises). */
    readonly normalize?: Readonly<Record<string, (value: unknown) => unknown>>;
    /** Compared on what the program gives only (nested Computed fields of a block, e.g. a serving config). */
    readonly subset?: readonly string[];
}

/** A top-level value as Terraform's SDK sees it: unset, null, "", false, 0, [] and {} are all "not set". */
function normal(value: unknown): unknown {
    if (value === undefined || value === null || value === "" || value === false || value === 0) return undefined;
    if (Array.isArray(value) && value.length === 0) return undefined;
    if (typeof value === "object" && !Array.isArray(value) && Object.keys(value as object).length === 0) return undefined;
    return value;
}

/** Whether `given` holds nothing `recorded` differs on (objects by the keys given, lists item by item). */
export function subsetEqual(given: unknown, recorded: unknown): boolean {
    if (Array.isArray(given)) {
        return Array.isArray(recorded) && given.length === recorded.length && given.every((g, i) => subsetEqual(g, recorded[i]));
    }
    if (given && typeof given === "object") {
        if (!recorded || typeof recorded !== "object") return false;
        return Object.entries(given as Record<string, unknown>).every(([key, v]) => v === undefined || v === null || subsetEqual(v, (recorded as Record<string, unknown>)[key]));
    }
    return sameJson(given, recorded);
}

export interface InputDiff {
    /** Inputs whose value changes (unknown values included). */
    readonly changed: string[];
    /** Of those, the ones that replace the resource (known values only: see README, "what differs"). */
    readonly replaces: string[];
}

/**
 * The inputs whose value differs between the program (`news`) and the recorded state (`olds`, the
 * outputs, so a change made by hand and read by a refresh shows), over the keys the program gives
 * or gave last time (`oldInputs`): what Terraform plans from the schema. An Optional+Computed
 * input the program leaves out is no change; a value still unknown in a preview is a change but
 * never a replacement (as the azure-native stand-in: the node provider host cannot take part in
 * previews, so an output of a resource being updated is unknown even when it will not change).
 */
export function inputDiff(rules: DiffRules, oldInputs: Record<string, any> | undefined, olds: Record<string, any>, news: Record<string, any>): InputDiff {
    const keys = [...new Set([...Object.keys(news), ...Object.keys(oldInputs ?? {})])].filter((key) => !key.startsWith("__"));
    const changed = keys.filter((key) => {
        const now = news[key];
        if (now === undefined && rules.computed?.includes(key)) return false;
        if (containsUnknown(now)) return true;
        if (rules.subset?.includes(key) && now !== undefined) return !subsetEqual(now, olds[key]);
        const norm = rules.normalize?.[key] ?? ((v: unknown) => v);
        return !sameJson(normal(norm(normal(olds[key]))), normal(norm(normal(now))));
    });
    return { changed, replaces: changed.filter((key) => rules.replaceKeys.includes(key) && !containsUnknown(news[key])) };
}

/** A set of `{key, value}` tags in one order, for comparing. */
export function tagSet(value: unknown): unknown {
    if (!Array.isArray(value)) return value;
    return [...value].map((t) => ({ key: t?.key, value: t?.value ?? "" })).sort((a, b) => String(a.key).localeCompare(String(b.key)));
}

/**
 * The bridge's autonaming (pulumi-databricks `prov.SetAutonaming(255, "-")`): a type whose schema
 * requires `name` gets `<logical name>-<7 hex>` when the program gives none, kept across updates,
 * and recorded in `__defaults`.
 */
export function autonamed(urn: string, olds: Record<string, any>, news: Record<string, any>): Record<string, any> {
    if (news.name !== undefined) return news;
    const defaults = [...new Set([...(news.__defaults ?? []), "name"])];
    const kept = Array.isArray(olds.__defaults) && olds.__defaults.includes("name") && typeof olds.name === "string" ? olds.name : undefined;
    const logical = urn.split("::").pop() ?? "resource";
    return { ...news, name: kept ?? `${logical}-${randomBytes(4).toString("hex").slice(0, 7)}`, __defaults: defaults };
}

/**
 * The bridge replaces delete-first when the program named the resource itself (its name would
 * clash), create-first when the name was generated (`nameRequiresDeleteBeforeReplace`).
 */
export function namedByProgram(news: Record<string, any>): boolean {
    return news.name !== undefined && !(Array.isArray(news.__defaults) && news.__defaults.includes("name"));
}

/** A check failure for each input the stand-in does not serve (see README). */
export function unservedInputs(type: string, news: Record<string, any>, unserved: readonly string[]): provider.CheckFailure[] {
    return unserved
        .filter((key) => news[key] !== undefined && news[key] !== null && news[key] !== false && !(Array.isArray(news[key]) && news[key].length === 0))
        .map((key) => ({ property: key, reason: `${type}: the local databricks provider does not serve '${key}' (emulator/providers/databricks/README.md)` }));
}

/** A failure when a required input is missing (unknown values pass: they are known at `up`). */
export function requiredInputs(news: Record<string, any>, required: readonly string[]): provider.CheckFailure[] {
    return required
        .filter((key) => news[key] === undefined || news[key] === null || news[key] === "")
        .map((key) => ({ property: key, reason: `Missing required property '${key}'` }));
}
