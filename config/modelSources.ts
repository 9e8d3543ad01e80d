import * as path from "path";
import { RunArtifact, parseRunArtifactUri } from "../runtime/models/runArtifactUri";
import { ModelConfig } from "./schema";

/**
 * Where an entry of `models` comes from:
 * - `folder`: an MLflow model folder in this repository, uploaded and registered by the stack;
 * - `run`: a model an MLflow run logged to the workspace (`path: runs:/<run_id>/<path>`, or the
 *   job-output form `azureml://jobs/<job>/outputs/artifacts/paths/<path>`), registered by the stack;
 * - `registered`: no `path`: a version already registered in the workspace (by a training run, a
 *   job, another stack), deployed by reference and never created, changed or deleted by the stack.
 */
export type ModelSource =
    | { readonly kind: "folder"; readonly dir: string }
    | { readonly kind: "run"; readonly artifact: RunArtifact; readonly uri: string }
    | { readonly kind: "registered" };

/** Whether a `path` value is a run's artifact URI rather than a folder (it may still be malformed). */
export function looksLikeRunArtifact(value: string): boolean {
    return /^(runs:|azureml:)/i.test(value.trim());
}

/** The source of one entry; undefined for a run URI that does not parse (the config rules say why). */
export function modelSourceOf(model: Pick<ModelConfig, "path">, projectDir: string): ModelSource | undefined {
    if (model.path === undefined) return { kind: "registered" };
    if (!looksLikeRunArtifact(model.path)) return { kind: "folder", dir: path.resolve(projectDir, model.path) };
    const artifact = parseRunArtifactUri(model.path);
    return artifact && { kind: "run", artifact, uri: model.path };
}
