import { EngineEvent, PreviewOptions, StepEventMetadata } from "@pulumi/pulumi/automation";
import { listenForPreflight } from "../../program/preflight/preflight";
import { PreflightReport } from "../../program/preflight/report";
import { EngineStack } from "../engine/engineStack";

/** One resource the preview would change, as the engine reported its step. */
export interface PlannedStep {
    /** create, update, replace, delete (the engine's replacement steps folded into one). */
    readonly op: "create" | "update" | "replace" | "delete";
    readonly type: string;
    /** The resource's name in the program (the URN's last segment). */
    readonly name: string;
    /** The inputs whose change causes it (update) or forces the replacement (replace). */
    readonly keys: readonly string[];
}

/** What one engine preview said, gathered for the PR comment. */
export interface PreviewResult {
    readonly stack: string;
    readonly steps: readonly PlannedStep[];
    /** Resources the preview leaves as they are. */
    readonly unchanged: number;
    /** The program's preflight report; undefined when the program stopped before it (a config error) or the stack is not on Azure ML. */
    readonly report?: PreflightReport;
    /** Policy violations the engine's analyzer reported. */
    readonly policies: readonly { readonly policy: string; readonly level: string; readonly message: string }[];
    /** Why the preview failed (the engine's error), when it did. */
    readonly failure?: string;
    readonly seconds: number;
}

const stepOps: Record<string, PlannedStep["op"] | undefined> = {
    create: "create",
    update: "update",
    delete: "delete",
    replace: "replace",
    "create-replacement": "replace",
    "delete-replaced": "replace",
    "discard-replaced": "replace",
};

/**
 * Runs the engine's preview of a stack (the program inline, in this process) and keeps what the
 * PR comment shows: each changed resource's step, the preflight report the program made, the
 * policy violations. A preview the preflight (or anything else) fails still returns, with the
 * engine's message: the comment shows why the change cannot go in.
 */
export async function previewForComment(engine: EngineStack, stack: string, options: PreviewOptions = {}): Promise<PreviewResult> {
    const began = Date.now();
    const steps = new Map<string, PlannedStep>();
    const unchanged = new Set<string>();
    const policies: { policy: string; level: string; message: string }[] = [];
    let report: PreflightReport | undefined;
    const onEvent = (event: EngineEvent) => {
        const step = event.resourcePreEvent?.metadata;
        if (step && step.type !== "pulumi:pulumi:Stack" && !step.type.startsWith("pulumi:providers:")) {
            const op = stepOps[step.op];
            const name = step.urn.split("::").pop() ?? step.urn;
            if (!op) unchanged.add(step.urn);
            else if (!steps.has(step.urn) || op === "replace") steps.set(step.urn, { op, type: step.type, name, keys: changedKeys(step) });
        }
        const policy = event.policyEvent;
        if (policy) policies.push({ policy: policy.policyName, level: policy.enforcementLevel, message: policy.message.trim() });
        options.onEvent?.(event);
    };
    listenForPreflight((made) => (report = made));
    let failure: string | undefined;
    try {
        await engine.preview({ ...options, onEvent });
    } catch (err) {
        failure = engineFailure(err);
    } finally {
        listenForPreflight(undefined);
    }
    const order = { delete: 0, replace: 1, create: 2, update: 3 };
    return {
        stack,
        steps: [...steps.values()].sort((a, b) => order[a.op] - order[b.op] || a.type.localeCompare(b.type) || a.name.localeCompare(b.name)),
        unchanged: unchanged.size,
        report,
        policies,
        failure,
        seconds: (Date.now() - began) / 1000,
    };
}

/**
 * The inputs the step is about: the replace keys and diffs the provider reported, or, where it
 * reported none (a dynamic provider's diff says only whether something changed), the top-level
 * inputs whose values differ between the old and new state.
 */
function changedKeys(step: StepEventMetadata): string[] {
    const reported = [...(step.keys ?? []), ...(step.diffs ?? []), ...Object.keys(step.detailedDiff ?? {})];
    if (reported.length > 0 || step.op !== "update") return [...new Set(reported.map((k) => k.split(/[.[]/)[0]))].sort();
    const before = step.old?.inputs ?? {};
    const after = step.new?.inputs ?? {};
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !k.startsWith("__") && JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/**
 * The errors of a failed preview as the engine's Diagnostics section lists them (each `error:`
 * entry with its indented continuation, once each), without the progress lines and the plugins'
 * warnings; the output's last lines when it has no such entry.
 */
export function engineFailure(err: unknown): string {
    const output = String((err as { stdout?: string }).stdout ?? "");
    const lines = output.split("\n");
    const diagnostics = lines.slice(lines.findIndex((l) => /^Diagnostics:/.test(l)) + 1);
    const errors: string[] = [];
    let current: string[] | undefined;
    let indent = 0;
    for (const line of lines.some((l) => /^Diagnostics:/.test(l)) ? diagnostics : []) {
        const entry = /^(\s*)error: (.*)$/.exec(line);
        if (entry) {
            current = [entry[2]];
            indent = entry[1].length;
            errors.push("");
        } else if (current && line.trim() !== "" && line.length - line.trimStart().length > indent) {
            current.push(line.slice(indent));
        } else {
            current = undefined;
        }
        if (current) errors[errors.length - 1] = current.join("\n");
    }
    const unique = [...new Set(errors)];
    if (unique.length > 0) return unique.join("\n");
    const text = String((err as { stderr?: string }).stderr || (err as Error).message || err);
    return text.split("\n").filter((l) => l.trim() !== "").slice(-20).join("\n");
}
