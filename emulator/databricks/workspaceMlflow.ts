import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { MlflowServer } from "../mlflow/mlflowServer";
import { callMlflow, forward, mlflowError, relay } from "../mlflow/mlflowProxy";
import { Dbfs } from "./dbfs";
import { DatabricksError } from "./errors";
import { WorkspaceRequest, jsonBody } from "./request";

export interface WorkspaceMlflowOptions {
    readonly projectDir: string;
    /** The server's own folder (its SQLite store and log), emptied when the server first starts. */
    readonly storeDir: string;
    readonly dbfs: Dbfs;
    /** The DBFS folder run artifacts go to, as Databricks keeps them under `dbfs:/databricks/mlflow-tracking`. */
    readonly artifactsDbfsPath: string;
    /** The workspace host, for messages. */
    readonly host: string;
    readonly progress: (line: string) => void;
}

/** The MLflow REST paths a workspace serves: tracking, registry, and (here) artifacts. */
const servedPaths = /^\/(api|ajax-api)\/2\.0\/(mlflow|mlflow-artifacts)\//;

/**
 * A Databricks workspace's MLflow tracking and model registry (the workspace registry, not Unity
 * Catalog's): MLflow's own `mlflow server` (../mlflow/mlflowServer.ts) for this workspace only,
 * started on its first MLflow request, its SQLite store in `storeDir`, run artifacts written into
 * the workspace's DBFS. Requests are forwarded as they came (the Host the server's own). In front:
 * - `model-versions/create` needs a source holding an MLmodel in this workspace (`dbfs:/...`,
 *   `mlflow-artifacts:/...` or `runs:/<run>/<path>`), else 400 INVALID_PARAMETER_VALUE; the source is
 *   registered as given (OSS MLflow's `_validate_source` takes `dbfs:/` URIs as they are);
 * - `databricks/registered-models/get` answers `registered_model_databricks` with the model's `id`
 *   the Permissions API names it by (databricks-sdk-py `ml.ModelDatabricks`).
 */
export class WorkspaceMlflow {
    private server?: Promise<MlflowServer>;
    private stopped = false;

    constructor(private readonly options: WorkspaceMlflowOptions) {}

    static serves(pathOnly: string): boolean {
        return servedPaths.test(pathOnly);
    }

    /** One MLflow request to the workspace; a server that cannot start or answer is 503, which clients retry. */
    async handle(req: WorkspaceRequest, res: http.ServerResponse): Promise<void> {
        try {
            await this.answer(req, res);
        } catch (err) {
            if (err instanceof DatabricksError) throw err;
            throw new DatabricksError(503, "TEMPORARILY_UNAVAILABLE", `the workspace's MLflow server: ${(err as Error).message}`);
        }
    }

    private async answer(req: WorkspaceRequest, res: http.ServerResponse): Promise<void> {
        const route = req.path.replace(/^\/(api|ajax-api)\/2\.0\/mlflow\//, "");
        if (req.method === "GET" && route === "databricks/registered-models/get") return this.databricksRegisteredModel(req.query.get("name") ?? "", res);
        if (req.method === "POST" && route === "model-versions/create") await this.checkSource(jsonBody(req));
        const url = await this.serverUrl();
        const search = req.query.toString();
        relay(await forward(url, { method: req.method, path: `${req.path}${search ? `?${search}` : ""}`, headers: req.headers, body: req.body }), res);
    }

    /** A registered version's source, or undefined when the registry has no such version. */
    async versionSource(name: string, version: string): Promise<string | undefined> {
        const answer = await callMlflow(await this.serverUrl(), "GET", `model-versions/get?name=${encodeURIComponent(name)}&version=${encodeURIComponent(version)}`);
        if (answer.status === 404 || answer.json?.error_code === "RESOURCE_DOES_NOT_EXIST") return undefined;
        if (answer.status !== 200) throw new Error(`the workspace's MLflow answered ${answer.status}: ${answer.json?.message ?? ""}`);
        return String(answer.json.model_version.source);
    }

    /** The local folder a model source names in this workspace (`dbfs:/`, `mlflow-artifacts:/`, `runs:/`), or undefined. */
    async sourceFolder(source: string): Promise<string | undefined> {
        if (/^dbfs:\//i.test(source)) return this.options.dbfs.localPath(source);
        const artifacts = /^mlflow-artifacts:\/+(.*)$/i.exec(source);
        if (artifacts) return this.options.dbfs.localPath(`${this.options.artifactsDbfsPath}/${artifacts[1]}`);
        const run = /^runs:\/([^/]+)\/?(.*)$/i.exec(source);
        if (run) {
            const answer = await callMlflow(await this.serverUrl(), "GET", `runs/get?run_id=${encodeURIComponent(run[1])}`);
            const artifactUri = answer.status === 200 ? String(answer.json.run.info.artifact_uri ?? "") : "";
            return artifactUri ? this.sourceFolder(`${artifactUri.replace(/\/+$/, "")}/${run[2]}`) : undefined;
        }
        return undefined;
    }

    async experimentExists(id: string): Promise<boolean> {
        const answer = await callMlflow(await this.serverUrl(), "GET", `experiments/get?experiment_id=${encodeURIComponent(id)}`);
        return answer.status === 200;
    }

    /** Whether a registered model has this id (as `databricks/registered-models/get` gives it). */
    async registeredModelIdExists(id: string): Promise<boolean> {
        let token = "";
        do {
            const answer = await callMlflow(await this.serverUrl(), "GET", `registered-models/search?max_results=1000${token ? `&page_token=${encodeURIComponent(token)}` : ""}`);
            if (answer.status !== 200) return false;
            if ((answer.json.registered_models ?? []).some((m: RegisteredModel) => this.registeredModelId(m) === id)) return true;
            token = answer.json.next_page_token ?? "";
        } while (token);
        return false;
    }

    async stop(): Promise<void> {
        this.stopped = true;
        const server = this.server;
        this.server = undefined;
        await server?.then((s) => s.stop(), () => undefined);
    }

    /** A registered model's id: stable for its name and creation, so a model created again under the name gets another. */
    private registeredModelId(model: RegisteredModel): string {
        return createHash("sha256").update(`${this.options.host}:${model.name}:${model.creation_timestamp}`).digest("hex").slice(0, 32);
    }

    private async databricksRegisteredModel(name: string, res: http.ServerResponse): Promise<void> {
        const answer = await callMlflow(await this.serverUrl(), "GET", `registered-models/get?name=${encodeURIComponent(name)}`);
        if (answer.status !== 200) return mlflowError(res, answer.status, answer.json?.error_code ?? "INTERNAL_ERROR", answer.json?.message ?? "");
        const model = answer.json.registered_model as RegisteredModel;
        const { aliases: _aliases, ...rest } = model as RegisteredModel & { aliases?: unknown };
        res.writeHead(200, { "Content-Type": "application/json" }).end(
            JSON.stringify({ registered_model_databricks: { ...rest, id: this.registeredModelId(model), permission_level: "CAN_MANAGE" } }),
        );
    }

    private async checkSource(body: Record<string, any>): Promise<void> {
        const source = typeof body.source === "string" ? body.source : "";
        const folder = await this.sourceFolder(source);
        if (folder === undefined) {
            throw new DatabricksError(400, "INVALID_PARAMETER_VALUE", `source ${source} is not in this workspace: register a model in its DBFS (dbfs:/...) or logged to its MLflow (runs:/<run_id>/<path>, mlflow-artifacts:/...).`);
        }
        if (!fs.existsSync(path.join(folder, "MLmodel"))) {
            throw new DatabricksError(400, "INVALID_PARAMETER_VALUE", `source ${source} holds no MLmodel: upload or log the model before registering it.`);
        }
    }

    private serverUrl(): Promise<string> {
        if (this.stopped) return Promise.reject(new Error(`workspace ${this.options.host} is deleted`));
        if (!this.server) {
            const starting = this.start();
            this.server = starting;
            // A failed start is retried by the next request.
            starting.catch(() => this.server === starting && (this.server = undefined));
        }
        return this.server.then((s) => s.url);
    }

    private async start(): Promise<MlflowServer> {
        const { storeDir, dbfs, artifactsDbfsPath, host, progress, projectDir } = this.options;
        fs.rmSync(storeDir, { recursive: true, force: true });
        fs.mkdirSync(storeDir, { recursive: true });
        progress(`Starting the MLflow tracking server of Databricks workspace ${host}...`);
        const server = await MlflowServer.start({ projectDir, storeDir, artifactsDir: dbfs.localPath(artifactsDbfsPath) }, progress);
        progress(`MLflow tracking server of Databricks workspace ${host} up in ${server.startupSeconds.toFixed(1)} s`);
        if (this.stopped) {
            await server.stop();
            throw new Error(`workspace ${host} is deleted`);
        }
        return server;
    }
}

interface RegisteredModel {
    readonly name: string;
    readonly creation_timestamp: number;
}
