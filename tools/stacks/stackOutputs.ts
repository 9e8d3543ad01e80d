import { execFile } from "child_process";
import { promisify } from "util";

/**
 * A deployed stack's outputs, from `pulumi stack output --json` (secrets stay hidden). Needs the
 * Pulumi CLI and the stack's backend; says so plainly when the CLI is missing.
 */
export async function pulumiStackOutputs(stack: string, projectDir: string, alternative: string): Promise<Record<string, unknown>> {
    try {
        const { stdout } = await promisify(execFile)("pulumi", ["stack", "output", "--json", "--stack", stack], {
            cwd: projectDir,
            timeout: 60_000,
        });
        return JSON.parse(stdout) as Record<string, unknown>;
    } catch (err) {
        const error = err as NodeJS.ErrnoException & { stderr?: string };
        if (error.code === "ENOENT") {
            throw new Error(`--stack needs the Pulumi CLI (\`pulumi\`), which is not installed here; ${alternative}`);
        }
        throw new Error(`pulumi stack output --stack ${stack} failed: ${(error.stderr ?? error.message).trim()}`);
    }
}
