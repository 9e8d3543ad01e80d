import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

let found: string | undefined | null = null;

/**
 * uv (serving/installer.txt), installed into `.venv/tools` on first use by scripts/python-venv.sh,
 * or undefined when it cannot be (no package index reachable): then pip installs locked
 * environments too, only slower. Looked up once per process.
 */
export function fastInstaller(projectDir: string, progress: (line: string) => void): string | undefined {
    if (found !== null) return found;
    try {
        const python = execFileSync("bash", [path.join(projectDir, "scripts", "python-venv.sh"), "tools", path.join(projectDir, "serving", "installer.txt")], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        })
            .trim()
            .split("\n")
            .pop()!;
        const uv = path.join(path.dirname(python), "uv");
        found = fs.existsSync(uv) ? uv : undefined;
    } catch (err) {
        progress(`warning: uv could not be installed (${String((err as Error).message).split("\n")[0]}); pip installs locked environments instead`);
        found = undefined;
    }
    return found;
}
