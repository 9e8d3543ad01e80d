import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../../runtime/arm/clouds";
import { modelVersionKey } from "../../../config/modelVersionKey";
import { VersionPreflight, topLevelComponentUrn } from "./versionPreflight";
import { ContentAddressedUpload, contentAddressedPath, snapshotFolder, uploadFolderContentAddressed } from "../storage/contentAddressedUpload";

/** The datastore every workspace gets, backed by its default blob container. */
export const defaultDatastore = "workspaceblobstore";

export interface ModelVersionSpec {
    /** Registered model name. */
    readonly name: string;
    /** Registered version (a whole number). */
    readonly version: number;
    /** The local MLflow model folder (holding `MLmodel`), already validated. */
    readonly dir: string;
    readonly description?: string;
    readonly tags?: Readonly<Record<string, string>>;
}

export interface MlflowModelVersionsArgs {
    /** ARM id of the workspace. */
    readonly workspaceId: pulumi.Input<string>;
    readonly workspaceName: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
    /** Storage account and container behind the workspace's default datastore. */
    readonly storageAccountName: pulumi.Input<string>;
    readonly blobContainerName: pulumi.Input<string>;
    readonly versions: readonly ModelVersionSpec[];
    /** The stack file the versions are declared in (`Pulumi.dev.yaml`), for messages. */
    readonly stackFile: string;
    readonly cloud: AzureCloud;
    /** `protect` on the registered models (they are always retained on delete). */
    readonly protect: boolean;
    readonly tags: Readonly<Record<string, string>>;
}

export interface RegisteredModelVersion {
    readonly name: string;
    readonly version: string;
    /** ARM id, the reference deployments take. */
    readonly id: pulumi.Output<string>;
    /** `azureml://` URI of the uploaded folder. */
    readonly modelUri: string;
    readonly contentHash: string;
}


/**
 * Registers MLflow model versions from local folders as `mlflow_model` assets.
 *
 * Version policy: a registered version is immutable. Each version's Pulumi name carries its
 * content hash, so changed files never update a version in place: they declare a new one, which
 * Azure refuses to create while the old version (same name and number) exists. Bump the version
 * when the files change. Versions and their files are retained when removed from the program,
 * because deployments elsewhere may still use them.
 */
export class MlflowModelVersions extends pulumi.ComponentResource {
    static readonly type = "azureml-mlflow:model:MlflowModelVersions";
    /** The type's name before it said that it holds many versions: stacks created then keep their resources. */
    static readonly formerType = "azureml-mlflow:model:MlflowModel";
    /** Registered versions by `name:version`. */
    public readonly versions: Readonly<Record<string, RegisteredModelVersion>>;

    constructor(name: string, args: MlflowModelVersionsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(MlflowModelVersions.type, name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: MlflowModelVersions.formerType }] });
        const keep = { parent: this, protect: args.protect, retainOnDelete: true };
        const workspace = { workspaceName: args.workspaceName, resourceGroupName: args.resourceGroupName };

        const containers = new Map<string, machinelearningservices.ModelContainer>();
        for (const modelName of [...new Set(args.versions.map((v) => v.name))].sort()) {
            containers.set(
                modelName,
                new machinelearningservices.ModelContainer(
                    `${name}-${modelName}`,
                    { ...workspace, name: modelName, properties: { tags: { ...args.tags } } },
                    keep,
                ),
            );
        }

        // Keyed by content hash: two versions with identical files share one upload.
        const uploads = new Map<string, ContentAddressedUpload>();
        const versions: Record<string, RegisteredModelVersion> = {};
        for (const spec of args.versions) {
            const snapshot = snapshotFolder(spec.dir);
            const modelUri = `azureml://datastores/${defaultDatastore}/paths/${contentAddressedPath(snapshot, "model")}`;
            const versionName = `${name}-${spec.name}-v${spec.version}-${snapshot.contentHash.slice(0, 12)}`;
            // A version new to this stack that exists in the workspace would fail the update half-way:
            // checked at preview, and before anything of it is uploaded.
            const preflight = new VersionPreflight(`${versionName}-preflight`, {
                workspaceId: args.workspaceId,
                kind: "models",
                name: spec.name,
                version: String(spec.version),
                assetUri: modelUri,
                declaredIn: `${args.stackFile}: models (${modelVersionKey(spec.name, spec.version)})`,
                resourceType: "azure-native:machinelearningservices:ModelVersion",
                resourceName: versionName,
                parentUrn: topLevelComponentUrn(MlflowModelVersions.type, name),
                cloud: args.cloud,
            }, { parent: this });
            const shared =
                uploads.get(snapshot.contentHash) ??
                uploadFolderContentAddressed(
                    `${name}-files`,
                    {
                        snapshot,
                        leaf: "model",
                        accountName: args.storageAccountName,
                        containerName: args.blobContainerName,
                        resourceGroupName: args.resourceGroupName,
                    },
                    this,
                    [preflight],
                );
            uploads.set(snapshot.contentHash, shared);

            const version = new machinelearningservices.ModelVersion(
                versionName,
                {
                    ...workspace,
                    name: containers.get(spec.name)!.name,
                    version: String(spec.version),
                    properties: {
                        modelType: "mlflow_model",
                        modelUri,
                        description: spec.description,
                        tags: { ...args.tags, ...spec.tags, "content-sha256": shared.contentHash },
                    },
                },
                { ...keep, dependsOn: [...shared.blobs, preflight] },
            );
            versions[modelVersionKey(spec.name, spec.version)] = {
                name: spec.name,
                version: String(spec.version),
                id: version.id,
                modelUri,
                contentHash: shared.contentHash,
            };
        }
        this.versions = versions;
        this.registerOutputs({
            versions: Object.fromEntries(Object.entries(versions).map(([key, v]) => [key, v.id])),
        });
    }
}
