import { EmulatedType, mapping } from "./resourceType";

export const keyVault: EmulatedType = {
    token: "azure-native:keyvault:Vault",
    armType: "Microsoft.KeyVault/vaults",
    mapping: mapping("vaultName", (i) => `/providers/Microsoft.KeyVault/vaults/${i.vaultName}`, ["vaultName"], false),
    sdkFile: "keyvault/vault",
    // keyvault.json: VaultCreateOrUpdateParameters.location has no x-ms-mutability: updated in place.
    forceNew: {},
};
