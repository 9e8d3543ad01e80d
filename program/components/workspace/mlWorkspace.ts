import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNames } from "../../../config/naming/names";
import { defaultBlobContainer } from "../../../runtime/azure/blobStorage";
import { statefulChild } from "../resourceOptions";

export interface MlWorkspaceArgs {
    /** Azure region of every resource. */
    readonly location: string;
    /** Names of the workspace and its dependencies (see `platformNames`). */
    readonly names: pulumi.Input<PlatformNames>;
    /** Deploy into this existing resource group instead of creating one. */
    readonly existingResourceGroupName?: string;
    /** "Enabled" or "Disabled": whether the workspace is reachable from the public internet. */
    readonly publicNetworkAccess: "Enabled" | "Disabled";
    /** Turn on key vault purge protection (irreversible in Azure). */
    readonly keyVaultPurgeProtection: boolean;
    /** Days of log and telemetry retention (30-730). */
    readonly logRetentionDays: number;
    readonly containerRegistrySku: "Basic" | "Standard" | "Premium";
    readonly storageSku: string;
    /** `protect` and `retainOnDelete` on every stateful child. */
    readonly protect: boolean;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * An Azure ML workspace with everything it needs, hardened by default: HTTPS-only TLS 1.2 storage
 * with no public blob access, an RBAC key vault with soft delete, workspace-based Application
 * Insights, a container registry without its admin user, and a system-assigned identity.
 */
export class MlWorkspace extends pulumi.ComponentResource {
    public readonly resourceGroupName: pulumi.Output<string>;
    public readonly location: pulumi.Output<string>;
    public readonly workspaceName: pulumi.Output<string>;
    /** ARM resource id of the workspace. */
    public readonly workspaceId: pulumi.Output<string>;
    /** The workspace's GUID (names its default blob container). */
    public readonly workspaceGuid: pulumi.Output<string>;
    public readonly mlflowTrackingUri: pulumi.Output<string>;
    public readonly storageAccountName: pulumi.Output<string>;
    /** Container behind the workspace's default datastore, `workspaceblobstore`. */
    public readonly defaultBlobContainerName: pulumi.Output<string>;
    public readonly keyVaultName: pulumi.Output<string>;
    public readonly containerRegistryName: pulumi.Output<string>;
    public readonly applicationInsightsId: pulumi.Output<string>;
    /** The object id of the workspace's system-assigned identity (what it reads a registry's models as). */
    public readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: MlWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azureml-mlflow:workspace:MlWorkspace", name, {}, opts);
        const names = pulumi.output(args.names);
        const stateful = statefulChild(this, args.protect);
        const tags = { ...args.tags };
        const location = args.location;

        const resourceGroupName =
            args.existingResourceGroupName !== undefined
                ? pulumi.output(args.existingResourceGroupName)
                : new resources.ResourceGroup(
                      `${name}-rg`,
                      { resourceGroupName: names.resourceGroup, location, tags },
                      stateful,
                  ).name;

        const storageAccount = new storage.StorageAccount(
            `${name}-storage`,
            {
                accountName: names.storageAccount,
                resourceGroupName,
                location,
                kind: storage.Kind.StorageV2,
                sku: { name: args.storageSku },
                enableHttpsTrafficOnly: true,
                minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
                allowBlobPublicAccess: false,
                allowCrossTenantReplication: false,
                // Azure ML's default datastore does not support a hierarchical namespace.
                isHnsEnabled: false,
                tags,
            },
            stateful,
        );

        const client = authorization.getClientConfigOutput({ parent: this });
        const keyVault = new keyvault.Vault(
            `${name}-keyvault`,
            {
                vaultName: names.keyVault,
                resourceGroupName,
                location,
                properties: {
                    tenantId: client.tenantId,
                    sku: { family: keyvault.SkuFamily.A, name: keyvault.SkuName.Standard },
                    enableRbacAuthorization: true,
                    enableSoftDelete: true,
                    softDeleteRetentionInDays: 90,
                    // Azure accepts only `true` or nothing here: purge protection cannot be switched off.
                    enablePurgeProtection: args.keyVaultPurgeProtection ? true : undefined,
                },
                tags,
            },
            stateful,
        );

        const logs = new operationalinsights.Workspace(
            `${name}-logs`,
            {
                workspaceName: names.logAnalytics,
                resourceGroupName,
                location,
                sku: { name: operationalinsights.WorkspaceSkuNameEnum.PerGB2018 },
                retentionInDays: args.logRetentionDays,
                tags,
            },
            stateful,
        );

        const appInsights = new applicationinsights.Component(
            `${name}-appinsights`,
            {
                resourceName: names.applicationInsights,
                resourceGroupName,
                location,
                kind: "web",
                applicationType: applicationinsights.ApplicationType.Web,
                ingestionMode: applicationinsights.IngestionMode.LogAnalytics,
                workspaceResourceId: logs.id,
                tags,
            },
            stateful,
        );

        const registry = new containerregistry.Registry(
            `${name}-registry`,
            {
                registryName: names.containerRegistry,
                resourceGroupName,
                location,
                sku: { name: args.containerRegistrySku },
                adminUserEnabled: false,
                tags,
            },
            stateful,
        );

        const workspace = new machinelearningservices.Workspace(
            `${name}-workspace`,
            {
                workspaceName: names.workspace,
                resourceGroupName,
                location,
                friendlyName: names.workspace,
                identity: { type: machinelearningservices.ManagedServiceIdentityType.SystemAssigned },
                sku: { name: "Basic", tier: machinelearningservices.SkuTier.Basic },
                storageAccount: storageAccount.id,
                keyVault: keyVault.id,
                applicationInsights: appInsights.id,
                containerRegistry: registry.id,
                publicNetworkAccess: args.publicNetworkAccess,
                v1LegacyMode: false,
                tags,
            },
            stateful,
        );

        this.resourceGroupName = resourceGroupName;
        this.location = pulumi.output(location);
        this.workspaceName = workspace.name;
        this.workspaceId = workspace.id;
        this.workspaceGuid = workspace.workspaceId;
        this.mlflowTrackingUri = workspace.mlFlowTrackingUri;
        this.storageAccountName = storageAccount.name;
        this.defaultBlobContainerName = workspace.workspaceId.apply(defaultBlobContainer);
        this.keyVaultName = keyVault.name;
        this.containerRegistryName = registry.name;
        this.applicationInsightsId = appInsights.id;
        this.principalId = workspace.identity.apply((identity) => identity?.principalId ?? "");
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            workspaceName: this.workspaceName,
            workspaceId: this.workspaceId,
            mlflowTrackingUri: this.mlflowTrackingUri,
        });
    }
}
