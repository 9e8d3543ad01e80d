import { execFile } from "child_process";
import * as path from "path";
import { parseArgs, promisify } from "util";
import { StackConfig } from "../../config/schema";
import { modelFolders } from "../../config/modelFolders";
import { loadCommittedStack } from "../stacks/committedStack";
import { DatastoreLocation, parseDatastoreUri } from "../batch/datastoreUri";
import { runStackThroughEngine } from "./engineRun";
import { ModelEnvironment, ModelEnvironmentError, prepareModelEnvironments } from "./modelEnvironment";

export const localUsage = `Usage: npm run local -- [preview] [--stack <name>] [--once | --batch [--output-uri <uri>]]
  preview             print the engine's \`pulumi preview --diff\` of the stack into a fresh emulator
  --stack <name>      the stack to run (default dev): \`pulumi up\` by the real engine into Azure on this
                      machine (emulator/), the post-deploy smoke test inside it; then serves until Ctrl-C
  --once              up, then \`preview --expect-no-changes\`, then destroy; the exit code is the verdict
  --batch             score the stack's batch input folder locally as its default batch deployment
  --output-uri <uri>  with --batch: a job output URI as Azure takes it (<datastore ARM id>/paths/<path>, or
                      azureml://datastores/<name>/paths/<path>), written under .local/datastores/<name>/<path>`;

export interface LocalCliIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** `npm run local`: 0 on success, 1 when the smoke test or batch scoring fails, 2 for usage or setup errors. */
export async function runLocalCli(argv: readonly string[], io: LocalCliIo, projectDir: string): Promise<number> {
    let values;
    let command = "";
    try {
        const parsed = parseArgs({
            args: [...argv],
            allowPositionals: true,
            options: {
                stack: { type: "string", default: "dev" },
                once: { type: "boolean", default: false },
                batch: { type: "boolean", default: false },
                "output-uri": { type: "string" },
            },
            strict: true,
        });
        values = parsed.values;
        command = parsed.positionals.join(" ");
        if (command !== "" && command !== "preview") throw new Error(`unknown command "${command}"`);
    } catch (err) {
        io.stderr(`${(err as Error).message}\n\n${localUsage}`);
        return 2;
    }
    if (command === "preview" && (values.once || values.batch)) {
        io.stderr(`preview goes without --once and --batch\n\n${localUsage}`);
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

    if (!values.batch) {
        return runStackThroughEngine({
            projectDir,
            stack: values.stack!,
            mode: command === "preview" ? "preview" : values.once ? "once" : "serve",
            protectsResources: config.protectResources,
            io,
            signal: stop.signal,
            interrupted,
        });
    }

    const model = defaultBatchDeployment(config).model;
    io.stdout(`Preparing the model's Python environment from its own requirements (as Azure builds it)...`);
    let environments: Map<string, ModelEnvironment>;
    try {
        environments = await prepareModelEnvironments([{ key: model, dir: modelFolders(config, projectDir).get(model)! }], {
            projectDir,
            progress: (line) => io.stdout(line),
            signal: stop.signal,
        });
    } catch (err) {
        if (stop.signal.aborted) return 130;
        io.stderr(err instanceof ModelEnvironmentError ? err.message : `could not prepare the model environment: ${(err as Error).message}`);
        return 2;
    }
    return scoreBatchLocally(config, projectDir, environments, io, outputLocation, stop.signal);
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
