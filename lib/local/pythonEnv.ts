import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";

export interface PythonEnv {
    /** The virtual environment's python. */
    readonly python: string;
    /** Its bin folder (azmlinfsrv lives there). */
    readonly bin: string;
}

/**
 * Creates or reuses a project-local virtual environment with pinned requirements, through
 * scripts/python-venv.sh (which skips the install when the requirements are unchanged).
 */
export async function ensurePythonEnv(projectDir: string, name: string, requirements: string): Promise<PythonEnv> {
    try {
        const { stdout } = await promisify(execFile)("bash", [path.join(projectDir, "scripts", "python-venv.sh"), name, requirements], {
            cwd: projectDir,
            maxBuffer: 16 * 1024 * 1024,
            timeout: 15 * 60_000,
        });
        const python = stdout.trim().split("\n").pop()!.trim();
        return { python, bin: path.dirname(python) };
    } catch (err) {
        const error = err as Error & { stderr?: string };
        const detail = (error.stderr ?? "").trim().split("\n").slice(-15).join("\n");
        throw new Error(`could not prepare the Python environment .venv/${name} from ${requirements}: ${error.message.split("\n")[0]}\n${detail}`);
    }
}
