import { Clock, systemClock } from "../http/clock";
import { invokeScoring } from "../scoring/invokeScoring";
import { LoadCheckOptions, LoadReport, runLoadCheck } from "../scoring/loadCheck";
import { predictionProblems, predictionsOf } from "../scoring/predictionChecks";
import { ScoringCredential } from "../scoring/scoringCredential";
import { ScoringRequest } from "../scoring/scoringRequest";
import { agreementOf, compareAnswers } from "../rollout/answerComparison";

export interface SmokeTestSpec {
    readonly scoringUri: string;
    /** What is sent (the file's text, byte for byte) and how many rows it holds. */
    readonly request: Pick<ScoringRequest, "text" | "rows">;
    readonly credential: ScoringCredential;
    /** Deployments probed directly with `azureml-model-deployment`, whatever their traffic. */
    readonly deployments: readonly string[];
    /** Where a deployment is called directly, when the platform pins by path (see invokeScoring). */
    readonly deploymentUrl?: (deployment: string) => string;
    /** What a directly scored target is called in reports: "deployment" (Azure ML, the default) or "served entity" (Databricks). */
    readonly targetLabel?: string;
    /** Also score once through the endpoint's own traffic routing. */
    readonly throughRouting: boolean;
    readonly allowedPredictions?: readonly (number | string | boolean)[];
    /** Milliseconds one successful scoring call may take. */
    readonly latencyBudgetMs: number;
    /** The whole run, retries and load check included, ends within this. */
    readonly timeoutMs: number;
    readonly load?: LoadCheckOptions;
    /**
     * Compare each deployment's answers with `baseline`'s on the same request (the pre-traffic
     * probe, with the rollout's agreement gate): judged once `minRequests` requests were compared.
     */
    readonly compareWith?: AgreementGate & { readonly baseline: string };
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

export interface AgreementGate {
    readonly min: number;
    readonly tolerance?: number;
    readonly minRequests: number;
}

/** One deployment's answers compared with the baseline's on the same request. */
export interface AgreementReport {
    readonly deployment: string;
    readonly baseline: string;
    /** Share of rows that agree (undefined: no comparable answers). */
    readonly agreement?: number;
    readonly rows: number;
    readonly requests: number;
    /** Enough requests were compared for a verdict. */
    readonly judged: boolean;
    readonly passed: boolean;
    readonly gate: AgreementGate;
}

export interface SmokeReport {
    readonly scoringUri: string;
    readonly credentialSource: string;
    readonly passed: boolean;
    readonly checks: CheckReport[];
    readonly load?: LoadReport;
    readonly agreements?: AgreementReport[];
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
        ...spec.deployments.map((deployment) => ({ name: `${spec.targetLabel ?? "deployment"} ${deployment}`, deployment })),
        ...(spec.throughRouting ? [{ name: "traffic routing", deployment: undefined }] : []),
    ];

    const checks: CheckReport[] = [];
    for (const target of targets) {
        const answer = await invokeScoring({
            scoringUri: spec.scoringUri,
            body: spec.request.text,
            credential: spec.credential,
            deployment: target.deployment,
            deploymentUrl: spec.deploymentUrl,
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

    const agreements = spec.compareWith ? compareWithBaseline(checks, spec.compareWith) : undefined;
    return {
        scoringUri: spec.scoringUri,
        credentialSource: spec.credential.source,
        passed: checks.every((c) => c.passed) && (load?.passed ?? true) && (agreements ?? []).every((a) => a.passed),
        checks,
        load,
        ...(agreements && { agreements }),
        durationMs: clock.now() - started,
    };
}

/** Each deployment's answers against the baseline's: the rollout's agreement gate, before any traffic. */
function compareWithBaseline(checks: readonly CheckReport[], gate: AgreementGate & { readonly baseline: string }): AgreementReport[] {
    const baseline = checks.find((c) => c.deployment === gate.baseline);
    if (!baseline) return [];
    return checks
        .filter((c) => c.deployment !== undefined && c.deployment !== gate.baseline)
        .map((c) => {
            const compared = compareAnswers([{ canary: c.predictions, baseline: baseline.predictions }], { tolerance: gate.tolerance, allowedPredictions: [] });
            const agreement = agreementOf(compared);
            const judged = compared.requests >= gate.minRequests;
            return {
                deployment: c.deployment!,
                baseline: gate.baseline,
                agreement,
                rows: compared.rows,
                requests: compared.requests,
                judged,
                passed: !judged || (agreement ?? 0) >= gate.min,
                gate: { min: gate.min, tolerance: gate.tolerance, minRequests: gate.minRequests },
            };
        });
}
