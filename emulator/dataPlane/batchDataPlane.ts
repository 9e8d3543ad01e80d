import { execFile } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { promisify } from "util";
import { ArmServer } from "../arm/armServer";
import { StoredResource } from "../arm/storedResource";
import { defaultDatastoreLocation, workspaceOf } from "../resources/mlWorkspace";
import { RegisteredModel, registeredModel } from "./registeredModel";
import { parseDatastoreUri } from "../../runtime/batch/datastoreUri";
import { prepareModelEnvironments } from "../inference/modelEnvironment";

interface Job {
    readonly name: string;
    status: "NotStarted" | "Running" | "Completed" | "Failed";
    error?: { code: string; message: string };
}

export interface BatchDataPlaneOptions {
    readonly projectDir: string;
    readonly storageDir: string;
    /** The Entra token batch endpoints take (they accept nothing else). */
    readonly entraToken: string;
    readonly progress: (line: string) => void;
}

/**
 * Batch endpoints' data plane: each endpoint's scoring URI (`.../jobs`) takes Azure's invoke body
 * (`InputData.input` a folder in a datastore, `OutputData.score` a file that must not exist yet),
 * picks the default deployment (or the one `azureml-model-deployment` names), and runs
 * serving/batch_score.py in the deployment's model environment with its settings (mini-batch
 * size, concurrency, error threshold); `GET .../jobs/<name>` reports NotStarted, Running, then
 * Completed or Failed with the scorer's reasons. The output lands in the emulated storage.
 */
export class BatchDataPlane {
    private readonly servers = new Map<string, { server: http.Server; url: string; jobs: Map<string, Job> }>();
    private arm?: ArmServer;
    private nextJob = 1;

    constructor(private readonly options: BatchDataPlaneOptions) {}

    attach(arm: ArmServer): void {
        this.arm = arm;
    }

    /** The scoring URI of a batch endpoint, serving from its creation on. */
    async putEndpoint(endpoint: StoredResource): Promise<Record<string, string>> {
        let entry = this.servers.get(endpoint.id.key);
        if (!entry) {
            const jobs = new Map<string, Job>();
            const server = http.createServer((req, res) => this.handle(endpoint.id.id, jobs, req, res));
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            entry = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, jobs };
            this.servers.set(endpoint.id.key, entry);
        }
        return { scoringUri: `${entry.url}/jobs` };
    }

    async deleteEndpoint(endpoint: StoredResource): Promise<void> {
        const entry = this.servers.get(endpoint.id.key);
        if (!entry) return;
        this.servers.delete(endpoint.id.key);
        entry.server.closeAllConnections();
        await new Promise<void>((resolve) => entry.server.close(() => resolve()));
    }

    async stop(): Promise<void> {
        for (const entry of this.servers.values()) {
            entry.server.closeAllConnections();
            await new Promise<void>((resolve) => entry.server.close(() => resolve()));
        }
        this.servers.clear();
    }

    private handle(endpointId: string, jobs: Map<string, Job>, req: http.IncomingMessage, res: http.ServerResponse): void {
        const send = (status: number, body: unknown) => {
            res.writeHead(status, { "Content-Type": "application/json" });
            res.end(JSON.stringify(body));
        };
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            if (req.headers.authorization !== `Bearer ${this.options.entraToken}`) {
                return send(401, { error: { code: "Unauthorized", message: "Batch endpoints take an Entra token for https://ml.azure.com only." } });
            }
            const url = (req.url ?? "/").split("?")[0];
            const poll = /^\/jobs\/([^/]+)$/.exec(url);
            if (req.method === "GET" && poll) {
                const job = jobs.get(decodeURIComponent(poll[1]));
                return job ? send(200, this.view(job)) : send(404, { error: { code: "NotFound", message: `Job ${poll[1]} not found.` } });
            }
            if (req.method !== "POST" || url !== "/jobs") return send(404, { error: { code: "NotFound", message: `no route ${req.method} ${url}` } });
            let body: any;
            try {
                body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            } catch {
                return send(400, { error: { code: "BadRequest", message: "The body is not JSON." } });
            }
            const planned = this.plan(endpointId, body, req.headers["azureml-model-deployment"] as string | undefined);
            if ("error" in planned) return send(400, { error: { code: "BadRequest", message: planned.error } });
            const job: Job = { name: `batchjob-${this.nextJob++}`, status: "NotStarted" };
            jobs.set(job.name, job);
            void this.run(job, planned);
            send(200, this.view(job));
        });
    }

    private view(job: Job): Record<string, unknown> {
        return { id: `/jobs/${job.name}`, name: job.name, properties: { status: job.status, ...(job.error ? { error: job.error } : {}) } };
    }

    /** What a job does, or why Azure would refuse it. */
    private plan(endpointId: string, body: any, header: string | undefined): { error: string } | { deployment: StoredResource; model: RegisteredModel; input: string; output: string } {
        const endpoint = this.arm!.resource(endpointId)!;
        const name = header ?? endpoint.body.properties?.defaults?.deploymentName;
        if (!name) return { error: "The endpoint has no default deployment and the request names none." };
        const deployment = this.arm!.resource(`${endpointId}/deployments/${name}`);
        if (!deployment) return { error: `Deployment ${name} not found.` };
        const inputUri = String(body?.properties?.InputData?.input?.Uri ?? "");
        const outputUri = String(body?.properties?.OutputData?.score?.Uri ?? "");
        const workspace = this.arm!.resource(workspaceOf(endpointId))!;
        const { account, container } = defaultDatastoreLocation(workspace);
        const inside = (uri: string) => {
            const location = parseDatastoreUri(uri);
            return location ? path.join(this.options.storageDir, account, container, ...location.path.split("/")) : undefined;
        };
        const input = inside(inputUri);
        const output = inside(outputUri);
        if (!input || !fs.existsSync(input)) return { error: `InputData.input.Uri ${inputUri} names no folder in the workspace's datastore.` };
        if (!output) return { error: `OutputData.score.Uri ${outputUri} names no path in a datastore.` };
        if (fs.existsSync(output)) return { error: `OutputData.score.Uri ${outputUri} already exists; the output path must be new.` };
        let model: RegisteredModel;
        try {
            model = registeredModel(this.arm!, this.options.storageDir, String(deployment.body.properties?.model?.assetId ?? ""));
        } catch (err) {
            return { error: `The deployment's model: ${(err as Error).message}.` };
        }
        return {
            deployment,
            model,
            input,
            output,
        };
    }

    private async run(job: Job, planned: { deployment: StoredResource; model: RegisteredModel; input: string; output: string }): Promise<void> {
        const settings = planned.deployment.body.properties ?? {};
        try {
            job.status = "Running";
            const environments = await prepareModelEnvironments([planned.model], {
                projectDir: this.options.projectDir,
                progress: this.options.progress,
            });
            await promisify(execFile)(
                environments.get(planned.model.key)!.python,
                [
                    path.join(this.options.projectDir, "serving", "batch_score.py"),
                    "--model", planned.model.dir,
                    "--input", planned.input,
                    "--output", planned.output,
                    "--mini-batch-size", String(settings.miniBatchSize ?? 10),
                    "--error-threshold", String(settings.errorThreshold ?? -1),
                    "--max-concurrency", String(settings.maxConcurrencyPerInstance ?? 1),
                ],
                { cwd: this.options.projectDir, timeout: 30 * 60_000, maxBuffer: 16 * 1024 * 1024 },
            );
            job.status = "Completed";
        } catch (err) {
            const error = err as Error & { stderr?: string };
            const reasons = (error.stderr ?? error.message).split("\n").filter((line) => line.startsWith("error:")).join("; ");
            job.error = { code: "UserError", message: reasons || error.message.split("\n")[0] };
            job.status = "Failed";
        }
    }
}
