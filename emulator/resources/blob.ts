import { EmulatedType, mapping } from "./resourceType";

/** A data-plane resource (no ARM API version): the provider uploads its file into the emulated storage. */
export const blob: EmulatedType = {
    token: "azure-native:storage:Blob",
    armType: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs",
    mapping: mapping(
        "blobName",
        (i) => `/providers/Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${i.containerName}/blobs/${i.blobName}`,
        ["accountName", "containerName", "blobName"],
        true,
    ),
    sdkFile: "storage/blob",
    forceNew: {
        source: "customresources/custom_storage_azidentity.go getBlobMetadata: source ForceNew",
        contentMd5: "customresources/custom_storage_azidentity.go getBlobMetadata: contentMd5 ForceNew",
        type: "customresources/custom_storage_azidentity.go getBlobMetadata: type ForceNew",
    },
};
