import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { runSmokeCli } from "../../tools/smoke/cli";
import { FakeScoring } from "../support/fakeScoring";
import { FixedCredential } from "../support/fakes";
import { projectDir } from "../support/stackFile";

const key = "endpoint-primary-key";

async function smoke(args: string[], env: NodeJS.ProcessEnv = { AZUREML_ENDPOINT_KEY: key }, deps = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const started = Date.now();
    const code = await runSmokeCli(args, env, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, { projectDir, retryBaseMs: 50, ...deps });
    return { code, stdout: out.join("\n"), stderr: err.join("\n"), ms: Date.now() - started };
}

describe("npm run smoke", () => {
    let endpoint: FakeScoring;
    beforeEach(async () => (endpoint = await new FakeScoring().start()));
    afterEach(() => endpoint.stop());

    it("passes a healthy endpoint, scoring the sample request through traffic routing", async () => {
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--allowed", "0,1"]);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/PASS {2}traffic routing +HTTP 200/);
        expect(run.stdout).toContain("credential: endpoint key from AZUREML_ENDPOINT_KEY");
        expect(run.stdout).toMatch(/PASSED in \d+ ms\nsmoke: 1 passed, 0 failed$/);
        expect(endpoint.calls).toEqual([{ deployment: undefined, authorization: `Bearer ${key}`, rows: 5 }]);
    });

    it("sends azureml-model-deployment when --deployment is given, once per deployment", async () => {
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--deployment", "green", "--deployment", "blue"]);
        expect(run.code).toBe(0);
        expect(endpoint.calls.map((c) => c.deployment)).toEqual(["green", "blue"]);
        expect(run.stdout).toMatch(/PASS {2}deployment green/);
    });

    it("rides out transient 503s", async () => {
        endpoint.script.push({ status: 503, body: "upstream connect error" }, { status: 503, body: "upstream connect error" });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri]);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/HTTP 200, \d+ ms, 3 attempts/);
    });

    it("rides out 429 honouring Retry-After, and 424 while the model warms up", async () => {
        endpoint.script.push(
            { status: 429, headers: { "Retry-After": "1" }, body: '{"message":"Too many requests"}' },
            { status: 424, headers: { "ms-azureml-model-error-reason": "model_not_ready" }, body: "{}" },
        );
        const run = await smoke(["--scoring-uri", endpoint.scoringUri]);
        expect(run.code).toBe(0);
        expect(run.ms).toBeGreaterThanOrEqual(1000);
        expect(endpoint.calls).toHaveLength(3);
    });

    it("stops retrying 424 once the model's warm-up window has passed", async () => {
        const { invokeScoring, modelWarmUpMs } = await import("../../runtime/scoring/invokeScoring");
        const { FakeClock } = await import("../support/fakes");
        const { staticCredential } = await import("../../runtime/scoring/scoringCredential");
        const clock = new FakeClock();
        for (let i = 0; i < 100; i++) endpoint.script.push({ status: 424, headers: { "ms-azureml-model-error-reason": "model_crashed" }, body: "{}" });
        const answer = await invokeScoring({
            scoringUri: endpoint.scoringUri,
            body: {},
            credential: staticCredential(key, "test"),
            deadline: clock.now() + 900_000,
            clock,
        });
        expect(answer.status).toBe(424);
        expect(answer.reason).toContain("model error: model_crashed");
        expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(modelWarmUpMs + 15_000);
    });

    it("gives its verdict on a 408 after one retry: within two request timeouts, not the whole smoke timeout", async () => {
        // Azure answers 408 once the model has run past request_timeout_ms (here 300 ms); it repeats.
        for (let i = 0; i < 20; i++) endpoint.script.push({ status: 408, delayMs: 300, body: '{"message": "Request timed out"}' });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--timeout", "900"]);
        expect(run.code).toBe(1);
        expect(endpoint.calls).toHaveLength(2);
        expect(run.ms).toBeLessThan(2 * 300 + 1000);
        expect(run.stdout).toMatch(/FAIL {2}traffic routing +HTTP 408/);
    });

    it("takes a 424 whose model status is 4xx as final at once: the model refuses the input", async () => {
        endpoint.script.push({
            status: 424,
            headers: { "ms-azureml-model-error-statuscode": "400", "ms-azureml-model-error-reason": "model_error" },
            body: '{"message": "Incompatible input types for column age"}',
        });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--timeout", "900"]);
        expect(run.code).toBe(1);
        expect(endpoint.calls).toHaveLength(1);
        expect(run.ms).toBeLessThan(1000);
        expect(run.stdout).toContain("HTTP 424 (model status: 400, model error: model_error)");
    });

    it("keeps retrying a 424 whose model status is 5xx during warm-up", async () => {
        endpoint.script.push(
            { status: 424, headers: { "ms-azureml-model-error-statuscode": "502", "ms-azureml-model-error-reason": "model_not_ready" }, body: "{}" },
            { status: 424, headers: { "ms-azureml-model-error-statuscode": "503" }, body: "{}" },
        );
        const run = await smoke(["--scoring-uri", endpoint.scoringUri]);
        expect(run.code).toBe(0);
        expect(endpoint.calls).toHaveLength(3);
    });

    it("fails at once through routing when no deployment has live traffic, and for a deployment that does not exist (404)", async () => {
        endpoint.traffic = {};
        const routed = await smoke(["--scoring-uri", endpoint.scoringUri]);
        expect(routed.code).toBe(1);
        expect(routed.stdout).toMatch(/FAIL {2}traffic routing +HTTP 404[^]*No valid deployments to route to/);
        const named = await smoke(["--scoring-uri", endpoint.scoringUri, "--deployment", "purple"]);
        expect(named.code).toBe(1);
        expect(named.stdout).toMatch(/FAIL {2}deployment purple +HTTP 404/);
        expect(endpoint.calls).toHaveLength(2);
    });

    it("sends the request file byte for byte: 1.0 stays 1.0, its layout is kept", async () => {
        const fs = await import("fs");
        const os = await import("os");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-request-"));
        const file = path.join(dir, "request.json");
        const text = '{ "input_data": {"columns": ["age", "bmi"], "index": [0],\n  "data": [[1.0, 2.50]]} }\n';
        fs.writeFileSync(file, text);
        try {
            const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--request", file]);
            expect(run.code).toBe(0);
            expect(endpoint.rawBodies).toEqual([text]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("fails a 401 within seconds, naming the status and never printing the key", async () => {
        const run = await smoke(["--scoring-uri", endpoint.scoringUri], { AZUREML_ENDPOINT_KEY: "wrong-key-value" });
        expect(run.code).toBe(1);
        expect(run.ms).toBeLessThan(3000);
        expect(endpoint.calls).toHaveLength(1);
        expect(run.stdout).toMatch(/FAIL {2}traffic routing +HTTP 401/);
        expect(run.stdout + run.stderr).not.toContain("wrong-key-value");
    });

    it("fails fast on 400 and reports Azure's model error headers", async () => {
        endpoint.script.push({
            status: 400,
            headers: { "ms-azureml-model-error-reason": "model_error", "ms-azureml-model-error-statuscode": "400" },
            body: '{"message": "Input data columns mismatch"}',
        });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri]);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain("HTTP 400 (model status: 400, model error: model_error)");
        expect(endpoint.calls).toHaveLength(1);
    });

    it("fails an answer with a missing prediction", async () => {
        endpoint.script.push({ status: 200, body: "[1, 0, 1, 1]" });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri]);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain("expected 5 predictions (one per row), got 4");
    });

    it("fails a non-JSON answer", async () => {
        endpoint.script.push({ status: 200, body: "<html>Service</html>" });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri]);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain("expected a JSON array of predictions, got not JSON: <html>Service</html>");
    });

    it("fails predictions outside the allowed set", async () => {
        endpoint.script.push({ status: 200, body: "[1, 0, 2, 1, 0]" });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--allowed", "0,1"]);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain("predictions outside the allowed set [0,1]: row 2: 2");
    });

    it("fails an answer over the latency budget", async () => {
        endpoint.script.push({ delayMs: 300 });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--latency-budget-ms", "100"]);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/took \d+ ms, over the 100 ms budget/);
    });

    it("fails a hung endpoint within its timeout", async () => {
        for (let i = 0; i < 10; i++) endpoint.script.push({ hang: true });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--timeout", "2"]);
        expect(run.code).toBe(1);
        expect(run.ms).toBeLessThan(3000);
        expect(run.stdout).toMatch(/FAIL {2}traffic routing +no answer/);
        expect(run.stdout).toMatch(/no answer within \d+ ms/);
    });

    it("runs a load check and reports p50/p95 and the error rate against thresholds", async () => {
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--load", "20", "--concurrency", "4", "--json"]);
        expect(run.code).toBe(0);
        const report = JSON.parse(run.stdout);
        expect(report.load).toMatchObject({ requests: 20, concurrency: 4, failures: 0, errorRate: 0, passed: true });
        expect(report.load.p95Ms).toBeGreaterThanOrEqual(report.load.p50Ms);
        expect(endpoint.calls).toHaveLength(21);
    });

    it("fails the load check when too many requests fail", async () => {
        // The first call (the routing check) succeeds; three of the load's ten fail.
        endpoint.script.push({ status: 200, body: "[1,1,1,1,1]" }, { status: 500, body: "x" }, { status: 500, body: "x" }, { status: 500, body: "x" });
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--load", "10", "--concurrency", "1", "--max-error-rate", "0.1"]);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain("error rate 30.0% over the allowed 10.0%");
    });

    it("uses an Entra token for https://ml.azure.com/.default when no key is set", async () => {
        const credential = new FixedCredential(key);
        const scopes: string[] = [];
        const spy = { getToken: async (scope: string) => (scopes.push(scope), credential.getToken()) };
        const run = await smoke(["--scoring-uri", endpoint.scoringUri], {}, { entra: () => spy });
        expect(run.code).toBe(0);
        expect(scopes).toEqual(["https://ml.azure.com/.default"]);
        expect(run.stdout).toContain("credential: Entra token for https://ml.azure.com/.default");
    });

    it("reads the scoring URI, deployments and smoke settings of a stack", async () => {
        const run = await smoke(["--stack", "dev", "--json"], { AZUREML_ENDPOINT_KEY: key }, {
            stackOutputs: async () => ({ scoringUri: endpoint.scoringUri, onlineDeployments: ["blue", "green"] }),
        });
        expect(run.code).toBe(0);
        const report = JSON.parse(run.stdout);
        expect(report.checks.map((c: { name: string }) => c.name)).toEqual(["deployment blue", "deployment green", "traffic routing"]);
        // dev's smoke settings include a 30-request load check.
        expect(report.load.requests).toBe(30);
    });

    it("writes the JSON report to --report for CI artifacts", async () => {
        const file = require("path").join(require("os").tmpdir(), `smoke-${process.pid}.json`);
        const run = await smoke(["--scoring-uri", endpoint.scoringUri, "--report", file]);
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("PASSED");
        expect(JSON.parse(require("fs").readFileSync(file, "utf8"))).toMatchObject({ passed: true, checks: [{ name: "traffic routing" }] });
        require("fs").rmSync(file);
    });

    it("with --stack and no key set, fetches the key of a Key-authenticated endpoint through listKeys", async () => {
        const { EmulatedArm } = await import("../support/emulatedArm");
        const { armEndpointVariable } = await import("../../runtime/arm/clouds");
        const arm = await new EmulatedArm().start();
        const endpointId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/diabetes-k3x9q2";
        arm.addEndpoint(endpointId);
        const listedKey = arm.credentials(endpointId).primaryKey;
        endpoint.expectedKey = listedKey;
        process.env[armEndpointVariable] = arm.url;
        try {
            const run = await smoke(["--stack", "dev", "--json"], {}, {
                entra: () => new FixedCredential("test-token"),
                stackOutputs: async () => ({ scoringUri: endpoint.scoringUri, onlineEndpointId: endpointId, onlineDeployments: ["blue"] }),
            });
            expect(run.code).toBe(0);
            expect(JSON.parse(run.stdout).credentialSource).toBe("endpoint key (listKeys, fetched at run time)");
            expect(arm.requests.map((r) => r.path.split("/").pop())).toEqual(["listKeys"]);
            expect(run.stdout).not.toContain(listedKey);
        } finally {
            delete process.env[armEndpointVariable];
            await arm.stop();
        }
    });

    it("explains usage errors with exit code 2", async () => {
        const run = await smoke(["--request", "sample-request.json"]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain("give --scoring-uri <url> or --stack <name>");
        expect((await smoke(["--scoring-uri", endpoint.scoringUri, "--timeout=-1"])).stderr).toContain("--timeout -1 must be a positive number");
        expect((await smoke(["--scoring-uri", endpoint.scoringUri, "--request", "nope.json"])).stderr).toMatch(/request file .*nope\.json does not exist/);
        expect((await smoke(["--bogus"])).code).toBe(2);
    });

    it("works as a real process: exit code, report, no key in the output", async () => {
        endpoint.expectedKey = "real-process-key";
        const cli = path.join(projectDir, "node_modules", ".bin", "ts-node");
        const result = await promisify(execFile)(cli, ["--transpile-only", "scripts/smoke.ts", "--scoring-uri", endpoint.scoringUri, "--deployment", "green"], {
            cwd: projectDir,
            env: { ...process.env, AZUREML_ENDPOINT_KEY: "real-process-key" },
        });
        expect(result.stdout).toMatch(/PASS {2}deployment green/);
        expect(result.stdout + result.stderr).not.toContain("real-process-key");
        const failed = await promisify(execFile)(cli, ["--transpile-only", "scripts/smoke.ts", "--scoring-uri", endpoint.scoringUri], {
            cwd: projectDir,
            env: { ...process.env, AZUREML_ENDPOINT_KEY: "not-the-key" },
        }).catch((e: { code: number; stdout: string }) => e);
        expect(failed).toMatchObject({ code: 1 });
        expect((failed as { stdout: string }).stdout).not.toContain("not-the-key");
    });
});
