import { TrafficWeights, describeWeights } from "../endpoints/trafficWire";
import { Clock, systemClock } from "../http/clock";
import { DeploymentWindow, GateCheck, RolloutGates, WindowJudgement, WindowVerdict, judgeWindow } from "./rolloutGates";
import { RolloutPlan } from "./rolloutPlan";
import { AnswerComparison } from "./answerComparison";

export interface RolloutPolicy extends RolloutGates {
    /** Seconds each window is watched. */
    readonly stepSeconds: number;
    /** An inconclusive window counts as failed ("fail"), or the step is watched again ("hold"). */
    readonly onInconclusive: "fail" | "hold";
    /** Inconclusive windows in a row a step may have under "hold" before it counts as failed. */
    readonly inconclusiveLimit: number;
    /** Failed windows tolerated in one rollout; one more rolls it back. */
    readonly failureLimit: number;
    /**
     * Seconds the metrics of a window may arrive late (Azure Monitor ingests them in a few minutes):
     * a window too thin to judge at its end is read again every `metricsPollSeconds` until it has
     * `minRequests` or this much time has passed since it ended.
     */
    readonly metricsDelaySeconds: number;
}

/** How often a window's late metrics are read again. */
export const metricsPollSeconds = 15;

export interface RolloutIo {
    /** One traffic PUT of the endpoint (live and mirror weights). */
    apply(weights: TrafficWeights): Promise<void>;
    /** A deployment's requests, server errors and latency between two instants. */
    measure(deployment: string, from: Date, to: Date): Promise<DeploymentWindow>;
    /**
     * Synthetic load on both deployments while a window is watched; absent: none. Stopping it
     * gives the canary's answers compared with the baseline's, when the prediction gates ask for them.
     */
    startLoad?(canary: string, baseline: string): { stop(): Promise<AnswerComparison | undefined> };
    /** Each stage applied and each window judged, as it happens (the engine's output, while the update runs). */
    progress?(line: string): void;
    readonly clock?: Clock;
}

export interface WindowRecord {
    readonly stage: string;
    readonly window: number;
    readonly verdict: WindowVerdict;
    readonly checks: readonly GateCheck[];
    readonly canary: DeploymentWindow;
    /** When the window's verdict was known (ms since the rollout began). */
    readonly atMs: number;
    /** How long after the window's end its metrics were read for the verdict (late ingestion). */
    readonly lateMs: number;
}

export interface RolloutReport {
    readonly canary: string;
    readonly baseline: string;
    readonly outcome: "promoted" | "rolled back";
    readonly windows: readonly WindowRecord[];
    /** The weights put back after a failed gate. */
    readonly restoredTo?: TrafficWeights;
    /** Milliseconds from the failing verdict to the restoring PUT's end. */
    readonly restoreMs?: number;
    readonly durationMs: number;
}

/**
 * Walks the plan's stages: each is one traffic PUT, then windows of `stepSeconds` judged by the
 * gates until one passes (next stage) or the failures exceed `failureLimit` (the weights go back
 * to `restoreTo`, the ones applied before this update). Flagger's analysis loop, with Argo
 * Rollouts' failureLimit and inconclusive results.
 */
export async function runRollout(plan: RolloutPlan, policy: RolloutPolicy, io: RolloutIo, restoreTo: TrafficWeights): Promise<RolloutReport> {
    const clock = io.clock ?? systemClock;
    const began = clock.now();
    const windows: WindowRecord[] = [];
    let failures = 0;
    const progress = (line: string) => io.progress?.(`rollout of ${plan.canary}: ${line}`);
    for (const stage of plan.stages) {
        await io.apply(stage.weights);
        progress(`${stage.label}: ${describeWeights(stage.weights)}, watching for ${policy.stepSeconds} s`);
        let inconclusiveInARow = 0;
        for (let window = 1; ; window++) {
            const load = io.startLoad?.(plan.canary, plan.baseline);
            const from = new Date(clock.now());
            await clock.sleep(policy.stepSeconds * 1000);
            const to = new Date(clock.now());
            const answers = await load?.stop();
            const { canary, judged } = await judgeWhenReadable(plan, policy, io, from, to, answers);
            const record: WindowRecord = { stage: stage.label, window, verdict: judged.verdict, checks: judged.checks, canary, atMs: clock.now() - began, lateMs: clock.now() - to.getTime() };
            windows.push(record);
            progress(`${stage.label} ${windowVerdict(record)}; ${windowGates(record, "metrics")}`);
            if (record.checks.some(isPredictionGate)) progress(`${stage.label} window ${window} answers: ${windowGates(record, "predictions")}`);
            if (judged.verdict === "passed") break;
            if (judged.verdict === "inconclusive" && policy.onInconclusive === "hold" && ++inconclusiveInARow <= policy.inconclusiveLimit) continue;
            if (++failures <= policy.failureLimit) continue;
            const failedAt = clock.now();
            progress(`rolling back to ${describeWeights(restoreTo)}`);
            await io.apply(restoreTo);
            const end = clock.now();
            return { canary: plan.canary, baseline: plan.baseline, outcome: "rolled back", windows, restoredTo: restoreTo, restoreMs: end - failedAt, durationMs: end - began };
        }
    }
    return { canary: plan.canary, baseline: plan.baseline, outcome: "promoted", windows, durationMs: clock.now() - began };
}

/**
 * The window judged on its metrics; while too few of its requests are readable, read again until
 * they are or the allowed ingestion delay has passed. A window judged passed or failed is final:
 * only "not enough data" can be an artefact of reading too early.
 */
async function judgeWhenReadable(
    plan: RolloutPlan,
    policy: RolloutPolicy,
    io: RolloutIo,
    from: Date,
    to: Date,
    answers: AnswerComparison | undefined,
): Promise<{ canary: DeploymentWindow; judged: WindowJudgement }> {
    const clock = io.clock ?? systemClock;
    const giveUpAt = to.getTime() + policy.metricsDelaySeconds * 1000;
    for (;;) {
        const [canary, baseline] = await Promise.all([io.measure(plan.canary, from, to), io.measure(plan.baseline, from, to)]);
        const judged = judgeWindow(canary, baseline, policy, answers);
        const wait = Math.min(metricsPollSeconds * 1000, giveUpAt - clock.now());
        if (judged.verdict !== "inconclusive" || wait <= 0) return { canary, judged };
        await clock.sleep(wait);
    }
}

/** The report as the engine shows it: per window, its verdict, then each gate's measured value against its limit. */
export function formatRolloutReport(report: RolloutReport): string {
    const lines = [
        report.outcome === "promoted"
            ? `rollout of ${report.canary} (baseline ${report.baseline}): promoted in ${(report.durationMs / 1000).toFixed(1)} s`
            : `rollout of ${report.canary} (baseline ${report.baseline}): ROLLED BACK to ${describeWeights(report.restoredTo!)} (${report.restoreMs} ms after the failing verdict)`,
    ];
    for (const w of report.windows) lines.push(...windowLines(w));
    return lines.join("\n");
}

/**
 * A window in lines of their own: its verdict, its metric gates, its prediction gates (when any):
 * the engine cuts an output string after 150 characters.
 */
function windowLines(w: WindowRecord): string[] {
    return [
        `  ${w.stage.padEnd(14)} ${windowVerdict(w)}`,
        `      ${windowGates(w, "metrics")}`,
        ...(w.checks.some(isPredictionGate) ? [`      ${windowGates(w, "predictions")}`] : []),
    ];
}

const isPredictionGate = (c: GateCheck) => c.gate === "agreement" || c.gate === "outsideAllowed";

function windowVerdict(w: WindowRecord): string {
    const late = w.lateMs >= 1000 ? ` (metrics read ${(w.lateMs / 1000).toFixed(0)} s after the window)` : "";
    return `window ${w.window} at ${(w.atMs / 1000).toFixed(1)} s: ${w.verdict}${late}`;
}

function windowGates(w: WindowRecord, which: "metrics" | "predictions"): string {
    return w.checks
        .filter((c) => isPredictionGate(c) === (which === "predictions"))
        .map((c) =>
            c.inconclusive
                ? `${c.gate} too few requests: ${c.measured} (limit ${c.limit})`
                : `${c.gate} ${c.measured ?? "no data"} ${c.passed ? "ok" : "FAILED"} (${c.gate === "agreement" ? "min" : "limit"} ${c.limit})`,
        )
        .join("; ");
}
