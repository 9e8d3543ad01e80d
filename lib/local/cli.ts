import { execFile } from "child_process";
import * as path from "path";
import { parseArgs, promisify } from "util";
import { StackConfig } from "../../config/schema";
import { hasLiveTraffic } from "../../components/online/trafficRules";
import { modelFolders } from "../../config/modelFolders";
import { formatSmokeReport } from "../smoke/smokeReport";
import { staticCredential } from "../smoke/scoringCredential";
import { readScoringRequest } from "../smoke/scoringRequest";
import { runSmokeTest } from "../smoke/smokeTest";
import { loadCommittedStack } from "../stacks/committedStack";
import { DatastoreLocation, parseDatastoreUri } from "../batch/datastoreUri";
import { stopAllInferenceServers } from "./inferenceServer";
import { LocalEndpoint, startLocalEndpoint } from "./localEndpoint";
import { ModelEnvironment, ModelEnvironmentError, prepareModelEnvironments } from "./modelEnvironment";

export const localUsage = `Usage: npm run local -- [--stack <name>] [--once | --batch [--output-uri <uri>]] [--port <n>]
  --stack <name>      the stack whose online endpoint (or batch deployment) to run (default dev)
  --once              start, smoke test with a short load check, stop; the exit code is the verdict
  --batch             score the stack's batch input folder locally as its default batch deployment
  --output-uri <uri>  with --batch: a job output URI as Azure takes it (<datastore ARM id>/paths/<path>, or
                      azureml://datastores/<name>/paths/<path>), written under .local/datastores/<name>/<path>
  --port <n>          port of the local scoring URI on 127.0.0.1 (default: any free port)
Without --once or --batch the endpoint keeps serving until interrupted (Ctrl-C).`;

/** A short load check for --once when the stack sets none. */
const defaultLoad = { requests: 30, concurrency: 3, maxP95Ms: 2000, maxErrorRate: 0 };

export interface LocalCliIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** `npm run local`: 0 on success, 1 when the smoke test or batch scoring fails, 2 for usage or setup errors. */
export async function runLocalCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: LocalCliIo, projectDir: string): Promise<number> {
    let values;
    try {
        values = parseArgs({
            args: [...argv],
            options: {
                stack: { type: "string", default: "dev" },
                once: { type: "boolean", default: false },
                batch: { type: "boolean", default: false },
                port: { type: "string" },
                "output-uri": { type: "string" },
            },
            strict: true,
        }).values;
    } catch (err) {
        io.stderr(`${(err as Error).message}\n\n${localUsage}`);
        return 2;
    }
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
        io.stderr(`--port ${values.port} must be a port number (0-65535)`);
        return 2;
    }
    if (values.once && values.batch) {
        io.stderr(`--once and --batch do not go together\n\n${localUsage}`);
        return 2;
    }
    const outputUri = values["output-uri"];
    const outputLocation = outputUri === undefined ? undefined : parseDatastoreUri(outputUri);
    if (outputUri !== undefined && (!values.batch || outputLocation === undefined)) {
        io.stderr(`--output-uri ${outputUri}: ${values.batch ? "names no datastore path" : "goes with --batch only"}\n\n${localUsage}`);
        return 2;
    }
    let config: StackConfig;
    try {
        config = loadCommittedStack(projectDir, values.stack!).config;
    } catch (err) {
        io.stderr((err as Error).message);
        return 2;
    }
    if (values.batch ? !config.batchEndpoint : !config.onlineEndpoint) {
        io.stderr(`stack ${values.stack} declares no ${values.batch ? "batchEndpoint" : "onlineEndpoint"} to run`);
        return 2;
    }
    // Listening from before the first environment build: SIGINT or SIGTERM (Ctrl-C, `kill`, a
    // supervisor) at any point stops pip, every server and this process. A signal often comes
    // twice (to the process group, and forwarded by npm): the handler stays, since without one the
    // second would end this process before its servers.
    const stop = new AbortController();
    const interrupted = new Promise<"interrupted">((resolve) => {
        const onSignal = () => {
            stop.abort();
            resolve("interrupted");
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
    });

    const served = values.batch ? [defaultBatchDeployment(config).model] : config.onlineEndpoint!.deployments.map((d) => d.model);
    const folders = modelFolders(config, projectDir);
    io.stdout(`Preparing each model's Python environment from its own requirements (as Azure builds them)...`);
    let environments: Map<string, ModelEnvironment>;
    try {
        environments = await prepareModelEnvironments(
            [...new Set(served)].map((key) => ({ key, dir: folders.get(key)! })),
            { projectDir, progress: (line) => io.stdout(line), signal: stop.signal },
        );
    } catch (err) {
        if (stop.signal.aborted) return 130;
        io.stderr(err instanceof ModelEnvironmentError ? err.message : `could not prepare the model environments: ${(err as Error).message}`);
        return 2;
    }
    if (values.batch) return scoreBatchLocally(config, projectDir, environments, io, outputLocation, stop.signal);

    io.stdout(`Starting one Azure ML inference server per deployment of ${values.stack}, each in its model's environment...`);
    const endpoint = await Promise.race([startLocalEndpoint({ config, projectDir, environments, env, port }), interrupted]);
    if (endpoint === "interrupted") {
        io.stdout("Interrupted: stopping the inference servers...");
        await stopAllInferenceServers();
        return 130;
    }
    try {
        describe(endpoint, config, io);
        const load = values.once ? (config.smokeTest.load ?? defaultLoad) : undefined;
        const passed = await Promise.race([smokeTest(endpoint, config, projectDir, load, io), interrupted]);
        if (passed === "interrupted") return 130;
        if (values.once) return passed ? 0 : 1;
        io.stdout(`\nServing ${endpoint.scoringUri} until interrupted (Ctrl-C).`);
        await interrupted;
        io.stdout("Stopping...");
        return 0;
    } finally {
        await endpoint.stop();
    }
}

function describe(endpoint: LocalEndpoint, config: StackConfig, io: LocalCliIo): void {
    const online = config.onlineEndpoint!;
    io.stdout(`Local endpoint up in ${(endpoint.startupMs / 1000).toFixed(1)} s`);
    io.stdout(`  scoring URI: ${endpoint.scoringUri}`);
    io.stdout(`  key: ${endpoint.keySource}`);
    if (online.authMode !== "Key") io.stdout(`  (on Azure this endpoint uses ${online.authMode}; locally the key stands in)`);
    for (const server of endpoint.servers) {
        const deployment = online.deployments.find((d) => d.name === server.deployment)!;
        const weight = online.traffic[server.deployment] ?? 0;
        const mirror = online.mirrorTraffic[server.deployment];
        io.stdout(`  ${server.deployment}: ${deployment.model}, ${weight}% traffic${mirror ? `, ${mirror}% mirrored` : ""} (inference server ${server.url})`);
    }
}

async function smokeTest(
    endpoint: LocalEndpoint,
    config: StackConfig,
    projectDir: string,
    load: typeof defaultLoad | undefined,
    io: LocalCliIo,
): Promise<boolean> {
    const smoke = config.smokeTest;
    // With every deployment at 0%, Azure answers 404 through routing: only the header checks apply.
    const anyLiveTraffic = hasLiveTraffic(config.onlineEndpoint!.traffic);
    const report = await runSmokeTest({
        scoringUri: endpoint.scoringUri,
        request: readScoringRequest(path.resolve(projectDir, smoke.requestFile)),
        credential: staticCredential(endpoint.key, endpoint.keySource),
        deployments: config.onlineEndpoint!.deployments.map((d) => d.name).sort(),
        throughRouting: anyLiveTraffic,
        allowedPredictions: smoke.allowedPredictions,
        latencyBudgetMs: smoke.latencyBudgetMs,
        timeoutMs: smoke.timeoutSeconds * 1000,
        load: anyLiveTraffic ? load : undefined,
    });
    io.stdout(`\n${formatSmokeReport(report)}`);
    return report.passed;
}

/**
 * Scores the batch input folder as the stack's default batch deployment would, into its output file
 * (by default `.local/batch/<deployment>/<outputFileName>`; for a job output URI, its path under
 * `.local/datastores/<datastore>/`).
 */
async function scoreBatchLocally(
    config: StackConfig,
    projectDir: string,
    environments: Map<string, ModelEnvironment>,
    io: LocalCliIo,
    outputLocation: DatastoreLocation | undefined,
    signal: AbortSignal,
): Promise<number> {
    const batch = config.batchEndpoint!;
    const deployment = defaultBatchDeployment(config);
    const python = environments.get(deployment.model)!.python;
    const modelDir = modelFolders(config, projectDir).get(deployment.model)!;
    const input = path.resolve(projectDir, batch.inputData?.path ?? "data/batch");
    const output = outputLocation
        ? path.join(projectDir, ".local", "datastores", outputLocation.datastore, ...outputLocation.path.split("/"))
        : path.join(projectDir, ".local", "batch", deployment.name, deployment.outputFileName);
    io.stdout(`Scoring ${path.relative(projectDir, input)} with ${deployment.model} (deployment ${deployment.name}), ${deployment.miniBatchSize} files per mini-batch...`);
    try {
        const { stdout, stderr } = await promisify(execFile)(
            python,
            [
                path.join(projectDir, "serving", "batch_score.py"),
                "--model", modelDir,
                "--input", input,
                "--output", output,
                "--mini-batch-size", String(deployment.miniBatchSize),
                "--error-threshold", String(deployment.errorThreshold),
                "--max-concurrency", String(deployment.maxConcurrencyPerInstance),
            ],
            { cwd: projectDir, timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024, signal },
        );
        if (stderr.trim()) io.stderr(stderr.trim());
        io.stdout(stdout.trim());
        io.stdout(`predictions: ${path.relative(projectDir, output)} (no header line; columns row, prediction, file_name)`);
        return 0;
    } catch (err) {
        const error = err as Error & { stdout?: string; stderr?: string };
        io.stderr(`local batch scoring failed: ${(error.stderr || error.stdout || error.message).trim()}`);
        return 1;
    }
}

function defaultBatchDeployment(config: StackConfig) {
    const batch = config.batchEndpoint!;
    return batch.deployments.find((d) => d.name === batch.defaultDeployment)!;
}
