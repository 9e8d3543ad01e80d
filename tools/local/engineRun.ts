import * as fs from "fs";
import * as path from "path";
import { LocalAzure } from "../../emulator/localAzure";
import { runBatchJob, freshOutputUri } from "../../runtime/batch/batchJobClient";
import { parseDatastoreUri } from "../../runtime/batch/datastoreUri";
import { azureCredential } from "../../runtime/azure/credential";
import { EngineStack } from "../engine/engineStack";
import { entraCredential } from "../../runtime/scoring/scoringCredential";
import { endpointKeyVariable } from "../../runtime/scoring/scoringCredential";
import { azureDatabricksResourceId } from "../../runtime/databricks/workspaceUrl";

export interface EngineRunOptions {
    readonly projectDir: string;
    readonly stack: string;
    /**
     * serve: up, then serve until interrupted; once: up, `preview --expect-no-changes`, destroy (the
     * exit code is the verdict); preview: the engine's `preview` only (its diagnostics hold the preflight).
     */
    readonly mode: "serve" | "once" | "preview" | "batch";
    /** batch: where the job writes (a datastore URI); default a fresh path in the default datastore. */
    readonly outputUri?: string;
    /** The stack protects its resources (`protectResources`): `destroy` would be refused, so --once skips it. */
    readonly protectsResources: boolean;
    readonly io: { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void };
    /** Aborts the engine's operation and ends the run (Ctrl-C). */
    readonly signal: AbortSignal;
    /** Resolves when the run is interrupted (serving ends then). */
    readonly interrupted: Promise<unknown>;
}

/**
 * The stack through the real Pulumi engine into Azure on this machine: the emulator started, a
 * fresh state for the stack (the emulator lives as long as this run), `pulumi up` with the engine's
 * own output - the post-deploy smoke test runs inside it, as on Azure - then the scoring URI and
 * where the key is. `once`: then `preview --expect-no-changes` and `destroy`. Otherwise it serves
 * until interrupted. The timeline of ARM operations and live traffic goes to
 * `.local/timeline-<stack>.json`.
 */
export async function runStackThroughEngine(options: EngineRunOptions): Promise<number> {
    const { projectDir, stack, io, signal } = options;
    const lines = lineWriter(io.stdout);
    const azure = await LocalAzure.start({ projectDir, name: stack, progress: io.stdout });
    const stateDir = path.join(projectDir, ".local", "state", stack);
    fs.rmSync(stateDir, { recursive: true, force: true });
    try {
        // Imported here: the program module declares nothing until main() runs, inside the engine.
        const { main } = await import("../../program/main");
        const openEngine = () => EngineStack.open({ projectDir, stack, stateDir, program: async () => main(), env: azure.engineEnvironment() });
        const engine = await openEngine();
        if (options.mode === "preview") {
            // The engine's default display: its Diagnostics carry the preflight (the --diff display leaves them out).
            await engine.preview({ onOutput: lines, signal });
            lines.flush();
            return 0;
        }
        const up = await engine.up({ onOutput: lines, signal });
        lines.flush();
        const outputs = Object.fromEntries(Object.entries(up.outputs).map(([key, output]) => [key, output.value]));
        describeEndpoint(outputs, projectDir, io);
        describeServingEndpoint(outputs, azure, io);
        describeTracking(outputs, azure, options);
        if (options.mode === "batch") {
            const passed = await runBatchJobLocally(outputs, azure, options);
            if (!passed) return 1;
        }
        if (options.mode === "serve") {
            const redeploys = process.stdin.isTTY ? ` Press Enter to deploy ${stack}'s stack file as it is now (pulumi up).` : "";
            io.stdout(`\nServing ${outputs.scoringUri ?? outputs.servingEndpointUrl} until interrupted (Ctrl-C).${redeploys}`);
            await serveUntilInterrupted(options, async () => {
                const again = await (await openEngine()).up({ onOutput: lines, signal });
                lines.flush();
                const now = Object.fromEntries(Object.entries(again.outputs).map(([key, output]) => [key, output.value]));
                describeEndpoint(now, projectDir, io);
                describeServingEndpoint(now, azure, io);
                describeTracking(now, azure, options);
                io.stdout(`\nServing ${now.scoringUri ?? now.servingEndpointUrl} until interrupted (Ctrl-C). Press Enter to deploy again.`);
            });
            io.stdout("Stopping...");
            return 0;
        }
        if (options.mode === "once") {
            io.stdout("\nA preview right after the update must show no changes:");
            await engine.preview({ expectNoChanges: true, onOutput: lines, signal });
            lines.flush();
        }
        if (options.protectsResources) {
            io.stdout(`\n${stack} protects its resources (protectResources: true): the engine would refuse to destroy them, so --once leaves them; the emulator goes with this run.`);
            io.stdout(`${stack}: ${verdictSteps(options.mode)}: all passed`);
            return 0;
        }
        await engine.destroy({ onOutput: lines, signal });
        lines.flush();
        io.stdout(`\n${stack}: ${verdictSteps(options.mode)}, destroy: all passed`);
        return 0;
    } catch (err) {
        lines.flush();
        if (signal.aborted) return 130;
        io.stderr(`\n${(err as Error).message.split("\n").slice(0, 3).join("\n")}`);
        return 1;
    } finally {
        azure.writeTimeline(path.join(projectDir, ".local", `timeline-${stack}.json`));
        await azure.stop();
    }
}

/**
 * Serves until interrupted; each line on stdin (Enter) runs `redeploy` (an `up` of the stack file
 * as it is then), one at a time, a failure reported and serving going on.
 */
async function serveUntilInterrupted(options: EngineRunOptions, redeploy: () => Promise<void>): Promise<void> {
    // Only from a terminal: reading a background job's stdin would stop it (SIGTTIN).
    if (!process.stdin.isTTY) {
        await options.interrupted;
        return;
    }
    let running = Promise.resolve();
    const onLine = () => {
        running = running.then(redeploy).catch((err: Error) => options.io.stderr(`\nup failed: ${err.message.split("\n").slice(0, 12).join("\n")}\nStill serving; fix the stack file and press Enter to try again.`));
    };
    const lines = require("readline").createInterface({ input: process.stdin }) as import("readline").Interface;
    lines.on("line", onLine);
    try {
        await options.interrupted;
    } finally {
        lines.close();
        // An `up` under way ends (the interrupt aborts it) before the local Azure stops.
        await running;
    }
}

/**
 * The workspace's MLflow tracking URI as the local Azure serves it (its `mlFlowTrackingUri` is
 * Azure's `azureml://` form), and `.local/mlflow/<stack>.env` (its owner only) with what an MLflow
 * client needs: `npm run train -- --stack <stack>` reads it.
 */
function describeTracking(outputs: Record<string, any>, azure: LocalAzure, options: EngineRunOptions): void {
    if (options.mode !== "serve") return;
    // Azure ML: the workspace's tracking URI on the ARM server; Databricks: the workspace's own API (its MLflow at /api/2.0/mlflow).
    const databricks = outputs.databricksWorkspaceUrl ? String(outputs.databricksWorkspaceUrl) : undefined;
    if (!outputs.workspaceId && !databricks) return;
    const uri = databricks ? azure.databricks.baseUrl(databricks) : azure.trackingUri(String(outputs.workspaceId));
    const token = databricks ? azure.databricks.token : azure.bearerToken;
    const file = trackingEnvFile(options.projectDir, options.stack);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `MLFLOW_TRACKING_URI=${uri}\nMLFLOW_TRACKING_TOKEN=${token}\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    options.io.stdout(`\nMLflow tracking URI: ${uri}`);
    const served = databricks ? `workspace https://${databricks}'s MLflow` : `workspace's ${outputs.mlflowTrackingUri}`;
    options.io.stdout(`  the ${served}, served by MLflow's own server; with its token in ${path.relative(options.projectDir, file)}`);
    options.io.stdout(`  train and register a model there: npm run ${databricks ? "train:penguins" : "train"} -- --stack ${options.stack}`);
}

/** Where `npm run local` leaves a stack's MLflow client settings for `npm run train -- --stack`. */
export function trackingEnvFile(projectDir: string, stack: string): string {
    return path.join(projectDir, ".local", "mlflow", `${stack}.env`);
}

function verdictSteps(mode: EngineRunOptions["mode"]): string {
    return mode === "batch" ? "up (smoke test passed inside it), a batch job through the batch endpoint" : "up (smoke test passed inside it), a preview with no changes";
}

/**
 * A job through the stack's batch endpoint, as `npm run batch` submits it (same client): the
 * registered input folder, the output at `outputUri` or a fresh path in the default datastore.
 */
async function runBatchJobLocally(outputs: Record<string, any>, azure: LocalAzure, options: EngineRunOptions): Promise<boolean> {
    const { io } = options;
    if (!outputs.batchScoringUri) {
        io.stderr(`stack ${options.stack} has no batch endpoint`);
        return false;
    }
    // This process calls the endpoint itself, with the credential the engine's plugins use.
    Object.assign(process.env, azure.engineEnvironment());
    const endpointName = String(outputs.batchEndpointName);
    const outputUri = options.outputUri ?? freshOutputUri(String(outputs.defaultDatastoreId), endpointName);
    io.stdout(`\nBatch job through ${outputs.batchScoringUri}:`);
    try {
        const result = await runBatchJob({
            scoringUri: String(outputs.batchScoringUri),
            credential: entraCredential(azureCredential()),
            input: { uri: String(outputs.batchInputDataUri), type: "UriFolder" },
            outputUri,
            timeoutMs: 30 * 60_000,
            pollIntervalMs: 1000,
            onProgress: (line) => io.stdout(`  ${line}`),
        });
        const location = parseDatastoreUri(result.outputUri)!;
        const file = path.join(options.projectDir, ".local", "emulator", options.stack, "storage", azure.defaultStorageOf(String(outputs.workspaceId)), ...location.path.split("/"));
        io.stdout(`predictions: ${path.relative(options.projectDir, file)} (no header line; columns row, prediction, file_name)`);
        return true;
    } catch (err) {
        io.stderr(`batch job failed: ${(err as Error).message}`);
        return false;
    }
}

/**
 * A Databricks stack's serving endpoint: its Azure URL, where the local Databricks answers it, what
 * it serves, and the smoke test's verdict (same lines as an online endpoint's).
 */
function describeServingEndpoint(outputs: Record<string, any>, azure: LocalAzure, io: EngineRunOptions["io"]): void {
    if (!outputs.servingEndpointUrl) return;
    const local = String(outputs.servingEndpointUrl).replace(/^https:\/\//, `${azure.databricksUrl}/`);
    io.stdout(`\nServing endpoint: ${outputs.servingEndpointUrl}`);
    io.stdout(`  here: ${local} (each entity: .../served-models/<entity>/invocations; bearer: az account get-access-token --resource ${azureDatabricksResourceId})`);
    const applied = outputs.servedEntities as { entities?: { name: string; entityName: string; entityVersion: string }[]; routes?: Record<string, number> } | undefined;
    for (const entity of applied?.entities ?? []) io.stdout(`  ${entity.name.padEnd(8)} ${entity.entityName}:${entity.entityVersion}, route ${applied?.routes?.[entity.name] ?? 0}%`);
    describeSmoke(outputs, io);
}

/** The scoring URI, where the key is (written to a file readable by its owner only), the smoke verdict. */
function describeEndpoint(outputs: Record<string, any>, projectDir: string, io: EngineRunOptions["io"]): void {
    if (!outputs.scoringUri) return;
    io.stdout(`\nScoring URI: ${outputs.scoringUri}`);
    if (typeof outputs.onlineEndpointKey === "string") {
        const file = path.join(projectDir, ".local", "endpoint-key");
        fs.writeFileSync(file, outputs.onlineEndpointKey, { mode: 0o600 });
        fs.chmodSync(file, 0o600);
        io.stdout(`Key: the stack's secret output onlineEndpointKey, saved to .local/endpoint-key (export ${endpointKeyVariable}=$(cat .local/endpoint-key))`);
    }
    describeSmoke(outputs, io);
}

function describeSmoke(outputs: Record<string, any>, io: EngineRunOptions["io"]): void {
    const smoke = outputs.smokeTest as { passed?: boolean; checks?: { name: string; status?: number; latencyMs: number }[]; load?: { p50Ms: number; p95Ms: number; errorRate: number } } | undefined;
    if (smoke?.checks) {
        io.stdout("Post-deploy smoke test (inside the update):");
        for (const check of smoke.checks) io.stdout(`  PASS  ${check.name.padEnd(20)} HTTP ${check.status}, ${check.latencyMs} ms`);
        if (smoke.load) io.stdout(`  PASS  load check            p50 ${smoke.load.p50Ms} ms, p95 ${smoke.load.p95Ms} ms, error rate ${(smoke.load.errorRate * 100).toFixed(1)}%`);
        io.stdout(`smoke: ${smoke.checks.length + (smoke.load ? 1 : 0)} passed, 0 failed`);
    }
}

/** Engine output arrives in chunks; people read lines. */
function lineWriter(write: (line: string) => void): ((chunk: string) => void) & { flush(): void } {
    let pending = "";
    const onChunk = (chunk: string) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) write(line);
    };
    return Object.assign(onChunk, {
        flush() {
            if (pending) write(pending);
            pending = "";
        },
    });
}
