import type { TokenCredential } from "@azure/identity";
import { AzureCloud } from "../arm/clouds";
import { readBlobText } from "../azure/blobStorage";
import { parseDatastoreUri } from "../batch/datastoreUri";
import { parseRunArtifactUri } from "./runArtifactUri";
import { getRun, mlflowRestBase } from "./workspaceMlflow";

/** A workspace, as far as reading a registered model's files goes. */
export interface WorkspaceFiles {
    readonly cloud: AzureCloud;
    /** The storage account and container of its default datastore (`workspaceblobstore`). */
    readonly account: string;
    readonly container: string;
    /** Its `mlFlowTrackingUri` (runs are looked up there). */
    readonly trackingUri: string;
    readonly credential: TokenCredential;
}

/** Where a model's folder is in the default datastore, or why it cannot be told. */
export type FolderLocation = { readonly path: string } | { readonly problem: string };

const defaultDatastore = "workspaceblobstore";

/**
 * The datastore path of a model folder named by a model URI: a `workspaceblobstore` path as is; a
 * run's model (`runs:/`, or a job output) through the run's artifact location, which the
 * workspace's MLflow tells (`runs/get`).
 */
export async function modelFolderLocation(uri: string, workspace: WorkspaceFiles): Promise<FolderLocation> {
    const run = parseRunArtifactUri(uri);
    if (run) {
        const info = await getRun(mlflowRestBase(workspace.trackingUri, workspace.cloud), run.runId, workspace.cloud, workspace.credential);
        if (!info) return { problem: `run ${run.runId} does not exist in the workspace's MLflow` };
        const root = artifactRootPath(String(info.artifact_uri ?? ""));
        if (root === undefined) return { problem: `run ${run.runId} keeps its artifacts at ${info.artifact_uri}, outside the workspace's default datastore` };
        return { path: `${root}/${run.path}` };
    }
    const location = parseDatastoreUri(uri);
    if (!location || location.datastore.toLowerCase() !== defaultDatastore) return { problem: `${uri} is not in the workspace's default datastore (${defaultDatastore})` };
    return { path: location.path.replace(/\/+$/, "") };
}

/** A model folder's MLmodel text, or why it cannot be read. */
export async function readMlmodel(uri: string, workspace: WorkspaceFiles): Promise<{ readonly text: string; readonly where: string } | { readonly problem: string }> {
    const folder = await modelFolderLocation(uri, workspace);
    if ("problem" in folder) return folder;
    const text = await readBlobText(workspace.cloud, workspace.account, workspace.container, `${folder.path}/MLmodel`, workspace.credential);
    const where = `${uri.replace(/\/+$/, "")}/MLmodel`;
    return text === undefined ? { problem: `${where} does not exist` } : { text, where };
}

/**
 * A run's artifact root as a datastore path: MLflow's served-artifacts form (`mlflow-artifacts:/<p>`,
 * relative to the datastore's container) or a datastore URI.
 */
function artifactRootPath(artifactUri: string): string | undefined {
    const served = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.+)$/.exec(artifactUri);
    if (served) return served[1].replace(/\/+$/, "");
    const location = parseDatastoreUri(artifactUri);
    return location && location.datastore.toLowerCase() === defaultDatastore ? location.path.replace(/\/+$/, "") : undefined;
}
