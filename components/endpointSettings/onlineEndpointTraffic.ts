import * as pulumi from "@pulumi/pulumi";
import { deploymentsNamedBy } from "../online/trafficRules";
import { EndpointSettingsProvider } from "./endpointSettingsProvider";
import { EndpointSettingsTarget, settingsResourceInputs } from "./settingsResourceArgs";

const provider = new EndpointSettingsProvider();

export interface OnlineEndpointTrafficArgs extends EndpointSettingsTarget {
    /** Percent of live traffic per deployment. */
    readonly traffic: Readonly<Record<string, number>>;
    /** Percent of live traffic copied to a deployment. */
    readonly mirrorTraffic: Readonly<Record<string, number>>;
}

/**
 * An online endpoint's traffic and mirror traffic, applied after every deployment it names
 * exists, and taken off every deployment when it is deleted (so deployments can be deleted).
 */
export class OnlineEndpointTraffic extends pulumi.dynamic.Resource {
    /** Traffic and mirror traffic as Azure reports them. (`declare`: a class field would overwrite the output the base class sets.) */
    declare public readonly applied: pulumi.Output<{ traffic: Record<string, number>; mirrorTraffic: Record<string, number> }>;

    constructor(name: string, args: OnlineEndpointTrafficArgs, opts?: pulumi.CustomResourceOptions) {
        const settings = { traffic: { ...args.traffic }, mirrorTraffic: { ...args.mirrorTraffic } };
        const required = deploymentsNamedBy(args.traffic, args.mirrorTraffic);
        super(provider, name, settingsResourceInputs(args, "onlineTraffic", settings, required), opts, "azureml", "OnlineEndpointTraffic");
    }
}
