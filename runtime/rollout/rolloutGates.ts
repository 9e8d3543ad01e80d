/**
 * The verdict on one observation window of a rollout, from the endpoint's metrics: Flagger's
 * metric checks (error rate, latency) with Argo Rollouts' inconclusive result for a window with
 * too few requests to judge, which then fails or is watched again as configured.
 */
export interface RolloutGates {
    readonly maxErrorRate: number;
    readonly maxP95LatencyMs?: number;
    readonly maxLatencyRatio?: number;
    readonly minRequests: number;
}

export interface DeploymentWindow {
    readonly requests: number;
    /** Requests that failed: a 5xx, or a 424 (the model failed). */
    readonly serverErrors: number;
    /** p95 latency in ms over the window (undefined: no data). */
    readonly p95Ms?: number;
}

export interface GateCheck {
    readonly gate: "minRequests" | "maxErrorRate" | "maxP95LatencyMs" | "maxLatencyRatio";
    readonly measured: number | undefined;
    readonly limit: number;
    readonly passed: boolean;
}

export type WindowVerdict = "passed" | "failed" | "inconclusive";

export interface WindowJudgement {
    readonly verdict: WindowVerdict;
    readonly checks: readonly GateCheck[];
}

export function judgeWindow(canary: DeploymentWindow, baseline: DeploymentWindow, gates: RolloutGates): WindowJudgement {
    const enough: GateCheck = { gate: "minRequests", measured: canary.requests, limit: gates.minRequests, passed: canary.requests >= gates.minRequests };
    if (!enough.passed) return { verdict: "inconclusive", checks: [enough] };
    const checks: GateCheck[] = [enough];
    const errorRate = round(canary.serverErrors / canary.requests, 4);
    checks.push({ gate: "maxErrorRate", measured: errorRate, limit: gates.maxErrorRate, passed: errorRate <= gates.maxErrorRate });
    if (gates.maxP95LatencyMs !== undefined) {
        const p95 = canary.p95Ms;
        checks.push({ gate: "maxP95LatencyMs", measured: p95, limit: gates.maxP95LatencyMs, passed: p95 !== undefined && p95 <= gates.maxP95LatencyMs });
    }
    if (gates.maxLatencyRatio !== undefined) {
        // Without a baseline latency there is nothing to compare with: the ratio gate abstains.
        const ratio = canary.p95Ms !== undefined && baseline.p95Ms ? round(canary.p95Ms / baseline.p95Ms, 2) : undefined;
        checks.push({ gate: "maxLatencyRatio", measured: ratio, limit: gates.maxLatencyRatio, passed: ratio === undefined || ratio <= gates.maxLatencyRatio });
    }
    return { verdict: checks.every((c) => c.passed) ? "passed" : "failed", checks };
}

function round(value: number, digits: number): number {
    const scale = 10 ** digits;
    return Math.round(value * scale) / scale;
}
