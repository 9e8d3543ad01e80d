import { EngineStack } from "../../tools/engine/engineStack";
import { writeDevStack } from "../support/devStack";
import { engineProject } from "../support/engineProject";

/**
 * Progressive rollout through the real engine against the emulator, judged on the metrics the
 * emulator's Azure Monitor API computes from what its router really served: a healthy model
 * climbs every step to its declared weight; a model that fails on a share of requests is stopped
 * at the first step and the traffic put back; an inconclusive window fails or holds as configured.
 */
jest.setTimeout(900_000);

const project = engineProject("engine-rollout");

const rollout = {
    steps: [10, 25],
    stepSeconds: 5,
    mirrorPercent: 10,
    maxErrorRate: 0.01,
    maxP95LatencyMs: 3000,
    minRequests: 10,
    loadRequestsPerSecond: 5,
};

type Change = (config: Record<string, any>) => void;

const writeDev = (change: Change) =>
    writeDevStack(project.dir(), (config) => {
        config.onlineEndpoint.rollout = rollout;
        change(config);
    });

function devWith(change: Change): Promise<EngineStack> {
    writeDev(change);
    return project.open("dev");
}

/** Where each scenario starts: deployed first unless the scenario before left the stack there. */
const given = (change: Change) => project.given("dev", () => writeDev(change));
const committed: Change = () => undefined;
const fiftyFifty: Change = (c) => {
    c.onlineEndpoint.traffic = { blue: 50, green: 50 };
    c.onlineEndpoint.mirrorTraffic = {};
};

const timeline = () => project.azure().arm.trafficTimeline.filter((m) => /\/onlineEndpoints\//i.test(m.endpoint));
const weightsOf = (deployment: string, from: number) => timeline().slice(from).map((m) => m.traffic[deployment] ?? 0);

it("first up: one live deployment, nothing to roll out", async () => {
    const up = await (await devWith(committed)).up();
    expect(up.outputs.lastRollout.value).toEqual([]);
    expect(timeline().pop()).toMatchObject({ traffic: { blue: 100 }, mirrorTraffic: { green: 10 } });
});

it("a healthy model climbs mirror, 10%, 25% to its declared 50%, each step judged on the endpoint's metrics", async () => {
    await given(committed);
    const before = timeline().length;
    const started = Date.now();
    const up = await (
        await devWith((c) => {
            c.onlineEndpoint.traffic = { blue: 50, green: 50 };
            c.onlineEndpoint.mirrorTraffic = {};
        })
    ).up();
    const seconds = (Date.now() - started) / 1000;
    const report = up.outputs.lastRollout.value as string[];
    process.stdout.write(`healthy rollout (4 stages of ${rollout.stepSeconds} s): up took ${seconds.toFixed(1)} s\n${report.join("\n")}\n`);
    expect(report[0]).toMatch(/^rollout of green \(baseline blue\): promoted/);
    // While the update runs, each stage and window shows in the engine's output as it happens.
    expect(up.stdout).toMatch(/rollout of green: step 10%: traffic \{"blue":90,"green":10\}, watching for 5 s/);
    expect(up.stdout).toMatch(/rollout of green: declared 50% window 1 at [\d.]+ s: passed; minRequests \d+ ok/);
    const headers = report.filter((line) => /window \d+ at/.test(line));
    expect(headers.map((line) => line.trim().split(/\s+/).slice(0, 2).join(" "))).toEqual(["mirror 10%", "step 10%", "step 25%", "declared 50%"]);
    // Each window: its verdict, then its gates on a line of their own (the engine cuts output strings at 150 characters).
    expect(report.slice(1).join("\n").match(/s: passed\n\s+minRequests \d+ ok/g)).toHaveLength(4);
    for (const line of report) expect(line.length).toBeLessThanOrEqual(150);
    // Green's live weight only climbed, through every step.
    const green = weightsOf("green", before).filter((w, i, all) => i === 0 || w !== all[i - 1]);
    expect(green).toEqual([0, 10, 25, 50]);
    expect(timeline().pop()).toMatchObject({ traffic: { blue: 50, green: 50 }, mirrorTraffic: {} });
});

it("a preview right after the rollout shows no changes (the live weights are the declared ones)", async () => {
    await given(fiftyFifty);
    const preview = await (
        await devWith((c) => {
            c.onlineEndpoint.traffic = { blue: 50, green: 50 };
            c.onlineEndpoint.mirrorTraffic = {};
        })
    ).preview({ expectNoChanges: true });
    expect(Object.keys(preview.changeSummary)).toEqual(["same"]);
});

it("a model failing on a share of requests is stopped at the first step, traffic restored, the up fails with the report", async () => {
    await given(fiftyFifty);
    const before = timeline().length;
    const stack = await devWith((c) => {
        c.models.push({ name: "diabetes-classifier", version: 3, path: "tests/fixtures/models/diabetes-flaky", description: "Degrades once warm." });
        c.onlineEndpoint.deployments.push({ ...c.onlineEndpoint.deployments[1], name: "red", model: "diabetes-classifier:3" });
        c.onlineEndpoint.traffic = { blue: 50, red: 50 };
        c.onlineEndpoint.mirrorTraffic = {};
        c.onlineEndpoint.rollout = { ...rollout, mirrorPercent: undefined };
    });
    const failure = (await stack.up().then(
        () => new Error("up succeeded"),
        (err: Error) => err,
    )) as Error;
    expect(failure.message).toMatch(/progressive rollout failed; traffic restored/);
    expect(failure.message).toMatch(/rollout of red \(baseline blue\): ROLLED BACK to traffic \{"blue":50,"green":50\} \(\d+ ms after the failing verdict\)/);
    expect(failure.message).toMatch(/step 10%\s+window 1 at [\d.]+ s: failed\s+minRequests \d+ ok \(limit 10\); maxErrorRate 0\.\d+ FAILED \(limit 0\.01\)/);
    const red = weightsOf("red", before);
    const report = failure.message.slice(failure.message.indexOf("rollout of red")).split("\n").slice(0, 3).join("\n");
    process.stdout.write(`bad model: red's live weights over the update ${JSON.stringify(red)}\n${report}\n`);
    expect(Math.max(...red)).toBe(10);
    expect(timeline().pop()).toMatchObject({ traffic: { blue: 50, green: 50 } });
});

it("an inconclusive window without synthetic load fails the rollout (onInconclusive: fail), traffic restored", async () => {
    await given(fiftyFifty);
    const before = timeline().length;
    const stack = await devWith((c) => {
        c.onlineEndpoint.traffic = { blue: 20, green: 80 };
        c.onlineEndpoint.mirrorTraffic = {};
        // Azure's 1-minute grain lets a window count the minute's earlier requests (the synthetic load
        // of the scenario before): a minRequests above any minute's load keeps the window inconclusive.
        c.onlineEndpoint.rollout = { ...rollout, mirrorPercent: undefined, loadRequestsPerSecond: undefined, minRequests: 5000, metricsDelaySeconds: 0, onInconclusive: "fail" };
    });
    const failure = (await stack.up().then(
        () => new Error("up succeeded"),
        (err: Error) => err,
    )) as Error;
    expect(failure.message).toMatch(/declared 80%\s+window 1 at [\d.]+ s: inconclusive\s+minRequests \d+ FAILED \(limit 5000\)/);
    expect(weightsOf("green", before)).toContain(80);
    expect(timeline().pop()).toMatchObject({ traffic: { blue: 50, green: 50 } });
});

it("with onInconclusive: hold, an inconclusive step is watched again up to inconclusiveLimit before it fails", async () => {
    await given(fiftyFifty);
    const stack = await devWith((c) => {
        c.onlineEndpoint.traffic = { blue: 20, green: 80 };
        c.onlineEndpoint.mirrorTraffic = {};
        c.onlineEndpoint.rollout = { ...rollout, mirrorPercent: undefined, loadRequestsPerSecond: undefined, minRequests: 5000, metricsDelaySeconds: 0, onInconclusive: "hold", inconclusiveLimit: 2 };
    });
    const failure = (await stack.up().then(
        () => new Error("up succeeded"),
        (err: Error) => err,
    )) as Error;
    // The engine prints the report in the diagnostics and again in the summary: each window once.
    // (The report pads the stage's name; the progress lines printed while it ran do not.)
    const windows = [...new Set(failure.message.match(/declared 80% {2,}window \d+ at [\d.]+ s: inconclusive/g) ?? [])];
    expect(failure.message).toMatch(/rollout of green: declared 80% window 3 at [\d.]+ s: inconclusive/);
    expect(windows.map((w) => /window (\d+)/.exec(w)![1])).toEqual(["1", "2", "3"]);
    expect(timeline().pop()).toMatchObject({ traffic: { blue: 50, green: 50 } });
});

describe("a model whose answers go wrong under load (the metrics see nothing: every answer is a 200)", () => {
    const drifting = (c: Record<string, any>) => {
        c.models.push({ name: "diabetes-classifier", version: 4, path: "tests/fixtures/models/diabetes-drifting", description: "Answers wrong once warm." });
        c.onlineEndpoint.deployments.push({ ...c.onlineEndpoint.deployments[1], name: "amber", model: "diabetes-classifier:4" });
        c.onlineEndpoint.traffic = { blue: 50, amber: 50 };
        c.onlineEndpoint.mirrorTraffic = {};
        c.onlineEndpoint.rollout = { ...rollout, mirrorPercent: undefined };
    };
    const lastPassing = { traffic: { blue: 50, green: 50 }, mirrorTraffic: {} };

    it("passes every step's gates, fails the post-deploy smoke test, and traffic goes back to the last passing weights", async () => {
        await given(fiftyFifty);
        const before = timeline().length;
        const failure = (await (await devWith(drifting)).up().then(
            () => new Error("up succeeded"),
            (err: Error) => err,
        )) as Error;
        expect(failure.message).toMatch(/post-deploy smoke test failed; traffic restored to traffic \{"blue":50,"green":50\}, the weights of the last passing run/);
        expect(failure.message).toMatch(/FAIL {2}deployment amber/);
        const amber = weightsOf("amber", before).filter((w, i, all) => i === 0 || w !== all[i - 1]);
        const restoreMs = /the weights of the last passing run, in (\d+) ms/.exec(failure.message)?.[1];
        process.stdout.write(`drifting model: amber's live weights over the update ${JSON.stringify(amber)}; traffic restored in ${restoreMs} ms\n`);
        // It climbed every step (its gates passed), then lost all of it to the smoke test.
        expect(amber).toEqual([10, 25, 50, 0]);
        expect(timeline().pop()).toMatchObject(lastPassing);
    });

    // Follows the failed up above (run the describe block whole).
    it("the next preview shows the traffic to apply again, though the state already holds the declared weights", async () => {
        const preview = await (await devWith(drifting)).preview({ diff: true });
        expect(preview.stdout).toMatch(/~ .*pulumi-nodejs:dynamic\/azureml:OnlineEndpointTraffic/);
        expect(timeline().pop()).toMatchObject(lastPassing);
    });

    it("putting the last passing config back converges, with no change left after", async () => {
        await given(fiftyFifty);
        const stack = await devWith((c) => {
            c.onlineEndpoint.traffic = { blue: 50, green: 50 };
            c.onlineEndpoint.mirrorTraffic = {};
        });
        await stack.up();
        expect(timeline().pop()).toMatchObject(lastPassing);
        const preview = await stack.preview();
        expect(Object.keys(preview.changeSummary)).toEqual(["same"]);
    });
});

it("with Azure Monitor's ingestion delay, a window read too early is read again until its requests arrive", async () => {
    await given(fiftyFifty);
    // The emulator's metrics now lag 8 s behind the router, as Azure Monitor's lag minutes behind Azure.
    project.azure().dataPlane.metricsDelayMs = 8000;
    try {
        const up = await (
            await devWith((c) => {
                c.onlineEndpoint.traffic = { blue: 20, green: 80 };
                c.onlineEndpoint.mirrorTraffic = {};
                // 10 requests/s give the canary's 5 s window 50; the minute's earlier requests (smoke tests) are far fewer than 40.
                c.onlineEndpoint.rollout = { ...rollout, steps: [60], mirrorPercent: undefined, minRequests: 40, loadRequestsPerSecond: 10, metricsDelaySeconds: 60 };
            })
        ).up();
        const report = up.outputs.lastRollout.value as string[];
        process.stdout.write(`late metrics (8 s ingestion delay):\n${report.join("\n")}\n`);
        expect(report[0]).toMatch(/^rollout of green \(baseline blue\): promoted/);
        expect(report[1]).toMatch(/^\s+step 60%\s+window 1 at [\d.]+ s: passed \(metrics read 1\d s after the window\)$/);
        expect(report[2]).toMatch(/^\s+minRequests \d+ ok \(limit 40\)/);
        expect(timeline().pop()).toMatchObject({ traffic: { blue: 20, green: 80 } });
    } finally {
        project.azure().dataPlane.metricsDelayMs = 0;
    }
});
