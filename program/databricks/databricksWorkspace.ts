import * as databricksWorkspaces from "@pulumi/azure-native/databricks";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { statefulChild } from "../components/resourceOptions";

export interface DatabricksWorkspaceNames {
    readonly resourceGroup: string;
    readonly workspace: string;
    /** The group Azure creates for the workspace's own resources; it must not exist yet. */
    readonly managedResourceGroup: string;
}

export interface DatabricksWorkspaceArgs {
    readonly location: string;
    readonly names: pulumi.Input<DatabricksWorkspaceNames>;
    /** The subscription the managed resource group's id names. */
    readonly subscriptionId: pulumi.Input<string>;
    /** Deploy into this existing group instead of creating one. */
    readonly existingResourceGroupName?: string;
    /** premium: Model Serving needs it. */
    readonly sku: string;
    readonly publicNetworkAccess: "Enabled" | "Disabled";
    /** Secure cluster connectivity (no public IP on cluster nodes). */
    readonly noPublicIp: boolean;
    /** protect and retainOnDelete on the group and the workspace. */
    readonly protect: boolean;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * An Azure Databricks workspace and its resource group. Azure creates the workspace's managed
 * resource group itself and refuses one that exists ("...already exists. Please specify a new
 * non-existent managed resource group": pulumi-azure-native#3643, #3733), so it is named by id,
 * never declared.
 */
export class DatabricksWorkspace extends pulumi.ComponentResource {
    public readonly resourceGroupName: pulumi.Output<string>;
    /** The ARM id of the workspace. */
    public readonly workspaceResourceId: pulumi.Output<string>;
    public readonly workspaceName: pulumi.Output<string>;
    /** `adb-<workspace id>.<n>.azuredatabricks.net`: where its APIs answer. */
    public readonly workspaceUrl: pulumi.Output<string>;
    public readonly location: string;

    constructor(name: string, args: DatabricksWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azureml-mlflow:databricks:DatabricksWorkspace", name, {}, opts);
        const names = pulumi.output(args.names);
        const stateful = statefulChild(this, args.protect);
        const tags = { ...args.tags };
        this.location = args.location;
        this.resourceGroupName =
            args.existingResourceGroupName !== undefined
                ? pulumi.output(args.existingResourceGroupName)
                : new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: names.resourceGroup, location: args.location, tags }, stateful).name;
        const workspace = new databricksWorkspaces.Workspace(
            `${name}-workspace`,
            {
                workspaceName: names.workspace,
                resourceGroupName: this.resourceGroupName,
                location: args.location,
                sku: { name: args.sku },
                managedResourceGroupId: pulumi.interpolate`/subscriptions/${args.subscriptionId}/resourceGroups/${names.managedResourceGroup}`,
                publicNetworkAccess: args.publicNetworkAccess,
                parameters: { enableNoPublicIp: { value: args.noPublicIp } },
                tags,
            },
            stateful,
        );
        this.workspaceResourceId = workspace.id;
        this.workspaceName = workspace.name;
        this.workspaceUrl = workspace.workspaceUrl;
        this.registerOutputs({ workspaceResourceId: this.workspaceResourceId, workspaceUrl: this.workspaceUrl });
    }
}
