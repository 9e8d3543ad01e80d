import { createHash } from "crypto";
import { ArmId } from "../arm/armIds";
import { badRequest } from "../arm/azureErrors";
import { StoredResource, stableGuid } from "../arm/storedResource";
import { EmulatedType, mapping, trackedLocation } from "./resourceType";
import { regionOf } from "./sharedRules";

/**
 * An Azure ML registry (`Microsoft.MachineLearningServices/registries`, registries.json 2025-12-01):
 * assets shared by workspaces, in the regions it lists. Each region has a storage account Azure
 * creates for it in a managed resource group; the emulator computes its name and id, and keeps
 * the registry's files in the emulated storage under that account's name (the account and the
 * managed group are not ARM resources here; replication between regions is not emulated: every
 * file is in the primary region's account).
 */
export const registryType = "Microsoft.MachineLearningServices/registries";

/** The path of a resource in a registry. */
export const inRegistry = (inputs: Record<string, any>) => `/providers/${registryType}/${inputs.registryName}`;

/** The registry a resource lives in (its id), from any id below it; undefined when none. */
export function registryOf(id: string): string | undefined {
    return /^(.*\/providers\/Microsoft\.MachineLearningServices\/registries\/[^/]+)/i.exec(id)?.[1];
}

/** registries.json `registryName` (path parameter pattern). */
const namePattern = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,32}$/;

/** Azure's region names compare without case and spaces ("West Europe" is westeurope). */

/** A short stable hash of a seed, lower-case hex. */
const shortHash = (seed: string, length: number) => createHash("sha256").update(seed.toLowerCase()).digest("hex").slice(0, length);

/** A storage account name (3-24 lower-case letters and digits): `<registry name>st<hash>`. */
function systemStorageName(id: ArmId, location: string): string {
    return `${id.name.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 12)}st${shortHash(`${id.key}:${location}`, 10)}`;
}

/** A container registry name (5-50 letters and digits): `<registry name>acr<hash>`. */
function systemAcrName(id: ArmId, location: string): string {
    return `${id.name.replace(/[^A-Za-z0-9]/g, "").slice(0, 30)}acr${shortHash(`${id.key}:${location}`, 10)}`;
}

/** The managed resource group Azure creates the registry's storage and ACR in. */
function managedGroupId(id: ArmId): string {
    return `/subscriptions/${id.subscription}/resourceGroups/azureml-rg-${id.name}_${stableGuid(`managed:${id.key}`)}`;
}

/** One storage account of a registry, by region: its name in the emulated storage and its ARM id. */
export interface RegistryStorage {
    readonly location: string;
    readonly account: string;
    readonly armId: string;
}

/** A registry's storage accounts, primary region first (from its regionDetails as Azure keeps them). */
export function registryStorage(registry: StoredResource): RegistryStorage[] {
    const primary = regionOf(registry.body.location);
    const accounts = ((registry.body.properties?.regionDetails ?? []) as Record<string, any>[]).flatMap((details) =>
        ((details.storageAccountDetails ?? []) as Record<string, any>[]).map((storage) => {
            const armId = String(storage.systemCreatedStorageAccount?.armResourceId?.resourceId ?? storage.userCreatedStorageAccount?.armResourceId?.resourceId ?? "");
            return { location: regionOf(details.location), account: armId.split("/").pop() ?? "", armId };
        }),
    );
    return [...accounts.filter((a) => a.location === primary), ...accounts.filter((a) => a.location !== primary)].filter((a) => a.account !== "");
}

/** What Azure adds to a region's details: the names and ids of the accounts it creates there. */
function completedRegion(id: ArmId, details: Record<string, any>): Record<string, any> {
    const location = regionOf(details.location);
    const group = managedGroupId(id);
    const acrs = (details.acrDetails as Record<string, any>[] | undefined) ?? [{ systemCreatedAcrAccount: { acrAccountSku: "Premium" } }];
    const storages = (details.storageAccountDetails as Record<string, any>[] | undefined) ?? [
        { systemCreatedStorageAccount: { storageAccountType: "Standard_LRS", storageAccountHnsEnabled: false, allowBlobPublicAccess: false } },
    ];
    return {
        ...details,
        acrDetails: acrs.map((acr) => {
            if (!acr.systemCreatedAcrAccount) return acr;
            const name = systemAcrName(id, location);
            return { ...acr, systemCreatedAcrAccount: { ...acr.systemCreatedAcrAccount, acrAccountName: name, armResourceId: { resourceId: `${group}/providers/Microsoft.ContainerRegistry/registries/${name}` } } };
        }),
        storageAccountDetails: storages.map((storage) => {
            if (!storage.systemCreatedStorageAccount) return storage;
            const name = systemStorageName(id, location);
            return {
                ...storage,
                systemCreatedStorageAccount: { ...storage.systemCreatedStorageAccount, storageAccountName: name, armResourceId: { resourceId: `${group}/providers/Microsoft.Storage/storageAccounts/${name}` } },
            };
        }),
    };
}

export const registry: EmulatedType = {
    token: "azure-native:machinelearningservices:Registry",
    armType: registryType,
    mapping: mapping("registryName", inRegistry, ["registryName"], true),
    sdkFile: "machinelearningservices/registry",
    // RegistryTrackedResource is a TrackedResource (registries.json 2025-12-01); Azure also fixes
    // the primary region at creation (how-to-manage-registries).
    forceNew: { location: trackedLocation },
    rules: {
        checkPut(_ctx, id, body, existing) {
            if (!namePattern.test(id.name)) return badRequest(`Registry name ${id.name} does not match ${namePattern.source}.`);
            const regions = body.properties?.regionDetails;
            if (!Array.isArray(regions) || regions.length === 0) return badRequest("properties.regionDetails is required: the regions the registry replicates to, its primary region among them.");
            if (!regions.some((details: Record<string, any>) => regionOf(details?.location) === regionOf(body.location))) {
                return badRequest(`The registry's primary region ${body.location} must be one of its regionDetails (${regions.map((d: Record<string, any>) => d?.location).join(", ")}).`);
            }
            if (existing && regionOf(existing.body.location) !== regionOf(body.location)) {
                return badRequest(`The primary region of registry ${id.name} is ${existing.body.location}; it cannot change.`);
            }
            return undefined;
        },
        complete(id, body) {
            const location = regionOf(body.location);
            return {
                ...body,
                properties: {
                    ...body.properties,
                    publicNetworkAccess: body.properties?.publicNetworkAccess ?? "Enabled",
                    regionDetails: (body.properties.regionDetails as Record<string, any>[]).map((details) => completedRegion(id, details)),
                    managedResourceGroup: { resourceId: managedGroupId(id) },
                    discoveryUrl: `https://${location}.api.azureml.ms/registrymanagement/v1.0/registries/${id.name}/discovery`,
                    mlFlowRegistryUri: `azureml://${location}.api.azureml.ms/mlflow/v1.0${id.id}`,
                },
            };
        },
    },
};
