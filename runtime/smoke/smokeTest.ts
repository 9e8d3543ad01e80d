import { Clock, systemClock } from "../http/clock";
import { invokeScoring } from "../scoring/invokeScoring";
import { LoadCheckOptions, LoadReport, runLoadCheck } from "../scoring/loadCheck";
import { predictionProblems, predictionsOf } from "../scoring/predictionChecks";
import { ScoringCredential } from "../scoring/scoringCredential";
import { ScoringRequest } from "../scoring/scoringRequest";

export interface SmokeTestSpec {
    readonly scoringUri: string;
    /** What is sent (the file's text, byte for byte) and how many rows it holds. */
    readonly request: Pick<ScoringRequest, "text" | "rows">;
    readonly credential: ScoringCredential;
    /** Deployments probed directly with `azureml-model-deployment`, whatever their traffic. */
    readonly deployments: readonly string[];
    /** Also score once through the endpoint's own traffic routing. */
    readonly throughRouting: boolean;
    readonly allowedPredictions?: readonly (number | string | boolean)[];
    /** Milliseconds one successful scoring call may take. */
    readonly latencyBudgetMs: number;
    /** The whole run, retries and load check included, ends within this. */
    readonly timeoutMs: number;
    readonly load?: LoadCheckOptions;
    /** First retry delay for transient answers without Retry-After (default 1 s). */
    readonly retryBaseMs?: number;
    readonly clock?: Clock;
}

export interface CheckReport {
    /** "deployment blue" or "traffic routing". */
    readonly name: string;
    readonly deployment?: string;
    readonly passed: boolean;
    readonly status?: number;
    readonly latencyMs: number;
    readonly attempts: number;
    readonly predictions?: unknown[];
    readonly problems: string[];
}

export interface SmokeReport {
    readonly scoringUri: string;
    readonly credentialSource: string;
    readonly passed: boolean;
    readonly checks: CheckReport[];
    readonly load?: LoadReport;
    readonly durationMs: number;
}

/**
 * Scores the request against each deployment directly (how a deployment at 0% traffic is proven
 * before it gets any), then once through traffic routing, then an optional load check; every
 * answer is asserted on. One deadline bounds it all.
 */
export async function runSmokeTest(spec: SmokeTestSpec): Promise<SmokeReport> {
    const clock = spec.clock ?? systemClock;
    const started = clock.now();
    const deadline = started + spec.timeoutMs;
    const expectations = { rows: spec.request.rows, allowedPredictions: spec.allowedPredictions, latencyBudgetMs: spec.latencyBudgetMs };
    const targets = [
        ...spec.deployments.map((deployment) => ({ name: `deployment ${deployment}`, deployment })),
        ...(spec.throughRouting ? [{ name: "traffic routing", deployment: undefined }] : []),
    ];

    const checks: CheckReport[] = [];
    for (const target of targets) {
        const answer = await invokeScoring({
            scoringUri: spec.scoringUri,
            body: spec.request.text,
            credential: spec.credential,
            deployment: target.deployment,
            deadline,
            retryBaseMs: spec.retryBaseMs,
            clock,
        });
        const problems = predictionProblems(answer, expectations);
        checks.push({
            name: target.name,
            deployment: target.deployment,
            passed: problems.length === 0,
            status: answer.status,
            latencyMs: answer.latencyMs,
            attempts: answer.attempts,
            predictions: answer.status === 200 ? predictionsOf(answer.json) : undefined,
            problems,
        });
    }

    const load =
        spec.load && checks.every((c) => c.passed)
            ? await runLoadCheck(
                  { scoringUri: spec.scoringUri, body: spec.request.text, credential: spec.credential, deadline, clock },
                  spec.load,
                  (answer) => predictionProblems(answer, { ...expectations, latencyBudgetMs: Number.POSITIVE_INFINITY }),
              )
            : undefined;

    return {
        scoringUri: spec.scoringUri,
        credentialSource: spec.credential.source,
        passed: checks.every((c) => c.passed) && (load?.passed ?? true),
        checks,
        load,
        durationMs: clock.now() - started,
    };
}
