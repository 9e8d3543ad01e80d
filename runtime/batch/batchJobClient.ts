import type { AxiosResponse } from "axios";
import { randomUUID } from "crypto";
import { azureErrorText } from "../arm/armError";
import { Clock, systemClock } from "../http/clock";
import { retryingRequest } from "../http/retryingRequest";
import { ScoringCredential } from "../scoring/scoringCredential";
import { datastoreFileUri } from "./datastoreUri";

export interface BatchJobRequest {
    /** The batch endpoint's scoring URI: `https://<endpoint>.<region>.inference.ml.azure.com/jobs`. */
    readonly scoringUri: string;
    /** An Entra token for Azure ML (batch endpoints take nothing else). */
    readonly credential: ScoringCredential;
    /** What to score: a folder (`UriFolder`, e.g. the registered data asset's URI) or one file. */
    readonly input: { readonly uri: string; readonly type: "UriFolder" | "UriFile" };
    /** Where the output file goes; it must not exist yet. */
    readonly outputUri: string;
    /** Sent as `azureml-model-deployment` to use a deployment other than the default. */
    readonly deployment?: string;
    /** Submitting and waiting end within this. */
    readonly timeoutMs: number;
    /** Wait between status polls. Default 15 s. */
    readonly pollIntervalMs?: number;
    readonly retryBaseMs?: number;
    readonly clock?: Clock;
    /** Called with a line whenever the job's status changes. */
    readonly onProgress?: (line: string) => void;
}

export interface BatchJobResult {
    readonly jobName: string;
    readonly status: "Completed";
    readonly outputUri: string;
    readonly durationMs: number;
}

export class BatchJobError extends Error {
    constructor(
        message: string,
        readonly status?: number,
        readonly jobName?: string,
    ) {
        super(message);
        this.name = "BatchJobError";
    }
}

const terminalStatuses = ["Completed", "Failed", "Canceled"];
/** 429: throttled; 5xx: Azure's side. Everything else (401, 403, 400, 404) is final. */
const transientStatuses = [408, 429, 500, 502, 503, 504];
/** Answers to a job submission that mean it was not taken: safe to submit again. */
const submitRetryableStatuses = [429, 503];

/**
 * A fresh output file under `batch-outputs/` in the given datastore (its ARM id), in the form Azure
 * documents for job outputs, so that two jobs never write to the same file.
 */
export function freshOutputUri(datastoreId: string, endpointName: string, fileName = "predictions.csv", now = new Date()): string {
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
    return datastoreFileUri(datastoreId, `batch-outputs/${endpointName}/${stamp}-${randomUUID().slice(0, 8)}/${fileName}`);
}

/**
 * Submits a job to a batch endpoint and follows it to Completed, Failed or Canceled, reporting
 * each status change. Throws a BatchJobError carrying Azure's message when the submit is refused
 * or the job does not complete.
 */
export async function runBatchJob(request: BatchJobRequest): Promise<BatchJobResult> {
    const clock = request.clock ?? systemClock;
    const started = clock.now();
    const deadline = started + request.timeoutMs;
    const progress = request.onProgress ?? (() => undefined);
    const body = {
        properties: {
            InputData: { input: { JobInputType: request.input.type, Uri: request.input.uri } },
            OutputData: { score: { JobOutputType: "UriFile", Uri: request.outputUri } },
        },
    };
    const submitted = await call(request, "POST", request.scoringUri, deadline, clock, body);
    const jobName = jobNameOf(submitted.data);
    if (!jobName) throw new BatchJobError(`the batch endpoint accepted the job but named none: ${JSON.stringify(submitted.data).slice(0, 200)}`);
    progress(`submitted job ${jobName}${request.deployment ? ` to deployment ${request.deployment}` : ""}`);

    let status = statusOf(submitted.data) ?? "NotStarted";
    progress(`[0 s] ${status}`);
    while (!terminalStatuses.includes(status)) {
        const wait = request.pollIntervalMs ?? 15_000;
        if (clock.now() + wait >= deadline) {
            throw new BatchJobError(
                `job ${jobName} is still ${status} after ${Math.round(request.timeoutMs / 1000)} s; it keeps running in Azure`,
                undefined,
                jobName,
            );
        }
        await clock.sleep(wait);
        const polled = await call(request, "GET", `${request.scoringUri.replace(/\/+$/, "")}/${encodeURIComponent(jobName)}`, deadline, clock);
        const next = statusOf(polled.data) ?? status;
        if (next !== status) progress(`[${Math.round((clock.now() - started) / 1000)} s] ${next}`);
        status = next;
        if (status === "Failed" || status === "Canceled") {
            const reason = jobErrorText(polled.data);
            throw new BatchJobError(`job ${jobName} ended ${status}${reason ? `: ${reason}` : ""}`, undefined, jobName);
        }
    }
    progress(`output: ${request.outputUri}`);
    return { jobName, status: "Completed", outputUri: request.outputUri, durationMs: clock.now() - started };
}

async function call(
    request: BatchJobRequest,
    method: "GET" | "POST",
    url: string,
    deadline: number,
    clock: Clock,
    data?: unknown,
): Promise<AxiosResponse> {
    let bearer: string;
    try {
        bearer = await request.credential.bearer();
    } catch (err) {
        throw new BatchJobError(`could not get a credential (${request.credential.source}): ${(err as Error).message.split("\n")[0]}`);
    }
    const outcome = await retryingRequest({
        method,
        url,
        data,
        headers: async () => ({
            Authorization: `Bearer ${bearer}`,
            "Content-Type": "application/json",
            ...(request.deployment && method === "POST" ? { "azureml-model-deployment": request.deployment } : {}),
        }),
        deadline,
        attemptTimeoutMs: 60_000,
        // A job submission must not be repeated blindly: only answers that say nothing was done
        // (429, 503) are retried, never a timeout or another 5xx, after which the job may exist.
        retryable: (status) => (method === "POST" ? submitRetryableStatuses : transientStatuses).includes(status),
        retryNoAnswer: method !== "POST",
        backoffBaseMs: request.retryBaseMs ?? 2000,
        maxBackoffMs: 60_000,
        clock,
    });
    const what = `${method} ${new URL(url).pathname}`;
    if (outcome.kind === "gaveUp") {
        const last = outcome.lastResponse ? describe(outcome.lastResponse) : outcome.lastProblem;
        throw new BatchJobError(`gave up on ${what}: ${last}`, outcome.lastResponse?.status);
    }
    if (outcome.response.status >= 400) {
        throw new BatchJobError(`${what} failed: ${describe(outcome.response)}`, outcome.response.status);
    }
    return outcome.response;
}

function describe(response: AxiosResponse): string {
    const azure = azureErrorText(response.data);
    return `HTTP ${response.status}${azure.text ? ` ${azure.text}` : ""}`;
}

function jobNameOf(data: unknown): string | undefined {
    const job = data as { name?: unknown; id?: unknown } | undefined;
    if (typeof job?.name === "string" && job.name) return job.name;
    if (typeof job?.id === "string" && job.id) return job.id.split("/").pop();
    return undefined;
}

function statusOf(data: unknown): string | undefined {
    const status = (data as { properties?: { status?: unknown } } | undefined)?.properties?.status;
    return typeof status === "string" ? status : undefined;
}

/** Azure's reason for a failed job, wherever the job document carries it. */
function jobErrorText(data: unknown): string | undefined {
    const properties = (data as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
    return azureErrorText({ error: properties.error }).text ?? azureErrorText(data).text ??
        (typeof properties.errorMessage === "string" ? properties.errorMessage : undefined);
}
