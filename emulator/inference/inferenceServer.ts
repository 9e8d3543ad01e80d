import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { ProcessLog } from "./processLog";

export interface InferenceServerSpec {
    readonly deployment: string;
    /** The MLflow model folder (holding MLmodel). */
    readonly modelDir: string;
    /** Folder holding `azmlinfsrv` (the serving virtual environment's bin). */
    readonly bin: string;
    /** Our scoring entry script for the no-code MLflow contract. */
    readonly entryScript: string;
    readonly projectDir: string;
    /** The deployment's environment variables from the stack, as Azure would set them. */
    readonly environmentVariables?: Readonly<Record<string, string>>;
    readonly startupTimeoutMs?: number;
}

/**
 * `azmlinfsrv`, bound to 127.0.0.1: the server always binds 0.0.0.0 (a constant, no flag), and a
 * local tool has no business listening on the network. Same arguments as the `azmlinfsrv` command.
 */
const loopbackAzmlinfsrv = [
    "import azureml_inference_server_http.constants as constants",
    'constants.DEFAULT_HOST = "127.0.0.1"',
    "from azureml_inference_server_http.amlserver import run",
    "run()",
].join("; ");

/** A free port on 127.0.0.1, as the OS hands one out. */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.once("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as net.AddressInfo;
            probe.close(() => resolve(port));
        });
    });
}

/**
 * One Azure ML inference server (`azmlinfsrv`, from azureml-inference-server-http) serving one
 * deployment's model with our entry script, the way a managed online deployment runs it: the
 * model folder given by AZUREML_MODEL_DIR and MLFLOW_MODEL_FOLDER. It answers its liveness route
 * only once the model is loaded (earlier probes hang rather than fail).
 */
export class InferenceServer {
    private readonly output = new ProcessLog();
    private exited?: number | null;

    private constructor(
        readonly deployment: string,
        readonly url: string,
        private readonly child: ChildProcess,
    ) {
        const keep = (chunk: Buffer) => this.output.add(chunk.toString());
        child.stdout?.on("data", keep);
        child.stderr?.on("data", keep);
        child.on("exit", (code) => (this.exited = code));
        running.add(this);
        child.on("exit", () => running.delete(this));
    }

    static async start(spec: InferenceServerSpec): Promise<InferenceServer> {
        const port = await freePort();
        const child = spawn(path.join(spec.bin, "python"), ["-c", loopbackAzmlinfsrv, "--entry_script", spec.entryScript, "--port", String(port)], {
            env: {
                // Only what a process needs: never the endpoint key or Azure credentials of this shell.
                ...pick(process.env, inheritedVariables),
                ...spec.environmentVariables,
                AZUREML_MODEL_DIR: path.dirname(spec.modelDir),
                MLFLOW_MODEL_FOLDER: path.basename(spec.modelDir),
                PATH: `${spec.bin}${path.delimiter}${process.env.PATH ?? ""}`,
            },
            // The server uses its working directory as its app root: keep it at the project.
            cwd: spec.projectDir,
            // Its own process group, so that stopping it also stops the workers it forks.
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const server = new InferenceServer(spec.deployment, `http://127.0.0.1:${port}`, child);
        await server.waitUntilLive(spec.startupTimeoutMs ?? 120_000);
        return server;
    }

    /** What the server printed that explains a failure: its first error and traceback, and its last lines. */
    get recentOutput(): string {
        return this.output.report();
    }

    /** Kills the server's whole process group at once, synchronously. */
    kill(): void {
        signalGroup(this.child, "SIGKILL");
    }

    /** Stops the server and every process it started; SIGKILL if it has not gone after 10 s. */
    async stop(): Promise<void> {
        if (this.exited !== undefined || this.child.pid === undefined) return;
        const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
        signalGroup(this.child, "SIGTERM");
        const timer = setTimeout(() => signalGroup(this.child, "SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
        // Workers may outlive their parent by a moment; make sure the group is gone.
        signalGroup(this.child, "SIGKILL");
    }

    private async waitUntilLive(timeoutMs: number): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            if (this.exited !== undefined) {
                throw new Error(`the inference server for ${this.deployment} exited (code ${this.exited}) while starting:\n${this.recentOutput}`);
            }
            if ((await statusOf(`${this.url}/`)) === 200) return;
            await new Promise((resolve) => setTimeout(resolve, 250));
        }
        await this.stop();
        throw new Error(`the inference server for ${this.deployment} was not live after ${timeoutMs / 1000} s:\n${this.recentOutput}`);
    }
}

function statusOf(url: string): Promise<number | undefined> {
    return new Promise((resolve) => {
        const req = http.get(url, { timeout: 2000 }, (res) => {
            res.resume();
            resolve(res.statusCode);
        });
        req.on("error", () => resolve(undefined));
        req.on("timeout", () => {
            req.destroy();
            resolve(undefined);
        });
    });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
        process.kill(-child.pid!, signal);
    } catch {
        // Already gone.
    }
}

/** Every inference server started and not yet exited, starting ones included. */
const running = new Set<InferenceServer>();

/** Stops every inference server this process started (on Ctrl-C, say, even mid-start). */
export async function stopAllInferenceServers(): Promise<void> {
    await Promise.all([...running].map((server) => server.stop()));
}

// A last resort if this process exits without stopping them: no server outlives it.
process.on("exit", () => {
    for (const server of running) server.kill();
});

const inheritedVariables = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "USER", "LOGNAME"];

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
    return Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]!]])));
}
