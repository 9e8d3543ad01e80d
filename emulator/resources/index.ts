import type { TypeRules } from "../arm/storedResource";
import { applicationInsights } from "./applicationInsights";
import { batchDeployment } from "./batchDeployment";
import { batchEndpoint } from "./batchEndpoint";
import { blob } from "./blob";
import { compute } from "./compute";
import { containerRegistry } from "./containerRegistry";
import { dataContainer } from "./dataContainer";
import { dataVersion } from "./dataVersion";
import { databricksWorkspace } from "./databricksWorkspace";
import { keyVault } from "./keyVault";
import { logAnalyticsWorkspace } from "./logAnalyticsWorkspace";
import { mlWorkspace } from "./mlWorkspace";
import { modelContainer } from "./modelContainer";
import { modelVersion } from "./modelVersion";
import { onlineDeployment } from "./onlineDeployment";
import { onlineEndpoint } from "./onlineEndpoint";
import { registry } from "./registry";
import { registryModelContainer } from "./registryModelContainer";
import { registryModelVersion } from "./registryModelVersion";
import { resourceGroup } from "./resourceGroup";
import { EmulatedType, ProviderMapping } from "./resourceType";
import { roleAssignment } from "./roleAssignment";
import { storageAccount } from "./storageAccount";

export type { EmulatedType, ProviderMapping } from "./resourceType";

/** Every Azure resource type the program declares, as the emulator stands in for it. */
export const emulatedTypes: readonly EmulatedType[] = [
    resourceGroup,
    storageAccount,
    blob,
    keyVault,
    logAnalyticsWorkspace,
    applicationInsights,
    containerRegistry,
    mlWorkspace,
    compute,
    modelContainer,
    modelVersion,
    dataContainer,
    dataVersion,
    onlineEndpoint,
    onlineDeployment,
    batchEndpoint,
    batchDeployment,
    databricksWorkspace,
    registry,
    registryModelContainer,
    registryModelVersion,
    roleAssignment,
];

/** By azure-native type token. */
export const typeByToken: Readonly<Record<string, EmulatedType>> = Object.fromEntries(emulatedTypes.map((t) => [t.token, t]));

/** Azure's rules, by lower-case ARM type (`microsoft.machinelearningservices/workspaces/onlineendpoints`). */
export const rulesByArmType: Readonly<Record<string, TypeRules>> = Object.fromEntries(
    emulatedTypes.filter((t) => t.rules).map((t) => [t.armType.toLowerCase(), t.rules!]),
);

function mappingOf(typeToken: string): ProviderMapping {
    const type = typeByToken[typeToken];
    if (!type) throw new Error(`the local azure-native provider does not serve ${typeToken}`);
    return type.mapping;
}

/** Inputs that go at the top of an ARM body rather than under `properties`. */
export const topLevelInputs: readonly string[] = ["location", "tags", "identity", "sku", "kind"];

/** The resource's ARM id from its inputs, as azure-native builds it. */
export function armIdOf(typeToken: string, inputs: Record<string, any>, subscription: string): string {
    const mapping = mappingOf(typeToken);
    for (const key of mapping.pathInputs) {
        if (inputs[key] === undefined || inputs[key] === "") throw new Error(`${typeToken} needs ${key}`);
    }
    if (mapping.scoped) return mapping.path(inputs);
    return `/subscriptions/${subscription}/resourceGroups/${inputs.resourceGroupName}${mapping.path(inputs)}`;
}

/** The ARM request body for a resource's inputs, as azure-native builds it. */
export function requestBody(typeToken: string, inputs: Record<string, any>): Record<string, unknown> {
    const mapping = mappingOf(typeToken);
    const body: Record<string, unknown> = {};
    for (const key of topLevelInputs) if (inputs[key] !== undefined) body[key] = inputs[key];
    if (mapping.flattened) {
        const properties = Object.fromEntries(
            Object.entries(inputs).filter(([key]) => !mapping.pathInputs.includes(key) && !topLevelInputs.includes(key) && key !== "azureApiVersion"),
        );
        if (Object.keys(properties).length > 0 || typeToken !== resourceGroup.token) body.properties = properties;
    } else {
        body.properties = inputs.properties ?? {};
    }
    return body;
}

/**
 * A resource's outputs from ARM's answer, as azure-native returns them (flattened types flattened),
 * with the API version it was called with (none for a data-plane resource).
 */
export function outputsOf(typeToken: string, inputs: Record<string, any>, answer: Record<string, any>, apiVersion?: string): Record<string, unknown> {
    const mapping = mappingOf(typeToken);
    const { properties, ...top } = answer;
    const outputs = mapping.flattened ? { ...inputs, ...top, ...(properties ?? {}) } : { ...inputs, ...top, properties: properties ?? {} };
    return apiVersion ? { ...outputs, azureApiVersion: apiVersion } : outputs;
}
