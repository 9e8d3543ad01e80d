/**
 * A region as Azure compares it: "West Europe" and "westeurope" are one region (the real
 * azure-native provider's `normalizedLocation`, diff.go). Used by the program's own endpoint
 * provider and by the stand-in azure-native provider, so both compare regions alike.
 */
export function normalizedLocation(location: string): string {
    return location.toLowerCase().replace(/\s+/g, "");
}
