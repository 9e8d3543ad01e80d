import { spawn } from "child_process";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { ServerProcess } from "./serverProcess";

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

/** A server's failure to bind its port, as uvicorn ("[Errno 98] ... address already in use") and gunicorn ("Connection in use") report it. */
const portTakenPattern = /address already in use|Errno 98|Connection in use/i;

/**
 * Starts a server on a free port, and on another one when its port was taken between `freePort`
 * finding it free and the server binding it (another process may bind it in that moment: a cold
 * CI run saw uvicorn exit 3 so): at most `attempts` ports. Any other failure is thrown at once.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        try {
            return await start(port);
        } catch (err) {
            if (attempt >= attempts || !portTakenPattern.test(String((err as Error)?.message ?? err))) throw err;
        }
    }
}

/**
 * One Azure ML inference server (`azmlinfsrv`, from azureml-inference-server-http) serving one
 * deployment's model with our entry script, the way a managed online deployment runs it: the
 * model folder given by AZUREML_MODEL_DIR and MLFLOW_MODEL_FOLDER. It answers its liveness route
 * only once the model is loaded (earlier probes hang rather than fail).
 */
export class InferenceServer {
    private constructor(
        readonly deployment: string,
        readonly url: string,
        private readonly process: ServerProcess,
    ) {}

    static start(spec: InferenceServerSpec): Promise<InferenceServer> {
        return onFreePort((port) => InferenceServer.startOn(port, spec));
    }

    private static async startOn(port: number, spec: InferenceServerSpec): Promise<InferenceServer> {
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
        const url = `http://127.0.0.1:${port}`;
        const server = new InferenceServer(spec.deployment, url, new ServerProcess(child, `the inference server for ${spec.deployment}`));
        // Live once the model is loaded (earlier probes hang rather than fail).
        await server.process.waitUntil(async () => (await statusOf(`${url}/`)) === 200, { timeoutMs: spec.startupTimeoutMs ?? 120_000, intervalMs: 250, state: "live" });
        return server;
    }

    /** Stops the server and every process it started. */
    stop(): Promise<void> {
        return this.process.stop();
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

const inheritedVariables = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "USER", "LOGNAME"];

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
    return Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]!]])));
}
