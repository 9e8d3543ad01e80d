import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { onFreePort } from "../inference/inferenceServer";
import { ServerProcess } from "../inference/serverProcess";

export interface ScoringServerSpec {
    /** `<endpoint>/<entity>`, for messages. */
    readonly label: string;
    /** The MLflow model folder (holding MLmodel). */
    readonly modelDir: string;
    /** The model environment's bin folder (its `mlflow` and `uvicorn`). */
    readonly bin: string;
    /** The served entity's `environment_vars`, as Databricks sets them for the model. */
    readonly environmentVars?: Readonly<Record<string, string>>;
    readonly startupTimeoutMs?: number;
}

/**
 * MLflow's own scoring server for one served entity, the server Databricks Model Serving runs a
 * custom model with: `mlflow models serve -m <model> --env-manager local` in the model's own
 * environment (the model's `mlflow` brings it: uvicorn with `mlflow.pyfunc.scoring_server`), one
 * worker, bound to 127.0.0.1. Ready once `GET /ping` answers 200 (the model is loaded).
 */
export class ScoringServer {
    private constructor(
        readonly url: string,
        private readonly process: ServerProcess,
        /** Seconds from spawn to ready. */
        readonly startupSeconds: number,
        private readonly workDir: string,
    ) {}

    static start(spec: ScoringServerSpec): Promise<ScoringServer> {
        return onFreePort((port) => ScoringServer.startOn(port, spec));
    }

    private static async startOn(port: number, spec: ScoringServerSpec): Promise<ScoringServer> {
        const started = Date.now();
        // Its own working folder: MLflow makes `./mlruns` there, which must not land in the model's files.
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "databricks-scoring-"));
        const child = spawn(path.join(spec.bin, "mlflow"), ["models", "serve", "-m", spec.modelDir, "--env-manager", "local", "-h", "127.0.0.1", "-p", String(port), "-w", "1"], {
            env: {
                // Only what a process needs: never the workspace token or Azure credentials of this shell.
                ...pick(process.env, ["HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "USER"]),
                ...spec.environmentVars,
                // `mlflow models serve --env-manager local` runs `uvicorn` from PATH: the model environment's.
                PATH: `${spec.bin}${path.delimiter}${process.env.PATH ?? ""}`,
            },
            cwd: workDir,
            // Its own process group: stopping it stops the uvicorn it execs, and its worker.
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const url = `http://127.0.0.1:${port}`;
        const server = new ServerProcess(child, `MLflow's scoring server for ${spec.label}`);
        try {
            await server.waitUntil(() => pingOk(url), { timeoutMs: spec.startupTimeoutMs ?? 180_000, intervalMs: 250, state: "ready (GET /ping 200)" });
        } catch (err) {
            await server.stop();
            fs.rmSync(workDir, { recursive: true, force: true });
            throw err;
        }
        return new ScoringServer(url, server, (Date.now() - started) / 1000, workDir);
    }

    /** What the server printed (its first error and last lines): the served entity's logs. */
    get output(): string {
        return this.process.recentOutput;
    }

    async stop(): Promise<void> {
        await this.process.stop();
        fs.rmSync(this.workDir, { recursive: true, force: true });
    }
}

function pingOk(url: string): Promise<boolean> {
    return new Promise((resolve) => {
        const req = http.get(`${url}/ping`, { timeout: 2000 }, (res) => {
            res.resume();
            resolve(res.statusCode === 200);
        });
        req.on("error", () => resolve(false));
        req.on("timeout", () => {
            req.destroy();
            resolve(false);
        });
    });
}

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
    return Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]!]])));
}
