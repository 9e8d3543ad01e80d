import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { freePort } from "../inference/inferenceServer";
import { ProcessLog } from "../inference/processLog";

export interface MlflowServerSpec {
    readonly projectDir: string;
    /** The server's own folder: its SQLite backend store and its log. */
    readonly storeDir: string;
    /** Where run artifacts go: the workspace's default blob container in the emulated storage. */
    readonly artifactsDir: string;
    readonly startupTimeoutMs?: number;
}

/** The folder of the server's virtual environment (emulator/mlflow/requirements.txt). */
export const serverVenv = path.join(".venv", "mlflow-server");
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
    private readonly output = new ProcessLog();
    private exited?: number | null;

    private constructor(
        readonly url: string,
        private readonly child: ChildProcess,
        /** Seconds from spawn to the first healthy answer. */
        public startupSeconds = 0,
    ) {
        const keep = (chunk: Buffer) => this.output.add(chunk.toString());
        child.stdout?.on("data", keep);
        child.stderr?.on("data", keep);
        child.on("exit", (code) => (this.exited = code));
    }

    /** Builds the server's environment when it is missing (once, ~30 s), then starts the server. */
    static async start(spec: MlflowServerSpec, progress: (line: string) => void): Promise<MlflowServer> {
        const mlflow = await ensureServerEnvironment(spec.projectDir, progress);
        fs.mkdirSync(spec.storeDir, { recursive: true });
        fs.mkdirSync(spec.artifactsDir, { recursive: true });
        const port = await freePort();
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
        const server = new MlflowServer(`http://127.0.0.1:${port}`, child);
        running.add(server);
        child.on("exit", () => running.delete(server));
        await server.waitUntilHealthy(spec.startupTimeoutMs ?? 120_000);
        server.startupSeconds = (Date.now() - started) / 1000;
        return server;
    }

    get recentOutput(): string {
        return this.output.report();
    }

    /** The process ids of the server and its gunicorn processes (for measuring memory). */
    get pid(): number | undefined {
        return this.child.pid;
    }

    /** Kills the server's whole process group at once, synchronously. */
    kill(): void {
        signalGroup(this.child, "SIGKILL");
    }

    /** Stops the server's whole process group; SIGKILL if it has not gone after 10 s. */
    async stop(): Promise<void> {
        if (this.exited !== undefined || this.child.pid === undefined) return;
        const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
        signalGroup(this.child, "SIGTERM");
        const timer = setTimeout(() => signalGroup(this.child, "SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
        signalGroup(this.child, "SIGKILL");
    }

    private async waitUntilHealthy(timeoutMs: number): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            if (this.exited !== undefined) throw new Error(`the MLflow server exited (code ${this.exited}) while starting:\n${this.recentOutput}`);
            const healthy = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
            if (healthy) return;
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
        await this.stop();
        throw new Error(`the MLflow server was not healthy after ${timeoutMs / 1000} s:\n${this.recentOutput}`);
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

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
        process.kill(-child.pid!, signal);
    } catch {
        // Already gone.
    }
}

/** Every MLflow server this process started and that has not exited. */
const running = new Set<MlflowServer>();

// A last resort if this process exits without stopping them: no server outlives it.
process.on("exit", () => {
    for (const server of running) server.kill();
});
