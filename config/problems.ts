/**
 * One thing wrong with a stack's configuration: the one problem type of every rule (config/rules.ts,
 * config/azureRules/, the schema), whose keys the caller prefixes when a rule looks at part of the config.
 */
export interface Problem {
    /** Dotted path below the project's namespace, e.g. `computeCluster.minNodes` or `models[1].path`. */
    readonly key: string;
    /** The offending value as the stack file has it (undefined when the key is missing). */
    readonly value: unknown;
    /** What is wrong and what is allowed. */
    readonly message: string;
    /** Set for keys outside the project's own namespace (e.g. `azure-native`). */
    readonly namespace?: string;
    /** The key is a secret in the stack file: its value is never shown. */
    readonly secret?: boolean;
}

/**
 * Every problem in a stack's configuration, raised before any resource is declared so that
 * nothing is half-applied. The message names the stack file, each key, its value and what is allowed.
 */
export class StackConfigError extends Error {
    constructor(
        readonly stackFile: string,
        readonly namespace: string,
        readonly problems: readonly Problem[],
    ) {
        super(
            `${stackFile} has ${problems.length} configuration problem${problems.length === 1 ? "" : "s"}:\n` +
                problems.map((p) => `  - ${formatProblem(stackFile, namespace, p)}`).join("\n"),
        );
        this.name = "StackConfigError";
    }
}

export function formatProblem(stackFile: string, namespace: string, problem: Problem): string {
    const shown = problem.secret ? "[secret]" : problem.value === undefined ? "(not set)" : JSON.stringify(problem.value);
    return `${stackFile}: ${problem.namespace ?? namespace}:${problem.key} = ${shown}: ${problem.message}`;
}

/** `["models", 1, "path"]` → `models[1].path`. */
export function keyPath(path: readonly PropertyKey[]): string {
    return path
        .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
        .join("");
}
