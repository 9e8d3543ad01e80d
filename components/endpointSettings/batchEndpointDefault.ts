import * as pulumi from "@pulumi/pulumi";
import { EndpointSettingsProvider } from "./endpointSettingsProvider";
import { EndpointSettingsTarget, settingsOwnedInputs, settingsResourceInputs } from "./settingsResourceArgs";

const provider = new EndpointSettingsProvider();

/** What the batch endpoint's own resource must ignore changes of: this resource applies them. */
export const batchEndpointOwnedInputs = settingsOwnedInputs(["defaults"]);

export interface BatchEndpointDefaultArgs extends EndpointSettingsTarget {
    /** The deployment jobs go to when they name none. */
    readonly deploymentName: string;
}

/**
 * A batch endpoint's default deployment, set once that deployment exists, by the same provider
 * as online traffic (GET, PUT with `defaults.deploymentName` and the endpoint's tags, follow the
 * operation), and unset when deleted so that the deployment can go.
 */
export class BatchEndpointDefault extends pulumi.dynamic.Resource {
    /** The defaults as Azure reports them. (`declare`: a class field would overwrite the base class's output.) */
    declare public readonly applied: pulumi.Output<{ defaults: { deploymentName?: string } }>;

    constructor(name: string, args: BatchEndpointDefaultArgs, opts?: pulumi.CustomResourceOptions) {
        const settings = { defaults: { deploymentName: args.deploymentName } };
        super(provider, name, settingsResourceInputs(args, "batchDefault", settings, [args.deploymentName]), opts, "azureml", "BatchEndpointDefault");
    }
}
