import * as pulumi from "@pulumi/pulumi";
import { BatchDefaultProvider } from "../../../runtime/providers/endpointSettings/batchDefaultProvider";
import { EndpointSettingsTarget, settingsResourceInputs } from "./settingsResourceArgs";

const provider = new BatchDefaultProvider();

export interface BatchEndpointDefaultArgs extends EndpointSettingsTarget {
    /** The deployment jobs go to when they name none. */
    readonly deploymentName: string;
}

/**
 * A batch endpoint's default deployment, set once that deployment exists, by the same provider
 * as online traffic (GET, PUT with `defaults.deploymentName` and the rest as Azure has it, follow
 * the operation), and unset when deleted so that the deployment can go.
 */
export class BatchEndpointDefault extends pulumi.dynamic.Resource {
    /** The defaults as Azure reports them. (`declare`: a class field would overwrite the base class's output.) */
    declare public readonly applied: pulumi.Output<{ defaults: { deploymentName?: string } }>;

    constructor(name: string, args: BatchEndpointDefaultArgs, opts?: pulumi.CustomResourceOptions) {
        const settings = { defaults: { deploymentName: args.deploymentName } };
        super(provider, name, settingsResourceInputs(args, "batchDefault", settings, [args.deploymentName]), opts, "azureml", "BatchEndpointDefault");
    }
}
