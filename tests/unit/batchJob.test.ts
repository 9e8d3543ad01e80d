import { runBatchCli } from "../../tools/batch/cli";
import { freshOutputUri, runBatchJob } from "../../runtime/batch/batchJobClient";
import { parseDatastoreUri } from "../../runtime/batch/datastoreUri";
import { entraCredential } from "../../runtime/scoring/scoringCredential";
import { FakeBatch } from "../support/fakeBatch";
import { FakeClock, FixedCredential } from "../support/fakes";
import { projectDir } from "../support/stackFile";

const input = { uri: "azureml://datastores/workspaceblobstore/paths/LocalUpload/abc/data", type: "UriFolder" as const };
const datastoreId =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/datastores/workspaceblobstore";
const output = `${datastoreId}/paths/batch-outputs/e/run-1/predictions.csv`;

describe("batch job client against a local batch endpoint", () => {
    let endpoint: FakeBatch;
    let clock: FakeClock;
    beforeEach(async () => {
        endpoint = await new FakeBatch().start();
        clock = new FakeClock();
    });
    afterEach(() => endpoint.stop());

    const job = (overrides = {}) => ({
        scoringUri: endpoint.scoringUri,
        credential: entraCredential(new FixedCredential("entra-token")),
        input,
        outputUri: output,
        timeoutMs: 3600_000,
        pollIntervalMs: 15_000,
        clock,
        ...overrides,
    });

    it("submits the job in Azure's invoke format and follows it through its statuses to Completed", async () => {
        const progress: string[] = [];
        const result = await runBatchJob(job({ onProgress: (l: string) => progress.push(l) }));
        expect(result).toMatchObject({ jobName: "batchjob-1", status: "Completed", outputUri: output });
        expect(endpoint.submissions[0].body).toEqual({
            properties: {
                InputData: { input: { JobInputType: "UriFolder", Uri: input.uri } },
                OutputData: { score: { JobOutputType: "UriFile", Uri: output } },
            },
        });
        expect(endpoint.submissions[0].deployment).toBeUndefined();
        expect(progress).toEqual([
            "submitted job batchjob-1",
            "[0 s] NotStarted",
            "[15 s] Preparing",
            "[30 s] Running",
            "[60 s] Completed",
            `output: ${output}`,
        ]);
        expect(clock.sleeps).toEqual([15_000, 15_000, 15_000, 15_000]);
    });

    it("sends azureml-model-deployment for a non-default deployment", async () => {
        await runBatchJob(job({ deployment: "classifier-v1" }));
        expect(endpoint.submissions[0].deployment).toBe("classifier-v1");
    });

    it("fails with Azure's message when the job fails", async () => {
        endpoint.statuses = ["Running", "Failed"];
        endpoint.failure = { error: { code: "UserError", message: "No mini-batch could be scored: column 'bmi' is missing." } };
        await expect(runBatchJob(job())).rejects.toThrow(
            "job batchjob-1 ended Failed: UserError: No mini-batch could be scored: column 'bmi' is missing.",
        );
    });

    it("fails at once on 401, naming Azure's reason", async () => {
        const error = await runBatchJob(job({ credential: entraCredential(new FixedCredential("expired")) })).catch((e) => e);
        expect(String(error)).toContain("POST /jobs failed: HTTP 401 Unauthorized: Invalid or expired token.");
        expect(String(error)).not.toContain("expired\"");
        expect(clock.sleeps).toEqual([]);
    });

    it("retries 429 honouring Retry-After, and 503", async () => {
        endpoint.script.push(
            { method: "POST", status: 429, headers: { "Retry-After": "7" }, body: { error: { code: "TooManyRequests", message: "slow down" } } },
            { method: "GET", status: 503, body: {} },
        );
        const result = await runBatchJob(job());
        expect(result.status).toBe("Completed");
        expect(clock.sleeps[0]).toBe(7000);
        expect(endpoint.submissions).toHaveLength(1);
    });

    it("never submits twice after a 502 (the job may already exist)", async () => {
        endpoint.script.push({ method: "POST", status: 502, body: { error: { code: "BadGateway", message: "upstream reset" } } });
        await expect(runBatchJob(job())).rejects.toThrow("POST /jobs failed: HTTP 502 BadGateway: upstream reset");
        expect(clock.sleeps).toEqual([]);
    });

    it("gives up waiting after its timeout, saying the job keeps running", async () => {
        endpoint.statuses = ["Running"];
        await expect(runBatchJob(job({ timeoutMs: 60_000 }))).rejects.toThrow(
            "job batchjob-1 is still Running after 60 s; it keeps running in Azure",
        );
    });

    it("makes a fresh output path for every job, in Azure's documented form: the datastore's ARM id, then /paths/", () => {
        const a = freshOutputUri(datastoreId, "diabetes-batch-abc123", "predictions.csv", new Date("2026-11-22T15:00:00Z"));
        const b = freshOutputUri(datastoreId, "diabetes-batch-abc123", "predictions.csv", new Date("2026-11-22T15:00:00Z"));
        expect(a.startsWith(`${datastoreId}/paths/batch-outputs/diabetes-batch-abc123/20261122T150000-`)).toBe(true);
        expect(a).toMatch(/-[0-9a-f]{8}\/predictions\.csv$/);
        expect(a).not.toBe(b);
        expect(() => freshOutputUri("workspaceblobstore", "e")).toThrow("is not a datastore's ARM id");
    });
});

describe("datastore URIs", () => {
    it("reads the documented ARM-id form and the azureml:// forms alike", () => {
        const expected = { datastore: "workspaceblobstore", path: "batch-outputs/e/predictions.csv" };
        expect(parseDatastoreUri(`${datastoreId}/paths/batch-outputs/e/predictions.csv`)).toEqual(expected);
        expect(parseDatastoreUri(`azureml:${datastoreId}/paths/batch-outputs/e/predictions.csv`)).toEqual(expected);
        expect(parseDatastoreUri("azureml://subscriptions/s1/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/batch-outputs/e/predictions.csv")).toEqual(expected);
        expect(parseDatastoreUri("azureml://datastores/workspaceblobstore/paths/batch-outputs/e/predictions.csv")).toEqual(expected);
        expect(parseDatastoreUri("https://account.blob.core.windows.net/c/predictions.csv")).toBeUndefined();
        expect(parseDatastoreUri("predictions.csv")).toBeUndefined();
        expect(parseDatastoreUri("azureml://datastores/workspaceblobstore/paths/../../etc/passwd")).toBeUndefined();
    });
});

describe("npm run batch", () => {
    let endpoint: FakeBatch;
    beforeEach(async () => (endpoint = await new FakeBatch().start()));
    afterEach(() => endpoint.stop());

    async function batch(args: string[], deps = {}) {
        const out: string[] = [];
        const err: string[] = [];
        const code = await runBatchCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, {
            projectDir,
            entra: () => new FixedCredential("entra-token"),
            ...deps,
        });
        return { code, stdout: out.join("\n"), stderr: err.join("\n") };
    }

    it("takes the scoring URI and the registered input of a stack, and prints progress and the output", async () => {
        endpoint.statuses = ["Completed"];
        const run = await batch(["--stack", "dev", "--poll", "0.01"], {
            stackOutputs: async () => ({ batchScoringUri: endpoint.scoringUri, batchInputDataUri: input.uri, defaultDatastoreId: datastoreId }),
        });
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("submitted job batchjob-1");
        expect(run.stdout).toContain(`; predictions at ${datastoreId}/paths/batch-outputs/127/`);
        expect(endpoint.submissions[0].body.properties.OutputData.score.Uri).toMatch(/^\/subscriptions\/s1\/.*\/datastores\/workspaceblobstore\/paths\/batch-outputs\/127\/.*\/predictions\.csv$/);
        expect(endpoint.submissions[0].body.properties.InputData.input.Uri).toBe(input.uri);
    });

    it("exits 1 with Azure's message on a failed job", async () => {
        endpoint.statuses = ["Failed"];
        endpoint.failure = { error: { code: "ExecutionFailed", message: "Out of memory" } };
        const run = await batch(["--scoring-uri", endpoint.scoringUri, "--input-uri", input.uri, "--datastore-id", datastoreId, "--poll", "0.01"]);
        expect(run.code).toBe(1);
        expect(run.stderr).toBe("FAILED: job batchjob-1 ended Failed: ExecutionFailed: Out of memory");
    });

    it("exits 2 on usage errors", async () => {
        expect((await batch(["--scoring-uri", endpoint.scoringUri])).stderr).toContain("give --input-uri <uri>");
        expect((await batch(["--scoring-uri", endpoint.scoringUri, "--input-uri", "x", "--input-type", "Table"])).code).toBe(2);
        expect((await batch(["--scoring-uri", endpoint.scoringUri, "--input-uri", input.uri])).stderr).toContain("give --output-uri <uri>, --datastore-id");
        expect((await batch(["--scoring-uri", endpoint.scoringUri, "--input-uri", input.uri, "--output-uri", "predictions.csv"])).stderr).toContain(
            "--output-uri predictions.csv names no datastore path",
        );
    });
});
