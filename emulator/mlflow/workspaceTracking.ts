import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { ArmServer, MlflowRequest } from "../arm/armServer";
import { StoredResource } from "../arm/storedResource";
import { defaultDatastoreLocation } from "../resources/mlWorkspace";
import { MlflowServer, experimentArtifactsPrefix } from "./mlflowServer";
import { callMlflow, forward, isServedPath, mlflowError, relay } from "./mlflowProxy";
import { modelContainerId, modelVersionId, mirrorVersionIntoArm, reconcile, WorkspaceRegistry } from "./registryMirror";
import { containerPathOf } from "./modelSources";

export interface WorkspaceTrackingOptions {
    readonly projectDir: string;
    /** This run's folder for the servers' stores (`.local/emulator/<name>/mlflow`). */
    readonly root: string;
    /** The emulated storage (blobs as files). */
    readonly storageDir: string;
    readonly progress: (line: string) => void;
}

interface WorkspaceState {
    readonly registry: Promise<WorkspaceRegistry & { readonly server: MlflowServer }>;
    /** Registry requests one at a time, so both sides number versions alike. */
    queue: Promise<unknown>;
}

/**
 * Each workspace's MLflow tracking server, as Azure ML serves one at the workspace's
 * `mlFlowTrackingUri`: MLflow's own server (mlflowServer.ts), started on the workspace's first
 * MLflow request and stopped with the workspace or the run, reached through the ARM server (the
 * caller's token checked there), with its model registry kept one with ARM's (registryMirror.ts).
 */
export class WorkspaceTracking {
    private arm?: ArmServer;
    private readonly workspaces = new Map<string, WorkspaceState>();

    constructor(private readonly options: WorkspaceTrackingOptions) {}

    attach(arm: ArmServer): void {
        this.arm = arm;
    }

    /** The servers started so far, by workspace id (for measurements). */
    async servers(): Promise<{ workspaceId: string; server: MlflowServer }[]> {
        const states = [...this.workspaces.entries()];
        const settled = await Promise.allSettled(states.map(([, state]) => state.registry));
        return settled.flatMap((s, i) => (s.status === "fulfilled" ? [{ workspaceId: states[i][0], server: s.value.server }] : []));
    }

    /** ARM's hook: one request to a workspace's MLflow API. */
    handle(workspace: StoredResource, request: MlflowRequest, res: http.ServerResponse): void {
        const pathOnly = request.path.split("?")[0];
        if (!isServedPath(pathOnly)) return mlflowError(res, 404, "ENDPOINT_NOT_FOUND", `${pathOnly} is not part of the MLflow API Azure ML serves (tracking, registry, artifacts).`);
        if (workspace.provisioningState === "Deleting") return mlflowError(res, 409, "RESOURCE_CONFLICT", `workspace ${workspace.id.name} is being deleted.`);
        const written = artifactWrite(request.method, pathOnly);
        if (written !== undefined && !written.startsWith(`${experimentArtifactsPrefix}/`)) {
            // Runs write their own artifacts; registered models' folders are immutable.
            return mlflowError(res, 403, "PERMISSION_DENIED", `artifacts are written by runs, under ${experimentArtifactsPrefix}/: ${written} is outside.`);
        }
        const state = this.stateOf(workspace);
        const registryRequest = /\/mlflow\/(registered-models|model-versions)\//.test(pathOnly);
        const answer = async () => {
            const registry = await state.registry;
            if (!registryRequest) return relay(await forward(registry.server.url, request), res);
            const run = state.queue.then(() => this.registryRequest(registry, pathOnly, request, res));
            state.queue = run.catch(() => undefined);
            await run;
        };
        answer().catch((err: Error) => mlflowError(res, 503, "TEMPORARILY_UNAVAILABLE", `the workspace's MLflow server: ${err.message}`));
    }

    /** Stops the server of a workspace being deleted. */
    async workspaceDeleted(workspace: StoredResource): Promise<void> {
        const state = this.workspaces.get(workspace.id.key);
        if (!state) return;
        this.workspaces.delete(workspace.id.key);
        await state.registry.then((r) => r.server.stop(), () => undefined);
    }

    async stop(): Promise<void> {
        const states = [...this.workspaces.values()];
        this.workspaces.clear();
        await Promise.all(states.map((s) => s.registry.then((r) => r.server.stop(), () => undefined)));
    }

    private stateOf(workspace: StoredResource): WorkspaceState {
        const known = this.workspaces.get(workspace.id.key);
        if (known) return known;
        const state: WorkspaceState = { registry: this.startServer(workspace), queue: Promise.resolve() };
        // A failed start is retried by the next request.
        state.registry.catch(() => this.workspaces.get(workspace.id.key) === state && this.workspaces.delete(workspace.id.key));
        this.workspaces.set(workspace.id.key, state);
        return state;
    }

    private async startServer(workspace: StoredResource): Promise<WorkspaceRegistry & { server: MlflowServer }> {
        const { account, container } = defaultDatastoreLocation(workspace);
        const containerDir = path.join(this.options.storageDir, account, container);
        const storeDir = path.join(this.options.root, createHash("sha256").update(workspace.id.key).digest("hex").slice(0, 16));
        // A workspace created again under the same id starts with an empty registry, as in Azure.
        fs.rmSync(storeDir, { recursive: true, force: true });
        fs.mkdirSync(storeDir, { recursive: true });
        fs.writeFileSync(path.join(storeDir, "workspace.txt"), `${workspace.id.id}\n`);
        this.options.progress(`Starting the MLflow tracking server of workspace ${workspace.id.name}...`);
        const server = await MlflowServer.start({ projectDir: this.options.projectDir, storeDir, artifactsDir: containerDir }, this.options.progress);
        this.options.progress(`MLflow tracking server of workspace ${workspace.id.name} up in ${server.startupSeconds.toFixed(1)} s`);
        const registry = { workspace, serverUrl: server.url, containerDir, synced: new Set<string>(), models: new Set<string>(), progress: this.options.progress, server };
        try {
            await reconcile(this.arm!, registry);
        } catch (err) {
            // Not kept, so not stopped later: stopped here (the next request starts afresh).
            await server.stop();
            throw err;
        }
        return registry;
    }

    /** A registry request: ARM's versions in MLflow first, then the request, then what it changed in ARM. */
    private async registryRequest(registry: WorkspaceRegistry & { server: MlflowServer }, pathOnly: string, request: MlflowRequest, res: http.ServerResponse): Promise<void> {
        const arm = this.arm!;
        await reconcile(arm, registry);
        const route = pathOnly.replace(/^.*\/mlflow\//, "");
        const body = parseJson(request.body);
        // Azure ML's MLflow support matrix (how-to-manage-models-mlflow): a registered model is
        // immutable there, neither renamed nor deleted; its versions can be deleted.
        if (route === "registered-models/rename" || route === "registered-models/delete") {
            return mlflowError(res, 400, "INVALID_PARAMETER_VALUE", `${route === "registered-models/rename" ? "Renaming" : "Deleting"} a registered model is not supported in Azure ML: delete its versions instead.`);
        }
        let containerPath: string | undefined;
        if (route === "model-versions/create") {
            const source = String(body?.source ?? "");
            containerPath = containerPathOf(source, registry.containerDir);
            if (containerPath === undefined) {
                return mlflowError(res, 400, "INVALID_PARAMETER_VALUE", `source ${source} is not in this workspace's artifact store: register a model logged to the workspace (runs:/<run_id>/<path>, or its mlflow-artifacts:/ location).`);
            }
            if (!fs.existsSync(path.join(registry.containerDir, ...containerPath.split("/"), "MLmodel"))) {
                return mlflowError(res, 400, "INVALID_PARAMETER_VALUE", `source ${source} holds no MLmodel: log the model before registering it.`);
            }
        }
        const answer = await forward(registry.server.url, request);
        if (answer.status === 200) {
            const created = parseJson(answer.body);
            let refusal: string | undefined;
            try {
                refusal = this.mirror(arm, registry, route, body, created, containerPath);
            } catch (err) {
                refusal = `the version could not be registered in the workspace: ${(err as Error).message}`;
            }
            if (refusal) {
                // One store: what ARM refuses is not kept in MLflow either.
                if (route === "model-versions/create") await callMlflow(registry.serverUrl, "DELETE", "model-versions/delete", { name: created.model_version.name, version: created.model_version.version });
                return mlflowError(res, 400, "INVALID_PARAMETER_VALUE", refusal);
            }
        }
        relay(answer, res);
    }

    /** What a successful registry request changed, in ARM; a refusal's message undoes it. */
    private mirror(arm: ArmServer, registry: WorkspaceRegistry, route: string, request: any, answer: any, containerPath: string | undefined): string | undefined {
        const workspaceId = registry.workspace.id.id;
        switch (route) {
            case "registered-models/create": {
                if (arm.resource(modelContainerId(workspaceId, request.name))) return undefined;
                const stored = arm.storeFromDataPlane(modelContainerId(workspaceId, request.name), { properties: { description: request.description || undefined } });
                if ("status" in stored) return stored.message;
                registry.models.add(request.name);
                return undefined;
            }
            case "model-versions/create":
                return mirrorVersionIntoArm(arm, registry, answer.model_version, containerPath!);
            case "model-versions/delete":
                arm.removeFromDataPlane(modelVersionId(workspaceId, request.name, String(request.version)));
                registry.synced.delete(`${request.name}:${request.version}`);
                return undefined;
            case "model-versions/update":
            case "model-versions/set-tag":
            case "model-versions/delete-tag":
                return this.mirrorVersionDetails(arm, workspaceId, route, request);
            default:
                return undefined;
        }
    }

    /** A version's description and tags, the parts Azure lets change. */
    private mirrorVersionDetails(arm: ArmServer, workspaceId: string, route: string, request: any): undefined {
        const version = arm.resource(modelVersionId(workspaceId, request.name, String(request.version)));
        if (!version) return undefined;
        const properties = { ...version.body.properties, tags: { ...(version.body.properties?.tags ?? {}) } };
        if (route === "model-versions/update") properties.description = request.description;
        if (route === "model-versions/set-tag") properties.tags[request.key] = String(request.value);
        if (route === "model-versions/delete-tag") delete properties.tags[request.key];
        version.body = { ...version.body, properties };
        version.lastModifiedAt = new Date().toISOString();
        return undefined;
    }
}

function parseJson(raw: Buffer): any {
    try {
        return raw.length > 0 ? JSON.parse(raw.toString("utf8")) : {};
    } catch {
        return {};
    }
}

/** The artifact path a request writes or deletes (`mlflow-artifacts` uploads, multipart uploads), or undefined. */
function artifactWrite(method: string, pathOnly: string): string | undefined {
    if (method === "GET" || method === "HEAD") return undefined;
    const match = /\/2\.0\/mlflow-artifacts\/(?:artifacts|mpu\/(?:create|complete|abort))\/(.*)$/.exec(pathOnly);
    return match ? decodeURIComponent(match[1]).replace(/^\/+/, "") : undefined;
}
