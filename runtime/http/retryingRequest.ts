import axios, { AxiosResponse, Method } from "axios";
import { Clock } from "./clock";
import { backoffMs, retryAfterMs } from "./retryAfter";

export interface RetryingRequest {
    readonly method: Method;
    readonly url: string;
    readonly data?: unknown;
    /** Headers for each attempt (a fresh bearer token, say). May throw: that ends the request. */
    readonly headers: () => Promise<Record<string, string>>;
    /** Absolute time (clock ms) after which no attempt starts and no wait is begun. */
    readonly deadline: number;
    /** One attempt gives up after this long: a hung server counts as no answer. */
    readonly attemptTimeoutMs: number;
    /** Whether an answer with this status (and these headers and body) is worth another attempt. */
    readonly retryable: (status: number, headers: Record<string, unknown>, body: unknown) => boolean;
    /**
     * Whether no answer at all (a timeout, a refused connection) is worth another attempt. Default
     * true; false for requests that must not be repeated blindly (the server may have acted).
     */
    readonly retryNoAnswer?: boolean;
    /** First wait when the server sends no Retry-After; doubles up to `maxBackoffMs`. */
    readonly backoffBaseMs: number;
    readonly maxBackoffMs: number;
    /** At most this many attempts (default: as many as the deadline allows). */
    readonly maxAttempts?: number;
    /** Read the body as text rather than JSON (to report non-JSON answers as they came). */
    readonly asText?: boolean;
    readonly clock: Clock;
}

export type RequestOutcome =
    /** A final answer: a success, or a status not worth retrying. */
    | { readonly kind: "answer"; readonly response: AxiosResponse; readonly attempts: number; readonly latencyMs: number }
    /** The deadline came first: the last answer (a retryable one) or why none came. */
    | {
          readonly kind: "gaveUp";
          readonly lastResponse?: AxiosResponse;
          readonly lastProblem: string;
          readonly attempts: number;
          readonly latencyMs: number;
      };

/**
 * One HTTP request, retried the way Azure asks (Retry-After honoured, else exponential backoff)
 * until a final answer or the deadline. The one retry loop behind every call the platform makes
 * itself: Resource Manager, scoring URIs, batch jobs.
 */
export async function retryingRequest(request: RetryingRequest): Promise<RequestOutcome> {
    const { clock } = request;
    let lastResponse: AxiosResponse | undefined;
    let lastProblem = "no attempt made: the deadline had passed";
    let latencyMs = 0;
    for (let attempt = 1; ; attempt++) {
        const remaining = request.deadline - clock.now();
        if (remaining <= 0) return { kind: "gaveUp", lastResponse, lastProblem, attempts: attempt - 1, latencyMs };
        const headers = await request.headers();
        const timeout = Math.min(request.attemptTimeoutMs, remaining);
        const started = Date.now();
        let response: AxiosResponse | undefined;
        try {
            response = await axios.request({
                method: request.method,
                url: request.url,
                data: request.data,
                headers,
                timeout,
                signal: AbortSignal.timeout(timeout),
                validateStatus: () => true,
                maxRedirects: 0,
                ...(request.asText ? { responseType: "text" as const, transformResponse: (data: unknown) => data } : {}),
            });
        } catch (err) {
            lastProblem = describeFailure(err, timeout);
            lastResponse = undefined;
        }
        latencyMs = Date.now() - started;
        if (response && !request.retryable(response.status, response.headers as Record<string, unknown>, response.data)) {
            return { kind: "answer", response, attempts: attempt, latencyMs };
        }
        if (!response && request.retryNoAnswer === false) {
            return { kind: "gaveUp", lastProblem, attempts: attempt, latencyMs };
        }
        if (response) {
            lastResponse = response;
            lastProblem = `HTTP ${response.status}`;
        }
        const delay =
            (response && retryAfterMs(response.headers["retry-after"], clock.now())) ??
            backoffMs(attempt, request.backoffBaseMs, request.maxBackoffMs);
        const outOfTime = clock.now() + delay > request.deadline;
        if (outOfTime || attempt >= (request.maxAttempts ?? Number.POSITIVE_INFINITY)) {
            return { kind: "gaveUp", lastResponse, lastProblem, attempts: attempt, latencyMs };
        }
        await clock.sleep(delay);
    }
}

function describeFailure(err: unknown, timeoutMs: number): string {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message;
    const hung = code === "ERR_CANCELED" || code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout|aborted/i.test(message);
    return hung ? `no answer within ${timeoutMs} ms` : `request failed: ${message}`;
}
