import { AnswerComparison, agreementOf } from "./answerComparison";

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
    /** Gates on the canary's answers, compared with the baseline's on the same requests; absent: none. */
    readonly predictions?: PredictionGates;
}

/**
 * The verdict on the predictions themselves, which the metrics cannot see (a wrong answer is a 200):
 * each gate with its own `minRequests`, inconclusive below it.
 */
export interface PredictionGates {
    /** Share of rows where the canary agrees with the baseline (labels equal, or numbers within `tolerance`). */
    readonly agreement?: { readonly min: number; readonly tolerance?: number; readonly minRequests: number };
    /** Every canary prediction within the smoke test's `allowedPredictions`. */
    readonly allowed?: { readonly minRequests: number };
    readonly allowedPredictions: readonly (number | string | boolean)[];
}

export interface DeploymentWindow {
    readonly requests: number;
    /** Requests that failed: a 5xx, or a 424 (the model failed). */
    readonly serverErrors: number;
    /** p95 latency in ms over the window (undefined: no data). */
    readonly p95Ms?: number;
}

export interface GateCheck {
    readonly gate: "minRequests" | "maxErrorRate" | "maxP95LatencyMs" | "maxLatencyRatio" | "agreement" | "outsideAllowed";
    readonly measured: number | undefined;
    readonly limit: number;
    readonly passed: boolean;
    /** A prediction gate with fewer compared requests than its `minRequests`: `measured` is that count, `limit` the minimum. */
    readonly inconclusive?: boolean;
}

export type WindowVerdict = "passed" | "failed" | "inconclusive";

export interface WindowJudgement {
    readonly verdict: WindowVerdict;
    readonly checks: readonly GateCheck[];
}

/**
 * A window's verdict: failed when any gate failed (a wrong answer is decisive however thin the
 * metrics), inconclusive when the metrics or a prediction gate had too few requests, else passed.
 */
export function judgeWindow(canary: DeploymentWindow, baseline: DeploymentWindow, gates: RolloutGates, answers?: AnswerComparison): WindowJudgement {
    const predictionChecks = gates.predictions ? judgePredictions(answers, gates.predictions) : [];
    const enough: GateCheck = { gate: "minRequests", measured: canary.requests, limit: gates.minRequests, passed: canary.requests >= gates.minRequests };
    if (!enough.passed) {
        const failed = predictionChecks.some((c) => !c.passed && !c.inconclusive);
        return { verdict: failed ? "failed" : "inconclusive", checks: [enough, ...predictionChecks] };
    }
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
    checks.push(...predictionChecks);
    const verdict = checks.some((c) => !c.passed && !c.inconclusive) ? "failed" : checks.some((c) => c.inconclusive) ? "inconclusive" : "passed";
    return { verdict, checks };
}

/** The prediction gates on the window's compared answers (none compared: every gate inconclusive). */
function judgePredictions(answers: AnswerComparison | undefined, gates: PredictionGates): GateCheck[] {
    const checks: GateCheck[] = [];
    const compared = answers?.requests ?? 0;
    if (gates.agreement) {
        const { min, minRequests } = gates.agreement;
        if (compared < minRequests) checks.push({ gate: "agreement", measured: compared, limit: minRequests, passed: false, inconclusive: true });
        else {
            const agreement = agreementOf(answers!)!;
            checks.push({ gate: "agreement", measured: agreement, limit: min, passed: agreement >= min });
        }
    }
    if (gates.allowed) {
        const answered = answers?.canaryRequests ?? 0;
        if (answered < gates.allowed.minRequests) checks.push({ gate: "outsideAllowed", measured: answered, limit: gates.allowed.minRequests, passed: false, inconclusive: true });
        else {
            const outside = round(answers!.canaryOutsideAllowed / answers!.canaryRows, 4);
            checks.push({ gate: "outsideAllowed", measured: outside, limit: 0, passed: outside === 0 });
        }
    }
    return checks;
}

function round(value: number, digits: number): number {
    const scale = 10 ** digits;
    return Math.round(value * scale) / scale;
}
