import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
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
    /**
     * Its files: a local MLflow model folder (holding `MLmodel`, already validated), uploaded
     * content-addressed; or a model an MLflow run logged to the workspace, named by Azure's
     * job-output URI (`azureml://jobs/<run>/outputs/artifacts/paths/<path>/`), nothing uploaded.
     */
    readonly files: { readonly folder: string } | { readonly runModelUri: string; readonly runId: string };
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
    /** `azureml://` URI of its files. */
    readonly modelUri: string;
    /** The folder's content hash (versions from folders). */
    readonly contentHash?: string;
}


/**
 * Registers MLflow model versions as `mlflow_model` assets: from local folders (uploaded to the
 * default datastore), or from models MLflow runs logged to the workspace (nothing uploaded).
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
        // A container for each model the stack holds folders of; a model whose versions here all
        // come from runs was registered through MLflow already (checked before the update).
        for (const modelName of [...new Set(args.versions.filter((v) => "folder" in v.files).map((v) => v.name))].sort()) {
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
            const files = "folder" in spec.files ? this.folderFiles(name, args, spec.files.folder, uploads) : undefined;
            const modelUri = files?.modelUri ?? (spec.files as { runModelUri: string }).runModelUri;
            // Content-addressed: a folder by its files' hash, a run's model by its URI (a run's artifacts never change).
            const identity = files?.contentHash ?? createHash("sha256").update(modelUri).digest("hex");
            const versionName = `${name}-${spec.name}-v${spec.version}-${identity.slice(0, 12)}`;
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
            const blobs = files ? files.upload(preflight).blobs : [];
            const provenance: Record<string, string> = files ? { "content-sha256": files.contentHash } : { "mlflow.runId": (spec.files as { runId: string }).runId };

            const version = new machinelearningservices.ModelVersion(
                versionName,
                {
                    ...workspace,
                    name: containers.get(spec.name)?.name ?? spec.name,
                    version: String(spec.version),
                    properties: {
                        modelType: "mlflow_model",
                        modelUri,
                        description: spec.description,
                        tags: { ...args.tags, ...spec.tags, ...provenance },
                        ...(files ? {} : { jobName: (spec.files as { runId: string }).runId }),
                    },
                },
                { ...keep, dependsOn: [...blobs, preflight] },
            );
            versions[modelVersionKey(spec.name, spec.version)] = {
                name: spec.name,
                version: String(spec.version),
                id: version.id,
                modelUri,
                contentHash: files?.contentHash,
            };
        }
        this.versions = versions;
        this.registerOutputs({
            versions: Object.fromEntries(Object.entries(versions).map(([key, v]) => [key, v.id])),
        });
    }

    /** A folder's snapshot and its upload (shared by versions with identical files), started after the preflight. */
    private folderFiles(name: string, args: MlflowModelVersionsArgs, folder: string, uploads: Map<string, ContentAddressedUpload>) {
        const snapshot = snapshotFolder(folder);
        return {
            modelUri: `azureml://datastores/${defaultDatastore}/paths/${contentAddressedPath(snapshot, "model")}`,
            contentHash: snapshot.contentHash,
            upload: (preflight: pulumi.Resource): ContentAddressedUpload => {
                const shared =
                    uploads.get(snapshot.contentHash) ??
                    uploadFolderContentAddressed(
                        `${name}-files`,
                        { snapshot, leaf: "model", accountName: args.storageAccountName, containerName: args.blobContainerName, resourceGroupName: args.resourceGroupName },
                        this,
                        [preflight],
                    );
                uploads.set(snapshot.contentHash, shared);
                return shared;
            },
        };
    }
}
