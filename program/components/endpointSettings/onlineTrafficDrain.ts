import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../../runtime/arm/clouds";
import { TrafficDrainProvider } from "../../../runtime/providers/endpointSettings/trafficDrainProvider";

const provider = new TrafficDrainProvider();

export interface OnlineTrafficDrainArgs {
    readonly endpointId: pulumi.Input<string>;
    readonly cloud: AzureCloud;
    readonly timeoutSeconds: number;
    /** The endpoint has a rollout (enabled): a changed deployment earns its traffic back through it. */
    readonly enabled: boolean;
    readonly deploymentFingerprints: pulumi.Input<Record<string, string>>;
}

/**
 * Before a deployment's model or settings change, its live and mirror traffic goes to the
 * deployments that did not change (runtime/providers/endpointSettings/trafficDrainProvider.ts):
 * with a rollout, a changed model answers no live request before the rollout has judged it. The
 * deployments depend on this resource.
 */
export class OnlineTrafficDrain extends pulumi.dynamic.Resource {
    /** What the last update did to traffic (undefined: nothing to drain). */
    declare public readonly lastDrain: pulumi.Output<string | undefined>;

    constructor(name: string, args: OnlineTrafficDrainArgs, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, { ...args, lastDrain: undefined }, opts, "azureml", "OnlineTrafficDrain");
    }
}
