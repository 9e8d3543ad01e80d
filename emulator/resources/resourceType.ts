import type { TypeRules } from "../arm/storedResource";

/**
 * How azure-native maps a resource's inputs to Azure: the ARM id its inputs name, which inputs are
 * path parameters (never sent in the body; a change of one is a replacement), and whether the body
 * takes the other inputs as `properties` (flattened types) or has a `properties` input of its own.
 */
export interface ProviderMapping {
    /** The input holding the resource's own name. */
    readonly nameInput: string;
    /** The ARM path below `/subscriptions/<s>/resourceGroups/<rg>` (empty for the group itself); with `scoped`, the whole id. */
    readonly path: (inputs: Record<string, any>) => string;
    /** Inputs that are parts of the id (the resource group's name included, unless `scoped`). */
    readonly pathInputs: readonly string[];
    readonly flattened: boolean;
    /**
     * An extension resource at any scope (`{scope}/providers/<Namespace>/<type>/<name>`, the scope
     * an input holding an ARM id): `path` builds the whole id, no resource group is implied.
     */
    readonly scoped?: boolean;
}

/**
 * One Azure resource type as the emulator stands in for it, everything about it side by side:
 * the azure-native type token and how the provider maps it, where its API version is read from,
 * what the real provider replaces it on, and the rules Azure's Resource Manager enforces for it.
 */
export interface EmulatedType {
    /** `azure-native:<module>:<Type>`. */
    readonly token: string;
    /** `Microsoft.<Namespace>/<type>[/<subtype>...]`, as in its ARM ids. */
    readonly armType: string;
    readonly mapping: ProviderMapping;
    /** `<module>/<file>` in @pulumi/azure-native, whose doc comment names the API version. */
    readonly sdkFile: string;
    /** Inputs beyond the path parameters whose change the real provider replaces on, each with its source. */
    readonly forceNew: Readonly<Record<string, string>>;
    /** Azure's rules beyond what every type obeys. */
    readonly rules?: TypeRules;
}

/** A mapping whose path parameters are the resource group and `pathInputs`. */
export function mapping(nameInput: string, path: ProviderMapping["path"], pathInputs: string[], flattened: boolean): ProviderMapping {
    return { nameInput, path, pathInputs: ["resourceGroupName", ...pathInputs], flattened };
}

/** The path of a resource in a Machine Learning workspace. */
export const inWorkspace = (inputs: Record<string, any>) => `/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspaceName}`;

/** `location` of a tracked resource in Azure's common types: `x-ms-mutability: [read, create]`. */
export const trackedLocation = "location: x-ms-mutability [read, create] (TrackedResource in the type's spec)";
