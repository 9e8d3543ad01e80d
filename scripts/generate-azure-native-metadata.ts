/**
 * Writes emulator/providers/azureNative/typeMetadata.generated.json: for each azure-native resource type the
 * program declares, the Azure REST API version the pinned @pulumi/azure-native uses (read from the
 * SDK's own doc comment "Uses Azure REST API version ..." in `<module>/<type>.d.ts`) and the inputs
 * beyond the path parameters whose change the real provider treats as a replacement (from Azure's
 * REST specs through the provider's generator: `gen/properties.go` forceNew() and
 * `gen/replacement.go` forceNewMap; see ../shared/reference/azure-native-provider.md, R1).
 *
 * Run it again when @pulumi/azure-native moves: `npm run provider:metadata`. A test fails while the
 * committed file differs from what this writes.
 */
import * as fs from "fs";
import * as path from "path";
import { typeMetadataFile } from "../emulator/providers/azureNative/typeMetadata";

interface TypeSource {
    /** `<module>/<file>` of the type in the SDK. */
    readonly sdkFile: string;
    /** Replace keys beyond the path parameters, each with where it comes from. */
    readonly forceNew: Readonly<Record<string, string>>;
}

const tracked = "location: x-ms-mutability [read, create] (TrackedResource in the type's spec)";

/** The types the program declares. Keys not listed here update in place (R1: sub-type create-only properties never replace). */
export const typeSources: Readonly<Record<string, TypeSource>> = {
    "azure-native:resources:ResourceGroup": { sdkFile: "resources/resourceGroup", forceNew: { location: "gen/replacement.go forceNewMap Resources.ResourceGroup" } },
    "azure-native:storage:StorageAccount": {
        sdkFile: "storage/storageAccount",
        forceNew: { location: "gen/replacement.go forceNewMap Storage.StorageAccount", isHnsEnabled: "gen/replacement.go forceNewMap Storage.StorageAccount" },
    },
    "azure-native:storage:Blob": {
        sdkFile: "storage/blob",
        forceNew: {
            source: "customresources/custom_storage_azidentity.go getBlobMetadata: source ForceNew",
            contentMd5: "customresources/custom_storage_azidentity.go getBlobMetadata: contentMd5 ForceNew",
            type: "customresources/custom_storage_azidentity.go getBlobMetadata: type ForceNew",
        },
    },
    // keyvault.json: VaultCreateOrUpdateParameters.location has no x-ms-mutability: updated in place.
    "azure-native:keyvault:Vault": { sdkFile: "keyvault/vault", forceNew: {} },
    "azure-native:operationalinsights:Workspace": { sdkFile: "operationalinsights/workspace", forceNew: { location: tracked } },
    "azure-native:applicationinsights:Component": {
        sdkFile: "applicationinsights/component",
        forceNew: { location: "components_API.json ComponentsResource.location [create, read]", applicationType: "components_API.json Application_Type [create, read], properties flattened" },
    },
    // Not verified in the spec (azure-native-provider.md §0): treated as a replacement, the more disruptive reading.
    "azure-native:containerregistry:Registry": { sdkFile: "containerregistry/registry", forceNew: { location: "assumed: TrackedResource location [read, create]" } },
    // workspaceRP.json / machineLearningServices.json: location without x-ms-mutability (v3 Resource): in place.
    "azure-native:machinelearningservices:Workspace": { sdkFile: "machinelearningservices/workspace", forceNew: {} },
    "azure-native:machinelearningservices:Compute": { sdkFile: "machinelearningservices/compute", forceNew: {} },
    "azure-native:machinelearningservices:ModelContainer": { sdkFile: "machinelearningservices/modelContainer", forceNew: {} },
    "azure-native:machinelearningservices:ModelVersion": { sdkFile: "machinelearningservices/modelVersion", forceNew: {} },
    "azure-native:machinelearningservices:DataContainer": { sdkFile: "machinelearningservices/dataContainer", forceNew: {} },
    "azure-native:machinelearningservices:DataVersion": { sdkFile: "machinelearningservices/dataVersion", forceNew: {} },
    "azure-native:machinelearningservices:OnlineEndpoint": { sdkFile: "machinelearningservices/onlineEndpoint", forceNew: { location: tracked } },
    "azure-native:machinelearningservices:OnlineDeployment": { sdkFile: "machinelearningservices/onlineDeployment", forceNew: { location: tracked } },
    "azure-native:machinelearningservices:BatchEndpoint": { sdkFile: "machinelearningservices/batchEndpoint", forceNew: { location: tracked } },
    "azure-native:machinelearningservices:BatchDeployment": { sdkFile: "machinelearningservices/batchDeployment", forceNew: { location: tracked } },
};

/**
 * Earlier releases a provider upgrade can be rehearsed from: the API versions that differ from the
 * pinned release, by type-token module. Source: the SDK's doc comments of those releases (registry
 * pages / unpkg): machinelearningservices used 2024-10-01 in 3.6.1 and 2025-09-01 in 3.12.0 and
 * 3.13.0. Other modules are taken as unchanged (not verified).
 */
export const earlierReleases: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    "3.6.1": { machinelearningservices: "2024-10-01" },
    "3.13.0": { machinelearningservices: "2025-09-01" },
};

export function generateMetadata(sdkDir: string): Record<string, unknown> {
    const sdkVersion = JSON.parse(fs.readFileSync(path.join(sdkDir, "package.json"), "utf8")).version as string;
    const types: Record<string, unknown> = {};
    for (const [token, source] of Object.entries(typeSources)) {
        const text = fs.readFileSync(path.join(sdkDir, `${source.sdkFile}.d.ts`), "utf8");
        const apiVersion = /Uses Azure REST API version ([0-9]{4}-[0-9]{2}-[0-9]{2}(?:-preview)?)/.exec(text)?.[1];
        types[token] = { ...(apiVersion ? { apiVersion } : {}), forceNew: Object.keys(source.forceNew).sort(), forceNewSources: source.forceNew };
    }
    return { generatedBy: "npm run provider:metadata", sdkVersion, types, earlierReleases };
}

if (require.main === module) {
    const sdkDir = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
    fs.writeFileSync(typeMetadataFile, `${JSON.stringify(generateMetadata(sdkDir), null, 2)}\n`);
    process.stdout.write(`wrote ${path.relative(process.cwd(), typeMetadataFile)}\n`);
}
