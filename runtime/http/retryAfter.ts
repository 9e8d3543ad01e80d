/**
 * Milliseconds a `Retry-After` header asks for: either delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Undefined when the header is absent or unreadable.
 */
export function retryAfterMs(header: unknown, now: number): number | undefined {
    if (typeof header !== "string" || header.trim() === "") return undefined;
    const value = header.trim();
    if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with a cap, for retries the server gave no delay for. */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
    return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
