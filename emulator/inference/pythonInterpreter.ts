import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** An interpreter that ran and said which Python it is. */
export interface Interpreter {
    readonly path: string;
    /** Its full version, e.g. "3.12.1". */
    readonly version: string;
}

export interface InterpreterSearch {
    readonly env?: NodeJS.ProcessEnv;
    readonly home?: string;
}

const asked = new Map<string, Interpreter | undefined>();

/**
 * What an interpreter says it is, or undefined when it does not run: a pyenv shim for a version
 * that is installed but not selected exits 127 ("pyenv: python3.12: command not found"), so a file
 * on PATH is never taken on its name alone. Asked once per path.
 */
export function askInterpreter(file: string, env: NodeJS.ProcessEnv = process.env): Interpreter | undefined {
    if (asked.has(file)) return asked.get(file);
    const answer = spawnSync(file, ["-c", "import platform; print(platform.python_version())"], { encoding: "utf8", env, timeout: 30_000 });
    const version = answer.status === 0 ? answer.stdout.trim() : "";
    const found = /^\d+\.\d+/.test(version) ? { path: file, version } : undefined;
    asked.set(file, found);
    return found;
}

/** `major.minor` of a version such as "3.11.7". */
function minorOf(version: string): string {
    return version.split(".").slice(0, 2).join(".");
}

/** Patch-aware order, newest first: 3.12.10 before 3.12.9. */
function newestFirst(a: string, b: string): number {
    const parts = (v: string) => v.split(/[^0-9]+/).filter(Boolean).map(Number);
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
}

/**
 * Where a Python `<minor>` may be, in order: `python<minor>` on PATH (a real interpreter, or a pyenv
 * shim that works only when that version is selected), then every installed pyenv version of that
 * minor, newest patch first (`$PYENV_ROOT/versions/<minor>.<patch>`, selected or not), then uv's
 * managed Pythons (`$UV_PYTHON_INSTALL_DIR`, default `~/.local/share/uv/python/cpython-<minor>.*`).
 */
export function interpreterCandidates(minor: string, search: InterpreterSearch = {}): string[] {
    const env = search.env ?? process.env;
    const home = search.home ?? os.homedir();
    const onPath = (env.PATH ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, `python${minor}`));
    const installedUnder = (root: string, pattern: RegExp, bin: (dir: string) => string) =>
        fs.existsSync(root)
            ? fs
                  .readdirSync(root)
                  .filter((name) => pattern.test(name))
                  .sort(newestFirst)
                  .map((name) => bin(path.join(root, name)))
            : [];
    const escaped = minor.replace(".", "\\.");
    const pyenv = installedUnder(path.join(env.PYENV_ROOT ?? path.join(home, ".pyenv"), "versions"), new RegExp(`^${escaped}\\.\\d+$`), (dir) => path.join(dir, "bin", "python"));
    const uv = installedUnder(
        env.UV_PYTHON_INSTALL_DIR ?? path.join(home, ".local", "share", "uv", "python"),
        new RegExp(`^cpython-${escaped}\\.\\d+-`),
        (dir) => path.join(dir, "bin", "python3"),
    );
    return [...onPath, ...pyenv, ...uv].filter(isExecutable);
}

/**
 * An installed interpreter of Python `<minor>` ("3.12"), found robustly: the first candidate
 * (`interpreterCandidates`) that runs and says it is that minor. Undefined when none is installed.
 */
export function findInterpreter(minor: string, search: InterpreterSearch = {}): Interpreter | undefined {
    for (const candidate of interpreterCandidates(minor, search)) {
        const found = askInterpreter(candidate, search.env);
        if (found && minorOf(found.version) === minor) return found;
    }
    return undefined;
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}
