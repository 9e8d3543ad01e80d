import { EmulatedType, mapping } from "./resourceType";

export const containerRegistry: EmulatedType = {
    token: "azure-native:containerregistry:Registry",
    armType: "Microsoft.ContainerRegistry/registries",
    mapping: mapping("registryName", (i) => `/providers/Microsoft.ContainerRegistry/registries/${i.registryName}`, ["registryName"], true),
    sdkFile: "containerregistry/registry",
    // Not verified in the spec (azure-native-provider.md §0): treated as a replacement, the more disruptive reading.
    forceNew: { location: "assumed: TrackedResource location [read, create]" },
};
