import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { LocalAzure } from "../../emulator/localAzure";
import { EngineStack } from "../engine/engineStack";
import { PreviewResult, previewForComment } from "./enginePreview";
import { commentMarker, previewComment } from "./markdown";
import { PullRequestTarget, pullRequestFromActions, upsertComment } from "./pullRequestComment";

export const previewCommentUsage = `Usage: npm run preview-comment -- --stack <name> [--out <file>] [--post] [--policy-pack <dir> --policy-pack-config <file>]
                                  [--refresh] [--local [--base <git-ref>]]
  --stack <name>               the stack to preview (its Pulumi.<name>.yaml as it is in the working tree)
  --out <file>                 write the markdown there (default: stdout)
  --post                       post it on the workflow's pull request, updating this stack's comment in place
                               (GitHub Actions: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL)
  --policy-pack <dir>          run the policy pack during the preview; --policy-pack-config its config
  --refresh                    refresh the state from Azure first (as the preview workflow does)
  --local                      against Azure on this machine: deploy the stack as <base> has it, then preview the working tree's
  --base <git-ref>             with --local: the stack file's version deployed first (default HEAD)
Renders the PR comment: the engine's changes, the rollout plan, the preflight (quota, no-code
compatibility) and the monthly cost with this change's part. Without --local it previews against
the state backend and Azure the Pulumi CLI is configured for (PULUMI_BACKEND_URL or Pulumi Cloud,
PULUMI_CONFIG_PASSPHRASE, the Azure login). Exits 1 when the preview failed (the comment says why).`;

export interface PreviewCommentIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

interface Options {
    readonly stack: string;
    readonly out?: string;
    readonly post: boolean;
    readonly policyPack?: string;
    readonly policyPackConfig?: string;
    readonly refresh: boolean;
    readonly local: boolean;
    readonly base: string;
}

/** `npm run preview-comment`: one stack's PR comment as markdown; 1 when the preview failed (after the comment is written and posted). */
export async function runPreviewCommentCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: PreviewCommentIo, projectDir = process.cwd()): Promise<number> {
    let options: Options;
    try {
        const { values } = parseArgs({
            args: [...argv],
            options: {
                stack: { type: "string" },
                out: { type: "string" },
                post: { type: "boolean", default: false },
                "policy-pack": { type: "string" },
                "policy-pack-config": { type: "string" },
                refresh: { type: "boolean", default: false },
                local: { type: "boolean", default: false },
                base: { type: "string", default: "HEAD" },
            },
            strict: true,
        });
        if (!values.stack) throw new Error("--stack is required");
        if (!fs.existsSync(path.join(projectDir, `Pulumi.${values.stack}.yaml`))) throw new Error(`there is no Pulumi.${values.stack}.yaml in ${projectDir}`);
        options = { stack: values.stack, out: values.out, post: values.post!, policyPack: values["policy-pack"], policyPackConfig: values["policy-pack-config"], refresh: values.refresh!, local: values.local!, base: values.base! };
    } catch (err) {
        io.stderr(`${(err as Error).message}\n\n${previewCommentUsage}`);
        return 2;
    }
    let target: PullRequestTarget | undefined;
    try {
        target = options.post ? pullRequestFromActions(env) : undefined;
    } catch (err) {
        io.stderr(`${(err as Error).message}\n`);
        return 2;
    }
    const result = options.local ? await localPreview(options, projectDir, io) : await backendPreview(options, env, projectDir);
    const markdown = previewComment(result);
    if (options.out) fs.writeFileSync(options.out, markdown);
    else if (!target) io.stdout(markdown);
    if (target) {
        const posted = await upsertComment(target, commentMarker(options.stack), markdown);
        io.stderr(`${posted.updated ? "updated" : "posted"} ${posted.url}\n`);
    }
    return result.failure ? 1 : 0;
}

const previewOptions = (options: Options) => ({
    refresh: options.refresh,
    ...(options.policyPack && { policyPacks: [options.policyPack] }),
    ...(options.policyPackConfig && { policyPackConfigs: [options.policyPackConfig] }),
});

/** Against the backend and Azure the CLI is configured for: what the preview workflow runs. */
async function backendPreview(options: Options, env: NodeJS.ProcessEnv, projectDir: string): Promise<PreviewResult> {
    const { main } = await import("../../program/main");
    const backendUrl = env.PULUMI_BACKEND_URL || (env.PULUMI_ACCESS_TOKEN ? "https://api.pulumi.com" : undefined);
    if (!backendUrl) throw new Error("no state backend: set PULUMI_BACKEND_URL (or PULUMI_ACCESS_TOKEN for Pulumi Cloud), or use --local");
    const engine = await EngineStack.open({
        projectDir,
        stack: options.stack,
        program: async () => main(),
        backend: { url: backendUrl, env: {} },
        passphrase: env.PULUMI_CONFIG_PASSPHRASE,
        // Against Azure the real provider plugins are needed: the engine fetches them as `pulumi preview` does.
        env: { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false" },
    });
    return previewForComment(engine, options.stack, previewOptions(options));
}

/**
 * Offline rehearsal of the PR comment: a fresh local Azure, the stack deployed as `base` has its
 * stack file (the main branch), then the working tree's stack file previewed against it.
 */
async function localPreview(options: Options, projectDir: string, io: PreviewCommentIo): Promise<PreviewResult> {
    const { main } = await import("../../program/main");
    const file = `Pulumi.${options.stack}.yaml`;
    const scratch = path.join(projectDir, ".local", "preview-comment", options.stack);
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.mkdirSync(scratch, { recursive: true });
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
    const azure = await LocalAzure.start({ projectDir, name: `preview-comment-${options.stack}`, progress: () => undefined });
    try {
        const open = () => EngineStack.open({ projectDir: scratch, stack: options.stack, stateDir: path.join(scratch, "state"), program: async () => main(), env: azure.engineEnvironment() });
        const base = fileAt(options.base, file, projectDir);
        if (base === undefined) {
            io.stderr(`${options.base} has no ${file}: previewing it against nothing deployed\n`);
        } else {
            fs.writeFileSync(path.join(scratch, file), base);
            io.stderr(`deploying ${file} as ${options.base} has it into the local Azure...\n`);
            await (await open()).up({ onOutput: () => undefined });
        }
        fs.copyFileSync(path.join(projectDir, file), path.join(scratch, file));
        io.stderr(`previewing the working tree's ${file}...\n`);
        return await previewForComment(await open(), options.stack, previewOptions(options));
    } finally {
        await azure.stop();
    }
}

/** A file's text at a git revision, or undefined when the revision has no such file (a new stack). */
function fileAt(revision: string, file: string, projectDir: string): string | undefined {
    try {
        return execFileSync("git", ["show", `${revision}:${file}`], { cwd: projectDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
        const stderr = String((err as { stderr?: string }).stderr ?? "");
        if (/does not exist in|exists on disk, but not in/.test(stderr)) return undefined;
        throw new Error(`git show ${revision}:${file} failed: ${stderr.trim() || (err as Error).message}`);
    }
}
