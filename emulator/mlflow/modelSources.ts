import * as fs from "fs";
import * as path from "path";
import { parseDatastoreUri } from "../../runtime/batch/datastoreUri";
import { parseRunArtifactUri } from "../../runtime/models/runArtifactUri";
import { mlflowArtifactsPath } from "../../runtime/models/workspaceMlflow";
import { experimentArtifactsPrefix } from "./mlflowServer";

/**
 * One model folder, two names: ARM's `modelUri` in the workspace's default datastore
 * (`azureml://datastores/workspaceblobstore/paths/<p>`) and MLflow's `source`
 * (`mlflow-artifacts:/<p>`), since the MLflow server's artifact destination is that datastore's
 * container. A run's model (`runs:/<run>/<p>`, `azureml://jobs/<run>/outputs/artifacts/paths/<p>`)
 * is the folder `ExperimentRun/<experiment>/<run>/artifacts/<p>` there.
 */
export const defaultDatastoreName = "workspaceblobstore";

/** The path in the workspace's container a model URI or source names, or undefined when it names none there. */
export function containerPathOf(uriOrSource: string, containerDir: string): string | undefined {
    const artifacts = mlflowArtifactsPath(uriOrSource);
    if (artifacts !== undefined) return withinContainer(artifacts);
    const run = parseRunArtifactUri(uriOrSource);
    if (run) {
        const runDir = runArtifactsDir(containerDir, run.runId);
        return runDir === undefined ? undefined : `${runDir}/${run.path}`;
    }
    const location = parseDatastoreUri(uriOrSource);
    if (location && location.datastore.toLowerCase() === defaultDatastoreName) return location.path.replace(/\/+$/, "");
    return undefined;
}

/** `azureml://datastores/workspaceblobstore/paths/<p>`. */
export function datastoreModelUri(containerPath: string): string {
    return `azureml://datastores/${defaultDatastoreName}/paths/${containerPath}`;
}

/** `mlflow-artifacts:/<p>`: how MLflow clients download it through the workspace's tracking URI. */
export function mlflowSource(containerPath: string): string {
    return `mlflow-artifacts:/${containerPath}`;
}

/** `ExperimentRun/<experiment>/<run>/artifacts` of a run whose artifacts are in the container, or undefined. */
export function runArtifactsDir(containerDir: string, runId: string): string | undefined {
    const experiments = path.join(containerDir, experimentArtifactsPrefix);
    if (!fs.existsSync(experiments)) return undefined;
    for (const experiment of fs.readdirSync(experiments).sort()) {
        if (fs.existsSync(path.join(experiments, experiment, runId, "artifacts"))) return `${experimentArtifactsPrefix}/${experiment}/${runId}/artifacts`;
    }
    return undefined;
}

function withinContainer(p: string): string | undefined {
    const trimmed = p.replace(/^\/+|\/+$/g, "");
    return trimmed === "" || trimmed.split("/").some((s) => s === "." || s === "..") ? undefined : trimmed;
}
