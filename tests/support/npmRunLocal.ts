import { execFile } from "child_process";
import { promisify } from "util";
import { projectDir } from "./stackFile";

/** `npm run local -- <args>` as a real process: its exit code and everything it printed. */
export async function npmRunLocal(args: string[]): Promise<{ code: number; stdout: string }> {
    return promisify(execFile)("npm", ["run", "local", "--", ...args], { cwd: projectDir, maxBuffer: 16 * 1024 * 1024 }).then(
        (done) => ({ code: 0, stdout: done.stdout }),
        (failed: { stdout: string; stderr: string; code: number }) => ({ code: failed.code, stdout: `${failed.stdout}\n${failed.stderr}` }),
    );
}

/** For an assertion that, on failure, shows why: the exit code, and the output's end when it is not 0. */
export function verdict(run: { code: number; stdout: string }): { code: number; tail: string } {
    return { code: run.code, tail: run.code === 0 ? "" : run.stdout.slice(-4000) };
}
