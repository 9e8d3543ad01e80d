import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../../runtime/arm/clouds";
import { VersionPreflightInputs, VersionPreflightProvider } from "../../../runtime/providers/versionPreflightProvider";

const provider = new VersionPreflightProvider();

/**
 * The URN of a component declared at the top of the stack (its parent is the stack), known before
 * the engine registers it: what `pulumi import --parent` takes.
 */
export function topLevelComponentUrn(type: string, name: string): string {
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${name}`;
}

export interface VersionPreflightArgs {
    /** ARM id of the workspace. */
    readonly workspaceId: pulumi.Input<string>;
    readonly kind: "models" | "data";
    readonly name: string;
    readonly version: string;
    readonly assetUri: string;
    readonly declaredIn: string;
    readonly resourceType: string;
    readonly resourceName: string;
    /** URN of the version's parent component, for `pulumi import --parent`. */
    readonly parentUrn: string;
    readonly cloud: AzureCloud;
}

/** The preflight of one asset version: the version depends on it, so it never starts a doomed create. */
export class VersionPreflight extends pulumi.dynamic.Resource {
    constructor(name: string, args: VersionPreflightArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs: Record<keyof VersionPreflightInputs, pulumi.Input<string>> = {
            versionId: pulumi.interpolate`${args.workspaceId}/${args.kind}/${args.name}/versions/${args.version}`,
            assetUri: args.assetUri,
            uriProperty: args.kind === "models" ? "modelUri" : "dataUri",
            declaredIn: args.declaredIn,
            resourceType: args.resourceType,
            resourceName: args.resourceName,
            parentUrn: args.parentUrn,
            cloud: args.cloud,
        };
        super(provider, name, inputs, opts, "azureml", "VersionPreflight");
    }
}
