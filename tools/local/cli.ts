import { parseArgs } from "util";
import { StackConfig } from "../../config/schema";
import { loadCommittedStack } from "../stacks/committedStack";
import { parseDatastoreUri } from "../../runtime/batch/datastoreUri";
import { runStackThroughEngine } from "./engineRun";

export const localUsage = `Usage: npm run local -- [preview] [--stack <name>] [--once | --batch [--output-uri <uri>]]
  preview             print the engine's \`pulumi preview\` of the stack into a fresh emulator (the preflight in its Diagnostics)
  --stack <name>      the stack to run (default dev): \`pulumi up\` by the real engine into Azure on this
                      machine (emulator/), the post-deploy smoke test inside it; then serves until Ctrl-C
  --once              up, then \`preview --expect-no-changes\`, then destroy; the exit code is the verdict
  --batch             up, then a batch job through the stack's batch endpoint (its registered input folder), then destroy
  --output-uri <uri>  with --batch: a job output URI as Azure takes it (<datastore ARM id>/paths/<path>, or
                      azureml://datastores/<name>/paths/<path>) in the workspace's default datastore`;

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
    const serves = config.platform === "databricks" ? !values.batch && config.databricks !== undefined : values.batch ? config.batchEndpoint : config.onlineEndpoint;
    if (!serves) {
        const wanted = values.batch ? "batchEndpoint (Azure ML)" : config.platform === "databricks" ? "databricks.servingEndpoint" : "onlineEndpoint";
        io.stderr(`stack ${values.stack} declares no ${wanted} to run`);
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

    return runStackThroughEngine({
        projectDir,
        stack: values.stack!,
        mode: command === "preview" ? "preview" : values.batch ? "batch" : values.once ? "once" : "serve",
        outputUri,
        protectsResources: config.protectResources,
        io,
        signal: stop.signal,
        interrupted,
    });
}
