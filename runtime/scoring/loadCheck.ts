import { Clock, systemClock } from "../http/clock";
import { ScoringAnswer, invokeScoring } from "./invokeScoring";
import { ScoringCredential } from "./scoringCredential";

export interface LoadCheckOptions {
    readonly requests: number;
    readonly concurrency: number;
    /** The check fails when the 95th percentile latency exceeds this. */
    readonly maxP95Ms: number;
    /** The check fails when more than this fraction of requests fail (0-1). */
    readonly maxErrorRate: number;
}

export interface LoadReport {
    readonly requests: number;
    readonly concurrency: number;
    readonly failures: number;
    readonly errorRate: number;
    readonly p50Ms: number;
    readonly p95Ms: number;
    readonly passed: boolean;
    readonly problems: string[];
}

/** Nearest-rank percentile of a sample (0 for an empty one). */
export function percentile(sortedMs: readonly number[], p: number): number {
    if (sortedMs.length === 0) return 0;
    const rank = Math.ceil((p / 100) * sortedMs.length);
    return sortedMs[Math.min(sortedMs.length, Math.max(1, rank)) - 1];
}

/**
 * A short, bounded load check through the endpoint's traffic routing: `requests` single attempts
 * (no retries: a failure counts) at most `concurrency` at a time, all within the deadline.
 */
export async function runLoadCheck(
    target: { scoringUri: string; body: unknown; credential: ScoringCredential; deadline: number; clock?: Clock },
    options: LoadCheckOptions,
    /** What is wrong with an answer (empty: a good one). */
    problemsOf: (answer: ScoringAnswer) => readonly string[],
): Promise<LoadReport> {
    const clock = target.clock ?? systemClock;
    const latencies: number[] = [];
    let failures = 0;
    let firstProblem: string | undefined;
    let next = 0;
    const worker = async () => {
        while (next < options.requests && clock.now() < target.deadline) {
            next++;
            const answer = await invokeScoring({ ...target, retry: false, clock });
            latencies.push(answer.latencyMs);
            const problems = problemsOf(answer);
            if (problems.length > 0) {
                failures++;
                firstProblem ??= problems[0];
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, worker));
    const sent = latencies.length;
    failures += options.requests - sent; // requests the deadline cut off count as failures
    const sorted = [...latencies].sort((a, b) => a - b);
    const errorRate = options.requests === 0 ? 0 : failures / options.requests;
    const p50Ms = percentile(sorted, 50);
    const p95Ms = percentile(sorted, 95);
    const problems: string[] = [];
    if (errorRate > options.maxErrorRate) {
        const first = firstProblem ? ` (first: ${firstProblem})` : "";
        problems.push(`error rate ${(errorRate * 100).toFixed(1)}% over the allowed ${(options.maxErrorRate * 100).toFixed(1)}%${first}`);
    }
    if (p95Ms > options.maxP95Ms) problems.push(`p95 latency ${p95Ms} ms over the allowed ${options.maxP95Ms} ms`);
    return { requests: options.requests, concurrency: options.concurrency, failures, errorRate, p50Ms, p95Ms, passed: problems.length === 0, problems };
}
