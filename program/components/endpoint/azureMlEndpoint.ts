import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../../runtime/arm/clouds";
import { EndpointProvider } from "../../../runtime/providers/endpointProvider";

const provider = new EndpointProvider();

export interface AzureMlEndpointArgs {
    /** ARM id of the workspace the endpoint lives in. */
    readonly workspaceId: pulumi.Input<string>;
    /** Azure name of the endpoint (unique in its region). */
    readonly endpointName: pulumi.Input<string>;
    readonly location: string;
    readonly cloud: AzureCloud;
    /** The endpoint's own properties (auth mode, network access); never traffic or defaults. */
    readonly properties: Readonly<Record<string, string>>;
    readonly tags: Readonly<Record<string, string>>;
    /** Seconds one create, update or delete may take. */
    readonly timeoutSeconds: number;
}

type EndpointKind = "online" | "batch";

const collection: Record<EndpointKind, string> = { online: "onlineEndpoints", batch: "batchEndpoints" };

/**
 * An Azure ML online or batch endpoint, owned whole by this program's provider (endpointProvider.ts):
 * created without traffic, updated by GET-merge-PUT, so no update, provider upgrade or refresh
 * ever PUTs it without its live traffic and default deployment.
 */
export class AzureMlEndpoint extends pulumi.dynamic.Resource {
    /** (`declare`: a class field would overwrite the output the base class sets.) */
    declare public readonly name: pulumi.Output<string>;
    declare public readonly endpointId: pulumi.Output<string>;
    declare public readonly scoringUri: pulumi.Output<string>;
    declare public readonly swaggerUri: pulumi.Output<string | undefined>;

    constructor(name: string, kind: EndpointKind, args: AzureMlEndpointArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            {
                endpointId: pulumi.interpolate`${args.workspaceId}/${collection[kind]}/${args.endpointName}`,
                cloud: args.cloud,
                location: args.location,
                properties: { ...args.properties },
                tags: { ...args.tags },
                timeoutSeconds: args.timeoutSeconds,
                name: undefined,
                scoringUri: undefined,
                swaggerUri: undefined,
            },
            opts,
            "azureml",
            kind === "online" ? "OnlineEndpoint" : "BatchEndpoint",
        );
    }
}
