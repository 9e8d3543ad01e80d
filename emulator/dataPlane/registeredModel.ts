import * as path from "path";
import { ArmServer } from "../arm/armServer";
import { defaultDatastoreLocation, workspaceOf } from "../resources/mlWorkspace";
import { parseBlobUri, referencedRegistry, referencedVersionId, registryModelReference } from "../resources/registryModelVersion";
import { containerPathOf } from "../mlflow/modelSources";

/** A registered model version's files in the emulated storage, and the key environments name it by. */
export interface RegisteredModel {
    /** `name:version` (`<registry>/name:version` for a registry's). */
    readonly key: string;
    /** The folder its `modelUri` names, in the workspace's default datastore or the registry's storage. */
    readonly dir: string;
}

/**
 * What a deployment's model id stands for, read from the ARM server the way Azure resolves it:
 * the version's `modelUri`, in its workspace's default datastore, or for a registry version
 * (`azureml://registries/<r>/models/<n>/versions/<v>` or its ARM id) in the registry's storage.
 * Throws when it names nothing.
 */
export function registeredModel(arm: ArmServer, storageDir: string, modelVersionId: string): RegisteredModel {
    const reference = registryModelReference(modelVersionId);
    if (reference) {
        const registry = referencedRegistry({ get: (id) => arm.resource(id), ofType: (type) => arm.resourcesOfType(type) }, reference);
        const version = registry && arm.resource(referencedVersionId(registry.id.id, reference));
        if (!version) throw new Error(`model version ${modelVersionId} is not registered`);
        const location = parseBlobUri(String(version.body.properties?.modelUri ?? ""));
        if (!location) throw new Error(`model version ${modelVersionId} names no blob in its registry's storage`);
        return {
            key: `${registry.id.name}/${reference.model}:${reference.version}`,
            dir: path.join(storageDir, location.account, location.container, ...location.path.split("/")),
        };
    }
    const version = arm.resource(modelVersionId);
    if (!version) throw new Error(`model version ${modelVersionId} is not registered`);
    const workspace = arm.resource(workspaceOf(modelVersionId));
    if (!workspace) throw new Error(`model version ${modelVersionId} is in no workspace`);
    const { account, container } = defaultDatastoreLocation(workspace);
    const containerDir = path.join(storageDir, account, container);
    // A datastore path, or a job's output (a run's artifacts, in the same container).
    const folder = containerPathOf(String(version.body.properties?.modelUri ?? ""), containerDir);
    if (!folder) throw new Error(`model version ${modelVersionId} names no datastore path`);
    return { key: `${version.id.parent!.split("/").pop()}:${version.id.name}`, dir: path.join(containerDir, ...folder.split("/")) };
}
