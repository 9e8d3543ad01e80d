import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { FolderFile, folderContentHash, listFolderFiles } from "../../../config/folders/folderContent";

/** A local folder's files and their content hash, computed once before anything is declared. */
export interface FolderSnapshot {
    readonly files: readonly FolderFile[];
    /** SHA-256 of the folder's files and their relative paths. */
    readonly contentHash: string;
}

export function snapshotFolder(dir: string): FolderSnapshot {
    const files = listFolderFiles(dir);
    return { files, contentHash: folderContentHash(files) };
}

export interface ContentAddressedUploadArgs {
    readonly snapshot: FolderSnapshot;
    /** Last segment of the remote path ("model", "data"), as the Azure ML CLI names it. */
    readonly leaf: string;
    readonly accountName: pulumi.Input<string>;
    readonly containerName: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
}

export interface ContentAddressedUpload {
    /** Datastore path of the uploaded folder: `LocalUpload/<content hash>/<leaf>`. */
    readonly datastorePath: string;
    /** SHA-256 of the folder's files and their relative paths. */
    readonly contentHash: string;
    readonly blobs: readonly storage.Blob[];
}

/** Datastore path of a folder snapshot's upload: `LocalUpload/<content hash>/<leaf>`, as the Azure ML CLI names it. */
export function contentAddressedPath(snapshot: FolderSnapshot, leaf: string): string {
    // 32 hex digits (128 bits) like the CLI's upload paths: short, and collisions are not a concern.
    return `LocalUpload/${snapshot.contentHash.slice(0, 32)}/${leaf}`;
}

/**
 * Uploads every file of a folder snapshot under a path named by the folder's content hash, as the Azure ML
 * CLI does. Changed content goes to a new path, so an upload is never overwritten; identical
 * content maps to the same blobs, so a re-run uploads nothing. The blobs are retained when removed
 * from the program: registered versions that point at them are retained too.
 */
export function uploadFolderContentAddressed(
    name: string,
    args: ContentAddressedUploadArgs,
    parent: pulumi.Resource,
    dependsOn: pulumi.Resource[] = [],
): ContentAddressedUpload {
    const { files, contentHash } = args.snapshot;
    const datastorePath = contentAddressedPath(args.snapshot, args.leaf);
    const blobs = files.map(
        (file) =>
            new storage.Blob(
                `${name}-${contentHash.slice(0, 12)}-${file.relativePath}`,
                {
                    accountName: args.accountName,
                    containerName: args.containerName,
                    resourceGroupName: args.resourceGroupName,
                    blobName: `${datastorePath}/${file.relativePath}`,
                    type: storage.BlobType.Block,
                    source: new pulumi.asset.FileAsset(file.absolutePath),
                },
                { parent, retainOnDelete: true, dependsOn },
            ),
    );
    return { datastorePath, contentHash, blobs };
}
