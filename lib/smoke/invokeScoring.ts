import axios from "axios";
import { Clock, systemClock } from "../http/clock";
import { backoffMs, retryAfterMs } from "../http/retryAfter";
import { ScoringCredential } from "./scoringCredential";

export interface InvokeOptions {
    readonly scoringUri: string;
    readonly body: unknown;
    readonly credential: ScoringCredential;
    /** Sent as `azureml-model-deployment`: bypasses traffic rules to reach this deployment. */
    readonly deployment?: string;
    /** Absolute time (clock ms) by which everything, retries included, must be over. */
    readonly deadline: number;
    /** One attempt gives up after this long. Default 30 s. */
    readonly attemptTimeoutMs?: number;
    /** Whether to retry transient answers (408, 424, 429, 5xx) until the deadline. Default true. */
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

/** 408: the model timed out. 424: the model container failed (also while it warms up). 429: busy. */
const transientStatuses = [408, 424, 429, 500, 502, 503, 504];

/**
 * POSTs a scoring request as Azure's managed online endpoints expect it, riding out transient
 * answers (honouring Retry-After) within the deadline and stopping at once on a final one
 * (400, 401, 403, 404).
 */
export async function invokeScoring(options: InvokeOptions): Promise<ScoringAnswer> {
    const clock = options.clock ?? systemClock;
    const retry = options.retry ?? true;
    let last: Attempt = { text: "", latencyMs: 0, attempts: 0, failure: "no attempt made" };
    for (let attempt = 1; ; attempt++) {
        const remaining = options.deadline - clock.now();
        if (remaining <= 0) {
            return { ...stripRetry(last), failure: last.failure ?? `gave up: the deadline passed after ${attempt - 1} attempts` };
        }
        last = await attemptOnce(options, Math.min(options.attemptTimeoutMs ?? 30_000, remaining), attempt, clock);
        const transient = !last.final && (last.status === undefined || transientStatuses.includes(last.status));
        if (!retry || !transient) return stripRetry(last);
        const delay = last.retryAfterMs ?? backoffMs(attempt, options.retryBaseMs ?? 1000, 15_000);
        if (clock.now() + delay >= options.deadline) {
            return { ...stripRetry(last), failure: last.failure ?? `gave up after ${attempt} attempts: the deadline would pass while waiting to retry` };
        }
        await clock.sleep(delay);
    }
}

/** An attempt as the retry loop sees it: Retry-After, and whether retrying could help at all. */
type Attempt = ScoringAnswer & { retryAfterMs?: number; final?: boolean };

function stripRetry(attempt: Attempt): ScoringAnswer {
    const { retryAfterMs: _delay, final: _final, ...answer } = attempt;
    return answer;
}

async function attemptOnce(options: InvokeOptions, timeoutMs: number, attempt: number, clock: Clock): Promise<Attempt> {
    const started = Date.now();
    let bearer: string;
    try {
        bearer = await options.credential.bearer();
    } catch (err) {
        const reason = (err as Error).message.split("\n")[0];
        return { text: "", latencyMs: 0, attempts: attempt, final: true, failure: `could not get a credential (${options.credential.source}): ${reason}` };
    }
    const headers: Record<string, string> = { "Content-Type": "application/json", Authorization: `Bearer ${bearer}` };
    if (options.deployment) headers["azureml-model-deployment"] = options.deployment;
    try {
        const response = await axios.post(options.scoringUri, options.body, {
            headers,
            timeout: timeoutMs,
            signal: AbortSignal.timeout(timeoutMs),
            validateStatus: () => true,
            responseType: "text",
            transformResponse: (data: unknown) => data,
            maxRedirects: 0,
        });
        const text = typeof response.data === "string" ? response.data : String(response.data ?? "");
        return {
            status: response.status,
            json: parseJson(text),
            text: text.slice(0, 500),
            reason: modelErrorReason(response.headers as Record<string, unknown>),
            latencyMs: Date.now() - started,
            attempts: attempt,
            retryAfterMs: retryAfterMs(response.headers["retry-after"], clock.now()),
        };
    } catch (err) {
        const message = (err as Error).message;
        const code = (err as { code?: string }).code;
        const hung = code === "ERR_CANCELED" || code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout|aborted/i.test(message);
        return {
            text: "",
            latencyMs: Date.now() - started,
            attempts: attempt,
            failure: hung ? `no answer within ${timeoutMs} ms` : `request failed: ${message}`,
        };
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
