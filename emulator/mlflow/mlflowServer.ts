import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { onFreePort } from "../inference/inferenceServer";
import { ServerProcess } from "../inference/serverProcess";

export interface MlflowServerSpec {
    readonly projectDir: string;
    /** The server's own folder: its SQLite backend store and its log. */
    readonly storeDir: string;
    /** Where run artifacts go: the workspace's default blob container in the emulated storage. */
    readonly artifactsDir: string;
    readonly startupTimeoutMs?: number;
}

export const serverRequirements = path.join("emulator", "mlflow", "requirements.txt");

/**
 * Where experiments keep their runs' artifacts, below the artifact destination (the workspace's
 * blob container): `ExperimentRun/<experiment>/<run>/artifacts/...`. Azure ML keeps them in the
 * workspace's artifact store under `ExperimentRun/dcid.<run>/`.
 */
export const experimentArtifactsPrefix = "ExperimentRun";

/**
 * MLflow's own tracking and model-registry server (`mlflow server`, gunicorn with one worker) for
 * one workspace: its backend store a SQLite file in `storeDir`, the run artifacts it serves
 * (`--serve-artifacts`) written as files into the workspace's blob container, so a model logged
 * by a run is a folder in the workspace's default datastore, as in Azure ML. Listens on 127.0.0.1.
 */
export class MlflowServer {
    private constructor(
        readonly url: string,
        private readonly process: ServerProcess,
        /** Seconds from spawn to the first healthy answer. */
        readonly startupSeconds: number,
    ) {}

    /** Builds the server's environment when it is missing (once, ~30 s), then starts the server. */
    static async start(spec: MlflowServerSpec, progress: (line: string) => void): Promise<MlflowServer> {
        const mlflow = await ensureServerEnvironment(spec.projectDir, progress);
        fs.mkdirSync(spec.storeDir, { recursive: true });
        fs.mkdirSync(spec.artifactsDir, { recursive: true });
        return onFreePort((port) => MlflowServer.startOn(port, mlflow, spec));
    }

    private static async startOn(port: number, mlflow: string, spec: MlflowServerSpec): Promise<MlflowServer> {
        const started = Date.now();
        const child = spawn(
            mlflow,
            [
                "server",
                "--host", "127.0.0.1",
                "--port", String(port),
                "--backend-store-uri", `sqlite:///${path.join(spec.storeDir, "mlflow.db")}`,
                "--serve-artifacts",
                "--artifacts-destination", spec.artifactsDir,
                "--default-artifact-root", `mlflow-artifacts:/${experimentArtifactsPrefix}`,
                "--workers", "1",
            ],
            {
                // Nothing of this shell's credentials: the server needs none.
                env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LANG: "C.UTF-8" },
                cwd: spec.storeDir,
                // Its own process group: stopping it stops gunicorn and its worker too.
                detached: true,
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        const url = `http://127.0.0.1:${port}`;
        const server = new ServerProcess(child, "the MLflow server");
        const healthy = () => fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
        await server.waitUntil(healthy, { timeoutMs: spec.startupTimeoutMs ?? 120_000, intervalMs: 200, state: "healthy" });
        return new MlflowServer(url, server, (Date.now() - started) / 1000);
    }

    /** Stops the server's whole process group (gunicorn and its worker). */
    stop(): Promise<void> {
        return this.process.stop();
    }
}

/** `.venv/mlflow-server/bin/mlflow`, installed by scripts/python-venv.sh (without blocking this process). */
async function ensureServerEnvironment(projectDir: string, progress: (line: string) => void): Promise<string> {
    const python = await new Promise<string>((resolve, reject) => {
        const child = spawn("bash", [path.join(projectDir, "scripts", "python-venv.sh"), "mlflow-server", path.join(projectDir, serverRequirements)], {
            cwd: projectDir,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
            if (/^Installing /m.test(chunk.toString())) progress("Installing MLflow's server into .venv/mlflow-server (once)...");
        });
        child.on("exit", (code) =>
            code === 0 ? resolve(stdout.trim().split("\n").pop()!) : reject(new Error(`installing MLflow's server failed:\n${stderr.split("\n").slice(-15).join("\n")}`)),
        );
    });
    return path.join(path.dirname(python), "mlflow");
}
