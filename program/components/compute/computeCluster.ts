import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";

export interface ComputeClusterArgs {
    readonly workspaceName: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** Cluster name inside the workspace (3-24 characters). */
    readonly clusterName: string;
    /** Azure VM size of every node, e.g. Standard_DS3_v2. */
    readonly vmSize: string;
    /** "Dedicated", or "LowPriority" for cheaper nodes Azure may preempt. */
    readonly vmPriority: "Dedicated" | "LowPriority";
    /** Nodes kept running when idle; 0 lets the cluster cost nothing between jobs. */
    readonly minNodes: number;
    readonly maxNodes: number;
    /** Seconds an idle node waits before the cluster scales it away. */
    readonly idleSecondsBeforeScaleDown: number;
    readonly tags: Readonly<Record<string, string>>;
}

/** ISO 8601 duration Azure expects for idle time ("PT120S"). */
export function isoSeconds(seconds: number): string {
    return `PT${seconds}S`;
}

/** An AmlCompute cluster for batch scoring, with a managed identity and no SSH port open. */
export class ComputeCluster extends pulumi.ComponentResource {
    public readonly computeId: pulumi.Output<string>;
    public readonly computeName: pulumi.Output<string>;

    constructor(name: string, args: ComputeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azureml-mlflow:compute:ComputeCluster", name, {}, opts);
        const compute = new machinelearningservices.Compute(
            `${name}-amlcompute`,
            {
                computeName: args.clusterName,
                workspaceName: args.workspaceName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                identity: { type: machinelearningservices.ManagedServiceIdentityType.SystemAssigned },
                properties: {
                    computeType: "AmlCompute",
                    disableLocalAuth: true,
                    properties: {
                        vmSize: args.vmSize,
                        vmPriority: args.vmPriority,
                        osType: machinelearningservices.OsType.Linux,
                        remoteLoginPortPublicAccess: machinelearningservices.RemoteLoginPortPublicAccess.Disabled,
                        scaleSettings: {
                            minNodeCount: args.minNodes,
                            maxNodeCount: args.maxNodes,
                            nodeIdleTimeBeforeScaleDown: isoSeconds(args.idleSecondsBeforeScaleDown),
                        },
                    },
                },
                tags: { ...args.tags },
            },
            { parent: this },
        );
        this.computeId = compute.id;
        this.computeName = compute.name;
        this.registerOutputs({ computeId: this.computeId, computeName: this.computeName });
    }
}
