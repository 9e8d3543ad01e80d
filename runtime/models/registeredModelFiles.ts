import type { TokenCredential } from "@azure/identity";
import { AzureCloud } from "../arm/clouds";
import { readBlobText } from "../azure/blobStorage";
import { parseDatastoreUri } from "../batch/datastoreUri";
import { parseRunArtifactUri } from "./runArtifactUri";
import { getRun, mlflowArtifactsPath, mlflowRestBase } from "./workspaceMlflow";

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

/**
 * Where a model's folder is (a blob container of the workspace's storage account and a path in
 * it), or why it cannot be told: `unreadable` when the files are somewhere this check cannot read
 * (Azure itself still validates the registration).
 */
export type FolderLocation =
    | { readonly container: string; readonly path: string }
    | { readonly problem: string; readonly unreadable?: boolean };

/**
 * The datastores every workspace has, by the blob container they stand for: `workspaceblobstore`
 * (uploads, `azureml-blobstore-<workspace guid>`) and `workspaceartifactstore` (jobs' and runs'
 * outputs, the container `azureml`), both in the workspace's storage account.
 */
function containerOf(datastore: string, workspace: WorkspaceFiles): string | undefined {
    const name = datastore.toLowerCase();
    if (name === "workspaceblobstore") return workspace.container;
    if (name === "workspaceartifactstore") return "azureml";
    return undefined;
}

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
        const root = artifactRoot(String(info.artifact_uri ?? ""), workspace);
        if (root === undefined) return { problem: `run ${run.runId} keeps its artifacts at ${info.artifact_uri}, which this check cannot read`, unreadable: true };
        return { container: root.container, path: `${root.path}/${run.path}` };
    }
    const location = parseDatastoreUri(uri);
    const container = location && containerOf(location.datastore, workspace);
    if (!location || !container) return { problem: `${uri} is not in one of the workspace's own datastores (workspaceblobstore, workspaceartifactstore)`, unreadable: true };
    return { container, path: location.path.replace(/\/+$/, "") };
}

/** A model folder's MLmodel text, or why it cannot be read. */
export async function readMlmodel(uri: string, workspace: WorkspaceFiles): Promise<{ readonly text: string; readonly where: string } | { readonly problem: string; readonly unreadable?: boolean }> {
    const folder = await modelFolderLocation(uri, workspace);
    if ("problem" in folder) return folder;
    const text = await readBlobText(workspace.cloud, workspace.account, folder.container, `${folder.path}/MLmodel`, workspace.credential);
    const where = `${uri.replace(/\/+$/, "")}/MLmodel`;
    return text === undefined ? { problem: `${where} does not exist` } : { text, where };
}

/**
 * A run's artifact root in the workspace's storage: MLflow's served-artifacts form
 * (`mlflow-artifacts:/<p>`, a path in the default datastore: the local Azure's) or a datastore
 * URI. Azure ML's own `azureml://.../runs/<run>/artifacts` form is not mapped here.
 */
function artifactRoot(artifactUri: string, workspace: WorkspaceFiles): { container: string; path: string } | undefined {
    const served = mlflowArtifactsPath(artifactUri);
    if (served) return { container: workspace.container, path: served };
    const location = parseDatastoreUri(artifactUri);
    const container = location && containerOf(location.datastore, workspace);
    return location && container ? { container, path: location.path.replace(/\/+$/, "") } : undefined;
}
