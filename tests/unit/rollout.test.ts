import { planRollout } from "../../runtime/rollout/rolloutPlan";
import { judgeWindow } from "../../runtime/rollout/rolloutGates";
import { formatRolloutReport, runRollout } from "../../runtime/rollout/rolloutRunner";
import { compareAnswers } from "../../runtime/rollout/answerComparison";
import { metricsAnswer } from "../../emulator/monitor/metricsApi";

const weights = (traffic: Record<string, number>, mirrorTraffic: Record<string, number> = {}) => ({ traffic, mirrorTraffic });
const labels = (plan: ReturnType<typeof planRollout>) => plan?.stages.map((s) => `${s.label} ${JSON.stringify(s.weights.traffic)} ${JSON.stringify(s.weights.mirrorTraffic)}`);

describe("planRollout", () => {
    it("climbs the steps between the live and the declared weight, the others scaled to the rest", () => {
        const plan = planRollout(weights({ blue: 100 }, { green: 10 }), weights({ blue: 50, green: 50 }), { steps: [10, 25], mirrorPercent: 10 });
        expect(plan).toMatchObject({ canary: "green", baseline: "blue" });
        expect(labels(plan)).toEqual([
            'mirror 10% {"blue":100} {"green":10}',
            'step 10% {"blue":90,"green":10} {}',
            'step 25% {"blue":75,"green":25} {}',
            'declared 50% {"blue":50,"green":50} {}',
        ]);
    });

    it("skips steps at or below the live weight and at or above the declared one; no mirror stage once it has live traffic", () => {
        expect(labels(planRollout(weights({ blue: 80, green: 20 }), weights({ blue: 40, green: 60 }), { steps: [10, 50, 60, 90], mirrorPercent: 10 }))).toEqual([
            'step 50% {"blue":50,"green":50} {}',
            'declared 60% {"blue":40,"green":60} {}',
        ]);
    });

    it("on a new endpoint, starts with the largest deployment alone and rolls out the smallest", () => {
        const plan = planRollout(weights({}), weights({ blue: 90, green: 10 }), { steps: [5] });
        expect(plan?.start.traffic).toEqual({ blue: 100 });
        expect(labels(plan)).toEqual(['step 5% {"blue":95,"green":5} {}', 'declared 10% {"blue":90,"green":10} {}']);
    });

    it("has nothing to roll out when no weight grows, when two grow, or for a first single deployment", () => {
        expect(planRollout(weights({ blue: 50, green: 50 }), weights({ blue: 50, green: 50 }, { green: 10 }), { steps: [10] })).toBeUndefined();
        expect(planRollout(weights({ blue: 100 }), weights({ blue: 50, green: 25, red: 25 }), { steps: [10] })).toBeUndefined();
        expect(planRollout(weights({}), weights({ blue: 100 }), { steps: [10] })).toBeUndefined();
    });
});

describe("judgeWindow", () => {
    const gates = { maxErrorRate: 0.01, maxP95LatencyMs: 500, maxLatencyRatio: 2, minRequests: 10 };
    it("is inconclusive below minRequests, judging nothing else", () => {
        expect(judgeWindow({ requests: 9, serverErrors: 9 }, { requests: 100, serverErrors: 0 }, gates).verdict).toBe("inconclusive");
    });
    it("fails on the error rate, the p95 and the ratio to the baseline, each checked", () => {
        const judged = judgeWindow({ requests: 100, serverErrors: 2, p95Ms: 600 }, { requests: 100, serverErrors: 0, p95Ms: 200 }, gates);
        expect(judged.verdict).toBe("failed");
        expect(judged.checks.map((c) => `${c.gate} ${c.measured} ${c.passed}`)).toEqual([
            "minRequests 100 true",
            "maxErrorRate 0.02 false",
            "maxP95LatencyMs 600 false",
            "maxLatencyRatio 3 false",
        ]);
    });
});

describe("runRollout", () => {
    it("restores the weights before the update after failures beyond failureLimit, and reports each window", async () => {
        let now = 0;
        const applied: unknown[] = [];
        const progress: string[] = [];
        const plan = planRollout(weights({ blue: 100 }), weights({ blue: 50, green: 50 }), { steps: [10] })!;
        const report = await runRollout(
            plan,
            { stepSeconds: 60, onInconclusive: "fail", inconclusiveLimit: 1, failureLimit: 1, maxErrorRate: 0.01, minRequests: 10, metricsDelaySeconds: 0 },
            {
                apply: async (w) => void applied.push(w.traffic),
                measure: async (d) => (d === "green" ? { requests: 50, serverErrors: 5 } : { requests: 50, serverErrors: 0 }),
                progress: (line) => void progress.push(line),
                clock: { now: () => now, sleep: async (ms) => void (now += ms) },
            },
            weights({ blue: 100 }),
        );
        expect(progress).toEqual([
            'rollout of green: step 10%: traffic {"blue":90,"green":10}, watching for 60 s',
            "rollout of green: step 10% window 1 at 60.0 s: failed; minRequests 50 ok (limit 10); maxErrorRate 0.1 FAILED (limit 0.01)",
            "rollout of green: step 10% window 2 at 120.0 s: failed; minRequests 50 ok (limit 10); maxErrorRate 0.1 FAILED (limit 0.01)",
            'rollout of green: rolling back to traffic {"blue":100}',
        ]);
        expect(report.outcome).toBe("rolled back");
        expect(report.windows.map((w) => `${w.stage} ${w.window} ${w.verdict}`)).toEqual(["step 10% 1 failed", "step 10% 2 failed"]);
        expect(applied).toEqual([{ blue: 90, green: 10 }, { blue: 100 }]);
    });
});

describe("runRollout with late metrics (Azure Monitor ingests a window's requests minutes after it ends)", () => {
    const policy = { stepSeconds: 60, onInconclusive: "fail" as const, inconclusiveLimit: 1, failureLimit: 0, maxErrorRate: 0.01, minRequests: 10 };
    /** green's first rollout to 50%, on a deployment whose window's 40 requests become readable 50 s after it ends. */
    const rolloutWithLateMetrics = (metricsDelaySeconds: number) => {
        let now = 0;
        const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
        const measure = async (_deployment: string, _from: Date, to: Date) => ({ requests: clock.now() - to.getTime() >= 50_000 ? 40 : 0, serverErrors: 0 });
        const plan = planRollout(weights({ blue: 100 }), weights({ blue: 50, green: 50 }), { steps: [] })!;
        return runRollout(plan, { ...policy, metricsDelaySeconds }, { apply: async () => undefined, measure, clock }, weights({ blue: 100 }));
    };

    it("reads a thin window again until its requests arrive, and judges it then", async () => {
        const report = await rolloutWithLateMetrics(180);
        expect(report.outcome).toBe("promoted");
        // Read at the end, then every 15 s: the fourth read (60 s late) has them.
        expect(report.windows.map((w) => [w.verdict, w.lateMs])).toEqual([["passed", 60_000]]);
        expect(formatRolloutReport(report)).toContain("(metrics read 60 s after the window)");
    });

    it("calls a window inconclusive once metricsDelaySeconds have passed without enough requests", async () => {
        const report = await rolloutWithLateMetrics(40);
        expect(report.outcome).toBe("rolled back");
        expect(report.windows.map((w) => [w.verdict, w.lateMs])).toEqual([["inconclusive", 40_000]]);
    });
});

describe("the emulator's Azure Monitor metrics", () => {
    const minute = Date.parse("2026-11-23T10:00:00Z");
    const log = [
        { at: minute + 1000, deployment: "green", status: 200, latencyMs: 10 },
        { at: minute + 2000, deployment: "green", status: 500, latencyMs: 30 },
        { at: minute + 3000, deployment: "blue", status: 200, latencyMs: 20 },
        { at: minute + 61_000, deployment: "green", status: 424, latencyMs: 40 },
    ];
    const query = (params: Record<string, string>) => new URLSearchParams({ interval: "PT1M", timespan: "2026-11-23T10:00:30Z/2026-11-23T10:01:30Z", ...params });

    it("counts requests per minute by deployment and status code, in whole-minute buckets overlapping the timespan", () => {
        const answer = metricsAnswer("/ep", query({ metricnames: "RequestsPerMinute", aggregation: "Total", $filter: "deployment eq 'green' and statusCode eq '*'" }), log);
        expect(answer.status).toBe(200);
        const series = (answer.body as any).value[0].timeseries.map((s: any) => `${s.metadatavalues[0].value}: ${s.data.map((d: any) => d.total ?? "-").join(",")}`);
        expect(series.sort()).toEqual(["200: 1,0", "424: 0,1", "500: 1,0"]);
    });

    it("refuses what Azure refuses: an unknown metric, a grain under a minute, a dimension the metric lacks", () => {
        expect(metricsAnswer("/ep", query({ metricnames: "RequestLatencyP95" }), log).status).toBe(400);
        expect(metricsAnswer("/ep", query({ metricnames: "RequestsPerMinute", interval: "PT10S", aggregation: "Total" }), log).status).toBe(400);
        expect(metricsAnswer("/ep", query({ metricnames: "RequestLatency_P95", $filter: "statusCode eq '*'" }), log).status).toBe(400);
    });
});

describe("prediction gates: the canary's answers compared with the baseline's on the same requests", () => {
    const window = (requests: number) => ({ requests, serverErrors: 0, p95Ms: 10 });
    const gates = {
        maxErrorRate: 0.01,
        minRequests: 5,
        predictions: { agreement: { min: 0.5, minRequests: 3 }, allowed: { minRequests: 3 }, allowedPredictions: [0, 1] },
    };
    const agreeing = { canary: [1, 0, 1], baseline: [1, 0, 0] };
    const wrong = { canary: [3, 3, 3], baseline: [1, 0, 0] };

    it("counts agreeing rows (labels equal, or numbers within a tolerance) and canary rows outside the allowed set", () => {
        expect(compareAnswers([agreeing, wrong, { canary: [1, 0, 1] }], { allowedPredictions: [0, 1] })).toEqual({
            requests: 2,
            rows: 6,
            agreeingRows: 2,
            canaryRows: 9,
            canaryOutsideAllowed: 3,
            canaryRequests: 3,
        });
        expect(compareAnswers([{ canary: [1.2, 5], baseline: [1, 4] }], { tolerance: 0.5, allowedPredictions: [] }).agreeingRows).toBe(1);
    });

    it("fail a window on wrong answers even when its metrics are too thin to judge, and report the agreement measured", () => {
        const answers = compareAnswers([wrong, wrong, wrong], { allowedPredictions: [0, 1] });
        const judged = judgeWindow(window(2), window(2), gates, answers);
        expect(judged.verdict).toBe("failed");
        expect(judged.checks).toEqual(
            expect.arrayContaining([
                { gate: "agreement", measured: 0, limit: 0.5, passed: false },
                { gate: "outsideAllowed", measured: 1, limit: 0, passed: false },
            ]),
        );
    });

    it("are inconclusive below their own minRequests, and pass with agreeing, allowed answers", () => {
        expect(judgeWindow(window(10), window(10), gates, compareAnswers([agreeing], { allowedPredictions: [0, 1] })).verdict).toBe("inconclusive");
        expect(judgeWindow(window(10), window(10), gates, compareAnswers([agreeing, agreeing, agreeing], { allowedPredictions: [0, 1] })).verdict).toBe("passed");
        expect(judgeWindow(window(10), window(10), gates, undefined).checks.filter((c) => c.inconclusive).map((c) => c.gate)).toEqual(["agreement", "outsideAllowed"]);
    });
});
