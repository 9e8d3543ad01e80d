import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../../runtime/arm/clouds";
import { defaultDatastore } from "../model/mlflowModelVersions";
import { VersionPreflight, topLevelComponentUrn } from "../model/versionPreflight";
import { contentAddressedPath, snapshotFolder, uploadFolderContentAddressed } from "../storage/contentAddressedUpload";

export interface UriFolderDataAssetArgs {
    /** ARM id of the workspace. */
    readonly workspaceId: pulumi.Input<string>;
    readonly workspaceName: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly storageAccountName: pulumi.Input<string>;
    readonly blobContainerName: pulumi.Input<string>;
    /** Data asset name. */
    readonly assetName: string;
    /** Registered version (immutable, like a model version). */
    readonly version: number;
    /** Local folder whose files are uploaded. */
    readonly dir: string;
    readonly description?: string;
    /** The stack file the version is declared in (`Pulumi.dev.yaml`), for messages. */
    readonly stackFile: string;
    readonly cloud: AzureCloud;
    readonly protect: boolean;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * A local folder uploaded under its content hash and registered as a `uri_folder` data version,
 * with the same policy as model versions: a version's Pulumi name carries the content hash, so
 * changed files declare a new version instead of overwriting one, and versions are retained.
 */
export class UriFolderDataAsset extends pulumi.ComponentResource {
    static readonly type = "azureml-mlflow:data:UriFolderDataAsset";
    /** ARM id of the data version. */
    public readonly dataVersionId: pulumi.Output<string>;
    /** `azureml://datastores/workspaceblobstore/paths/LocalUpload/<hash>/data`: what a batch job reads. */
    public readonly dataUri: string;
    public readonly contentHash: string;

    constructor(name: string, args: UriFolderDataAssetArgs, opts?: pulumi.ComponentResourceOptions) {
        super(UriFolderDataAsset.type, name, {}, opts);
        const keep = { parent: this, protect: args.protect, retainOnDelete: true };
        const inWorkspace = { workspaceName: args.workspaceName, resourceGroupName: args.resourceGroupName };
        const tags = { ...args.tags };

        const snapshot = snapshotFolder(args.dir);
        this.dataUri = `azureml://datastores/${defaultDatastore}/paths/${contentAddressedPath(snapshot, "data")}`;
        const versionName = `${name}-v${args.version}-${snapshot.contentHash.slice(0, 12)}`;
        // A version new to this stack that exists in the workspace would fail the update half-way.
        const preflight = new VersionPreflight(
            `${versionName}-preflight`,
            {
                workspaceId: args.workspaceId,
                kind: "data",
                name: args.assetName,
                version: String(args.version),
                assetUri: this.dataUri,
                declaredIn: `${args.stackFile}: batchEndpoint.inputData (${args.assetName}:${args.version})`,
                resourceType: "azure-native:machinelearningservices:DataVersion",
                resourceName: versionName,
                parentUrn: topLevelComponentUrn(UriFolderDataAsset.type, name),
                cloud: args.cloud,
            },
            { parent: this },
        );
        const upload = uploadFolderContentAddressed(
            `${name}-files`,
            {
                snapshot,
                leaf: "data",
                accountName: args.storageAccountName,
                containerName: args.blobContainerName,
                resourceGroupName: args.resourceGroupName,
            },
            this,
            [preflight],
        );
        this.contentHash = snapshot.contentHash;

        const container = new machinelearningservices.DataContainer(
            `${name}-container`,
            { ...inWorkspace, name: args.assetName, properties: { dataType: "uri_folder", description: args.description, tags } },
            keep,
        );
        const version = new machinelearningservices.DataVersion(
            versionName,
            {
                ...inWorkspace,
                name: container.name,
                version: String(args.version),
                properties: {
                    dataType: "uri_folder",
                    dataUri: this.dataUri,
                    description: args.description,
                    tags: { ...tags, "content-sha256": snapshot.contentHash },
                },
            },
            { ...keep, dependsOn: [...upload.blobs, preflight] },
        );
        this.dataVersionId = version.id;
        this.registerOutputs({ dataVersionId: this.dataVersionId, dataUri: this.dataUri });
    }
}
