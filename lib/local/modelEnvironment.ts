import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { environmentHash, pythonMinor, readModelRequirements } from "./modelRequirements";
import { processAlive } from "./processAlive";

/** A model version to serve, by the key deployments name it with (`name:version`). */
export interface ModelToServe {
    readonly key: string;
    /** The MLflow model folder (holding MLmodel). */
    readonly dir: string;
}

/** A Python environment made from one set of model requirements plus the inference server. */
export interface ModelEnvironment {
    /** The content hash naming it: `.venv/models/<hash>`. */
    readonly hash: string;
    readonly dir: string;
    readonly python: string;
    /** Its bin folder (azmlinfsrv lives there). */
    readonly bin: string;
    /** The model versions it serves. */
    readonly models: readonly string[];
    /** Built by this call (false: reused as it was). */
    readonly built: boolean;
    /** Seconds the build took, when built. */
    readonly buildSeconds?: number;
}

/** A model whose requirements pip cannot install: named with the requirement and pip's reason. */
export class ModelEnvironmentError extends Error {
    constructor(
        readonly models: readonly string[],
        readonly requirement: string | undefined,
        readonly reason: string,
    ) {
        super(
            `the Python environment of model ${models.join(", ")} cannot be built: ` +
                `${requirement ? `requirement ${requirement} cannot be installed` : "pip failed"}:\n${reason}`,
        );
        this.name = "ModelEnvironmentError";
    }
}

export interface EnvironmentOptions {
    readonly projectDir: string;
    /** Progress lines (builds take tens of seconds) and warnings. */
    readonly progress: (line: string) => void;
    /** Stops a build under way (Ctrl-C): pip is killed and the half-built environment removed. */
    readonly signal?: AbortSignal;
    /** Seconds between "still building" lines. Default 10. */
    readonly heartbeatSeconds?: number;
}

/** Marker written once an environment is complete; a folder without it is rebuilt. */
const readyMarker = ".ready.json";
const serverRequirementsFile = path.join("serving", "inference-server.txt");

/**
 * One Python environment per distinct set of model requirements, as Azure builds one per no-code
 * MLflow deployment from the model's own conda.yaml plus its inference server: created once under
 * `.venv/models/<hash>` and reused while the requirements are the same, so a second run builds
 * nothing and models with conflicting pins are served side by side. Every environment is ready
 * (or has failed, naming the model and the requirement) before this returns: no server starts on
 * a half-built set.
 */
export async function prepareModelEnvironments(
    models: readonly ModelToServe[],
    options: EnvironmentOptions,
): Promise<Map<string, ModelEnvironment>> {
    const serverRequirements = fs.readFileSync(path.join(options.projectDir, serverRequirementsFile), "utf8");
    const planned = new Map<string, { hash: string; interpreter: string; pip: readonly string[]; models: string[] }>();
    for (const model of models) {
        const requirements = readModelRequirements(model.dir);
        const interpreter = pythonInterpreter(pythonMinor(requirements.python));
        const used = interpreterVersion(interpreter);
        if (requirements.python && pythonMinor(requirements.python) !== pythonMinor(used)) {
            options.progress(
                `warning: model ${model.key} was saved with Python ${requirements.python} (${requirements.source}); ` +
                    `no Python ${pythonMinor(requirements.python)} here, so it is served with Python ${used}`,
            );
        }
        if (requirements.condaOnly.length > 0) {
            options.progress(`warning: model ${model.key} lists conda packages pip cannot install, left out: ${requirements.condaOnly.join(", ")}`);
        }
        const hash = environmentHash(requirements, used, serverRequirements);
        const entry = planned.get(hash) ?? { hash, interpreter, pip: requirements.pip, models: [] };
        entry.models.push(model.key);
        planned.set(hash, entry);
    }

    const byModel = new Map<string, ModelEnvironment>();
    let index = 0;
    for (const plan of planned.values()) {
        index++;
        const dir = path.join(options.projectDir, ".venv", "models", plan.hash);
        const label = `environment ${index}/${planned.size} (.venv/models/${plan.hash}) for ${plan.models.join(", ")}`;
        // Another run building the same environment (two `npm run local` at once) finishes first.
        const release = await lockEnvironment(dir, options);
        let environment: ModelEnvironment;
        try {
            environment = await reuseOrBuild(dir, label, plan, options);
        } finally {
            release();
        }
        for (const model of plan.models) byModel.set(model, environment);
    }
    return byModel;
}

async function reuseOrBuild(
    dir: string,
    label: string,
    plan: { hash: string; interpreter: string; pip: readonly string[]; models: string[] },
    options: EnvironmentOptions,
): Promise<ModelEnvironment> {
    const made = { hash: plan.hash, dir, python: path.join(dir, "bin", "python"), bin: path.join(dir, "bin"), models: plan.models };
    if (fs.existsSync(path.join(dir, readyMarker))) {
        options.progress(`Reusing ${label}`);
        return { ...made, built: false };
    }
    options.progress(`Building ${label}: ${plan.pip.join(" ")} + the inference server...`);
    const seconds = await buildEnvironment(dir, plan, options);
    options.progress(`  built in ${seconds.toFixed(0)} s`);
    return { ...made, built: true, buildSeconds: seconds };
}

/**
 * Holds `<dir>.lock` (a folder: creating one is atomic) while an environment is checked or built,
 * waiting for another process that holds it; a lock whose process is gone is taken over.
 */
async function lockEnvironment(dir: string, options: EnvironmentOptions): Promise<() => void> {
    const lock = `${dir}.lock`;
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    let told = false;
    for (;;) {
        try {
            fs.mkdirSync(lock);
            fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
            return () => fs.rmSync(lock, { recursive: true, force: true });
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        }
        const pidFile = path.join(lock, "pid");
        const holder = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8")) : 0;
        // A holder that is gone (or never wrote its pid, a minute ago) left the lock behind.
        const abandoned = holder ? !processAlive(holder) : Date.now() - fs.statSync(lock).mtimeMs > 60_000;
        if (abandoned) {
            fs.rmSync(lock, { recursive: true, force: true });
            continue;
        }
        if (!told) options.progress(`  waiting for another run building ${path.basename(dir)} (process ${holder || "starting"})...`);
        told = true;
        if (options.signal?.aborted) throw new Error("interrupted");
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}

async function buildEnvironment(
    dir: string,
    plan: { interpreter: string; pip: readonly string[]; models: string[] },
    options: EnvironmentOptions,
): Promise<number> {
    const started = Date.now();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try {
        await run(plan.interpreter, ["-m", "venv", dir], options);
        const modelRequirements = path.join(dir, "model-requirements.txt");
        fs.writeFileSync(modelRequirements, `${plan.pip.join("\n")}\n`);
        await run(
            path.join(dir, "bin", "python"),
            [
                "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
                "-r", modelRequirements,
                "-r", path.join(options.projectDir, serverRequirementsFile),
            ],
            options,
            started,
        );
        const seconds = (Date.now() - started) / 1000;
        fs.writeFileSync(path.join(dir, readyMarker), `${JSON.stringify({ models: plan.models, pip: plan.pip, buildSeconds: seconds }, null, 2)}\n`);
        return seconds;
    } catch (err) {
        fs.rmSync(dir, { recursive: true, force: true });
        if (err instanceof PipFailure) throw new ModelEnvironmentError(plan.models, failedRequirement(err.output, plan.pip), pipErrors(err.output));
        throw err;
    }
}

class PipFailure extends Error {
    constructor(readonly output: string) {
        super("pip failed");
    }
}

/** Runs a build step, printing what it is doing every few seconds; rejects with its output on failure. */
function run(command: string, args: string[], options: EnvironmentOptions, started = Date.now()): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], signal: options.signal, env: { ...process.env, PIP_NO_INPUT: "1" } });
        let output = "";
        let lastStep = "";
        const collect = (chunk: Buffer) => {
            output += chunk.toString();
            const steps = chunk.toString().split("\n").filter((line) => /^(Collecting|Downloading|Building|Installing|Successfully)/.test(line.trim()));
            if (steps.length > 0) lastStep = briefly(steps[steps.length - 1].trim());
        };
        child.stdout.on("data", collect);
        child.stderr.on("data", collect);
        const heartbeat = setInterval(
            () => options.progress(`  ... ${Math.round((Date.now() - started) / 1000)} s${lastStep ? `: ${lastStep}` : ""}`),
            (options.heartbeatSeconds ?? 10) * 1000,
        );
        child.on("error", (err) => {
            clearInterval(heartbeat);
            reject(err);
        });
        child.on("close", (code) => {
            clearInterval(heartbeat);
            if (code === 0) resolve();
            else reject(new PipFailure(output));
        });
    });
}

/** One pip progress line, short enough for a terminal ("Installing collected packages: a, b, ..." gets a count). */
function briefly(step: string): string {
    const installing = /^Installing collected packages: (.*)$/.exec(step);
    if (installing) return `installing ${installing[1].split(",").length} packages`;
    return step.length > 100 ? `${step.slice(0, 97)}...` : step;
}

/** pip's own explanation: its ERROR lines and what follows them, or the output's end. */
export function pipErrors(output: string): string {
    const lines = output.split("\n");
    const first = lines.findIndex((line) => line.startsWith("ERROR:") || /^\s*× /.test(line));
    const chosen = first >= 0 ? lines.slice(first) : lines.slice(-20);
    return chosen
        .filter((line) => line.trim() !== "")
        .slice(0, 30)
        .map((line) => `  ${line}`)
        .join("\n");
}

/** The requirement pip could not satisfy, as the model lists it, when pip names one. */
export function failedRequirement(output: string, pip: readonly string[]): string | undefined {
    const named =
        /No matching distribution found for ([^\s]+)/.exec(output)?.[1] ??
        /Could not find a version that satisfies the requirement ([^\s]+)/.exec(output)?.[1] ??
        /Cannot install ([^\s]+?)(?: and|,| because)/.exec(output)?.[1] ??
        /Invalid requirement: '([^']+)'/.exec(output)?.[1];
    if (!named) return undefined;
    const name = named.split(/[=<>!~[ ;]/)[0].toLowerCase().replace(/_/g, "-");
    return pip.find((line) => line.split(/[=<>!~[ ;]/)[0].toLowerCase().replace(/_/g, "-") === name) ?? named;
}

/**
 * The interpreter to build an environment with: `python<minor>` when the model records a Python
 * version and one is installed (on PATH, or under pyenv), else `python3`.
 */
export function pythonInterpreter(minor: string | undefined): string {
    if (minor) {
        const onPath = (process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, `python${minor}`)).find(isExecutable);
        if (onPath) return onPath;
        const pyenvVersions = path.join(process.env.PYENV_ROOT ?? path.join(os.homedir(), ".pyenv"), "versions");
        const installed = fs.existsSync(pyenvVersions)
            ? fs.readdirSync(pyenvVersions).filter((v) => v === minor || v.startsWith(`${minor}.`)).sort().reverse()
            : [];
        const pyenv = installed.map((v) => path.join(pyenvVersions, v, "bin", "python")).find(isExecutable);
        if (pyenv) return pyenv;
    }
    return "python3";
}

const versions = new Map<string, string>();

/** The full version of an interpreter, e.g. "3.11.7" (asked once per interpreter). */
function interpreterVersion(interpreter: string): string {
    let version = versions.get(interpreter);
    if (!version) {
        version = execFileSync(interpreter, ["-c", "import platform; print(platform.python_version())"], { encoding: "utf8" }).trim();
        versions.set(interpreter, version);
    }
    return version;
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}
