import { predictionsOf } from "../scoring/predictionChecks";

/**
 * The answers of the canary and the baseline to the same requests (the rollout's synthetic load
 * sends each request to both, pinned with `azureml-model-deployment`): Azure drops the answers to
 * mirrored requests, so the only answers that can be compared are the ones asked for.
 */
export interface AnswerComparison {
    /** Requests both answered with one prediction per row. */
    readonly requests: number;
    /** Rows of those requests. */
    readonly rows: number;
    /** Rows where the canary's answer agrees with the baseline's. */
    readonly agreeingRows: number;
    /** Rows the canary answered (whatever the baseline did). */
    readonly canaryRows: number;
    /** Canary rows outside the allowed predictions (0 when none are listed). */
    readonly canaryOutsideAllowed: number;
    /** Requests the canary answered with predictions. */
    readonly canaryRequests: number;
}

/** One request's answers: each deployment's JSON body, or undefined when it did not answer 200. */
export interface AnswerPair {
    readonly canary?: unknown;
    readonly baseline?: unknown;
}

export interface ComparisonRules {
    /** Two numeric answers agree within this absolute difference; absent: answers agree when equal (labels). */
    readonly tolerance?: number;
    /** The predictions a canary may give; empty: any. */
    readonly allowedPredictions: readonly (number | string | boolean)[];
}

/** The share of compared rows that agree, to four places (undefined: no rows compared). */
export function agreementOf(compared: AnswerComparison): number | undefined {
    return compared.rows > 0 ? Math.round((compared.agreeingRows / compared.rows) * 10_000) / 10_000 : undefined;
}

export function compareAnswers(pairs: readonly AnswerPair[], rules: ComparisonRules): AnswerComparison {
    let requests = 0;
    let rows = 0;
    let agreeingRows = 0;
    let canaryRows = 0;
    let canaryRequests = 0;
    let canaryOutsideAllowed = 0;
    for (const pair of pairs) {
        const canary = pair.canary === undefined ? undefined : predictionsOf(pair.canary);
        const baseline = pair.baseline === undefined ? undefined : predictionsOf(pair.baseline);
        if (canary) {
            canaryRequests++;
            canaryRows += canary.length;
            if (rules.allowedPredictions.length > 0) canaryOutsideAllowed += canary.filter((p) => !rules.allowedPredictions.some((a) => a === p)).length;
        }
        if (!canary || !baseline || canary.length !== baseline.length) continue;
        requests++;
        rows += canary.length;
        agreeingRows += canary.filter((p, i) => agree(p, baseline[i], rules.tolerance)).length;
    }
    return { requests, rows, agreeingRows, canaryRows, canaryOutsideAllowed, canaryRequests };
}

/** Numbers agree within the tolerance; anything else (labels) only when equal. */
function agree(canary: unknown, baseline: unknown, tolerance: number | undefined): boolean {
    if (tolerance !== undefined && typeof canary === "number" && typeof baseline === "number") return Math.abs(canary - baseline) <= tolerance;
    return canary === baseline;
}
