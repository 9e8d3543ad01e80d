import * as pulumi from "@pulumi/pulumi";
import { deploymentsNamedBy } from "../../../config/azureRules/trafficRules";
import { OnlineTrafficProvider } from "../../../runtime/providers/endpointSettings/onlineTrafficProvider";
import { RolloutSettings } from "../../../runtime/rollout/rolloutSettings";
import { EndpointSettingsTarget, settingsResourceInputs } from "./settingsResourceArgs";

const provider = new OnlineTrafficProvider();

export interface OnlineEndpointTrafficArgs extends EndpointSettingsTarget {
    /** Percent of live traffic per deployment. */
    readonly traffic: Readonly<Record<string, number>>;
    /** Percent of live traffic copied to a deployment. */
    readonly mirrorTraffic: Readonly<Record<string, number>>;
    /** The endpoint's auth mode (applied by the endpoint's resource): how a rollout's load authenticates. */
    readonly authMode: "Key" | "AMLToken" | "AADToken";
    /** Progressive rollout of a raised weight; absent: the declared weights in one PUT. */
    readonly rollout?: RolloutSettings;
    /** Each deployment's fingerprint: a failed rollout takes the ones that changed out of traffic. */
    readonly deploymentFingerprints: pulumi.Input<Record<string, string>>;
}

export interface AppliedOnlineSettings {
    readonly traffic: Record<string, number>;
    readonly mirrorTraffic: Record<string, number>;
}

/**
 * An online endpoint's traffic and mirror traffic, applied after every deployment it names
 * exists, by GET-merge-PUT (the endpoint's other settings go back as Azure has them); taken off
 * every deployment when deleted (so deployments can be deleted).
 */
export class OnlineEndpointTraffic extends pulumi.dynamic.Resource {
    /** The owned settings as Azure reports them. (`declare`: a class field would overwrite the output the base class sets.) */
    declare public readonly applied: pulumi.Output<AppliedOnlineSettings>;
    /** The last rollout's report, a line per window (undefined: the last change needed none). */
    declare public readonly lastRollout: pulumi.Output<string[] | undefined>;

    constructor(name: string, args: OnlineEndpointTrafficArgs, opts?: pulumi.CustomResourceOptions) {
        const settings = { traffic: { ...args.traffic }, mirrorTraffic: { ...args.mirrorTraffic } };
        const required = deploymentsNamedBy(args.traffic, args.mirrorTraffic);
        const inputs = settingsResourceInputs(args, "onlineTraffic", settings, required, {
            rollout: args.rollout,
            authMode: args.authMode,
            deploymentFingerprints: args.deploymentFingerprints,
        });
        super(provider, name, inputs, opts, "azureml", "OnlineEndpointTraffic");
    }
}
