/**
 * Writes emulator/providers/azureNative/typeMetadata.generated.json: for each azure-native resource type the
 * program declares (emulator/resources/), the Azure REST API version the pinned @pulumi/azure-native
 * uses (read from the SDK's own doc comment "Uses Azure REST API version ..." in the type's
 * `<module>/<type>.d.ts`) and the inputs beyond the path parameters whose change the real provider
 * treats as a replacement (each type's `forceNew`, from Azure's REST specs through the provider's
 * generator: `gen/properties.go` forceNew() and `gen/replacement.go` forceNewMap; see
 * ../shared/reference/azure-native-provider.md, R1).
 *
 * Run it again when @pulumi/azure-native moves: `npm run provider:metadata`. A test fails while the
 * committed file differs from what this writes.
 */
import * as fs from "fs";
import * as path from "path";
import { typeMetadataFile } from "../emulator/providers/azureNative/typeMetadata";
import { emulatedTypes } from "../emulator/resources";

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
    for (const type of emulatedTypes) {
        const text = fs.readFileSync(path.join(sdkDir, `${type.sdkFile}.d.ts`), "utf8");
        const apiVersion = /Uses Azure REST API version ([0-9]{4}-[0-9]{2}-[0-9]{2}(?:-preview)?)/.exec(text)?.[1];
        types[type.token] = { ...(apiVersion ? { apiVersion } : {}), forceNew: Object.keys(type.forceNew).sort(), forceNewSources: type.forceNew };
    }
    return { generatedBy: "npm run provider:metadata", sdkVersion, types, earlierReleases };
}

if (require.main === module) {
    const sdkDir = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
    fs.writeFileSync(typeMetadataFile, `${JSON.stringify(generateMetadata(sdkDir), null, 2)}\n`);
    process.stdout.write(`wrote ${path.relative(process.cwd(), typeMetadataFile)}\n`);
}
