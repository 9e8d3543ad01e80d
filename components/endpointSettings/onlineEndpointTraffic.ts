import * as pulumi from "@pulumi/pulumi";
import { deploymentsNamedBy } from "../online/trafficRules";
import { EndpointSettingsProvider, RolloutSettings } from "./endpointSettingsProvider";
import { EndpointSettingsTarget, settingsOwnedInputs, settingsResourceInputs } from "./settingsResourceArgs";

const provider = new EndpointSettingsProvider();

/** The online endpoint's properties this resource owns, beside its tags. */
export const onlineSettingsProperties = ["traffic", "mirrorTraffic", "authMode", "publicNetworkAccess"] as const;

/** What the endpoint's own resource must ignore changes of: this resource applies them. */
export const onlineEndpointOwnedInputs = settingsOwnedInputs(onlineSettingsProperties);

export interface OnlineEndpointTrafficArgs extends EndpointSettingsTarget {
    /** Percent of live traffic per deployment. */
    readonly traffic: Readonly<Record<string, number>>;
    /** Percent of live traffic copied to a deployment. */
    readonly mirrorTraffic: Readonly<Record<string, number>>;
    readonly authMode: "Key" | "AMLToken" | "AADToken";
    readonly publicNetworkAccess: "Enabled" | "Disabled";
    /** Progressive rollout of a raised weight; absent: the declared weights in one PUT. */
    readonly rollout?: RolloutSettings;
}

export interface AppliedOnlineSettings {
    readonly traffic: Record<string, number>;
    readonly mirrorTraffic: Record<string, number>;
    readonly authMode: string;
    readonly publicNetworkAccess: string;
}

/**
 * An online endpoint's traffic and mirror traffic, applied after every deployment it names
 * exists, together with the endpoint's other mutable settings (tags, auth mode, public network
 * access) in one GET-merge-PUT, so that no update of the endpoint ever leaves it without its
 * traffic; taken off every deployment when deleted (so deployments can be deleted).
 */
export class OnlineEndpointTraffic extends pulumi.dynamic.Resource {
    /** The owned settings as Azure reports them. (`declare`: a class field would overwrite the output the base class sets.) */
    declare public readonly applied: pulumi.Output<AppliedOnlineSettings>;
    /** The last rollout's report, a line per window (undefined: the last change needed none). */
    declare public readonly lastRollout: pulumi.Output<string[] | undefined>;

    constructor(name: string, args: OnlineEndpointTrafficArgs, opts?: pulumi.CustomResourceOptions) {
        const settings = {
            traffic: { ...args.traffic },
            mirrorTraffic: { ...args.mirrorTraffic },
            authMode: args.authMode,
            publicNetworkAccess: args.publicNetworkAccess,
        };
        const required = deploymentsNamedBy(args.traffic, args.mirrorTraffic);
        super(provider, name, settingsResourceInputs(args, "onlineTraffic", settings, required, args.rollout), opts, "azureml", "OnlineEndpointTraffic");
    }
}
