import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { PulumiCommand } from "@pulumi/pulumi/automation";

/**
 * The Pulumi CLI at the version pinned in engine/go.mod: one on PATH at that version or newer,
 * else the one engine/build.sh builds (or has built) under .local/engine. Building takes minutes
 * the first time; the script's progress lines go to this process's stderr.
 */
export async function pinnedPulumiCli(): Promise<PulumiCommand> {
    const repository = path.resolve(__dirname, "..", "..");
    const script = path.join(repository, "engine", "build.sh");
    let binary: string;
    try {
        const { stdout } = await promisify(execFile)("bash", [script], { cwd: repository, maxBuffer: 1 << 20, timeout: 30 * 60_000 });
        binary = stdout.trim().split("\n").pop() ?? "";
    } catch (err) {
        const error = err as Error & { stderr?: string };
        throw new Error(`engine/build.sh could not provide the Pulumi CLI: ${(error.stderr || error.message).trim()}`);
    }
    // PulumiCommand takes an installation root whose bin/ holds `pulumi`.
    return PulumiCommand.get({ root: path.dirname(path.dirname(binary)) });
}
