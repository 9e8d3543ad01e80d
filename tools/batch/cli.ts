import type { TokenCredential } from "@azure/identity";
import * as path from "path";
import { parseArgs } from "util";
import { azureCredential } from "../../runtime/azure/credential";
import { loadCommittedStack } from "../stacks/committedStack";
import { pulumiStackOutputs } from "../stacks/stackOutputs";
import { entraCredential } from "../../runtime/scoring/scoringCredential";
import { BatchJobError, freshOutputUri, runBatchJob } from "../../runtime/batch/batchJobClient";
import { parseDatastoreUri } from "../../runtime/batch/datastoreUri";

export const batchUsage = `Usage: npm run batch -- (--scoring-uri <url> --input-uri <uri> | --stack <name>) [options]
  --scoring-uri <url>    the batch endpoint's scoring URI (https://<endpoint>.<region>.inference.ml.azure.com/jobs)
  --input-uri <uri>      folder (or, with --input-type UriFile, file) to score, e.g. azureml://datastores/...
  --stack <name>         take the scoring URI and the registered input data from \`pulumi stack output\`
  --deployment <name>    a deployment other than the endpoint's default (azureml-model-deployment)
  --output-uri <uri>     where predictions go: <datastore ARM id>/paths/<path> (azureml://datastores/<name>/paths/<path>
                         is read too); default: a fresh path under batch-outputs/ in --datastore-id
  --datastore-id <id>    ARM id of the datastore for the default output (with --stack: its defaultDatastoreId output)
  --timeout <seconds>    bound on submitting and waiting (default 3600)
  --poll <seconds>       wait between status polls (default 15)
  --json                 print the result as JSON
Credential: an Entra token (DefaultAzureCredential, scope https://ml.azure.com/.default): batch
endpoints accept nothing else.`;

export interface BatchCliDependencies {
    readonly entra?: () => TokenCredential;
    readonly stackOutputs?: (stack: string, projectDir: string) => Promise<Record<string, unknown>>;
    readonly projectDir?: string;
    readonly retryBaseMs?: number;
}

class UsageError extends Error {}

/** `npm run batch`: 0 when the job completed, 1 when it failed, 2 for a usage or setup error. */
export async function runBatchCli(
    argv: readonly string[],
    io: { stdout: (t: string) => void; stderr: (t: string) => void },
    deps: BatchCliDependencies = {},
): Promise<number> {
    let options;
    try {
        options = await optionsFrom(argv, deps);
    } catch (err) {
        io.stderr(`${(err as Error).message}${err instanceof UsageError ? `\n\n${batchUsage}` : ""}`);
        return 2;
    }
    try {
        const result = await runBatchJob({ ...options.job, onProgress: options.json ? undefined : io.stdout });
        if (options.json) io.stdout(JSON.stringify(result, null, 2));
        else io.stdout(`Completed: job ${result.jobName} in ${Math.round(result.durationMs / 1000)} s; predictions at ${result.outputUri}`);
        return 0;
    } catch (err) {
        if (!(err instanceof BatchJobError)) throw err;
        io.stderr(`FAILED: ${err.message}`);
        return 1;
    }
}

async function optionsFrom(argv: readonly string[], deps: BatchCliDependencies) {
    let values;
    try {
        values = parseArgs({
            args: [...argv],
            options: {
                "scoring-uri": { type: "string" },
                "input-uri": { type: "string" },
                "input-type": { type: "string", default: "UriFolder" },
                stack: { type: "string" },
                deployment: { type: "string" },
                "output-uri": { type: "string" },
                "datastore-id": { type: "string" },
                timeout: { type: "string", default: "3600" },
                poll: { type: "string", default: "15" },
                json: { type: "boolean", default: false },
            },
            strict: true,
        }).values;
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
    const projectDir = deps.projectDir ?? path.resolve(__dirname, "..", "..");
    let cloud: "public" | "usgovernment" | "china" = "public";
    let fromStack: Record<string, unknown> = {};
    let outputFile = "predictions.csv";
    if (values.stack) {
        const loaded = loadCommittedStack(projectDir, values.stack);
        cloud = loaded.provider.azureEnvironment;
        const batch = loaded.config.batchEndpoint;
        const chosen = batch?.deployments.find((d) => d.name === (values.deployment ?? batch.defaultDeployment));
        outputFile = chosen?.outputFileName ?? outputFile;
        fromStack = await (deps.stackOutputs ?? ((name, dir) => pulumiStackOutputs(name, dir, "pass --scoring-uri and --input-uri instead")))(values.stack, projectDir);
    }
    const scoringUri = values["scoring-uri"] ?? stringOr(fromStack.batchScoringUri);
    const inputUri = values["input-uri"] ?? stringOr(fromStack.batchInputDataUri);
    if (!scoringUri) throw new UsageError("give --scoring-uri <url> or --stack <name> (whose batchScoringUri output is set)");
    if (!inputUri) throw new UsageError("give --input-uri <uri> or --stack <name> (whose batchInputDataUri output is set)");
    const inputType = values["input-type"];
    if (inputType !== "UriFolder" && inputType !== "UriFile") throw new UsageError(`--input-type ${inputType} must be UriFolder or UriFile`);
    const timeout = Number(values.timeout);
    const poll = Number(values.poll);
    if (!(timeout > 0)) throw new UsageError(`--timeout ${values.timeout} must be a positive number of seconds`);
    if (!(poll > 0)) throw new UsageError(`--poll ${values.poll} must be a positive number of seconds`);
    const endpointName = new URL(scoringUri).hostname.split(".")[0];
    const datastoreId = values["datastore-id"] ?? stringOr(fromStack.defaultDatastoreId);
    const outputUri = values["output-uri"];
    if (outputUri !== undefined && parseDatastoreUri(outputUri) === undefined) {
        throw new UsageError(`--output-uri ${outputUri} names no datastore path; give <datastore ARM id>/paths/<path>`);
    }
    if (outputUri === undefined && datastoreId === undefined) {
        throw new UsageError("give --output-uri <uri>, --datastore-id <ARM id> or --stack <name> (whose defaultDatastoreId output is set)");
    }
    const entra = deps.entra ?? (() => azureCredential());
    return {
        json: values.json ?? false,
        job: {
            scoringUri,
            credential: entraCredential(entra(), cloud),
            input: { uri: inputUri, type: inputType as "UriFolder" | "UriFile" },
            outputUri: outputUri ?? freshOutputUri(datastoreId!, endpointName, outputFile),
            deployment: values.deployment,
            timeoutMs: timeout * 1000,
            pollIntervalMs: poll * 1000,
            retryBaseMs: deps.retryBaseMs,
        },
    };
}

function stringOr(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}
