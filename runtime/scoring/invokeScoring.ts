import { Clock, systemClock } from "../http/clock";
import { RequestOutcome, retryingRequest } from "../http/retryingRequest";
import { ScoringCredential } from "./scoringCredential";
import { scoringRetryPolicy } from "./scoringRetries";

export interface InvokeOptions {
    readonly scoringUri: string;
    /** The request body: a JSON text is sent as it is; anything else is serialised to JSON. */
    readonly body: unknown;
    readonly credential: ScoringCredential;
    /** Sent as `azureml-model-deployment`: bypasses traffic rules to reach this deployment. */
    readonly deployment?: string;
    /**
     * Where a call pinned to one deployment goes, when the platform pins by path rather than by
     * header (Databricks: `/serving-endpoints/{ep}/served-models/{entity}/invocations`).
     */
    readonly deploymentUrl?: (deployment: string) => string;
    /** Absolute time (clock ms) by which everything, retries included, must be over. */
    readonly deadline: number;
    /** One attempt gives up after this long. Default 30 s. */
    readonly attemptTimeoutMs?: number;
    /** Whether to retry transient answers (see scoringRetries.ts) within the deadline. Default true. */
    readonly retry?: boolean;
    /** First retry delay when the endpoint sends no Retry-After; doubles up to 15 s. Default 1 s. */
    readonly retryBaseMs?: number;
    readonly clock?: Clock;
}

/** The last answer the endpoint gave (or that none came). Credentials never appear here. */
export interface ScoringAnswer {
    /** HTTP status of the last attempt; undefined when no answer came. */
    readonly status?: number;
    /** Parsed JSON, or undefined when the answer was not JSON. */
    readonly json?: unknown;
    /** The answer's text, cut to 500 characters, for reports. */
    readonly text: string;
    /** Azure's diagnosis of a model failure, from its response headers. */
    readonly reason?: string;
    /** Milliseconds of the last attempt. */
    readonly latencyMs: number;
    readonly attempts: number;
    /** Why no usable answer came: a hang, a refused connection, the deadline. */
    readonly failure?: string;
}

/**
 * 424 means the model container failed. Right after a deployment (re)starts it is also what a
 * container still warming up answers, so it is retried for this long; after that it is a broken
 * model, and waiting out the whole deadline would only delay the verdict.
 */
export const modelWarmUpMs = 120_000;

/**
 * POSTs a scoring request as Azure's managed online endpoints expect it, riding out transient
 * answers (honouring Retry-After) within the deadline and stopping at once on a final one
 * (400, 401, 403, 404, a second 408, a 424 whose model status is 4xx).
 */
export async function invokeScoring(options: InvokeOptions): Promise<ScoringAnswer> {
    const clock = options.clock ?? systemClock;
    const warmUpEnds = clock.now() + modelWarmUpMs;
    let outcome: RequestOutcome;
    try {
        outcome = await retryingRequest({
            method: "POST",
            url: options.deployment && options.deploymentUrl ? options.deploymentUrl(options.deployment) : options.scoringUri,
            // A Buffer goes out byte for byte; axios would trim a string body it sees as JSON.
            data: typeof options.body === "string" ? Buffer.from(options.body, "utf8") : options.body,
            headers: async () => ({
                "Content-Type": "application/json",
                Authorization: `Bearer ${await bearer(options.credential)}`,
                ...(options.deployment && !options.deploymentUrl ? { "azureml-model-deployment": options.deployment } : {}),
            }),
            deadline: options.deadline,
            attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
            retryable: scoringRetryPolicy(() => clock.now(), warmUpEnds),
            maxAttempts: options.retry === false ? 1 : undefined,
            backoffBaseMs: options.retryBaseMs ?? 1000,
            maxBackoffMs: 15_000,
            asText: true,
            clock,
        });
    } catch (err) {
        return { text: "", latencyMs: 0, attempts: 1, failure: (err as Error).message };
    }
    const response = outcome.kind === "answer" ? outcome.response : outcome.lastResponse;
    if (!response) return { text: "", latencyMs: outcome.latencyMs, attempts: outcome.attempts, failure: outcome.kind === "gaveUp" ? outcome.lastProblem : undefined };
    const text = typeof response.data === "string" ? response.data : String(response.data ?? "");
    return {
        status: response.status,
        json: parseJson(text),
        text: text.slice(0, 500),
        reason: modelErrorReason(response.headers as Record<string, unknown>),
        latencyMs: outcome.latencyMs,
        attempts: outcome.attempts,
    };
}

async function bearer(credential: ScoringCredential): Promise<string> {
    try {
        return await credential.bearer();
    } catch (err) {
        throw new Error(`could not get a credential (${credential.source}): ${(err as Error).message.split("\n")[0]}`);
    }
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** Azure's headers that explain a failed model call (424s, probes), joined for a report. */
function modelErrorReason(headers: Record<string, unknown>): string | undefined {
    const parts = [
        ["ms-azureml-model-error-statuscode", "model status"],
        ["ms-azureml-model-error-reason", "model error"],
        ["azureml-model-deployment", "deployment"],
        ["x-request-id", "request id"],
    ]
        .filter(([header]) => typeof headers[header] === "string" && headers[header] !== "")
        .map(([header, label]) => `${label}: ${headers[header]}`);
    return parts.length > 0 ? parts.join(", ") : undefined;
}
