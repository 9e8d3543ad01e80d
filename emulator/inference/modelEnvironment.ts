import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { existingLock, lockText, writeLock } from "./environmentLock";
import { fastInstaller } from "./fastInstaller";
import { pythonMinor, readModelRequirements } from "../../config/folders/modelRequirements";
import { environmentHash } from "./modelRequirements";
import { processAlive } from "./processAlive";
import { askInterpreter, findInterpreter } from "./pythonInterpreter";

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

/**
 * A model whose requirements pip cannot install: named with the requirement and pip's reason, and
 * for a conflict with the inference server, both requirements that conflict.
 */
export class ModelEnvironmentError extends Error {
    constructor(
        readonly models: readonly string[],
        readonly requirement: string | undefined,
        readonly reason: string,
        readonly conflict: readonly string[] = [],
    ) {
        super(
            `the Python environment of model ${models.join(", ")} cannot be built: ` +
                (conflict.length > 0
                    ? `its requirements conflict with the inference server's: ${conflict.join("; ")}`
                    : requirement
                      ? `requirement ${requirement} cannot be installed`
                      : "pip failed") +
                `:\n${reason}`,
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
    /**
     * The serving stack's requirements file, relative to the project, resolved together with every
     * model's own: default `serving/inference-server.txt` (Azure's inference server); the local
     * Databricks names its own (MLflow's scoring server comes with the model's `mlflow`, and needs
     * only a bound on its web framework); null for none. Part of the environment's hash, so
     * environments of different servers are never shared.
     */
    readonly serverRequirementsFile?: string | null;
}

/** Marker written once an environment is complete; a folder without it is rebuilt. */
const readyMarker = ".ready.json";
const azureServerRequirementsFile = path.join("serving", "inference-server.txt");

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
    const serverFile = options.serverRequirementsFile === undefined ? azureServerRequirementsFile : options.serverRequirementsFile;
    const serverRequirements = serverFile ? fs.readFileSync(path.join(options.projectDir, serverFile), "utf8") : "";
    const planned = new Map<string, EnvironmentBuild>();
    for (const model of models) {
        const requirements = readModelRequirements(model.dir);
        const interpreter = pythonInterpreter(pythonMinor(requirements.python));
        const used = askInterpreter(interpreter)?.version;
        if (!used) throw new Error(`no Python interpreter runs here (tried ${interpreter}) to build the environment of model ${model.key}`);
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
        const entry = planned.get(hash) ?? { hash, interpreter, python: used, pip: requirements.pip, serverFile, models: [] };
        entry.models.push(model.key);
        planned.set(hash, entry);
    }

    const byModel = new Map<string, ModelEnvironment>();
    let index = 0;
    for (const plan of planned.values()) {
        index++;
        const dir = path.join(options.projectDir, ".venv", "models", plan.hash);
        const label = `environment ${index}/${planned.size} (.venv/models/${plan.hash}) for ${plan.models.join(", ")} with Python ${plan.python}`;
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

/** One environment to reuse or build: its hash, interpreter and the models it serves. */
interface EnvironmentBuild {
    readonly hash: string;
    readonly interpreter: string;
    /** The interpreter's full version. */
    readonly python: string;
    readonly pip: readonly string[];
    /** The serving stack's requirements file (relative to the project), or null for none. */
    readonly serverFile: string | null;
    readonly models: string[];
}

async function reuseOrBuild(dir: string, label: string, plan: EnvironmentBuild, options: EnvironmentOptions): Promise<ModelEnvironment> {
    const made = { hash: plan.hash, dir, python: path.join(dir, "bin", "python"), bin: path.join(dir, "bin"), models: plan.models };
    if (fs.existsSync(path.join(dir, readyMarker))) {
        options.progress(`Reusing ${label}`);
        return { ...made, built: false };
    }
    const server = plan.serverFile === azureServerRequirementsFile ? " + the inference server" : plan.serverFile ? ` + ${plan.serverFile}` : "";
    options.progress(`Building ${label}: ${plan.pip.join(" ")}${server}...`);
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

/**
 * Builds an environment as Azure builds one from a model's conda file: the model's requirements
 * and the inference server's, resolved together by pip (the model's pins win wherever the
 * server's ranges allow). With a recorded lock the same versions are installed again (by uv when
 * it is at hand: the same packages, in a second or so); without one, what pip resolved is
 * recorded as the lock.
 */
async function buildEnvironment(dir: string, plan: EnvironmentBuild, options: EnvironmentOptions): Promise<number> {
    const started = Date.now();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const lock = existingLock(options.projectDir, plan.hash);
    try {
        await run(plan.interpreter, ["-m", "venv", dir], options);
        const python = path.join(dir, "bin", "python");
        const modelRequirements = path.join(dir, "model-requirements.txt");
        fs.writeFileSync(modelRequirements, `${plan.pip.join("\n")}\n`);
        const server = plan.serverFile ? ["-r", path.join(options.projectDir, plan.serverFile)] : [];
        const requirements = ["-r", modelRequirements, ...server, ...(lock ? ["-c", lock] : [])];
        const uv = lock ? fastInstaller(options.projectDir, options.progress) : undefined;
        const pip = () => run(python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off", ...requirements], options, started);
        let installer = "pip";
        if (uv) {
            installer = "uv";
            // What uv cannot do (an index it cannot reach, say), pip does, with pip's own report.
            await run(uv, ["pip", "install", "--python", python, ...requirements], options, started).catch(() => {
                installer = "pip";
                return pip();
            });
        } else {
            await pip();
        }
        if (lock) {
            options.progress(`  installed as locked in ${path.relative(options.projectDir, lock)} (${installer})`);
        } else {
            const freeze = execFileSync(python, ["-m", "pip", "freeze", "--disable-pip-version-check", "--all"], { encoding: "utf8" });
            const written = writeLock(options.projectDir, plan.hash, lockText(freeze, { models: plan.models, python: plan.python }));
            options.progress(`  resolved and locked in ${path.relative(options.projectDir, written)} (commit it: the next build installs the same versions)`);
        }
        const seconds = (Date.now() - started) / 1000;
        fs.writeFileSync(path.join(dir, readyMarker), `${JSON.stringify({ models: plan.models, pip: plan.pip, buildSeconds: seconds }, null, 2)}\n`);
        return seconds;
    } catch (err) {
        fs.rmSync(dir, { recursive: true, force: true });
        if (err instanceof PipFailure) {
            throw new ModelEnvironmentError(plan.models, failedRequirement(err.output, plan.pip), pipErrors(err.output), conflictCauses(err.output, plan.pip));
        }
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
    const name = requirementName(named);
    return pip.find((line) => requirementName(line) === name) ?? named;
}

/**
 * pip's account of a conflict ("The conflict is caused by:"): each requirement that takes part,
 * e.g. `The user requested psutil==5.0.0` and `azure-monitor-opentelemetry-exporter 1.0.0b40
 * depends on psutil<8,>=5.9`.
 */
export function conflictCauses(output: string, modelPip: readonly string[]): string[] {
    const lines = output.split("\n");
    const start = lines.findIndex((line) => line.trim() === "The conflict is caused by:");
    if (start < 0) return [];
    const modelNames = new Set(modelPip.map(requirementName));
    const causes: string[] = [];
    for (const line of lines.slice(start + 1)) {
        if (line.trim() === "") break;
        const requested = /^The user requested (.+)$/.exec(line.trim())?.[1];
        if (!requested) causes.push(line.trim());
        else causes.push(`${modelNames.has(requirementName(requested)) ? "the model requires" : "the inference server requires"} ${requested}`);
    }
    // pip repeats the causes once per server release it tried.
    return [...new Set(causes)];
}

/** A requirement's distribution name, normalised as pip compares them. */
function requirementName(line: string): string {
    return line.split(/[=<>!~[ ;(]/)[0].toLowerCase().replace(/[_.]+/g, "-");
}

/**
 * The interpreter to build an environment with: an installed Python of the model's `major.minor`
 * that runs (see pythonInterpreter.ts: PATH, pyenv's versions whether selected or not, uv's), else
 * `python3`.
 */
export function pythonInterpreter(minor: string | undefined): string {
    return (minor && findInterpreter(minor)?.path) ?? "python3";
}
