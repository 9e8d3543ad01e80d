import * as pulumi from "@pulumi/pulumi";
import { AzureCloud } from "../../lib/arm/clouds";
import { SettingsKind } from "./endpointSettingsProvider";

/** What every endpoint-settings resource takes about its endpoint. */
export interface EndpointSettingsTarget {
    /** ARM id of the endpoint. */
    readonly endpointId: pulumi.Input<string>;
    /** Azure cloud whose Resource Manager to call (`AZUREML_ARM_ENDPOINT` overrides the URL). */
    readonly cloud: AzureCloud;
    /** Changes whenever the endpoint's declaration changes (an update resets its settings). */
    readonly endpointRevision: pulumi.Input<string>;
    /** The endpoint's `systemData.lastModifiedAt` from its Pulumi state (see EndpointSettingsInputs). */
    readonly endpointModifiedAt?: pulumi.Input<string | undefined>;
    /** Seconds one apply may take, retries and waits included. */
    readonly timeoutSeconds: number;
}

/** The provider inputs of an endpoint-settings resource, outputs declared for the engine. */
export function settingsResourceInputs(
    target: EndpointSettingsTarget,
    kind: SettingsKind,
    settings: Record<string, unknown>,
    requiredDeployments: string[],
): pulumi.Inputs {
    return {
        endpointId: target.endpointId,
        cloud: target.cloud,
        kind,
        settings,
        requiredDeployments,
        endpointRevision: target.endpointRevision,
        endpointModifiedAt: target.endpointModifiedAt,
        timeoutSeconds: target.timeoutSeconds,
        applied: undefined,
        appliedAt: undefined,
    };
}
