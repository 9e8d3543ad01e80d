/**
 * The azure-native resource types this platform declares, as the real provider maps them: the ARM
 * id each resource's inputs name, which inputs are path parameters (a change of one is a
 * replacement), and whether the request body takes the remaining inputs as `properties` (flattened
 * types) or has a `properties` input of its own. Used by the emulator's azure-native provider and
 * by the offline mocks, so both give resources the ids Azure gives them. API versions and the other
 * replace keys are generated data (emulator/providers/azureNative/typeMetadata.json).
 */
export interface ResourceType {
    /** The input holding the resource's own name. */
    readonly nameInput: string;
    /** The ARM path below `/subscriptions/<s>/resourceGroups/<rg>` (empty for the group itself). */
    readonly path: (inputs: Record<string, any>) => string;
    /** Inputs that are parts of the id, never sent in the body. */
    readonly pathInputs: readonly string[];
    /** The body's `properties` are the inputs other than path and top-level ones (no `properties` input). */
    readonly flattened: boolean;
}

const ml = (inputs: Record<string, any>) => `/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspaceName}`;

function type(nameInput: string, path: ResourceType["path"], pathInputs: string[], flattened: boolean): ResourceType {
    const all = ["resourceGroupName", ...pathInputs];
    return { nameInput, path, pathInputs: all, flattened };
}

export const resourceTypes: Readonly<Record<string, ResourceType>> = {
    "azure-native:resources:ResourceGroup": type("resourceGroupName", () => "", [], true),
    "azure-native:storage:StorageAccount": type("accountName", (i) => `/providers/Microsoft.Storage/storageAccounts/${i.accountName}`, ["accountName"], true),
    "azure-native:storage:Blob": type(
        "blobName",
        (i) => `/providers/Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${i.containerName}/blobs/${i.blobName}`,
        ["accountName", "containerName", "blobName"],
        true,
    ),
    "azure-native:keyvault:Vault": type("vaultName", (i) => `/providers/Microsoft.KeyVault/vaults/${i.vaultName}`, ["vaultName"], false),
    "azure-native:operationalinsights:Workspace": type(
        "workspaceName",
        (i) => `/providers/Microsoft.OperationalInsights/workspaces/${i.workspaceName}`,
        ["workspaceName"],
        true,
    ),
    "azure-native:applicationinsights:Component": type("resourceName", (i) => `/providers/Microsoft.Insights/components/${i.resourceName}`, ["resourceName"], true),
    "azure-native:containerregistry:Registry": type(
        "registryName",
        (i) => `/providers/Microsoft.ContainerRegistry/registries/${i.registryName}`,
        ["registryName"],
        true,
    ),
    "azure-native:machinelearningservices:Workspace": type("workspaceName", ml, ["workspaceName"], true),
    "azure-native:machinelearningservices:Compute": type("computeName", (i) => `${ml(i)}/computes/${i.computeName}`, ["workspaceName", "computeName"], false),
    "azure-native:machinelearningservices:ModelContainer": type("name", (i) => `${ml(i)}/models/${i.name}`, ["workspaceName", "name"], false),
    "azure-native:machinelearningservices:ModelVersion": type(
        "version",
        (i) => `${ml(i)}/models/${i.name}/versions/${i.version}`,
        ["workspaceName", "name", "version"],
        false,
    ),
    "azure-native:machinelearningservices:DataContainer": type("name", (i) => `${ml(i)}/data/${i.name}`, ["workspaceName", "name"], false),
    "azure-native:machinelearningservices:DataVersion": type(
        "version",
        (i) => `${ml(i)}/data/${i.name}/versions/${i.version}`,
        ["workspaceName", "name", "version"],
        false,
    ),
    "azure-native:machinelearningservices:OnlineEndpoint": type(
        "endpointName",
        (i) => `${ml(i)}/onlineEndpoints/${i.endpointName}`,
        ["workspaceName", "endpointName"],
        false,
    ),
    "azure-native:machinelearningservices:OnlineDeployment": type(
        "deploymentName",
        (i) => `${ml(i)}/onlineEndpoints/${i.endpointName}/deployments/${i.deploymentName}`,
        ["workspaceName", "endpointName", "deploymentName"],
        false,
    ),
    "azure-native:machinelearningservices:BatchEndpoint": type(
        "endpointName",
        (i) => `${ml(i)}/batchEndpoints/${i.endpointName}`,
        ["workspaceName", "endpointName"],
        false,
    ),
    "azure-native:machinelearningservices:BatchDeployment": type(
        "deploymentName",
        (i) => `${ml(i)}/batchEndpoints/${i.endpointName}/deployments/${i.deploymentName}`,
        ["workspaceName", "endpointName", "deploymentName"],
        false,
    ),
};

/** Inputs that go at the top of an ARM body rather than under `properties`. */
export const topLevelInputs: readonly string[] = ["location", "tags", "identity", "sku", "kind"];

/** The resource's ARM id from its inputs. */
export function armIdOf(typeToken: string, inputs: Record<string, any>, subscription: string): string {
    const shape = resourceTypes[typeToken];
    if (!shape) throw new Error(`the local azure-native provider does not serve ${typeToken}`);
    for (const key of shape.pathInputs) {
        if (inputs[key] === undefined || inputs[key] === "") throw new Error(`${typeToken} needs ${key}`);
    }
    return `/subscriptions/${subscription}/resourceGroups/${inputs.resourceGroupName}${shape.path(inputs)}`;
}

/** The ARM request body for a resource's inputs, as azure-native builds it. */
export function requestBody(typeToken: string, inputs: Record<string, any>): Record<string, unknown> {
    const shape = resourceTypes[typeToken];
    const body: Record<string, unknown> = {};
    for (const key of topLevelInputs) if (inputs[key] !== undefined) body[key] = inputs[key];
    if (shape.flattened) {
        const properties = Object.fromEntries(
            Object.entries(inputs).filter(([key]) => !shape.pathInputs.includes(key) && !topLevelInputs.includes(key)),
        );
        if (Object.keys(properties).length > 0 || typeToken !== "azure-native:resources:ResourceGroup") body.properties = properties;
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
    const shape = resourceTypes[typeToken];
    const { properties, ...top } = answer;
    const outputs = shape.flattened ? { ...inputs, ...top, ...(properties ?? {}) } : { ...inputs, ...top, properties: properties ?? {} };
    return apiVersion ? { ...outputs, azureApiVersion: apiVersion } : outputs;
}
