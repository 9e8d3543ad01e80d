import { EmulatedType, mapping } from "./resourceType";

export const storageAccount: EmulatedType = {
    token: "azure-native:storage:StorageAccount",
    armType: "Microsoft.Storage/storageAccounts",
    mapping: mapping("accountName", (i) => `/providers/Microsoft.Storage/storageAccounts/${i.accountName}`, ["accountName"], true),
    sdkFile: "storage/storageAccount",
    forceNew: { location: "gen/replacement.go forceNewMap Storage.StorageAccount", isHnsEnabled: "gen/replacement.go forceNewMap Storage.StorageAccount" },
};
