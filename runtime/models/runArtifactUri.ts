/**
 * A model logged by an MLflow run (a job in Azure ML), as configuration and Azure name it:
 * MLflow's `runs:/<run_id>/<path>`, and Azure ML's job-output form
 * `azureml://jobs/<job>/outputs/artifacts/paths/<path>` (an Azure ML job's name is its MLflow run
 * id), which a model version's `modelUri` takes (how-to-manage-models: "Job:
 * azureml://jobs/<job-name>/outputs/<output-name>/paths/<path>").
 */
export interface RunArtifact {
    readonly runId: string;
    /** Path of the model folder inside the run's artifacts, without leading or trailing slashes. */
    readonly path: string;
}

/** A run id as MLflow makes them (32 hex digits) or an Azure ML job name (letters, digits, `_`, `-`). */
const runIdPattern = "[A-Za-z0-9_-]{1,255}";
const runsForm = new RegExp(`^runs:/(${runIdPattern})/(.+)$`);
const jobForm = new RegExp(`^azureml://jobs/(${runIdPattern})/outputs/artifacts/paths/(.+)$`);

/** The run and path a `runs:/` or job-output URI names, or undefined when it is neither (or climbs out). */
export function parseRunArtifactUri(uri: string): RunArtifact | undefined {
    const match = runsForm.exec(uri.trim()) ?? jobForm.exec(uri.trim());
    if (!match) return undefined;
    const path = match[2].replace(/^\/+|\/+$/g, "");
    if (path === "" || path.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) return undefined;
    return { runId: match[1], path };
}

/** The `modelUri` Azure ML takes for a run's model folder. */
export function jobOutputModelUri(artifact: RunArtifact): string {
    return `azureml://jobs/${artifact.runId}/outputs/artifacts/paths/${artifact.path}/`;
}
