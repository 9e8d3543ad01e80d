/**
 * Which answers of a managed online endpoint are worth another attempt, as Azure documents them
 * (troubleshoot-online-endpoints, "HTTP status codes"):
 * - 429 (too many requests in flight, or a rate limit) and 5xx (the platform; 503 while scaling):
 *   transient, retried while time remains;
 * - 408: the model ran longer than `request_timeout_ms`. It usually repeats, so one retry at most:
 *   retrying until the deadline would hold `pulumi up` for the whole smoke timeout before failing;
 * - 424: the model container failed. With `ms-azureml-model-error-statuscode` 4xx it is the model
 *   refusing the input (a schema mismatch): final at once. Otherwise (5xx, or no status) it is
 *   also what a container still warming up answers: retried until the warm-up window ends;
 * - everything else (400, 401, 403, 404, ...) is final.
 */
export const transientStatuses: readonly number[] = [429, 500, 502, 503, 504];
export const maxTimeoutRetries = 1;

/** A retry decision per answer; it counts 408s, so make one per scoring call. */
export function scoringRetryPolicy(now: () => number, warmUpEnds: number): (status: number, headers: Record<string, unknown>) => boolean {
    let timeouts = 0;
    return (status, headers) => {
        if (status === 408) return ++timeouts <= maxTimeoutRetries;
        if (status === 424) {
            const modelStatus = Number(headers["ms-azureml-model-error-statuscode"]);
            if (modelStatus >= 400 && modelStatus < 500) return false;
            return now() < warmUpEnds;
        }
        return transientStatuses.includes(status);
    };
}
