import * as path from "path";
import { RunArtifact, parseRunArtifactUri } from "../runtime/models/runArtifactUri";
import { ModelConfig } from "./schema";

/**
 * Where an entry of `models` comes from:
 * - `folder`: an MLflow model folder in this repository, uploaded and registered by the stack;
 * - `run`: a model an MLflow run logged to the workspace (`path: runs:/<run_id>/<path>`, or the
 *   job-output form `azureml://jobs/<job>/outputs/artifacts/paths/<path>`), registered by the stack;
 * - `registered`: no `path`: a version already registered in the workspace (by a training run, a
 *   job, another stack), deployed by reference and never created, changed or deleted by the stack;
 * - `registry`: a version in the stack's Azure ML registry (`registry: <name>`), put there by
 *   `npm run promote` and deployed by reference (`azureml://registries/<r>/models/<n>/versions/<v>`).
 */
export type ModelSource =
    | { readonly kind: "folder"; readonly dir: string }
    | { readonly kind: "run"; readonly artifact: RunArtifact; readonly uri: string }
    | { readonly kind: "registered" }
    | { readonly kind: "registry"; readonly registry: string };

/** A registry model version's asset id, the reference deployments take. */
export function registryModelId(registry: string, name: string, version: number): string {
    return `azureml://registries/${registry}/models/${name}/versions/${version}`;
}

/** Whether a `path` value is a run's artifact URI rather than a folder (it may still be malformed). */
export function looksLikeRunArtifact(value: string): boolean {
    return /^(runs:|azureml:)/i.test(value.trim());
}

/** The source of one entry; undefined for a run URI that does not parse (the config rules say why). */
export function modelSourceOf(model: Pick<ModelConfig, "path" | "registry">, projectDir: string): ModelSource | undefined {
    if (model.registry !== undefined) return { kind: "registry", registry: model.registry };
    if (model.path === undefined) return { kind: "registered" };
    if (!looksLikeRunArtifact(model.path)) return { kind: "folder", dir: path.resolve(projectDir, model.path) };
    const artifact = parseRunArtifactUri(model.path);
    return artifact && { kind: "run", artifact, uri: model.path };
}
