import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../lib/arm/clouds";
import { EndpointSettingsProvider } from "./endpointSettingsProvider";

const provider = new EndpointSettingsProvider();

export interface BatchEndpointDefaultArgs {
    /** ARM id of the batch endpoint. */
    readonly endpointId: pulumi.Input<string>;
    readonly cloud: AzureCloud;
    /** The deployment jobs go to when they name none. */
    readonly deploymentName: string;
    /** The endpoint's `systemData.lastModifiedAt` from its Pulumi state (see EndpointSettingsInputs). */
    readonly endpointModifiedAt?: pulumi.Input<string | undefined>;
    /** Changes whenever the endpoint is updated (which resets its defaults), to apply it again. */
    readonly endpointRevision: pulumi.Input<string>;
    readonly timeoutSeconds: number;
}

/**
 * A batch endpoint's default deployment, set once that deployment exists, by the same provider
 * as online traffic (GET, PUT with `defaults.deploymentName`, follow the operation), and unset
 * when deleted so that the deployment can go.
 */
export class BatchEndpointDefault extends pulumi.dynamic.Resource {
    /** The defaults as Azure reports them. (`declare`: a class field would overwrite the base class's output.) */
    declare public readonly applied: pulumi.Output<{ defaults: { deploymentName?: string } }>;

    constructor(name: string, args: BatchEndpointDefaultArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            {
                endpointId: args.endpointId,
                cloud: args.cloud,
                kind: "batchDefault",
                settings: { defaults: { deploymentName: args.deploymentName } },
                requiredDeployments: [args.deploymentName],
                endpointRevision: args.endpointRevision,
                endpointModifiedAt: args.endpointModifiedAt,
                timeoutSeconds: args.timeoutSeconds,
                applied: undefined,
                appliedAt: undefined,
            },
            opts,
            "azureml",
            "BatchEndpointDefault",
        );
    }
}
