import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../lib/arm/clouds";
import { deploymentsNamedBy } from "../online/trafficRules";
import { EndpointSettingsProvider } from "./endpointSettingsProvider";

const provider = new EndpointSettingsProvider();

export interface OnlineEndpointTrafficArgs {
    /** ARM id of the online endpoint. */
    readonly endpointId: pulumi.Input<string>;
    /** Azure cloud whose Resource Manager to call (`AZUREML_ARM_ENDPOINT` overrides the URL). */
    readonly cloud: AzureCloud;
    /** Percent of live traffic per deployment. */
    readonly traffic: Readonly<Record<string, number>>;
    /** Percent of live traffic copied to a deployment. */
    readonly mirrorTraffic: Readonly<Record<string, number>>;
    /** The endpoint's `systemData.lastModifiedAt` from its Pulumi state (see EndpointSettingsInputs). */
    readonly endpointModifiedAt?: pulumi.Input<string | undefined>;
    /** Changes whenever the endpoint is updated (which resets traffic), to apply it again. */
    readonly endpointRevision: pulumi.Input<string>;
    /** Seconds the apply may take, retries and waits included. */
    readonly timeoutSeconds: number;
}

/**
 * An online endpoint's traffic and mirror traffic, applied after every deployment it names
 * exists, and taken off every deployment when it is deleted (so deployments can be deleted).
 */
export class OnlineEndpointTraffic extends pulumi.dynamic.Resource {
    /** Traffic and mirror traffic as Azure reports them. (`declare`: a class field would overwrite the output the base class sets.) */
    declare public readonly applied: pulumi.Output<{ traffic: Record<string, number>; mirrorTraffic: Record<string, number> }>;

    constructor(name: string, args: OnlineEndpointTrafficArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            {
                endpointId: args.endpointId,
                cloud: args.cloud,
                kind: "onlineTraffic",
                settings: { traffic: { ...args.traffic }, mirrorTraffic: { ...args.mirrorTraffic } },
                requiredDeployments: deploymentsNamedBy(args.traffic, args.mirrorTraffic),
                endpointRevision: args.endpointRevision,
                endpointModifiedAt: args.endpointModifiedAt,
                timeoutSeconds: args.timeoutSeconds,
                applied: undefined,
                appliedAt: undefined,
            },
            opts,
            "azureml",
            "OnlineEndpointTraffic",
        );
    }
}
