import { z } from "zod";

/** Building blocks of the stack configuration's schema (schema.ts), shared by both serving targets. */

export const wholeNumber = (min: number, max?: number) => {
    const allowed = max === undefined ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    const base = z.int({ error: `must be ${allowed}` }).min(min, { error: `must be ${allowed}` });
    return max === undefined ? base : base.max(max, { error: `must be ${allowed}` });
};

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: `must be one of ${values.map((v) => `"${v}"`).join(", ")}` });

export const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

export const flag = z.boolean({ error: "must be true or false" });

export const tags = z.record(z.string(), z.string({ error: "tag values must be strings" }), {
    error: "must be a map of tag names to string values",
});

export const weightMap = z.record(z.string(), z.number({ error: "weights must be numbers" }), {
    error: "must be a map of deployment name to percentage",
});

export const fraction = z
    .number({ error: "must be a fraction from 0 to 1" })
    .min(0, { error: "must be a fraction from 0 to 1" })
    .max(1, { error: "must be a fraction from 0 to 1" });

/**
 * Progressive rollout: when an update raises a deployment's live weight, traffic moves there in
 * steps, each watched for `stepSeconds` and judged by the gates on the endpoint's own metrics;
 * a failed gate puts the weights back as they were before the update, and the update fails.
 */
export const rolloutSchema = z.strictObject({
    enabled: flag.default(true),
    /** Live-traffic percentages for the growing deployment before its declared weight, ascending. */
    steps: z.array(wholeNumber(1, 99), { error: "must be a list of percentages" }).default([10, 50]),
    /** Seconds each step is watched before its gates are judged (Azure's metrics have a 1-minute grain). */
    stepSeconds: wholeNumber(5, 3600).default(120),
    /** Percent of live traffic mirrored to the new deployment, watched for one window, before it gets any live traffic. */
    mirrorPercent: wholeNumber(1, 50).optional(),
    /** Largest share of the new deployment's requests that may fail (5xx, or 424: the model failed). */
    maxErrorRate: fraction.default(0.01),
    /** Largest p95 latency of the new deployment, in ms. */
    maxP95LatencyMs: wholeNumber(1).optional(),
    /** Largest ratio of the new deployment's p95 latency to the old one's. */
    maxLatencyRatio: z.number({ error: "must be a number >= 1" }).min(1, { error: "must be a number >= 1" }).optional(),
    /** Requests of the new deployment a window needs to be judged; fewer: the window is inconclusive. */
    minRequests: wholeNumber(1).default(20),
    /** Synthetic load (the smoke test's request, sent to the new and the old deployment) at this many requests a second per deployment; absent: none. */
    loadRequestsPerSecond: wholeNumber(1, 50).optional(),
    /** What an inconclusive window does: "fail" counts it as failed; "hold" watches the step again (at most inconclusiveLimit times). */
    onInconclusive: oneOf(["fail", "hold"]).default("fail"),
    inconclusiveLimit: wholeNumber(1, 20).default(3),
    /** Failed windows tolerated in one rollout before it rolls back. */
    failureLimit: wholeNumber(0, 10).default(0),
    /**
     * Seconds Azure Monitor may take to make a window's requests readable (a few minutes on Azure):
     * a window with too few requests at its end is read again until it has enough or this passes.
     */
    metricsDelaySeconds: wholeNumber(0, 900).default(180),
    /**
     * Gates on the new deployment's answers themselves, which the metrics cannot see (a wrong answer
     * is a 200): the synthetic load's requests go to both deployments, and their answers are compared.
     */
    predictions: z
        .strictObject({
            /** Share of rows where the new deployment agrees with the old: labels equal, or numbers within `tolerance`. */
            agreement: z
                .strictObject({
                    min: fraction,
                    tolerance: z.number({ error: "must be a number >= 0" }).min(0, { error: "must be a number >= 0" }).optional(),
                    minRequests: wholeNumber(1).default(10),
                })
                .optional(),
            /** Every prediction of the new deployment within smokeTest.allowedPredictions. */
            allowed: z.strictObject({ minRequests: wholeNumber(1).default(10) }).optional(),
        })
        .optional(),
});

