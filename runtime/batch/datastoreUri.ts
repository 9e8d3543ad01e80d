/**
 * Where a batch job reads and writes, as Azure ML names a place in a datastore. Azure's documented
 * form for a job's output (how-to-access-data-batch-endpoints-jobs) is the datastore's ARM id
 * followed by `/paths/<path>`; the short `azureml://datastores/<name>/paths/<path>` form appears in
 * an older sample, and model and data assets use the `azureml://` forms. Each is read here.
 */
export interface DatastoreLocation {
    /** The datastore's name, e.g. `workspaceblobstore`. */
    readonly datastore: string;
    /** Path inside the datastore, without a leading slash. */
    readonly path: string;
}

const forms: readonly RegExp[] = [
    // /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>/datastores/<ds>/paths/<path>
    // (also with an `azureml:` or `azureml://` prefix, as the SDK writes long URIs)
    /^(?:azureml:\/{0,2})?\/?subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/datastores\/([^/]+)\/paths\/(.+)$/i,
    /^azureml:\/\/datastores\/([^/]+)\/paths\/(.+)$/i,
];

/** The datastore and path a URI names, or undefined when it is none of the forms Azure accepts. */
export function parseDatastoreUri(uri: string): DatastoreLocation | undefined {
    for (const form of forms) {
        const match = form.exec(uri.trim());
        if (!match) continue;
        const path = match[2].replace(/^\/+/, "");
        // A path that climbs out of the datastore names no place in it.
        return path.split("/").some((segment) => segment === ".." || segment === ".") ? undefined : { datastore: match[1], path };
    }
    return undefined;
}

/** A file in a datastore in the form Azure documents for batch job outputs. */
export function datastoreFileUri(datastoreId: string, filePath: string): string {
    if (!/\/datastores\/[^/]+$/i.test(datastoreId)) {
        throw new Error(`${datastoreId} is not a datastore's ARM id (.../workspaces/<workspace>/datastores/<name>)`);
    }
    return `${datastoreId}/paths/${filePath.replace(/^\/+/, "")}`;
}
