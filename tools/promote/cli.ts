import { parseArgs } from "util";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { azureCredential } from "../../runtime/azure/credential";
import { pinnedPulumiCli } from "../engine/pulumiCli";
import { readStackConfig } from "../stacks/stackFile";
import { AzureCloud } from "../../runtime/arm/clouds";
import { promoteModel, PromotionResult } from "./promote";

export const promoteUsage = `Usage: npm run promote -- --model <name>:<version> --from <stack> --to <stack>
  --model <name:version>  the model version to promote, as the source stack's stack file names it
  --from <stack>          the stack that served it and whose last smoke test passed for it (e.g. dev)
  --to <stack>            the stack that declares the registry (e.g. prod)
Reads both stacks' outputs from the state backend the Pulumi CLI uses (PULUMI_BACKEND_URL, or
\`pulumi login\`), with PULUMI_CONFIG_PASSPHRASE for passphrase-encrypted stacks; calls Azure with
the Azure CLI login or OIDC (as the deployments do).`;

export interface PromoteIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** `npm run promote`: the one command the promotion workflow runs (see promote.ts for what it does). */
export async function runPromoteCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: PromoteIo, projectDir = process.cwd()): Promise<number> {
    let values: { model?: string; from?: string; to?: string };
    try {
        ({ values } = parseArgs({ args: [...argv], options: { model: { type: "string" }, from: { type: "string" }, to: { type: "string" } }, strict: true }));
    } catch (err) {
        io.stderr(`${(err as Error).message}\n\n${promoteUsage}`);
        return 2;
    }
    if (!values.model || !values.from || !values.to) {
        io.stderr(`--model, --from and --to are required\n\n${promoteUsage}`);
        return 2;
    }
    try {
        const result = await promoteFromStacks({ projectDir, model: values.model, from: values.from, to: values.to, env, progress: io.stdout });
        io.stdout(
            result.copied
                ? `promoted ${values.model} from ${values.from} to ${result.assetId}: ${result.files} files, ${result.bytes} bytes, content ${result.contentHash} (${result.seconds.toFixed(1)} s)`
                : `${result.assetId} already holds ${values.model} as ${values.from} verified it (content ${result.contentHash}); nothing changed (${result.seconds.toFixed(1)} s)`,
        );
        io.stdout(`deploy it from ${values.to}: in Pulumi.${values.to}.yaml, a deployment's model: ${result.assetId}`);
        return 0;
    } catch (err) {
        io.stderr(`promotion refused: ${(err as Error).message}`);
        return 1;
    }
}

/** The promotion, with both stacks' outputs read through the state backend (Automation API, the pinned CLI). */
export async function promoteFromStacks(options: {
    readonly projectDir: string;
    readonly model: string;
    readonly from: string;
    readonly to: string;
    readonly env: NodeJS.ProcessEnv;
    readonly progress: (line: string) => void;
}): Promise<PromotionResult> {
    const envVars = Object.fromEntries(Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const workspace = await LocalWorkspace.create({ workDir: options.projectDir, pulumiCommand: await pinnedPulumiCli(), envVars });
    const outputsOf = async (stack: string) => Object.fromEntries(Object.entries(await workspace.stackOutputs(stack)).map(([key, output]) => [key, output.value]));
    const [fromOutputs, toOutputs] = await Promise.all([outputsOf(options.from), outputsOf(options.to)]);
    return promoteModel({
        model: options.model,
        from: { stack: options.from, outputs: fromOutputs },
        to: { stack: options.to, outputs: toOutputs },
        // The registry's stack file says which Azure cloud it is in (azure-native:environment).
        cloud: (readStackConfig(options.projectDir, options.to)["azure-native:environment"] as AzureCloud | undefined) ?? "public",
        credential: azureCredential(options.env),
        progress: options.progress,
    });
}
