/** A version of a model in an Azure ML registry, as a deployment names it. */
export interface RegistryModelRef {
    readonly registry: string;
    readonly name: string;
    readonly version: number;
    /** `name:version`, as the stack it was promoted from names it. */
    readonly key: string;
}

/**
 * A deployment's model as a registry asset id, `azureml://registries/<r>/models/<n>/versions/<v>`
 * (the id Azure ML takes in a deployment's `model`), or undefined when it is not one.
 */
export function parseRegistryModel(model: string): RegistryModelRef | undefined {
    const match = /^azureml:\/\/registries\/([^/]+)\/models\/([^/]+)\/versions\/(\d+)$/i.exec(model.trim());
    if (!match) return undefined;
    const [, registry, name, version] = match;
    return { registry, name, version: Number(version), key: `${name}:${version}` };
}
