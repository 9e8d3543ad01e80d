import axios from "axios";
import * as path from "path";
import { LocalRouter } from "../../emulator/inference/localRouter";
import { chooseDeployment, mirrors } from "../../emulator/inference/weightedChoice";
import { staticCredential } from "../../runtime/scoring/scoringCredential";
import { readScoringRequest } from "../../runtime/scoring/scoringRequest";
import { runSmokeTest } from "../../runtime/smoke/smokeTest";
import { FakeScoring } from "../support/fakeScoring";
import { seededRandom } from "../support/fakes";
import { projectDir } from "../support/stackFile";

const request = readScoringRequest(path.join(projectDir, "sample-request.json"));
const key = "local-test-key";

describe("weighted choice", () => {
    it("picks by cumulative weight in name order", () => {
        const weights = { green: 30, blue: 70 };
        expect(chooseDeployment(weights, 0)).toBe("blue");
        expect(chooseDeployment(weights, 0.69)).toBe("blue");
        expect(chooseDeployment(weights, 0.71)).toBe("green");
        expect(chooseDeployment(weights, 0.9999)).toBe("green");
    });

    it("never picks a deployment at 0%, and picks none when all are 0", () => {
        expect(chooseDeployment({ blue: 100, green: 0 }, 0.9999)).toBe("blue");
        expect(chooseDeployment({ blue: 0, green: 0 }, 0.5)).toBeUndefined();
    });

    it("mirrors the given percentage", () => {
        expect(mirrors(10, 0.05)).toBe(true);
        expect(mirrors(10, 0.1)).toBe(false);
        expect(mirrors(0, 0)).toBe(false);
    });
});

describe("local router", () => {
    let blue: FakeScoring;
    let green: FakeScoring;
    let router: LocalRouter | undefined;

    beforeEach(async () => {
        blue = await new FakeScoring("inferenceServer").start();
        green = await new FakeScoring("inferenceServer").start();
    });
    afterEach(async () => {
        await router?.stop();
        router = undefined;
        await blue.stop();
        await green.stop();
    });

    async function start(traffic: Record<string, number>, mirrorTraffic: Record<string, number> = {}, seed = 7) {
        router = await new LocalRouter({ deployments: { blue: blue.url, green: green.url }, traffic, mirrorTraffic, key, random: seededRandom(seed) }).start();
        return router;
    }

    const score = (r: LocalRouter, headers: Record<string, string> = {}) =>
        axios.post(r.scoringUri, request.body, { headers: { Authorization: `Bearer ${key}`, ...headers }, validateStatus: () => true });

    it("refuses requests without the endpoint key, and never passes the key on", async () => {
        const r = await start({ blue: 100 });
        expect((await axios.post(r.scoringUri, request.body, { validateStatus: () => true })).status).toBe(401);
        expect((await score(r, { Authorization: "Bearer wrong" })).status).toBe(401);
        const ok = await score(r);
        expect(ok.status).toBe(200);
        expect(ok.data).toHaveLength(5);
        expect(blue.calls.map((c) => c.authorization)).toEqual([undefined]);
    });

    it("splits live traffic by the stack's weights (within a few percent over 1000 requests)", async () => {
        const r = await start({ blue: 70, green: 30 });
        for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, () => score(r)));
        expect(blue.calls.length + green.calls.length).toBe(1000);
        expect(Math.abs(blue.calls.length / 1000 - 0.7)).toBeLessThan(0.03);
        expect(r.stats.served).toEqual({ blue: blue.calls.length, green: green.calls.length });
    });

    it("sends nothing live to a deployment at 0%, but the header pins it", async () => {
        const r = await start({ blue: 100, green: 0 });
        for (let i = 0; i < 50; i++) await score(r);
        expect(green.calls).toHaveLength(0);
        const pinned = await score(r, { "azureml-model-deployment": "green" });
        expect(pinned.status).toBe(200);
        expect(pinned.headers["azureml-model-deployment"]).toBe("green");
        expect(green.calls).toHaveLength(1);
    });

    it("mirrors its share of live traffic, drops the mirror's answers, and never mirrors pinned requests", async () => {
        const r = await start({ blue: 100, green: 0 }, { green: 10 });
        green.script.push(...Array.from({ length: 500 }, () => ({ status: 500, body: "mirror answers are discarded" })));
        const answers = [];
        for (let i = 0; i < 500; i += 50) answers.push(...(await Promise.all(Array.from({ length: 50 }, () => score(r)))));
        expect(answers.every((a) => a.status === 200 && a.headers["azureml-model-deployment"] === "blue")).toBe(true);
        await r.stop();
        const mirrored = r.stats.mirrored.green;
        expect(Math.abs(mirrored / 500 - 0.1)).toBeLessThan(0.04);
        expect(green.calls).toHaveLength(mirrored);

        router = await start({ blue: 100, green: 0 }, { green: 50 });
        const before = green.calls.length;
        for (let i = 0; i < 20; i++) await score(router, { "azureml-model-deployment": "blue" });
        expect(green.calls.length).toBe(before);
    });

    it("answers 404 for an unknown deployment, and when no deployment has traffic", async () => {
        let r = await start({ blue: 100 });
        expect((await score(r, { "azureml-model-deployment": "purple" })).status).toBe(404);
        await r.stop();
        router = undefined;
        r = router = await start({ blue: 0, green: 0 });
        const none = await score(r);
        expect(none.status).toBe(404);
        expect(none.data.message).toMatch(/no valid deployments to route to/);
    });

    it("answers 502 when an inference server is down", async () => {
        const r = await start({ blue: 100 });
        await blue.stop();
        expect((await score(r)).status).toBe(502);
        blue = await new FakeScoring("inferenceServer").start();
    });

    it("passes the product's smoke test unchanged, per deployment and through routing", async () => {
        const r = await start({ blue: 90, green: 10 });
        const report = await runSmokeTest({
            scoringUri: r.scoringUri,
            request,
            credential: staticCredential(key, "test"),
            deployments: ["blue", "green"],
            throughRouting: true,
            allowedPredictions: [0, 1],
            latencyBudgetMs: 2000,
            timeoutMs: 10_000,
            load: { requests: 40, concurrency: 4, maxP95Ms: 2000, maxErrorRate: 0 },
        });
        expect(report.passed).toBe(true);
        expect(blue.calls.filter((c) => c.rows === 5).length + green.calls.length).toBe(43);
    });
});
