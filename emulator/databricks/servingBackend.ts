import * as fs from "fs";
import * as path from "path";
import { prepareModelEnvironments } from "../inference/modelEnvironment";
import { ScoringServer } from "./scoringServer";
import { EntityConfig } from "./servingConfig";
import { WorkspaceMlflow } from "./workspaceMlflow";

/** A served entity's server, running. */
export interface RunningEntity {
    /** Base URL of its scoring server (`POST <url>/invocations`). */
    readonly url: string;
    /** What the server printed: the entity's `logs`. */
    readonly output: () => string;
    stop(): Promise<void>;
}

/**
 * What serves a workspace's entities: the registry that says which model versions exist, and what
 * starts a server for one. The default is the workspace's MLflow registry and MLflow's scoring
 * server (`mlflowServing`); unit tests give fakes, to test the state machine in milliseconds.
 */
export interface ServingBackend {
    /** Whether the workspace registry has this model version. */
    versionExists(name: string, version: string): Promise<boolean>;
    /**
     * Builds (or reuses) the entity's environment and starts its server; `log` receives the build
     * log. Rejects with the reason it cannot serve (the environment cannot be built, the model
     * does not load); `signal` stops a build under way (the endpoint was deleted, the run stops).
     */
    start(endpoint: string, entity: EntityConfig, log: (line: string) => void, signal: AbortSignal): Promise<RunningEntity>;
}

/** What a served entity's environment gets besides the model's requirements (the file says why). */
export const scoringServerRequirements = path.join("emulator", "databricks", "scoring-server.txt");

export interface MlflowServingOptions {
    readonly projectDir: string;
    readonly progress: (line: string) => void;
}

/**
 * The registry is the workspace's MLflow; each entity is MLflow's scoring server on the
 * registered version's files (its source: `dbfs:/...` in the workspace's DBFS, or the run's
 * artifacts), in the model's own environment (plus scoring-server.txt, not Azure's inference server). Entities of
 * the same model version share the environment, never a process.
 */
export function mlflowServing(mlflow: WorkspaceMlflow, options: MlflowServingOptions): ServingBackend {
    return {
        versionExists: async (name, version) => (await mlflow.versionSource(name, version)) !== undefined,
        start: async (endpoint, entity, log, signal) => {
            const label = `${endpoint}/${entity.name}`;
            const source = await mlflow.versionSource(entity.entity_name, entity.entity_version);
            if (source === undefined) throw new Error(`model ${entity.entity_name} version ${entity.entity_version} does not exist in the workspace registry`);
            const dir = await mlflow.sourceFolder(source);
            if (!dir || !fs.existsSync(path.join(dir, "MLmodel"))) throw new Error(`the files of model ${entity.entity_name} version ${entity.entity_version} (${source}) hold no MLmodel`);
            log(`Model ${entity.entity_name} version ${entity.entity_version} from ${source}`);
            const environments = await prepareModelEnvironments([{ key: `${entity.entity_name}:${entity.entity_version}`, dir }], {
                projectDir: options.projectDir,
                progress: (line) => {
                    log(line);
                    options.progress(`${label}: ${line}`);
                },
                // MLflow's scoring server comes with the model's own mlflow: nothing of Azure's, a bound on Starlette only.
                serverRequirementsFile: scoringServerRequirements,
                signal,
            });
            const environment = environments.values().next().value!;
            log(`Starting MLflow's scoring server (mlflow models serve --env-manager local) in .venv/models/${environment.hash}`);
            const server = await ScoringServer.start({ label, modelDir: dir, bin: environment.bin, environmentVars: entity.environment_vars });
            if (signal.aborted) {
                await server.stop();
                throw new Error("stopped: the endpoint was deleted");
            }
            log(`Ready in ${server.startupSeconds.toFixed(1)} s`);
            options.progress(`${label}: MLflow's scoring server ready in ${server.startupSeconds.toFixed(1)} s`);
            return { url: server.url, output: () => server.output, stop: () => server.stop() };
        },
    };
}
