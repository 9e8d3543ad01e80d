import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { AzureCloud } from "../../runtime/arm/clouds";
import { azureCredential } from "../../runtime/azure/credential";
import { loadCommittedStack } from "../stacks/committedStack";
import { pulumiStackOutputs } from "../stacks/stackOutputs";
import { LoadCheckOptions } from "../../runtime/scoring/loadCheck";
import { endpointScoringCredential } from "../../runtime/scoring/endpointCredential";
import { ScoringCredential, endpointKeyVariable, entraCredential, staticCredential } from "../../runtime/scoring/scoringCredential";
import { readScoringRequest } from "../../runtime/scoring/scoringRequest";
import { formatSmokeReport } from "../../runtime/smoke/smokeReport";
import { SmokeTestSpec, runSmokeTest } from "../../runtime/smoke/smokeTest";

export const smokeUsage = `Usage: npm run smoke -- (--scoring-uri <url> | --stack <name>) [options]
  --scoring-uri <url>       the endpoint's scoring URI (https://<endpoint>.<region>.inference.ml.azure.com/score)
  --stack <name>            read the scoring URI and deployments from \`pulumi stack output\`, and the
                            smoke settings (request, allowed predictions, budgets, load) from Pulumi.<name>.yaml
  --request <file>          request in the endpoint's input_data format (default: sample-request.json)
  --deployment <name>       score this deployment directly (azureml-model-deployment header); repeatable
  --timeout <seconds>       bound on the whole run, hung connections included (default 120)
  --allowed <v1,v2,...>     allowed prediction values (default: any)
  --latency-budget-ms <ms>  per-call latency budget (default 5000)
  --load <n> --concurrency <c> [--max-p95-ms <ms>] [--max-error-rate <0-1>]   a short load check
  --json                    print the report as JSON
  --report <file>           also write the JSON report to this file (e.g. a CI artifact)
Credential: the endpoint key from ${endpointKeyVariable}; when it is not set, with --stack what the
stack's endpoint takes (its key through listKeys, an AML token, or an Entra token), otherwise an
Entra token (scope https://ml.azure.com/.default).`;

export interface CliIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

export interface CliDependencies {
    /** Entra credential used when no key is given (tests pass a fake). */
    readonly entra?: () => import("@azure/identity").TokenCredential;
    /** Runs `pulumi stack output --json` for a stack (tests pass a fake). */
    readonly stackOutputs?: (stack: string, projectDir: string) => Promise<Record<string, unknown>>;
    readonly projectDir?: string;
    /** First retry delay for transient answers (tests shorten it). */
    readonly retryBaseMs?: number;
}

class UsageError extends Error {}

/** `npm run smoke`: 0 when every check passes, 1 when one fails, 2 for a usage or setup error. */
export async function runSmokeCli(
    argv: readonly string[],
    env: NodeJS.ProcessEnv,
    io: CliIo,
    deps: CliDependencies = {},
): Promise<number> {
    try {
        const plan = await planFromArguments(argv, env, deps);
        const report = await withinTimeout(runSmokeTest(plan.smoke), plan.smoke.timeoutMs);
        io.stdout(plan.json ? JSON.stringify(report, null, 2) : formatSmokeReport(report));
        if (plan.reportFile) fs.writeFileSync(plan.reportFile, `${JSON.stringify(report, null, 2)}\n`);
        return report.passed ? 0 : 1;
    } catch (err) {
        io.stderr(`${(err as Error).message}${err instanceof UsageError ? `\n\n${smokeUsage}` : ""}`);
        return 2;
    }
}

/**
 * Every wait inside the smoke test is bounded by its deadline already; this backstop also covers
 * what is not (a credential that never answers), so `--timeout` holds whatever happens.
 */
async function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const backstop = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the smoke test did not finish within ${timeoutMs / 1000} s`)), timeoutMs + 2000);
    });
    try {
        return await Promise.race([work, backstop]);
    } finally {
        clearTimeout(timer);
    }
}

async function planFromArguments(
    argv: readonly string[],
    env: NodeJS.ProcessEnv,
    deps: CliDependencies,
): Promise<{ smoke: SmokeTestSpec; json: boolean; reportFile?: string }> {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            options: {
                "scoring-uri": { type: "string" },
                stack: { type: "string" },
                request: { type: "string" },
                deployment: { type: "string", multiple: true },
                timeout: { type: "string" },
                allowed: { type: "string" },
                "latency-budget-ms": { type: "string" },
                load: { type: "string" },
                concurrency: { type: "string" },
                "max-p95-ms": { type: "string" },
                "max-error-rate": { type: "string" },
                json: { type: "boolean", default: false },
                report: { type: "string" },
            },
            strict: true,
        });
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
    const o = parsed.values;
    const projectDir = deps.projectDir ?? path.resolve(__dirname, "..", "..");
    const stack = o.stack ? await fromStack(o.stack, projectDir, deps) : undefined;

    const scoringUri = o["scoring-uri"] ?? stack?.scoringUri;
    if (!scoringUri) throw new UsageError("give --scoring-uri <url> or --stack <name>");
    if (!/^https?:\/\//.test(scoringUri)) throw new UsageError(`--scoring-uri ${scoringUri} is not an http(s) URL`);

    const requestFile = path.resolve(projectDir, o.request ?? stack?.requestFile ?? "sample-request.json");
    const request = readScoringRequest(requestFile);
    const deployments = o.deployment ?? stack?.deployments ?? [];
    const load = loadOptions(o, stack?.load);

    return {
        json: o.json ?? false,
        reportFile: o.report,
        smoke: {
            scoringUri,
            request,
            credential: await credentialFrom(env, deps, stack),
            deployments,
            // With --deployment the user asked for those deployments only.
            throughRouting: o.deployment === undefined,
            allowedPredictions: o.allowed !== undefined ? parseAllowed(o.allowed) : stack?.allowedPredictions,
            latencyBudgetMs: positive(o["latency-budget-ms"], "--latency-budget-ms") ?? stack?.latencyBudgetMs ?? 5000,
            timeoutMs: (positive(o.timeout, "--timeout") ?? stack?.timeoutSeconds ?? 120) * 1000,
            load,
            retryBaseMs: deps.retryBaseMs,
        },
    };
}

/**
 * The key from the environment when set; with --stack, what the stack's endpoint takes (its key
 * via listKeys, an AML token, or an Entra token); otherwise an Entra token.
 */
async function credentialFrom(env: NodeJS.ProcessEnv, deps: CliDependencies, stack: StackSettings | undefined): Promise<ScoringCredential> {
    const key = env[endpointKeyVariable];
    if (key && key.trim() !== "") return staticCredential(key.trim(), `endpoint key from ${endpointKeyVariable}`);
    const azure = (deps.entra ?? (() => azureCredential()))();
    if (stack?.endpointId && stack.authMode) {
        return endpointScoringCredential({ authMode: stack.authMode, endpointId: stack.endpointId, cloud: stack.cloud, azure });
    }
    return entraCredential(azure, stack?.cloud ?? "public");
}

function loadOptions(o: Record<string, unknown>, fromStack: LoadCheckOptions | undefined): LoadCheckOptions | undefined {
    const requests = positive(o.load as string | undefined, "--load");
    if (requests === undefined) return fromStack;
    const rate = o["max-error-rate"] === undefined ? 0 : Number(o["max-error-rate"]);
    if (!(rate >= 0 && rate <= 1)) throw new UsageError(`--max-error-rate ${o["max-error-rate"]} must be a fraction from 0 to 1`);
    return {
        requests,
        concurrency: positive(o.concurrency as string | undefined, "--concurrency") ?? 4,
        maxP95Ms: positive(o["max-p95-ms"] as string | undefined, "--max-p95-ms") ?? 2000,
        maxErrorRate: rate,
    };
}

function positive(value: string | undefined, flag: string): number | undefined {
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${flag} ${value} must be a positive number`);
    return number;
}

function parseAllowed(list: string): (number | string | boolean)[] {
    return list
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "")
        .map((v) => (v === "true" ? true : v === "false" ? false : Number.isFinite(Number(v)) ? Number(v) : v));
}

interface StackSettings {
    readonly scoringUri?: string;
    /** ARM id of the deployed endpoint (stack output onlineEndpointId). */
    readonly endpointId?: string;
    readonly authMode?: "Key" | "AMLToken" | "AADToken";
    readonly deployments: string[];
    readonly requestFile: string;
    readonly allowedPredictions: (number | string | boolean)[];
    readonly latencyBudgetMs: number;
    readonly timeoutSeconds: number;
    readonly load?: LoadCheckOptions;
    readonly cloud: AzureCloud;
}

async function fromStack(stack: string, projectDir: string, deps: CliDependencies): Promise<StackSettings> {
    const { config, provider } = loadCommittedStack(projectDir, stack);
    const outputs = await (deps.stackOutputs ?? ((name, dir) => pulumiStackOutputs(name, dir, "pass --scoring-uri instead")))(stack, projectDir);
    const deployments = Array.isArray(outputs.onlineDeployments) ? outputs.onlineDeployments.map(String) : [];
    return {
        scoringUri: typeof outputs.scoringUri === "string" ? outputs.scoringUri : undefined,
        endpointId: typeof outputs.onlineEndpointId === "string" ? outputs.onlineEndpointId : undefined,
        authMode: config.onlineEndpoint?.authMode,
        deployments,
        requestFile: config.smokeTest.requestFile,
        allowedPredictions: config.smokeTest.allowedPredictions,
        latencyBudgetMs: config.smokeTest.latencyBudgetMs,
        timeoutSeconds: config.smokeTest.timeoutSeconds,
        load: config.smokeTest.load,
        cloud: provider.azureEnvironment,
    };
}
