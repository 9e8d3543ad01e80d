import * as authorization from "@pulumi/azure-native/authorization";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { stableGuid } from "../../../runtime/stableHash";
import { statefulChild } from "../resourceOptions";

/**
 * Reader: `*\/read` includes `Microsoft.MachineLearningServices/registries/assets/read`, all a
 * deployment needs of a registry's models. AzureML Registry User (1823dd4f-...) would also let the
 * workspace write and delete the registry's assets, which no workspace here needs: only the
 * promotion (`npm run promote`, run by a person or the workflow) writes to the registry.
 * Source: Azure built-in roles; how-to-manage-registries ("registries/assets/read").
 */
export const registryReaderRole = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

export interface MlRegistryArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly registryName: string;
    /** The regions it replicates to; the first is its primary region. */
    readonly locations: readonly string[];
    /** The subscription role definitions are named in. */
    readonly subscriptionId: pulumi.Input<string>;
    /** Identities that deploy the registry's models (workspaces' system-assigned identities), by a stable key. */
    readonly readers: Readonly<Record<string, pulumi.Input<string>>>;
    readonly protect: boolean;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * An Azure ML registry: where promoted model versions live, one copy for every environment that
 * deploys them, replicated to its regions (each with a storage account and container registry
 * Azure creates for it), and a role assignment for each identity that deploys from it.
 */
export class MlRegistry extends pulumi.ComponentResource {
    public readonly registryId: pulumi.Output<string>;
    public readonly registryName: pulumi.Output<string>;
    /** Resolves once every reader's role is assigned: deployments of the registry's models wait for it. */
    public readonly readable: pulumi.Output<string>;

    constructor(name: string, args: MlRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azureml-mlflow:registry:MlRegistry", name, {}, opts);
        const registry = new machinelearningservices.Registry(
            `${name}-registry`,
            {
                registryName: args.registryName,
                resourceGroupName: args.resourceGroupName,
                location: args.locations[0],
                identity: { type: machinelearningservices.ManagedServiceIdentityType.SystemAssigned },
                regionDetails: args.locations.map((location) => ({
                    location,
                    acrDetails: [{ systemCreatedAcrAccount: { acrAccountSku: "Premium" } }],
                    storageAccountDetails: [{ systemCreatedStorageAccount: { storageAccountType: "Standard_LRS", storageAccountHnsEnabled: false, allowBlobPublicAccess: false } }],
                })),
                publicNetworkAccess: "Enabled",
                tags: { ...args.tags },
            },
            statefulChild(this, args.protect),
        );
        const assignments = Object.entries(args.readers)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(
                ([key, principalId]) =>
                    new authorization.RoleAssignment(
                        `${name}-reader-${key}`,
                        {
                            // A name derived from what it grants: the same assignment on every run.
                            roleAssignmentName: pulumi.all([registry.id, principalId]).apply(([scope, principal]) => stableGuid(`${scope}|${principal}|${registryReaderRole}`)),
                            scope: registry.id,
                            principalId,
                            principalType: "ServicePrincipal",
                            roleDefinitionId: pulumi.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${registryReaderRole}`,
                        },
                        { parent: this },
                    ),
            );
        this.registryId = registry.id;
        this.registryName = registry.name;
        this.readable = pulumi.all([registry.name, ...assignments.map((a) => a.id)]).apply(([registryName]) => registryName);
        this.registerOutputs({ registryId: this.registryId });
    }
}
