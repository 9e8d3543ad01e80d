import { Problem } from "./problems";

/**
 * Runs cross-key rules on a configuration that may hold invalid values (see tolerantParse.ts),
 * and keeps only the conclusions that do not rest on one: every rule sees the configuration
 * through a view that records the key paths it reads, and a rule (or one item of `each`) that read
 * an invalid value, or anything below one, has its problems discarded. The schema has already
 * reported that value; a rule about another key still reports, so no mistake hides another.
 */
export type ConfigRule<C> = (config: C, check: RuleScope) => readonly Problem[];

export interface RuleScope {
    /**
     * Checks each item in its own scope: a bad value in one list entry discards only the
     * conclusions about that entry.
     */
    each<T>(items: readonly T[], check: (item: T, index: number) => readonly Problem[]): Problem[];
}

type KeyPath = readonly PropertyKey[];

export function runRules<C extends object>(
    rules: readonly ConfigRule<C>[],
    config: C,
    invalidPaths: readonly KeyPath[],
): Problem[] {
    const scopes: Set<string>[] = [];
    const invalid = invalidPaths.map(pathId);
    const readsInvalid = (reads: Set<string>) =>
        [...reads].some((read) => invalid.some((bad) => read === bad || read.startsWith(`${bad}\u0000`)));

    const inScope = (run: () => readonly Problem[]): Problem[] => {
        const reads = new Set<string>();
        scopes.push(reads);
        try {
            const problems = run();
            return readsInvalid(reads) ? [] : [...problems];
        } catch (err) {
            // A rule may trip over a value of the wrong type; that value is reported already.
            if (readsInvalid(reads)) return [];
            throw err;
        } finally {
            scopes.pop();
        }
    };
    const scope: RuleScope = {
        each: (items, check) => items.flatMap((item, index) => inScope(() => check(item, index))),
    };
    const view = tracked(config, [], (path) => scopes[scopes.length - 1]?.add(pathId(path)));
    return rules.flatMap((rule) => inScope(() => rule(view, scope)));
}

/** A key path as one string: `["models", 1, "path"]` → `models\0 1\0path` (numbers as text). */
function pathId(path: KeyPath): string {
    return path.map(String).join("\u0000");
}

/**
 * A read-only view of `value` that reports the path of every property read through it. Arrays
 * stay arrays (their methods read through the view), so rules need no special handling.
 */
function tracked<T>(value: T, path: KeyPath, onRead: (path: KeyPath) => void): T {
    if (typeof value !== "object" || value === null) return value;
    return new Proxy(value as object, {
        get(target, key, receiver) {
            const result = Reflect.get(target, key, receiver);
            // Methods (an array's map, length's getter) are not configuration; a key that is not
            // there at all is (a required key the schema found missing).
            const isData = Object.prototype.hasOwnProperty.call(target, key) || !(key in target);
            if (typeof key === "symbol" || !isData) return result;
            const childPath = [...path, key];
            onRead(childPath);
            return tracked(result, childPath, onRead);
        },
        set() {
            throw new TypeError("configuration rules must not change the configuration");
        },
    }) as T;
}
