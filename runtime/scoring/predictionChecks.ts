import { ScoringAnswer } from "./invokeScoring";

export interface PredictionExpectations {
    /** Rows sent: exactly one prediction each must come back. */
    readonly rows: number;
    /** Allowed prediction values (e.g. [0, 1]); empty or absent: any value. */
    readonly allowedPredictions?: readonly (number | string | boolean)[];
    /** Milliseconds the successful attempt may take. */
    readonly latencyBudgetMs: number;
}

/**
 * What is wrong with an answer, judged as the no-code MLflow contract promises it: HTTP 200, a
 * JSON array (a bare array on Azure; `{"predictions": [...]}` from `mlflow models serve` is
 * accepted too), one prediction per row, each one allowed, within the latency budget.
 */
export function predictionProblems(answer: ScoringAnswer, expected: PredictionExpectations): string[] {
    if (answer.status === undefined) return [answer.failure ?? "no answer"];
    if (answer.status !== 200) {
        const reason = answer.reason ? ` (${answer.reason})` : "";
        const body = answer.text ? `: ${answer.text.slice(0, 200)}` : "";
        return [`HTTP ${answer.status}${reason}${body}`];
    }
    const predictions = predictionsOf(answer.json);
    if (predictions === undefined) {
        const shown = answer.json === undefined ? `not JSON: ${answer.text.slice(0, 120)}` : `JSON ${describe(answer.json)}`;
        return [`expected a JSON array of predictions, got ${shown}`];
    }
    const problems: string[] = [];
    if (predictions.length !== expected.rows) {
        problems.push(`expected ${expected.rows} predictions (one per row), got ${predictions.length}`);
    }
    const allowed = expected.allowedPredictions ?? [];
    if (allowed.length > 0) {
        const bad = predictions
            .map((p, i) => [i, p] as const)
            .filter(([, p]) => !allowed.some((a) => a === p));
        if (bad.length > 0) {
            const shown = bad.slice(0, 5).map(([i, p]) => `row ${i}: ${JSON.stringify(p)}`).join(", ");
            problems.push(`predictions outside the allowed set ${JSON.stringify(allowed)}: ${shown}`);
        }
    }
    if (answer.latencyMs > expected.latencyBudgetMs) {
        problems.push(`took ${answer.latencyMs} ms, over the ${expected.latencyBudgetMs} ms budget`);
    }
    return problems;
}

export function predictionsOf(json: unknown): unknown[] | undefined {
    if (Array.isArray(json)) return json;
    if (typeof json === "object" && json !== null && Array.isArray((json as Record<string, unknown>).predictions)) {
        return (json as { predictions: unknown[] }).predictions;
    }
    return undefined;
}

function describe(json: unknown): string {
    const text = JSON.stringify(json);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
